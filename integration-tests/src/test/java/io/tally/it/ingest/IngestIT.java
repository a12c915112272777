package io.tally.it.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.tally.it.support.KafkaBroker;
import io.tally.serving.TallyConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /v1/events} against a real broker: what a 202 promises, and the 4xx answers. */
@ExtendWith(KafkaBroker.class)
class IngestIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String EVENTS = "ingest-it-events-" + RUN;
  private static final String FEED = "ingest-it-aggregates-" + RUN;
  private static final String STORE = "ingest-it-" + RUN;

  /**
   * A client per request, each with its own connection: some tests here make the server close a
   * connection right after its answer (an oversized body it does not read), and a pooled connection
   * that the server has closed fails the next request with no answer at all.
   */
  private static HttpClient client() {
    return HttpClient.newHttpClient();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static DropwizardAppExtension<TallyConfiguration> app;

  @BeforeAll
  static void startService() throws Exception {
    app = TallyTestConfigs.startService(STORE, EVENTS, 3, FEED, 2, kafka -> {});
  }

  @AfterAll
  static void stopService() {
    TallyTestConfigs.stopService(app, STORE);
  }

  @Test
  void aTwoHundredAndTwoMeansEveryAcceptedLineIsInTheTopicByteForByte() throws Exception {
    String source = "src-exact-" + RUN;
    List<String> lines =
        List.of(
            event(source, "1", "sports/nba"),
            // Spacing, field order, unknown fields and non-ASCII text are kept as sent.
            "{ \"source\" : \""
                + source
                + "\", \"id\":\"2\",\"type\":\"movie.view\","
                + "\"category\":\"movies/drame\u0301\",\"ts\":\"2026-11-27T21:00:00.5+01:00\","
                + "\"entity\":\"Am\u00e9lie \uD83C\uDFAC\",\"attrs\":{\"k\":\"v\"},\"future\":[1] }  ",
            event(source, "3", "sports/nba"));
    HttpResponse<String> response = post(String.join("\n", lines) + "\n", "application/x-ndjson");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode result = JSON.readTree(response.body());
    assertThat(result.get("accepted").asInt()).isEqualTo(3);
    assertThat(result.get("rejected")).isEmpty();

    // Read right after the answer, with no waiting: acknowledged records are already there.
    List<ConsumerRecord<byte[], byte[]>> records = recordsOf(source);
    assertThat(records).hasSize(3);
    assertThat(records.stream().map(r -> ByteBuffer.wrap(r.value())).toList())
        .containsExactlyInAnyOrderElementsOf(
            lines.stream().map(l -> ByteBuffer.wrap(l.getBytes(StandardCharsets.UTF_8))).toList());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String category = JSON.readTree(record.value()).get("category").asText();
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(category);
    }
    // One category, one partition, in the order sent.
    List<String> nba =
        records.stream()
            .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("sports/nba"))
            .map(r -> new String(r.value(), StandardCharsets.UTF_8))
            .toList();
    assertThat(nba).containsExactly(lines.get(0), lines.get(2));
  }

  @Test
  void badLinesAreRejectedOneByOneAndTheGoodOnesStillAccepted() throws Exception {
    String source = "src-mixed-" + RUN;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write((event(source, "1", "a/b") + "\r\n").getBytes(StandardCharsets.UTF_8)); // 1 (CRLF)
    body.write("{not json}\n".getBytes(StandardCharsets.UTF_8)); // 2
    body.write(
        ("{\"id\":\"2\",\"source\":\"" + source + "\",\"type\":\"t\",\"ts\":0}\n")
            .getBytes(StandardCharsets.UTF_8)); // 3: no category
    body.write("   \n".getBytes(StandardCharsets.UTF_8)); // 4: blank, skipped
    body.write((event(source, "3", "a/c") + "\n").getBytes(StandardCharsets.UTF_8)); // 5
    body.write(
        event(source, "4", "a/\u00e9")
            .replace("\u00e9", "\uFFFD")
            .getBytes(StandardCharsets.UTF_8)); // 6: replaced below by an invalid UTF-8 byte
    body.write('\n');
    String big =
        event(source, "5", "a/d")
            .replace(
                "\"ts\"",
                "\"entity\":\""
                    + "x".repeat(200)
                    + "\",\"attrs\":{\"k\":\""
                    + "y".repeat(17_000)
                    + "\"},\"ts\"");
    body.write((big + "\n").getBytes(StandardCharsets.UTF_8)); // 7: larger than 16 KiB
    byte[] bytes = withInvalidUtf8OnLine6(body.toByteArray());

    HttpResponse<String> response = post(bytes, "application/x-ndjson");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode result = JSON.readTree(response.body());
    assertThat(result.get("accepted").asInt()).isEqualTo(2);
    List<Integer> rejectedLines = new ArrayList<>();
    result.get("rejected").forEach(r -> rejectedLines.add(r.get("line").asInt()));
    assertThat(rejectedLines).containsExactly(2, 3, 6, 7);
    assertThat(result.get("rejected").get(0).get("error").asText()).contains("JSON");
    assertThat(result.get("rejected").get(1).get("error").asText()).startsWith("category");
    assertThat(result.get("rejected").get(2).get("error").asText()).contains("UTF-8");
    assertThat(result.get("rejected").get(3).get("error").asText()).contains("larger than");

    assertThat(recordsOf(source).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
        .containsExactlyInAnyOrder(event(source, "1", "a/b"), event(source, "3", "a/c"));
  }

  @Test
  void noValidLineIsA400ProblemListingEveryLine() throws Exception {
    String source = "src-allbad-" + RUN;
    HttpResponse<String> response =
        post("{\"id\":\"1\",\"source\":\"" + source + "\"}\n[]\n", "application/x-ndjson");

    assertProblem(response, 400);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("type").asText()).isEqualTo("urn:tally:problem:invalid-events");
    assertThat(problem.get("rejected")).hasSize(2);
    assertThat(problem.get("rejected").get(0).get("line").asInt()).isEqualTo(1);
    assertThat(problem.get("rejected").get(0).get("error").asText()).startsWith("type");
    assertThat(problem.get("rejected").get(1).get("line").asInt()).isEqualTo(2);
    assertThat(recordsOf(source)).isEmpty();

    assertProblem(post("", "application/x-ndjson"), 400);
  }

  @Test
  void applicationJsonIsReadAsOneObjectPerLine() throws Exception {
    String source = "src-json-" + RUN;
    HttpResponse<String> response =
        post(event(source, "1", "a") + "\n" + event(source, "2", "a"), "application/json");
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(response.body()).get("accepted").asInt()).isEqualTo(2);
    assertThat(recordsOf(source)).hasSize(2);

    assertProblem(post(event(source, "3", "a"), "text/plain"), 415);
  }

  @Test
  void aBodyOverFiveMebibytesIsA413Problem() throws Exception {
    String source = "src-large-" + RUN;
    int limit = 5 * 1024 * 1024;

    // Announced by Content-Length: refused before the body is read, so none is even sent.
    String announced = raw("Content-Length: " + (limit + 1) + "\r\n\r\n", out -> {});
    assertRawProblem(announced, 413);

    // Chunked, without a Content-Length: refused once one byte too many has arrived; the
    // client has not finished (nor will it finish) sending.
    byte[] body = largeBody(source, limit + 1);
    String streamed =
        raw(
            "Transfer-Encoding: chunked\r\n\r\n",
            out -> {
              for (int at = 0; at < body.length; at += 64 * 1024) {
                int size = Math.min(64 * 1024, body.length - at);
                out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, at, size);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
              }
              out.flush();
            });
    assertRawProblem(streamed, 413);

    assertThat(recordsOf(source)).isEmpty();

    // Exactly 5 MiB is fine.
    HttpResponse<String> atLimit = post(largeBody(source, limit), "application/x-ndjson");
    assertThat(atLimit.statusCode()).isEqualTo(202);
    assertThat(recordsOf(source)).hasSize(JSON.readTree(atLimit.body()).get("accepted").asInt());
  }

  @Test
  void healthChecksSeeTheBrokerAndTheChangeFeed() throws Exception {
    HttpResponse<String> response =
        client()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + app.getAdminPort() + "/healthcheck"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode health = JSON.readTree(response.body());
    assertThat(health.get("kafka").get("healthy").asBoolean()).isTrue();
    assertThat(health.get("change-feed").get("healthy").asBoolean()).isTrue();
    assertThat(health.get("change-feed").get("caughtUp").asBoolean()).isTrue();
  }

  // --- helpers

  static String event(String source, String id, String category) {
    return "{\"id\":\""
        + id
        + "\",\"source\":\""
        + source
        + "\",\"type\":\"it.test\","
        + "\"category\":\""
        + category
        + "\",\"ts\":1795813200000}";
  }

  /** NDJSON of valid events, padded with a last line so that it is exactly {@code size} bytes. */
  private static byte[] largeBody(String source, int size) {
    StringBuilder body = new StringBuilder(size);
    int id = 0;
    while (true) {
      String line = event(source, Integer.toString(id++), "bulk") + "\n";
      if (body.length() + line.length() > size) {
        break;
      }
      body.append(line);
    }
    body.append(" ".repeat(size - body.length()));
    byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
    assertThat(bytes).hasSize(size);
    return bytes;
  }

  private static byte[] withInvalidUtf8OnLine6(byte[] body) {
    byte[] marker = "\uFFFD".getBytes(StandardCharsets.UTF_8);
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String needle = new String(marker, StandardCharsets.ISO_8859_1);
    int at = text.indexOf(needle);
    byte[] out = new byte[body.length - marker.length + 1];
    System.arraycopy(body, 0, out, 0, at);
    out[at] = (byte) 0xC3; // a lead byte without its continuation
    System.arraycopy(body, at + marker.length, out, at + 1, body.length - at - marker.length);
    return out;
  }

  private static List<ConsumerRecord<byte[], byte[]>> recordsOf(String source) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> mine = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : KafkaRecords.readAll(EVENTS)) {
      if (new String(record.value(), StandardCharsets.UTF_8).contains("\"" + source + "\"")) {
        mine.add(record);
      }
    }
    return mine;
  }

  interface BodyWriter {
    void write(OutputStream out) throws IOException;
  }

  /** A POST written by hand, to control exactly what the client sends and when. */
  private static String raw(String headersEnd, BodyWriter body) throws IOException {
    try (Socket socket = new Socket("localhost", app.getLocalPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/events HTTP/1.1\r\nHost: localhost\r\n"
                  + "Authorization: "
                  + TallyTestConfigs.AUTHORIZATION
                  + "\r\n"
                  + "Content-Type: application/x-ndjson\r\n"
                  + headersEnd)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      body.write(out);
      // The answer ends with the connection (the service closes it after a 413).
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertRawProblem(String raw, int status) throws IOException {
    assertThat(raw).startsWith("HTTP/1.1 " + status);
    assertThat(raw.toLowerCase(java.util.Locale.ROOT))
        .contains("content-type: application/problem+json");
    JsonNode problem = JSON.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).contains("5 MiB");
  }

  private static HttpRequest.Builder request() {
    return HttpRequest.newBuilder(
            URI.create("http://localhost:" + app.getLocalPort() + "/v1/events"))
        .header("Authorization", TallyTestConfigs.AUTHORIZATION);
  }

  private static HttpResponse<String> post(String body, String contentType) throws Exception {
    return post(body.getBytes(StandardCharsets.UTF_8), contentType);
  }

  private static HttpResponse<String> post(byte[] body, String contentType) throws Exception {
    return client()
        .send(
            request()
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static void assertProblem(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").isTextual()).isTrue();
    assertThat(problem.get("detail").isTextual()).isTrue();
    assertThat(problem.get("type").isTextual()).isTrue();
  }
}
