package io.tally.serving.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import io.tally.model.metric.MetricVersion;
import io.tally.serving.api.MetricList;
import io.tally.serving.api.WindowList;
import io.tally.serving.auth.ReadAccess;
import io.tally.serving.auth.Roles;
import io.tally.serving.live.LiveQueries;
import io.tally.serving.query.UnknownMetricException;
import io.tally.serving.query.WindowQueries;
import io.tally.serving.rules.Precondition;
import io.tally.serving.rules.RulesService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Objects;

/**
 * Metric definitions and their windows: the query API (contract §3), open or needing a reader
 * credential as configured ({@link ReadAccess}), and rule changes (contract §5), which need an
 * admin credential. A definition's entity tag is its version; {@code If-Match} makes a change
 * conditional on it.
 */
@Path("/v1/metrics")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {
  /** The header an EventSource sends when it reconnects: the id of the last message it got. */
  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final WindowQueries queries;
  private final RulesService rules;
  private final LiveQueries live;

  public MetricsResource(WindowQueries queries, RulesService rules, LiveQueries live) {
    this.queries = Objects.requireNonNull(queries, "queries");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.live = Objects.requireNonNull(live, "live");
  }

  @GET
  @Timed
  @ReadAccess
  public MetricList list() {
    return MetricList.of(queries.definitions());
  }

  @GET
  @Timed
  @ReadAccess
  @Path("{name}")
  public Response get(@PathParam("name") String name) {
    MetricVersion version = rules.current(name).orElseThrow(() -> new UnknownMetricException(name));
    return Response.ok(RulesService.toJson(version)).tag(etag(version)).build();
  }

  /**
   * {@code ?from=T&to=T[&<dimension>=<value>...]}: read from the raw query parameters, since the
   * dimension names are the metric's own.
   */
  @GET
  @Timed
  @ReadAccess
  @Path("{name}/windows")
  public WindowList windows(@PathParam("name") String name, @Context UriInfo uri) {
    return WindowList.of(queries.windows(name, uri.getQueryParameters()));
  }

  /** Creates (201) or replaces (200) a definition; the answer is the stored definition. */
  @PUT
  @Timed
  @RolesAllowed(Roles.ADMIN)
  @Path("{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response put(
      @PathParam("name") String name,
      JsonNode body,
      @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
      @Context UriInfo uri) {
    RulesService.Written written = rules.put(name, body, new Precondition(ifMatch, ifNoneMatch));
    Response.ResponseBuilder answer =
        written.created() ? Response.created(uri.getRequestUri()) : Response.ok();
    return answer
        .entity(RulesService.toJson(written.version()))
        .tag(etag(written.version()))
        .build();
  }

  /** Deletes a definition (204): the metric stops counting from the change's activation. */
  @DELETE
  @Timed
  @RolesAllowed(Roles.ADMIN)
  @Path("{name}")
  public Response delete(
      @PathParam("name") String name, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
    rules.delete(name, new Precondition(ifMatch, null));
    return Response.noContent().build();
  }

  private static EntityTag etag(MetricVersion version) {
    return new EntityTag(Long.toString(version.version()));
  }

  /**
   * {@code [?<dimension>=<value>...]}: a Server-Sent Events stream of the metric's windows in the
   * selected groups (contract §4). Parameters are checked here, so a bad one is a problem response;
   * then the request leaves Jersey's hands (suspended, never resumed) and the stream is written
   * with non-blocking I/O by the subscriptions package until one side closes it.
   */
  @GET
  @ReadAccess
  @Path("{name}/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void stream(
      @PathParam("name") String name,
      @Context UriInfo uri,
      @HeaderParam(LAST_EVENT_ID) String lastEventId,
      @Context HttpServletRequest request,
      @Suspended AsyncResponse response) {
    live.stream(name, uri.getQueryParameters(), lastEventId, request);
  }
}
