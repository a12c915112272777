package io.tally.serving.rules;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The conditions of a rule write, from {@code If-Match} and {@code If-None-Match} (RFC 9110): the
 * entity tag of a definition is its version, {@code "3"}. {@code If-Match: "3"} changes the metric
 * only while it is at version 3; {@code If-Match: *} only if it exists; {@code If-None-Match: *}
 * only if it does not (create, never replace).
 */
public record Precondition(String ifMatch, String ifNoneMatch) {
  public static final Precondition NONE = new Precondition(null, null);

  /** The entity tag of version {@code version}. */
  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  public boolean isConditional() {
    return ifMatch != null || ifNoneMatch != null;
  }

  /**
   * Checks the condition against the metric's current version, empty when it does not exist (never
   * did, or is deleted).
   */
  public void check(String name, OptionalLong current) {
    if (ifNoneMatch != null) {
      if (ifNoneMatch.trim().equals("*")) {
        if (current.isPresent()) {
          throw new PreconditionFailedException(
              "Metric '"
                  + name
                  + "' exists (version "
                  + current.getAsLong()
                  + ") and If-None-Match: * allows only creating it.");
        }
      } else if (current.isPresent() && matches(ifNoneMatch, current.getAsLong())) {
        throw new PreconditionFailedException(
            "Metric '"
                + name
                + "' is at version "
                + current.getAsLong()
                + ", which If-None-Match excludes.");
      }
    }
    if (ifMatch != null) {
      if (current.isEmpty()) {
        throw new PreconditionFailedException(
            "Metric '" + name + "' does not exist, so If-Match cannot match.");
      }
      if (!ifMatch.trim().equals("*") && !matches(ifMatch, current.getAsLong())) {
        throw new PreconditionFailedException(
            "Metric '"
                + name
                + "' is at version "
                + current.getAsLong()
                + " (ETag "
                + etag(current.getAsLong())
                + "), not "
                + ifMatch.trim()
                + ": it was changed since it was read. Read it again and reapply the change.");
      }
    }
  }

  private static boolean matches(String header, long version) {
    String tag = etag(version);
    return Arrays.stream(header.split(",")).map(String::trim).anyMatch(tag::equals);
  }
}
