package io.tally.serving.resources;

import io.tally.serving.limits.RateLimiter;
import io.tally.serving.query.QueryRateLimitedException;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import java.security.Principal;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Rate-limits the query API ({@link MetricsResource}) per client: the authenticated principal when
 * there is one, the client's address otherwise. A client over its limit gets a 429 problem with
 * {@code Retry-After}; other clients and other resources are not affected. It runs after
 * authentication, so a principal set by an auth filter is the key.
 */
@Priority(Priorities.AUTHORIZATION + 100)
public final class QueryRateLimitFilter implements ContainerRequestFilter {
  private final RateLimiter limiter;
  @Context private ResourceInfo resource;
  @Context private HttpServletRequest request;

  public QueryRateLimitFilter(RateLimiter limiter) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  /** The key of a request's client: {@code principal:<name>} or {@code address:<ip>}. */
  static String client(Principal principal, String address) {
    return principal != null ? "principal:" + principal.getName() : "address:" + address;
  }

  @Override
  public void filter(ContainerRequestContext context) {
    Class<?> target = resource.getResourceClass();
    if (target == null || !MetricsResource.class.isAssignableFrom(target)) {
      return;
    }
    String client =
        client(context.getSecurityContext().getUserPrincipal(), request.getRemoteAddr());
    long waitNanos = limiter.tryAcquire(client);
    if (waitNanos > 0) {
      long second = TimeUnit.SECONDS.toNanos(1);
      throw new QueryRateLimitedException(Math.max(1, (waitNanos + second - 1) / second));
    }
  }
}
