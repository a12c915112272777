package io.tally.runners.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLocationTest {

  @Test
  void theDataDirectorysCheckpointsWhenNoneIsGiven(@TempDir Path data) {
    assertThat(
            CheckpointLocation.resolve(
                Optional.empty(), 10_000, "[local]", Map.of("TALLY_DATA_DIR", data.toString())))
        .contains(new CheckpointLocation.Resolved(data.resolve("checkpoints"), true));
  }

  @Test
  void tallyDataInTheWorkingDirectoryWithoutTheEnvironmentVariable() {
    Path expected = Path.of("").toAbsolutePath().resolve("tally-data").resolve("checkpoints");
    assertThat(CheckpointLocation.resolve(Optional.empty(), 10_000, "[local]", Map.of()))
        .contains(new CheckpointLocation.Resolved(expected, true));
    assertThat(
            CheckpointLocation.resolve(
                Optional.empty(), 10_000, "[local]", Map.of("TALLY_DATA_DIR", " ")))
        .contains(new CheckpointLocation.Resolved(expected, true));
  }

  @Test
  void anExplicitDirectoryIsKeptAnywhere(@TempDir Path data) {
    Path given = data.resolve("mine");
    Map<String, String> env = Map.of("TALLY_DATA_DIR", data.toString());
    CheckpointLocation.Resolved explicit = new CheckpointLocation.Resolved(given, false);
    assertThat(CheckpointLocation.resolve(Optional.of(given.toString()), 10_000, "[local]", env))
        .contains(explicit);
    assertThat(
            CheckpointLocation.resolve(
                Optional.of(given.toString()), 10_000, "jobmanager:8081", env))
        .contains(explicit);
    assertThat(CheckpointLocation.resolve(Optional.of(given.toString()), -1, "[local]", env))
        .contains(explicit);
  }

  @Test
  void noneWhenCheckpointingIsOff() {
    assertThat(CheckpointLocation.resolve(Optional.empty(), -1, "[local]", Map.of())).isEmpty();
    assertThat(CheckpointLocation.resolve(Optional.empty(), 0, "jobmanager:8081", Map.of()))
        .isEmpty();
  }

  @Test
  void aRemoteClusterNeedsAnExplicitDirectory(@TempDir Path data) {
    assertThatThrownBy(
            () ->
                CheckpointLocation.resolve(
                    Optional.empty(),
                    10_000,
                    "jobmanager:8081",
                    Map.of("TALLY_DATA_DIR", data.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--flinkMaster=jobmanager:8081")
        .hasMessageContaining("--checkpointDir=")
        .hasMessageContaining("5 MiB");
  }

  @Test
  void prepareCreatesTheDirectory(@TempDir Path data) {
    Path dir = data.resolve("a").resolve("checkpoints");
    CheckpointLocation.prepare(dir);
    assertThat(dir).isDirectory();
    CheckpointLocation.prepare(dir); // and accepts one that exists
  }

  @Test
  void prepareRefusesWhatCannotBeADirectory(@TempDir Path data) throws Exception {
    Path file = Files.writeString(data.resolve("file"), "x");
    assertThatThrownBy(() -> CheckpointLocation.prepare(file.resolve("checkpoints")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot keep checkpoints in " + file.resolve("checkpoints"))
        .hasMessageContaining("TALLY_DATA_DIR")
        .hasMessageContaining("--checkpointDir");
  }
}
