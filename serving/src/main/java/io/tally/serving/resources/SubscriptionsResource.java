package io.tally.serving.resources;

import io.tally.serving.api.SavedQueryRequest;
import io.tally.serving.auth.ReadAccess;
import io.tally.serving.live.LiveQueries;
import io.tally.serving.live.SavedQuery;
import io.tally.serving.query.InvalidQueryException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Objects;

/**
 * Saved live queries (contract §4): {@code POST} saves one and answers its id, {@code GET
 * {id}/stream} streams it, {@code DELETE {id}} removes it. They outlast restarts of the service.
 */
@Path("/v1/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionsResource {
  private final LiveQueries live;

  public SubscriptionsResource(LiveQueries live) {
    this.live = Objects.requireNonNull(live, "live");
  }

  @POST
  @ReadAccess
  @Consumes(MediaType.APPLICATION_JSON)
  public Response save(SavedQueryRequest request, @Context UriInfo uri) {
    if (request == null) {
      throw new InvalidQueryException(
          "metric", "is required: the body is {\"metric\": ..., \"where\": {...}}");
    }
    SavedQuery saved = live.save(request.metric(), request.where());
    return Response.created(uri.getAbsolutePathBuilder().path(saved.id()).build())
        .entity(saved)
        .build();
  }

  @GET
  @ReadAccess
  @Path("{id}")
  public SavedQuery get(@PathParam("id") String id) {
    return live.get(id);
  }

  @DELETE
  @ReadAccess
  @Path("{id}")
  public void delete(@PathParam("id") String id) {
    live.delete(id);
  }

  /** See {@link MetricsResource#stream}. */
  @GET
  @ReadAccess
  @Path("{id}/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void stream(
      @PathParam("id") String id,
      @HeaderParam(MetricsResource.LAST_EVENT_ID) String lastEventId,
      @Context HttpServletRequest request,
      @Suspended AsyncResponse response) {
    live.stream(id, lastEventId, request);
  }
}
