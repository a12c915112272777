package io.tally.serving.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.tiering.hot.SharedHotStores;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /openapi.json} is valid OpenAPI 3 and describes exactly what the service serves: its paths
 * and methods are those of the resources registered with Jersey (read from their {@code @Path} and
 * HTTP-method annotations), so an endpoint added, moved or removed without its description fails
 * here.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OpenApiDocumentTest {
  private static final String STORE = "openapi-document-test-" + UUID.randomUUID();
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE));

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterAll
  static void dropHotStore() {
    SharedHotStores.remove(STORE);
  }

  @Test
  void isServedAsAnOpenApi3JsonDocument() throws Exception {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getLocalPort() + "/openapi.json"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    JsonNode document = JSON.readTree(answer.body());
    assertThat(document.path("openapi").asText()).startsWith("3.");
    assertThat(document).isEqualTo(OpenApiResource.load());
  }

  @Test
  void describesExactlyThePathsAndMethodsTheServiceRegisters() {
    assertThat(operations(OpenApiResource.load()))
        .as("paths and methods of openapi.yaml (left) against the registered resources")
        .containsExactlyElementsOf(registeredOperations());
  }

  @Test
  void isAValidOpenApiDocument() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result =
        new OpenAPIV3Parser().readContents(OpenApiResource.load().toString(), null, options);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
  }

  @Test
  void everyOperationAnswersSomethingAndEveryReferenceResolves() {
    JsonNode document = OpenApiResource.load();
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          if (METHODS.contains(op.getKey())) {
                            assertThat(op.getValue().path("responses").size())
                                .as(op.getKey() + " " + path.getKey())
                                .isPositive();
                          }
                        }));
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }

  /** "METHOD /path" of every operation of the document, sorted. */
  private static TreeSet<String> operations(JsonNode document) {
    TreeSet<String> operations = new TreeSet<>();
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          if (METHODS.contains(method)) {
                            operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                          }
                        }));
    return operations;
  }

  /** "METHOD /path" of every resource method Jersey serves, sorted. */
  private static TreeSet<String> registeredOperations() {
    var config = APP.getEnvironment().jersey().getResourceConfig();
    Set<Class<?>> resources = new HashSet<>();
    Stream.concat(
            config.getClasses().stream(), config.getInstances().stream().map(Object::getClass))
        .filter(type -> type.isAnnotationPresent(Path.class))
        .forEach(resources::add);
    assertThat(resources).as("registered resources").isNotEmpty();
    TreeSet<String> operations = new TreeSet<>();
    for (Class<?> resource : resources) {
      String base = resource.getAnnotation(Path.class).value();
      for (Method method : resource.getMethods()) {
        List<String> verbs =
            Arrays.stream(method.getAnnotations())
                .map(Annotation::annotationType)
                .filter(type -> type.isAnnotationPresent(HttpMethod.class))
                .map(type -> type.getAnnotation(HttpMethod.class).value())
                .toList();
        Path sub = method.getAnnotation(Path.class);
        // A sub-resource locator (a @Path without an HTTP method) would hide paths from this walk.
        assertThat(verbs.isEmpty() && sub != null).as(method.toString()).isFalse();
        for (String verb : verbs) {
          operations.add(verb + " " + join(base, sub == null ? "" : sub.value()));
        }
      }
    }
    return operations;
  }

  private static String join(String base, String sub) {
    return "/"
        + Stream.of(base.split("/"), sub.split("/"))
            .flatMap(Arrays::stream)
            .filter(segment -> !segment.isEmpty())
            .collect(Collectors.joining("/"));
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getKey().equals("$ref")) {
                  refs.add(field.getValue().asText());
                } else {
                  collectRefs(field.getValue(), refs);
                }
              });
    } else if (node.isArray()) {
      node.forEach(element -> collectRefs(element, refs));
    }
  }
}
