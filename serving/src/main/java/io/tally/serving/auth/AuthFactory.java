package io.tally.serving.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthFilter;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.core.setup.Environment;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;

/**
 * The {@code auth} section: API keys, presented as {@code Authorization: Bearer <key>}, each stored
 * as its SHA-256 with its roles. Writes always need a key with the right role (ingest: {@code
 * ingester}; rule changes: {@code admin}; saving and deleting saved queries: {@code subscriber});
 * with no credentials configured nobody can write. Reads need a {@code reader} key only when {@code
 * readsNeedCredentials} is true.
 */
public class AuthFactory {
  public static final String REALM = "tally";

  @Valid @NotNull private List<Credential> credentials = new ArrayList<>();

  private boolean readsNeedCredentials;

  @JsonProperty
  public List<Credential> getCredentials() {
    return credentials;
  }

  @JsonProperty
  public void setCredentials(List<Credential> credentials) {
    this.credentials = credentials;
  }

  @JsonProperty
  public boolean isReadsNeedCredentials() {
    return readsNeedCredentials;
  }

  @JsonProperty
  public void setReadsNeedCredentials(boolean readsNeedCredentials) {
    this.readsNeedCredentials = readsNeedCredentials;
  }

  /**
   * Registers the checks: {@code @RolesAllowed} methods through Dropwizard's auth feature, {@link
   * ReadAccess} methods as configured.
   *
   * @param extra credentials added by a launcher (the embedded mode's generated key)
   */
  public void register(Environment environment, List<Credential> extra) {
    List<Credential> all = new ArrayList<>(credentials);
    all.addAll(extra);
    AuthFilter<String, Caller> filter =
        new OAuthCredentialAuthFilter.Builder<Caller>()
            .setAuthenticator(new ApiKeyAuthenticator(all))
            .setAuthorizer((caller, role, request) -> caller.roles().contains(role))
            .setPrefix("Bearer")
            .setRealm(REALM)
            .setUnauthorizedHandler(new ProblemUnauthorizedHandler())
            .buildAuthFilter();
    environment.jersey().register(new AuthDynamicFeature(filter));
    environment.jersey().register(RolesAllowedDynamicFeature.class);
    environment.jersey().register(new ReadAccessFeature(filter, readsNeedCredentials));
  }
}
