package io.tally.serving.auth;

import io.dropwizard.auth.Authenticator;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Finds the credential whose hash is the SHA-256 of the presented key. Every configured hash is
 * compared, each in constant time ({@link MessageDigest#isEqual}), so the time an answer takes
 * tells nothing about which key, or how much of one, was right.
 */
public final class ApiKeyAuthenticator implements Authenticator<String, Caller> {
  private record Known(byte[] hash, Caller caller) {}

  private final List<Known> known;

  public ApiKeyAuthenticator(List<Credential> credentials) {
    this.known =
        credentials.stream()
            .map(
                c ->
                    new Known(
                        HexFormat.of().parseHex(c.getSha256()),
                        new Caller(c.getName(), c.getRoles())))
            .toList();
  }

  @Override
  public Optional<Caller> authenticate(String key) {
    byte[] presented = Credential.sha256(key);
    Caller match = null;
    for (Known k : known) {
      if (MessageDigest.isEqual(k.hash(), presented)) {
        match = k.caller();
      }
    }
    return Optional.ofNullable(match);
  }
}
