package io.tally.serving.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.metric.MetricDefinitionJson;
import io.tally.serving.api.MetricList;
import io.tally.serving.api.WindowList;
import io.tally.serving.core.WindowQueryService;
import io.tally.serving.subscriptions.LiveQueries;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.Objects;

/**
 * The read side of the query API (contract §3). Reads are open for now; when they may need
 * credentials, an auth filter registered in {@code TallyApplication.registerReadAccess} guards
 * this class (e.g. {@code @PermitAll} / {@code @RolesAllowed} here with Dropwizard's
 * {@code AuthDynamicFeature}); nothing in the methods needs to change.
 */
@Path("/v1/metrics")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {
  /** The header an EventSource sends when it reconnects: the id of the last message it got. */
  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final WindowQueryService queries;
  private final LiveQueries live;

  public MetricsResource(WindowQueryService queries, LiveQueries live) {
    this.queries = Objects.requireNonNull(queries, "queries");
    this.live = Objects.requireNonNull(live, "live");
  }

  @GET
  @Timed
  public MetricList list() {
    return MetricList.of(queries.definitions());
  }

  @GET
  @Timed
  @Path("{name}")
  public ObjectNode get(@PathParam("name") String name) {
    return MetricDefinitionJson.toJson(queries.definition(name));
  }

  /**
   * {@code ?from=T&to=T[&<dimension>=<value>...]}: read from the raw query parameters, since the
   * dimension names are the metric's own.
   */
  @GET
  @Timed
  @Path("{name}/windows")
  public WindowList windows(@PathParam("name") String name, @Context UriInfo uri) {
    return WindowList.of(queries.windows(name, uri.getQueryParameters()));
  }

  /**
   * {@code [?<dimension>=<value>...]}: a Server-Sent Events stream of the metric's windows in the
   * selected groups (contract §4). Parameters are checked here, so a bad one is a problem
   * response; then the request leaves Jersey's hands (suspended, never resumed) and the stream
   * is written with non-blocking I/O by the subscriptions package until one side closes it.
   */
  @GET
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
