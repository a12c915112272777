package io.tally.runners.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a Flink configuration directory for {@code --flinkConfDir}: the user's own one (when
 * given) plus a few entries.
 *
 * <p>Why a file: with {@code --flinkMaster=[local]} the Beam Flink runner ignores {@code
 * --savepointPath} (it only hands it to a remote environment), and it offers no way to reach the
 * {@code JobClient} of an attached job. Both are plain Flink settings, though ({@code
 * execution.savepoint.path}, {@code execution.job-listeners}), which the runner reads from the
 * configuration directory for every kind of environment.
 */
public final class FlinkConfDir {
  private static final String LEGACY = "flink-conf.yaml";
  private static final String STANDARD = "config.yaml";

  private FlinkConfDir() {}

  /**
   * A new temporary directory with the file of {@code userDir} (null: none), {@code defaults} its
   * file does not set, and {@code entries}, appended as top-level {@code key: value} lines (valid
   * in both Flink file formats).
   */
  public static Path write(
      String userDir, Map<String, String> defaults, Map<String, String> entries) {
    try {
      String name = LEGACY;
      StringBuilder content = new StringBuilder();
      if (userDir != null) {
        Path dir = Path.of(userDir);
        Path file =
            Files.exists(dir.resolve(STANDARD)) ? dir.resolve(STANDARD) : dir.resolve(LEGACY);
        if (Files.exists(file)) {
          name = file.getFileName().toString();
          content.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
        }
      }
      content.append("# Added by Tally's launcher\n");
      String given = content.toString();
      defaults.forEach(
          (key, value) -> {
            if (!Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*:")
                .matcher(given)
                .find()) {
              content.append(key).append(": ").append(value).append('\n');
            }
          });
      entries.forEach((key, value) -> content.append(key).append(": ").append(value).append('\n'));
      Path dir = Files.createTempDirectory("tally-flink-conf-");
      Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
      dir.toFile().deleteOnExit();
      dir.resolve(name).toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Flink configuration directory", e);
    }
  }
}
