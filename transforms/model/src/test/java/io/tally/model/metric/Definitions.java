package io.tally.model.metric;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** Metric definitions written as tests write them: one entry of a {@code metrics:} document. */
public final class Definitions {
  private Definitions() {}

  /**
   * The definition of {@code entry}, a YAML flow mapping such as {@code {name: views, aggregate:
   * {fn: count}, window: {size: 1m}}}, at version 1.
   */
  public static MetricDefinition of(String entry) {
    try {
      return MetricCatalog.read(
              new ByteArrayInputStream(
                  ("metrics:\n  - " + entry + "\n").getBytes(StandardCharsets.UTF_8)))
          .definitions()
          .iterator()
          .next();
    } catch (InvalidDefinitionException e) {
      throw new IllegalArgumentException("not a valid definition: " + entry, e);
    }
  }

  /** {@link #of(String)} at {@code version}. */
  public static MetricDefinition of(String entry, long version) {
    return of(entry).withVersion(version);
  }
}
