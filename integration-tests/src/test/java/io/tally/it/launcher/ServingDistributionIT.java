package io.tally.it.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.serving.auth.Credential;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service's distribution, {@code serving/target/tally-serving-VERSION-all.jar}, as an
 * operator runs it: {@code java -jar ... server CONFIG} in a process of its own, with neither Beam
 * nor Flink inside, answers queries, reports healthy, and accepts a write with the key that its own
 * {@code key} command printed, configured with exactly the entry that command printed.
 */
class ServingDistributionIT {
  private static final Path ROOT =
      Path.of(System.getProperty("tally.root", "..")).toAbsolutePath().normalize();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Path distribution() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("serving/target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("tally-serving-.*-all\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no serving/target/tally-serving-*-all.jar"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void theJarHoldsNeitherBeamNorFlink() throws Exception {
    try (JarFile jar = new JarFile(distribution().toFile())) {
      assertThat(
              jar.stream()
                  .map(e -> e.getName())
                  .filter(
                      n -> n.startsWith("org/apache/beam/") || n.startsWith("org/apache/flink/")))
          .isEmpty();
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("io.tally.serving.TallyApplication");
    }
  }

  @Test
  void theJarRunsTheServiceWithTheKeyItsKeyCommandPrinted(@TempDir Path dir) throws Exception {
    int port = freePort();
    int admin = freePort();
    PrintedKey printed = printedKey(dir);
    Path config = dir.resolve("tally.yml");
    Files.writeString(
        config,
        String.join(
                "\n",
                "server:",
                "  applicationConnectors: [{type: http, port: " + port + "}]",
                "  adminConnectors: [{type: http, port: " + admin + "}]",
                printed.authBlock())
            + "\n");
    Process service =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-jar",
                    distribution().toString(),
                    "server",
                    config.toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("service.log").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .failFast("the service ended", () -> !service.isAlive())
          .ignoreExceptions()
          .until(() -> get("http://127.0.0.1:" + port + "/v1/metrics").statusCode() == 200);

      assertThat(get("http://127.0.0.1:" + admin + "/healthcheck").statusCode()).isEqualTo(200);
      String definition =
          "{\"filter\": {\"type\": [\"movie.view\"]}, \"groupBy\": [\"geo\"],"
              + " \"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"1m\"}}";
      assertThat(put(port, "views_by_geo_it", printed.key(), definition).statusCode())
          .isEqualTo(201);
      assertThat(put(port, "views_by_geo_other", Credential.newKey(), definition).statusCode())
          .isEqualTo(401);
    } finally {
      service.destroy();
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
  }

  /** The key and the {@code auth:} block that {@code java -jar ... key} printed. */
  private record PrintedKey(String key, String authBlock) {}

  private static final String KEY_LINE = "API key (shown only now; keep it secret): ";

  /** Runs the jar's {@code key} command as an operator would and reads what it printed. */
  private static PrintedKey printedKey(Path dir) throws Exception {
    Path out = dir.resolve("key.out");
    Process command =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    distribution().toString(),
                    "key",
                    "--name=it",
                    "--roles=admin"))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!command.waitFor(2, TimeUnit.MINUTES)) {
      command.destroyForcibly();
      throw new AssertionError("the key command did not end within 2 minutes");
    }
    List<String> lines = Files.readAllLines(out);
    assertThat(command.exitValue()).as("key command exit, output %s", lines).isZero();
    String key =
        lines.stream()
            .filter(l -> l.startsWith(KEY_LINE))
            .map(l -> l.substring(KEY_LINE.length()).trim())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no key line in " + lines));
    int auth = lines.indexOf("auth:");
    assertThat(auth).as("an auth: block in %s", lines).isNotNegative();
    List<String> block = new ArrayList<>();
    for (String line : lines.subList(auth, lines.size())) {
      if (line.isBlank()) {
        break;
      }
      block.add(line);
    }
    assertThat(block).anyMatch(l -> l.contains("sha256:")).anyMatch(l -> l.contains("admin"));
    assertThat(String.join("\n", block)).doesNotContain(key);
    return new PrintedKey(key, String.join("\n", block));
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> put(int port, String metric, String key, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/metrics/" + metric))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .header("If-None-Match", "*")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
