package io.tally.serving.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyAuthenticatorTest {
  @Test
  void findsTheCredentialWhoseHashIsTheKeys() {
    String adminKey = Credential.newKey();
    String ingestKey = Credential.newKey();
    ApiKeyAuthenticator authenticator =
        new ApiKeyAuthenticator(
            List.of(
                Credential.forKey("ops", adminKey, Set.of(Roles.ADMIN)),
                Credential.forKey("feeds", ingestKey, Set.of(Roles.INGESTER, Roles.READER))));

    assertThat(authenticator.authenticate(adminKey))
        .contains(new Caller("ops", Set.of(Roles.ADMIN)));
    assertThat(authenticator.authenticate(ingestKey).orElseThrow().roles())
        .containsExactlyInAnyOrder(Roles.INGESTER, Roles.READER);
    assertThat(authenticator.authenticate(adminKey + "x")).isEmpty();
    assertThat(authenticator.authenticate("")).isEmpty();
  }

  @Test
  void onlyTheHashIsKeptAndKeysAreRandom() {
    String key = Credential.newKey();
    Credential credential = Credential.forKey("ops", key, Set.of(Roles.ADMIN));
    assertThat(credential.getSha256()).hasSize(64).doesNotContain(key);
    assertThat(key).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(Credential.newKey());
    // The documented way to hash a key: printf %s "$key" | sha256sum
    assertThat(Credential.forKey("t", "test-admin-key", Set.of(Roles.ADMIN)).getSha256())
        .isEqualTo("944650a7cd0f9e14d5c4fb15edbffb7fa45fb9ed36a4fa9be3d7e5476ae51bd9");
  }
}
