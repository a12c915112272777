package io.tally.it.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bin/tally} as a user runs it: every command answers {@code --help} with its options, a
 * command it does not know is a usage error (exit 2), and {@code key} prints a key together with
 * the SHA-256 that configures it.
 */
class TallyLauncherIT {
  private static final Path ROOT =
      Path.of(System.getProperty("tally.root", "..")).toAbsolutePath().normalize();

  private record Result(int exit, String output) {}

  /** Runs bin/tally with the build's own class path (never rebuilding from inside a build). */
  private static Result tally(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = ROOT.resolve("bin/tally").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().put("TALLY_REBUILD", "0");
    builder.environment().put("TALLY_JAVA_OPTS", "-Xmx256m");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bin/tally " + String.join(" ", args) + " did not end");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource({
    "pipeline, --bootstrapServers",
    "pipeline, --stateBackend",
    "load, --rate",
    "backfill, --from",
    "reconcile, --from",
    "serve, CONFIG",
    "key, --roles"
  })
  void everyCommandDescribesItsOptions(String command, String option) throws Exception {
    Result help = tally(command, "--help");

    assertThat(help.exit()).as(help.output()).isZero();
    assertThat(help.output()).contains(option);
  }

  @Test
  void anUnknownCommandIsAUsageError() throws Exception {
    Result unknown = tally("frobnicate");

    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.output()).contains("unknown command 'frobnicate'").contains("usage:");
  }

  @Test
  void keyPrintsAKeyAndTheHashThatConfiguresIt() throws Exception {
    Result key = tally("key", "--name=feed-a", "--roles=ingester");

    assertThat(key.exit()).as(key.output()).isZero();
    Matcher printed = Pattern.compile("API key[^:]*: (\\S+)").matcher(key.output());
    Matcher hash = Pattern.compile("sha256: ([0-9a-f]{64})").matcher(key.output());
    assertThat(printed.find()).as(key.output()).isTrue();
    assertThat(hash.find()).as(key.output()).isTrue();
    byte[] expected =
        MessageDigest.getInstance("SHA-256")
            .digest(printed.group(1).getBytes(StandardCharsets.UTF_8));
    assertThat(hash.group(1)).isEqualTo(HexFormat.of().formatHex(expected));
    assertThat(key.output()).contains("name: feed-a").contains("roles: [ingester]");
  }
}
