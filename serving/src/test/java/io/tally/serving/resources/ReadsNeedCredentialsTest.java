package io.tally.serving.resources;

import static io.tally.serving.resources.RulesApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.tiering.rules.SharedRuleLogs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With {@code auth.readsNeedCredentials}, every read needs a key with the reader role. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReadsNeedCredentialsTest {
  private static final String STORE = "reads-need-credentials-test-" + UUID.randomUUID();

  static final DropwizardAppExtension<TallyConfiguration> APP =
      new DropwizardAppExtension<>(
          TallyApplication.class,
          ResourceHelpers.resourceFilePath("test-config.yml"),
          ConfigOverride.config("hotStore.name", STORE),
          ConfigOverride.config("auth.readsNeedCredentials", "true"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @AfterAll
  static void dropRuleLog() {
    SharedRuleLogs.remove(STORE);
  }

  @Test
  void readsNeedTheReaderRole() throws Exception {
    String windows = "/v1/metrics/events_by_category/windows?from=0&to=60000";
    for (String path : new String[] {"/v1/metrics", "/v1/metrics/events_by_category", windows}) {
      assertProblem(get(path, null), 401, null);
      assertProblem(get(path, TestKeys.ADMIN), 403, null);
      assertThat(get(path, TestKeys.READER).statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path));
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
