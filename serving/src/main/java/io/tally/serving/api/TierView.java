package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tally.serving.query.Timestamps;
import io.tally.tiering.tiers.TierRead;

/**
 * What one storage tier contributed to a window answer: the window starts it was asked for, how
 * many windows it returned, and, when it could not answer, {@code available: false} and why.
 */
@JsonPropertyOrder({"tier", "from", "to", "available", "windows", "error"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TierView(
    String tier, String from, String to, boolean available, int windows, String error) {

  public static TierView of(TierRead read) {
    return new TierView(
        read.tier().wireName(),
        Timestamps.format(read.fromMillis()),
        Timestamps.format(read.toMillis()),
        read.available(),
        read.windows(),
        read.error());
  }
}
