package io.tally.serving.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One API key of the {@code auth.credentials} list: a name (shown in logs, never the key), the
 * SHA-256 of the key in hex, and its roles. Only the hash is configured: the key itself is known
 * only to its holder. A random key of 32 bytes needs no salt or slow hash.
 */
public class Credential {
  @NotBlank private String name;

  @NotBlank
  @Pattern(
      regexp = "[0-9a-f]{64}",
      message = "must be the SHA-256 of the key, 64 lower-case hex digits")
  private String sha256;

  @NotEmpty
  private Set<
          @Pattern(
              regexp = "reader|ingester|admin|subscriber",
              message = "must be reader, ingester, admin or subscriber")
          String>
      roles = new LinkedHashSet<>();

  public Credential() {}

  public Credential(String name, String sha256, Set<String> roles) {
    this.name = name;
    this.sha256 = sha256;
    this.roles = new LinkedHashSet<>(roles);
  }

  /** A credential for {@code key}, hashing it. */
  public static Credential forKey(String name, String key, Set<String> roles) {
    return new Credential(name, HexFormat.of().formatHex(sha256(key)), roles);
  }

  /** A new random key: 32 bytes from a secure random source, URL-safe Base64. */
  public static String newKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @JsonProperty
  public String getName() {
    return name;
  }

  @JsonProperty
  public void setName(String name) {
    this.name = name;
  }

  @JsonProperty
  public String getSha256() {
    return sha256;
  }

  @JsonProperty
  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  @JsonProperty
  public Set<String> getRoles() {
    return roles;
  }

  @JsonProperty
  public void setRoles(Set<String> roles) {
    this.roles = roles;
  }
}
