package io.tally.runners.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the checkpoint to resume from under a checkpoint directory. Flink writes {@code <dir>/<job
 * id>/chk-<n>/_metadata}; the {@code _metadata} file is written last, so a directory without it is
 * a checkpoint that was still in progress when the process died. Each run is a new job id, so the
 * newest is chosen by the time {@code _metadata} was written (then by {@code n}), not by {@code n}
 * alone.
 */
public final class Checkpoints {
  private static final Pattern CHK = Pattern.compile("chk-(\\d+)");

  private Checkpoints() {}

  /**
   * The newest completed {@code chk-N} directory under {@code dir}, if any. A running job deletes
   * the checkpoints its new ones subsume while this looks, so a directory may vanish between being
   * listed and being read: it is then no candidate.
   */
  public static Optional<Path> latest(Path dir) {
    Path newest = null;
    long newestWrittenAt = Long.MIN_VALUE;
    for (Path job : children(dir)) {
      for (Path chk : children(job)) {
        if (!CHK.matcher(chk.getFileName().toString()).matches()) {
          continue;
        }
        long written = writtenAt(chk);
        if (written == Long.MIN_VALUE) {
          continue; // in progress, or deleted meanwhile
        }
        if (newest == null
            || written > newestWrittenAt
            || (written == newestWrittenAt && number(chk) > number(newest))) {
          newest = chk;
          newestWrittenAt = written;
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  /** The entries of {@code dir}; none when it is not (or no longer) a directory. */
  private static List<Path> children(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    } catch (IOException | UncheckedIOException e) {
      if (!Files.exists(dir)) {
        return List.of();
      }
      throw new UncheckedIOException(
          "cannot list checkpoints under " + dir,
          e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
    }
  }

  private static long writtenAt(Path chk) {
    try {
      return Files.getLastModifiedTime(chk.resolve("_metadata")).toMillis();
    } catch (IOException e) {
      return Long.MIN_VALUE; // not written yet, or deleted meanwhile (subsumed)
    }
  }

  private static long number(Path chk) {
    Matcher m = CHK.matcher(chk.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }
}
