package io.tally.runners.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

  private static Path checkpoint(Path dir, String job, int n, Long metadataWrittenAt)
      throws Exception {
    Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + n));
    if (metadataWrittenAt != null) {
      Path metadata = Files.writeString(chk.resolve("_metadata"), "x");
      Files.setLastModifiedTime(metadata, FileTime.fromMillis(metadataWrittenAt));
    }
    return chk;
  }

  @Test
  void theNewestCompletedCheckpointOfAnyJob(@TempDir Path dir) throws Exception {
    checkpoint(dir, "job-a", 9, 1_000_000L);
    Path newest = checkpoint(dir, "job-b", 2, 2_000_000L);
    checkpoint(dir, "job-b", 3, null); // in progress: no _metadata yet
    Files.createDirectories(dir.resolve("job-b").resolve("shared"));
    assertThat(Checkpoints.latest(dir)).contains(newest);
  }

  @Test
  void theHigherNumberWhenWrittenAtTheSameTime(@TempDir Path dir) throws Exception {
    checkpoint(dir, "job", 4, 5_000L);
    Path five = checkpoint(dir, "job", 5, 5_000L);
    assertThat(Checkpoints.latest(dir)).contains(five);
  }

  @Test
  void noneWhenTheDirectoryIsMissingOrEmpty(@TempDir Path dir) throws Exception {
    assertThat(Checkpoints.latest(dir.resolve("missing"))).isEmpty();
    assertThat(Checkpoints.latest(dir)).isEmpty();
    checkpoint(dir, "job", 1, null);
    assertThat(Checkpoints.latest(dir)).isEmpty();
  }
}
