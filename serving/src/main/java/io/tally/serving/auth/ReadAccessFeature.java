package io.tally.serving.auth;

import jakarta.annotation.Priority;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Guards the methods marked {@link ReadAccess}. When reads need credentials, they need a credential
 * with the reader role, like {@code @RolesAllowed("reader")}. When reads are open, a request that
 * does present a key is still authenticated (a wrong key is a 401, and the caller is known to what
 * follows, such as a per-credential limit), and one without a key passes.
 */
public final class ReadAccessFeature implements DynamicFeature {
  private final ContainerRequestFilter authenticate;
  private final boolean readsNeedCredentials;

  public ReadAccessFeature(ContainerRequestFilter authenticate, boolean readsNeedCredentials) {
    this.authenticate = authenticate;
    this.readsNeedCredentials = readsNeedCredentials;
  }

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    if (!resource.getResourceMethod().isAnnotationPresent(ReadAccess.class)) {
      return;
    }
    if (readsNeedCredentials) {
      context.register(authenticate);
      context.register(new RequireReader());
    } else {
      context.register(new AuthenticateIfPresented(authenticate));
    }
  }

  @Priority(Priorities.AUTHENTICATION)
  private static final class AuthenticateIfPresented implements ContainerRequestFilter {
    private final ContainerRequestFilter authenticate;

    AuthenticateIfPresented(ContainerRequestFilter authenticate) {
      this.authenticate = authenticate;
    }

    @Override
    public void filter(ContainerRequestContext request) throws java.io.IOException {
      if (request.getHeaderString(HttpHeaders.AUTHORIZATION) != null) {
        authenticate.filter(request);
      }
    }
  }

  @Priority(Priorities.AUTHORIZATION)
  private static final class RequireReader implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      if (!request.getSecurityContext().isUserInRole(Roles.READER)) {
        throw new ForbiddenException();
      }
    }
  }
}
