package io.tally.serving.auth;

import java.security.Principal;
import java.util.Set;

/**
 * Who made a request: the name of the credential it presented and that credential's roles. It is
 * the request's {@code SecurityContext.getUserPrincipal()}; the secret is never kept.
 */
public record Caller(String name, Set<String> roles) implements Principal {
  public Caller {
    roles = Set.copyOf(roles);
  }

  @Override
  public String getName() {
    return name;
  }
}
