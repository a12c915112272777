package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tally.serving.query.MetricWindows;
import io.tally.serving.query.Timestamps;
import java.util.List;

/**
 * {@code GET /v1/metrics/{name}/windows}: the metric, its function, and the windows in range.
 *
 * <p>Extensions of the contract's answer: {@code resolution} ({@code minute}: the metric's own
 * windows; {@code hour}; {@code day}); {@code partial}, true when a tier could not answer or a
 * window could not be merged to the resolution (then windows may be missing, never wrong); {@code
 * boundary}, the tier boundary when there is a history tier (windows that start before it come from
 * history); {@code tiers}, what each tier contributed; {@code leftOut}, the windows that could not
 * be merged and why (at most {@link #MAX_LEFT_OUT} of them are listed).
 */
@JsonPropertyOrder({
  "metric",
  "fn",
  "resolution",
  "windows",
  "partial",
  "boundary",
  "tiers",
  "leftOut"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WindowList(
    String metric,
    String fn,
    String resolution,
    List<WindowView> windows,
    boolean partial,
    String boundary,
    List<TierView> tiers,
    List<String> leftOut) {
  public static final int MAX_LEFT_OUT = 20;

  public WindowList {
    windows = List.copyOf(windows);
  }

  public static WindowList of(MetricWindows result) {
    return new WindowList(
        result.definition().name(),
        result.definition().aggregate().fn().wireName(),
        result.resolution().wireName(),
        result.windows().stream().map(w -> WindowView.of(w, result.versionsOf(w))).toList(),
        result.partial(),
        result.boundaryMillis() == Long.MIN_VALUE
            ? null
            : Timestamps.format(result.boundaryMillis()),
        result.reads().isEmpty() ? null : result.reads().stream().map(TierView::of).toList(),
        result.leftOut().isEmpty() ? null : result.leftOut().stream().limit(MAX_LEFT_OUT).toList());
  }
}
