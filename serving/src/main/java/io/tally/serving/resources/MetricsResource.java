package io.tally.serving.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.metric.MetricDefinitionJson;
import io.tally.serving.api.MetricList;
import io.tally.serving.api.WindowList;
import io.tally.serving.core.WindowQueries;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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
  private final WindowQueries queries;

  public MetricsResource(WindowQueries queries) {
    this.queries = Objects.requireNonNull(queries, "queries");
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
}
