package io.tally.serving.resources;

import io.tally.serving.api.SavedQueryRequest;
import io.tally.serving.auth.ReadAccess;
import io.tally.serving.auth.Roles;
import io.tally.serving.limits.RateLimiter;
import io.tally.serving.live.LiveQueries;
import io.tally.serving.live.SavedQuery;
import io.tally.serving.query.InvalidQueryException;
import io.tally.serving.query.QueryRateLimitedException;
import jakarta.annotation.security.RolesAllowed;
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
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Saved live queries (contract §4): {@code POST} saves one and answers its id, {@code GET
 * {id}/stream} streams it, {@code DELETE {id}} removes it. They outlast restarts of the service.
 *
 * <p>Saving and removing are writes to a durable store: they need a credential with the {@link
 * Roles#SUBSCRIBER} role and are rate-limited per credential (the cap on saved queries per
 * credential is {@link LiveQueries}'s). Reading and streaming are reads, like window queries.
 */
@Path("/v1/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionsResource {
  private final LiveQueries live;
  private final RateLimiter writeLimiter;

  /**
   * @param writeLimiter the per-credential limit of saves and removals, or null for none
   */
  public SubscriptionsResource(LiveQueries live, RateLimiter writeLimiter) {
    this.live = Objects.requireNonNull(live, "live");
    this.writeLimiter = writeLimiter;
  }

  @POST
  @RolesAllowed(Roles.SUBSCRIBER)
  @Consumes(MediaType.APPLICATION_JSON)
  public Response save(
      SavedQueryRequest request, @Context UriInfo uri, @Context SecurityContext security) {
    String owner = security.getUserPrincipal().getName();
    limit(owner);
    if (request == null) {
      throw new InvalidQueryException(
          "metric", "is required: the body is {\"metric\": ..., \"where\": {...}}");
    }
    SavedQuery saved = live.save(request.metric(), request.where(), owner);
    return Response.created(uri.getAbsolutePathBuilder().path(saved.id()).build())
        .entity(saved.withoutOwner())
        .build();
  }

  @GET
  @ReadAccess
  @Path("{id}")
  public SavedQuery get(@PathParam("id") String id) {
    return live.get(id).withoutOwner();
  }

  @DELETE
  @RolesAllowed(Roles.SUBSCRIBER)
  @Path("{id}")
  public void delete(@PathParam("id") String id, @Context SecurityContext security) {
    limit(security.getUserPrincipal().getName());
    live.delete(id);
  }

  /** A 429 with {@code Retry-After} when {@code owner} is over its limit of writes. */
  private void limit(String owner) {
    if (writeLimiter == null) {
      return;
    }
    long waitNanos = writeLimiter.tryAcquire("principal:" + owner);
    if (waitNanos > 0) {
      long second = TimeUnit.SECONDS.toNanos(1);
      long retryAfter = Math.max(1, (waitNanos + second - 1) / second);
      throw new QueryRateLimitedException(
          "Too many saves and removals of saved queries from this credential; retry after "
              + retryAfter
              + " s.",
          retryAfter);
    }
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
