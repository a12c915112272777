package io.tally.serving.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tally.serving.auth.ApiKeyAuthenticator;
import io.tally.serving.auth.Caller;
import io.tally.serving.auth.Credential;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@code key} prints configures the key it prints: the YAML entry, read as the service reads
 * its configuration, authenticates that key with the chosen roles and no other key.
 */
class ApiKeyCommandTest {

  @Test
  void thePrintedEntryAuthenticatesThePrintedKeyWithItsRoles() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String key = Credential.newKey();
    ApiKeyCommand.print(
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        "ops",
        ApiKeyCommand.roles("admin,ingester"),
        key);
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertThat(printed).contains(key);
    String yaml = printed.substring(printed.indexOf("auth:"));
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    JsonNode entry = mapper.readTree(yaml).path("auth").path("credentials").get(0);
    Credential credential = mapper.treeToValue(entry, Credential.class);
    ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(List.of(credential));

    Optional<Caller> caller = authenticator.authenticate(key);
    assertThat(caller).isPresent();
    assertThat(caller.get().getName()).isEqualTo("ops");
    assertThat(caller.get().roles()).containsExactlyInAnyOrder("admin", "ingester");
    assertThat(authenticator.authenticate(Credential.newKey())).isEmpty();
    assertThat(credential.getSha256()).isNotEqualTo(key).hasSize(64);
  }

  @Test
  void newKeysDiffer() {
    assertThat(Set.of(Credential.newKey(), Credential.newKey(), Credential.newKey())).hasSize(3);
  }

  @Test
  void anUnknownRoleIsRefusedWithTheRoles() {
    assertThatThrownBy(() -> ApiKeyCommand.roles("admin,root"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'root'")
        .hasMessageContaining("subscriber");
  }
}
