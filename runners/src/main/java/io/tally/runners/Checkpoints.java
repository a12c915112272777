package io.tally.runners;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the checkpoint to resume from under a checkpoint directory. Flink writes
 * {@code <dir>/<job id>/chk-<n>/_metadata}; the {@code _metadata} file is written last, so a
 * directory without it is a checkpoint that was still in progress when the process died. Each run
 * is a new job id, so the newest is chosen by the time {@code _metadata} was written (then by
 * {@code n}), not by {@code n} alone.
 */
public final class Checkpoints {
  private static final Pattern CHK = Pattern.compile("chk-(\\d+)");

  private Checkpoints() {}

  /** The newest completed {@code chk-N} directory under {@code dir}, if any. */
  public static Optional<Path> latest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(dir, 3)) {
      return files
          .filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> CHK.matcher(p.getFileName().toString()).matches())
          .max(Comparator.comparingLong(Checkpoints::writtenAt).thenComparingLong(Checkpoints::number));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints under " + dir, e);
    }
  }

  private static long writtenAt(Path chk) {
    try {
      return Files.getLastModifiedTime(chk.resolve("_metadata")).toMillis();
    } catch (IOException e) {
      return Long.MIN_VALUE; // deleted meanwhile (subsumed): the least preferred
    }
  }

  private static long number(Path chk) {
    Matcher m = CHK.matcher(chk.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }
}
