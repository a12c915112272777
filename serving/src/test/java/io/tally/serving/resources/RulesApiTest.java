package io.tally.serving.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.tiering.rules.SharedRuleLogs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code PUT} and {@code DELETE /v1/metrics/{name}}: validation, versions and ETags, access. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RulesApiTest {
  private static final String STORE = "rules-api-test-" + UUID.randomUUID();
  private static final String COUNT_1M =
      "{\"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"1m\"}}";
  private static final String SUM_5M =
      "{\"name\": \"plays\", \"groupBy\": [\"geo\"], \"aggregate\": {\"fn\": \"sum\"},"
          + " \"window\": {\"size\": \"5m\", \"slide\": \"1m\"}, \"allowedLateness\": \"1m\"}";

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          ConfigOverride.config("rules.dedupHorizon", "10m"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterAll
  static void dropRuleLog() {
    SharedRuleLogs.remove(STORE);
  }

  @Test
  void createReplaceAndDeleteWithVersionsAsEntityTags() throws Exception {
    HttpResponse<String> created = put("plays", SUM_5M, TestKeys.ADMIN, "If-None-Match", "*");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(created.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/v1/metrics/plays"));
    assertThat(JSON.readTree(created.body()).get("version").asLong()).isEqualTo(1);

    HttpResponse<String> read = get("/v1/metrics/plays", null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
    JsonNode definition = JSON.readTree(read.body());
    assertThat(definition.get("window").get("size").asText()).isEqualTo("5m");
    assertThat(definition.has("activeFrom")).isTrue();

    // What GET answered can be changed and sent back as it is, with its ETag (9m and 1m of
    // lateness: exactly the dedup horizon's ceiling).
    ((com.fasterxml.jackson.databind.node.ObjectNode) definition.get("window")).put("size", "9m");
    HttpResponse<String> replaced =
        put("plays", definition.toString(), TestKeys.ADMIN, "If-Match", "\"1\"");
    assertThat(replaced.statusCode()).isEqualTo(200);
    assertThat(replaced.headers().firstValue("ETag")).hasValue("\"2\"");

    // A second editor who also read version 1 is refused, and changes nothing.
    HttpResponse<String> stale = put("plays", COUNT_1M, TestKeys.ADMIN, "If-Match", "\"1\"");
    assertProblem(stale, 412, "urn:tally:problem:precondition-failed");
    assertThat(JSON.readTree(stale.body()).get("detail").asText()).contains("version 2");
    assertProblem(put("plays", COUNT_1M, TestKeys.ADMIN, "If-None-Match", "*"), 412, null);
    assertThat(
            JSON.readTree(get("/v1/metrics/plays", null).body()).get("window").get("size").asText())
        .isEqualTo("9m");

    assertProblem(delete("plays", TestKeys.ADMIN, "\"1\""), 412, null);
    assertThat(delete("plays", TestKeys.ADMIN, "\"2\"").statusCode()).isEqualTo(204);
    assertProblem(get("/v1/metrics/plays", null), 404, "urn:tally:problem:unknown-metric");
    assertThat(JSON.readTree(get("/v1/metrics", null).body()).get("metrics").toString())
        .doesNotContain("plays");
    assertProblem(delete("plays", TestKeys.ADMIN, null), 404, null);

    // Created again after its deletion: a new version, never a reused one.
    HttpResponse<String> again = put("plays", COUNT_1M, TestKeys.ADMIN, "If-None-Match", "*");
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("ETag")).hasValue("\"4\"");
  }

  @Test
  void everyInvalidFieldIsListedAndNothingIsStored() throws Exception {
    String invalid =
        "{\"name\": \"other\", \"colour\": \"red\", \"filter\": {\"type\": \"movie.view\"},"
            + " \"groupBy\": [\"country\"], \"aggregate\": {\"fn\": \"median\"},"
            + " \"window\": {\"size\": \"5 minutes\"}, \"allowedLateness\": \"30d\"}";
    HttpResponse<String> response = put("broken", invalid, TestKeys.ADMIN, null, null);
    assertProblem(response, 400, "urn:tally:problem:invalid-definition");
    List<String> fields = new ArrayList<>();
    JSON.readTree(response.body()).get("errors").forEach(e -> fields.add(e.get("field").asText()));
    assertThat(fields)
        .containsExactlyInAnyOrder(
            "name",
            "colour",
            "filter.type",
            "groupBy[0]",
            "aggregate.fn",
            "window.size",
            "allowedLateness");
    assertThat(JSON.readTree(response.body()).get("errors").get(0).get("message").asText())
        .isNotBlank();
    assertProblem(get("/v1/metrics/broken", null), 404, null);

    // A topk without its field, a window sliding further than its size, an invalid path name.
    HttpResponse<String> more =
        put(
            "Bad-Name",
            "{\"aggregate\": {\"fn\": \"topk\", \"k\": 0}, \"window\": {\"size\": \"1m\", \"slide\": \"2m\"}}",
            TestKeys.ADMIN,
            null,
            null);
    List<String> moreFields = new ArrayList<>();
    JSON.readTree(more.body()).get("errors").forEach(e -> moreFields.add(e.get("field").asText()));
    assertThat(moreFields)
        .containsExactlyInAnyOrder("name", "aggregate.field", "aggregate.k", "window");

    assertProblem(put("broken", "[1, 2]", TestKeys.ADMIN, null, null), 400, null);
    assertProblem(put("broken", "{not json", TestKeys.ADMIN, null, null), 400, null);
    assertProblem(get("/v1/metrics/broken", null), 404, null);
  }

  @Test
  void aDefinitionNeedingALongerDedupHorizonThanTheCeilingIsRefused() throws Exception {
    HttpResponse<String> refused =
        put(
            "daily",
            "{\"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"1d\"}}",
            TestKeys.ADMIN,
            null,
            null);
    assertProblem(refused, 400, "urn:tally:problem:invalid-definition");
    JsonNode error = JSON.readTree(refused.body()).get("errors").get(0);
    assertThat(error.get("field").asText()).isEqualTo("window");
    assertThat(error.get("message").asText())
        .contains("1d", "ceiling of 10m", "--dedupHorizon", "rules.dedupHorizon");
    assertProblem(get("/v1/metrics/daily", null), 404, null);

    HttpResponse<String> fits =
        put(
            "daily",
            "{\"aggregate\": {\"fn\": \"count\"}, \"window\": {\"size\": \"8m\"},"
                + " \"allowedLateness\": \"2m\"}",
            TestKeys.ADMIN,
            null,
            null);
    assertThat(fits.statusCode()).as(fits.body()).isEqualTo(201);
  }

  @Test
  void writesNeedAKeyWithTheirRoleAndKeysNeverShowInAnswers() throws Exception {
    HttpResponse<String> anonymous = put("sneaky", COUNT_1M, null, null, null);
    assertProblem(anonymous, 401, null);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

    String guessed = "not-a-key-" + UUID.randomUUID();
    HttpResponse<String> wrong = put("sneaky", COUNT_1M, guessed, null, null);
    assertProblem(wrong, 401, null);
    assertThat(wrong.body()).doesNotContain(guessed);

    assertProblem(put("sneaky", COUNT_1M, TestKeys.INGESTER, null, null), 403, null);
    assertProblem(put("sneaky", COUNT_1M, TestKeys.READER, null, null), 403, null);
    assertProblem(delete("sneaky", null, null), 401, null);
    assertProblem(get("/v1/metrics/sneaky", null), 404, null);

    HttpResponse<String> ingestAsReader =
        HTTP.send(
            request("/v1/events", TestKeys.READER)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString("{}\n"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertProblem(ingestAsReader, 403, null);

    // Reads are open in this configuration, with or without a key; a wrong key is still refused.
    assertThat(get("/v1/metrics", null).statusCode()).isEqualTo(200);
    assertThat(get("/v1/metrics", TestKeys.READER).statusCode()).isEqualTo(200);
    assertProblem(get("/v1/metrics", guessed), 401, null);
  }

  static void assertProblem(HttpResponse<String> response, int status, String type)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).isNotBlank();
    if (type != null) {
      assertThat(problem.get("type").asText()).isEqualTo(type);
    }
  }

  static HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path));
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    return builder;
  }

  static HttpResponse<String> get(String path, String key) throws Exception {
    return HTTP.send(request(path, key).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Writes on a connection of their own: a write refused before its body was read leaves the server
   * closing that connection, and a pooled client may send the next request on it first.
   */
  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> put(
      String name, String body, String key, String condition, String value) throws Exception {
    HttpRequest.Builder builder =
        request("/v1/metrics/" + name, key)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    if (condition != null) {
      builder.header(condition, value);
    }
    return send(builder.build());
  }

  private static HttpResponse<String> delete(String name, String key, String ifMatch)
      throws Exception {
    HttpRequest.Builder builder = request("/v1/metrics/" + name, key).DELETE();
    if (ifMatch != null) {
      builder.header("If-Match", ifMatch);
    }
    return send(builder.build());
  }
}
