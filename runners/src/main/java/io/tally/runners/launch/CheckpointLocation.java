package io.tally.runners.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a streaming job's checkpoints go. Without a directory Flink keeps checkpoints in the
 * JobManager's memory, which refuses any state above 5 MiB: a job at a production rate outgrows
 * that within minutes and then never completes another checkpoint. So a job that checkpoints always
 * gets a directory: {@code --checkpointDir} when given, else {@code checkpoints} in Tally's data
 * directory ({@value #DATA_DIR_ENV}, by default {@value #DEFAULT_DATA_DIR} in the working
 * directory, where the query service keeps its saved queries too).
 */
public final class CheckpointLocation {
  /** The environment variable that moves Tally's data directory. */
  public static final String DATA_DIR_ENV = "TALLY_DATA_DIR";

  /** Tally's data directory when {@value #DATA_DIR_ENV} is not set, relative to the working one. */
  public static final String DEFAULT_DATA_DIR = "tally-data";

  /** The flinkMaster of a Flink cluster inside this process. */
  public static final String LOCAL_MASTER = "[local]";

  /** A checkpoint directory, and whether it is the default ({@code --checkpointDir} not given). */
  public record Resolved(Path dir, boolean byDefault) {}

  private CheckpointLocation() {}

  /**
   * The directory checkpoints go to: {@code checkpointDir} when given (as given, made absolute);
   * none when checkpointing is off ({@code intervalMillis <= 0}); else the data directory's {@code
   * checkpoints}, absolute, on a cluster in this process. A job on a remote cluster gets no
   * default: its JobManager and TaskManagers write the checkpoints, and a directory of this machine
   * may not exist for them, so it fails with {@link IllegalArgumentException}.
   */
  public static Optional<Resolved> resolve(
      Optional<String> checkpointDir,
      long intervalMillis,
      String flinkMaster,
      Map<String, String> env) {
    if (checkpointDir.isPresent()) {
      return Optional.of(
          new Resolved(Path.of(checkpointDir.get()).toAbsolutePath().normalize(), false));
    }
    if (intervalMillis <= 0) {
      return Optional.empty();
    }
    if (!LOCAL_MASTER.equals(flinkMaster)) {
      throw new IllegalArgumentException(
          "Checkpointing is on (every "
              + intervalMillis
              + " ms) but no --checkpointDir was given for the Flink cluster at --flinkMaster="
              + flinkMaster
              + ": pass --checkpointDir=<a directory its JobManager and every TaskManager can"
              + " reach> (bin/flink submit passes its cluster's), or --checkpointingInterval=-1"
              + " to run without checkpoints. Without a directory Flink keeps checkpoints in the"
              + " JobManager's memory, which fails once the state exceeds 5 MiB.");
    }
    String dataDir = env.get(DATA_DIR_ENV);
    Path base = Path.of(dataDir == null || dataDir.isBlank() ? DEFAULT_DATA_DIR : dataDir);
    return Optional.of(
        new Resolved(base.resolve("checkpoints").toAbsolutePath().normalize(), true));
  }

  /**
   * Creates {@code dir} unless it exists, so that a directory the job cannot use stops it before it
   * starts rather than failing every checkpoint later.
   */
  public static void prepare(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(unusable(dir, e.toString()), e);
    }
    if (!Files.isWritable(dir)) {
      throw new IllegalArgumentException(unusable(dir, "not writable"));
    }
  }

  private static String unusable(Path dir, String why) {
    return "Cannot keep checkpoints in "
        + dir
        + " ("
        + why
        + "): set "
        + DATA_DIR_ENV
        + " to a directory the job can write (checkpoints go to its 'checkpoints'), pass"
        + " --checkpointDir=DIR, or --checkpointingInterval=-1 to run without checkpoints.";
  }
}
