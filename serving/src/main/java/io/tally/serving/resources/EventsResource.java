package io.tally.serving.resources;

import com.codahale.metrics.annotation.Timed;
import io.tally.serving.api.IngestResult;
import io.tally.serving.auth.Roles;
import io.tally.serving.ingest.IngestService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The write side for events (contract §5): NDJSON in, 202 once every accepted event is in the log.
 * Needs a credential with the ingester role.
 */
@Path("/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {
  public static final String NDJSON = "application/x-ndjson";

  private final IngestService ingest;

  public EventsResource(IngestService ingest) {
    this.ingest = Objects.requireNonNull(ingest, "ingest");
  }

  /**
   * The body is read as a stream, not bound to a type, so that size is checked while reading and
   * each line keeps its exact bytes. {@code application/json} is accepted for clients that cannot
   * set another type; it is read the same way, one object per line.
   */
  @POST
  @Timed
  @RolesAllowed(Roles.INGESTER)
  @Consumes({NDJSON, MediaType.APPLICATION_JSON})
  public Response post(InputStream body, @Context HttpHeaders headers) throws IOException {
    IngestResult result = IngestResult.of(ingest.ingest(body, headers.getLength()));
    return Response.accepted(result).type(MediaType.APPLICATION_JSON_TYPE).build();
  }
}
