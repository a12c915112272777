package io.tally.serving.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.serving.query.QueryException;
import io.tally.serving.query.WindowQueryService;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Generated query parameters, valid and broken (wrong types, odd timestamps, unknown and repeated
 * dimensions, control characters, very long values, bad escapes), from a seeded generator: every
 * answer is a 200, or a 4xx {@code application/problem+json} whose body names the same status;
 * never a 5xx. A failure prints the seed and the request; rerun with {@code -Dtally.fuzz.seed=N}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class QueryParameterFuzzTest {
  private static final long SEED = Long.getLong("tally.fuzz.seed", 20261128L);
  private static final int HTTP_CASES = Integer.getInteger("tally.fuzz.queryRequests", 3_000);
  private static final int SERVICE_CASES = Integer.getInteger("tally.fuzz.queryInputs", 100_000);
  private static final String STORE = "query-fuzz-test-" + UUID.randomUUID();

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          ConfigOverride.config(
              "metricsFile", ResourceHelpers.resourceFilePath("test-metrics.yaml")),
          ConfigOverride.config("maxQueryRange", "1d"));

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterAll
  static void dropHotStore() {
    SharedHotStores.remove(STORE);
  }

  @Test
  void generatedQueriesAreAnsweredOrRefusedAsProblemsNeverServerErrors() throws Exception {
    QueryGenerator generator = new QueryGenerator(new Random(SEED));
    Map<Integer, Integer> statuses = new LinkedHashMap<>();
    for (int i = 0; i < HTTP_CASES; i++) {
      String path = generator.path();
      HttpResponse<String> response = get(path);
      int status = response.statusCode();
      statuses.merge(status, 1, Integer::sum);
      String context =
          "seed "
              + SEED
              + ", case "
              + i
              + ": GET "
              + path
              + " -> "
              + status
              + " "
              + response.body();
      if (status == 200) {
        assertThat(response.headers().firstValue("Content-Type"))
            .as(context)
            .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        continue;
      }
      assertThat(status).as(context).isBetween(400, 499);
      assertThat(response.headers().firstValue("Content-Type"))
          .as(context)
          .hasValue("application/problem+json");
      JsonNode problem = JSON.readTree(response.body());
      assertThat(problem.get("status").asInt()).as(context).isEqualTo(status);
      assertThat(problem.get("detail").asText()).as(context).isNotBlank();
    }
    // The generator reaches both sides.
    assertThat(statuses).containsKeys(200, 400, 404);
  }

  @Test
  void generatedParametersEitherAnswerOrFailAsQueryErrors() throws Exception {
    WindowQueryService service =
        new WindowQueryService(
            MetricCatalogSource.fixed(
                MetricCatalog.read(Path.of(ResourceHelpers.resourceFilePath("test-metrics.yaml")))),
            new InMemoryHotStore(),
            Duration.ofDays(1).toMillis());
    QueryGenerator generator = new QueryGenerator(new Random(SEED + 1));
    int answered = 0;
    int refused = 0;
    for (int i = 0; i < SERVICE_CASES; i++) {
      String metric = generator.metric();
      Map<String, List<String>> parameters = generator.parameters();
      try {
        service.windows(metric, parameters);
        answered++;
      } catch (QueryException e) {
        assertThat(e.getMessage()).isNotBlank();
        refused++;
      } catch (RuntimeException e) {
        fail(
            "seed " + (SEED + 1) + ", case " + i + ": " + metric + " " + parameters + " threw " + e,
            e);
      }
    }
    assertThat(answered).isPositive();
    assertThat(refused).isPositive();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    // The path is sent as generated, escapes and all (URI.create would refuse some on purpose).
    return HTTP.send(
        HttpRequest.newBuilder(
                new URI("http", null, "localhost", APP.getLocalPort(), null, null, null)
                    .resolve(URI.create(path)))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Metric names and query parameters, about half of them well formed. */
  static final class QueryGenerator {
    private static final List<String> METRICS =
        List.of("views_by_geo_type", "top_movies_by_geo", "revenue", "distinct_users_by_geo");
    private static final List<String> DIMENSIONS =
        List.of("geo", "type", "category", "user", "entity", "attrs.x");
    private static final long T0 = 1_795_813_200_000L; // 2026-11-27T21:00:00Z
    private final Random random;

    QueryGenerator(Random random) {
      this.random = random;
    }

    String metric() {
      return switch (random.nextInt(10)) {
        case 0 -> junk();
        case 1 -> "nope_" + random.nextInt(100);
        default -> METRICS.get(random.nextInt(METRICS.size()));
      };
    }

    Map<String, List<String>> parameters() {
      Map<String, List<String>> parameters = new LinkedHashMap<>();
      if (random.nextInt(20) != 0) {
        parameters.put("from", values(() -> time(T0)));
      }
      if (random.nextInt(20) != 0) {
        parameters.put("to", values(() -> time(T0 + random.nextInt(3_600_000))));
      }
      int dimensions = random.nextInt(4);
      for (int i = 0; i < dimensions; i++) {
        String name =
            random.nextInt(8) == 0 ? junk() : DIMENSIONS.get(random.nextInt(DIMENSIONS.size()));
        parameters.put(name, values(() -> random.nextBoolean() ? "US" : junk()));
      }
      return parameters;
    }

    /** A request path with an encoded query; now and then with escapes of invalid UTF-8. */
    String path() {
      String metric = metric();
      StringBuilder path =
          new StringBuilder("/v1/metrics/").append(encode(metric).replace("+", "%20"));
      if (random.nextInt(10) == 0) {
        return path.toString();
      }
      path.append("/windows");
      char separator = '?';
      for (Map.Entry<String, List<String>> parameter : parameters().entrySet()) {
        for (String value : parameter.getValue()) {
          path.append(separator)
              .append(encode(parameter.getKey()))
              .append('=')
              .append(encode(value));
          separator = '&';
        }
      }
      if (random.nextInt(25) == 0) {
        // Escapes of bytes that are not UTF-8 (a lone continuation byte, an encoded surrogate).
        path.append(separator).append(random.nextBoolean() ? "from=%C3%28" : "geo=%ED%A0%80%FF");
      }
      return path.toString();
    }

    private List<String> values(java.util.function.Supplier<String> value) {
      int n = random.nextInt(12) == 0 ? 2 : 1;
      List<String> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        values.add(value.get());
      }
      return values;
    }

    /** A time, usually valid. */
    private String time(long around) {
      return switch (random.nextInt(16)) {
        case 0 -> Long.toString(random.nextLong());
        case 1 -> "-" + random.nextInt(1000);
        case 2 ->
            List.of("NaN", "Infinity", "-Infinity", "1e309", "0x10", "1.5", "", " ")
                .get(random.nextInt(8));
        case 3 -> "99999999999999999999999";
        case 4 ->
            List.of(
                    "2026-11-27T21:00:00",
                    "2026-02-30T00:00:00Z",
                    "2026-11-27T24:00:00Z",
                    "2026-11-27T23:59:60Z",
                    "+999999999-12-31T23:59:59Z",
                    "-0001-01-01T00:00:00Z",
                    "2026-11-27T21:00:00+25:00",
                    "2026-11-27 21:00:00Z",
                    "0000-01-01T00:00:00Z",
                    "9999-12-31T23:59:59.999999999-18:00")
                .get(random.nextInt(10));
        case 5 -> junk();
        case 6 -> java.time.Instant.ofEpochMilli(around).toString();
        case 7 ->
            java.time.Instant.ofEpochMilli(around)
                .atOffset(java.time.ZoneOffset.ofHours(random.nextInt(25) - 12))
                .toString();
        default -> Long.toString(around + random.nextInt(200_000_000) - 100_000_000);
      };
    }

    /** Anything: control characters, surrogates, long runs, JSON and SQL fragments. */
    private String junk() {
      return switch (random.nextInt(8)) {
        case 0 -> "x".repeat(random.nextInt(5_000));
        case 1 -> "\u0000\u0001\u001f\u007f";
        case 2 -> "\ud800" + "\udfff\ud83d\ude00";
        case 3 -> "'; DROP TABLE windows; --";
        case 4 -> "{\"a\":[1,2,{\"b\":null}]}";
        case 5 -> "../../etc/passwd";
        case 6 -> "%00%ff";
        default -> {
          StringBuilder s = new StringBuilder();
          int length = random.nextInt(40);
          for (int i = 0; i < length; i++) {
            s.append((char) random.nextInt(0x3000));
          }
          yield s.toString();
        }
      };
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }
}
