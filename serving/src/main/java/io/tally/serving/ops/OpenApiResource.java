package io.tally.serving.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3 description of the public API. It is kept as YAML (the
 * {@value #DOCUMENT} resource), which reads better by hand and in review, and served as JSON, which
 * every OpenAPI tool reads; it is parsed once, at start, so a broken document stops the service
 * from starting rather than failing its readers.
 */
@Path("/openapi.json")
public class OpenApiResource {
  public static final String DOCUMENT = "/openapi.yaml";

  private final JsonNode document;

  public OpenApiResource() {
    this.document = load();
  }

  /** The document as the service serves it. */
  public static JsonNode load() {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
      if (in == null) {
        throw new IllegalStateException(DOCUMENT + " is missing from the classpath");
      }
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public JsonNode document() {
    return document;
  }
}
