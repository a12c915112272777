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
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service's distribution, {@code serving/target/tally-serving-VERSION-all.jar}, as an
 * operator runs it: {@code java -jar ... server CONFIG} in a process of its own, with neither Beam
 * nor Flink inside, answers queries, reports healthy, and accepts a write with a configured key.
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
  void theJarRunsTheServiceWhichAcceptsAConfiguredKey(@TempDir Path dir) throws Exception {
    int port = freePort();
    int admin = freePort();
    String key = Credential.newKey();
    Credential credential = Credential.forKey("it", key, Set.of("admin"));
    Path config = dir.resolve("tally.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "server:",
            "  applicationConnectors: [{type: http, port: " + port + "}]",
            "  adminConnectors: [{type: http, port: " + admin + "}]",
            "auth:",
            "  credentials:",
            "    - {name: it, sha256: " + credential.getSha256() + ", roles: [admin]}",
            ""));
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
      assertThat(put(port, "views_by_geo_it", key, definition).statusCode()).isEqualTo(201);
      assertThat(put(port, "views_by_geo_other", Credential.newKey(), definition).statusCode())
          .isEqualTo(401);
    } finally {
      service.destroy();
      if (!service.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
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
