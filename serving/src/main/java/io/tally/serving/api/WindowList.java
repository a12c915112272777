package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tally.serving.core.MetricWindows;
import java.util.List;

/** {@code GET /v1/metrics/{name}/windows}: the metric, its function, and the windows in range. */
@JsonPropertyOrder({"metric", "fn", "windows"})
public record WindowList(String metric, String fn, List<WindowView> windows) {
  public WindowList {
    windows = List.copyOf(windows);
  }

  public static WindowList of(MetricWindows result) {
    return new WindowList(
        result.definition().name(),
        result.definition().aggregate().fn().wireName(),
        result.windows().stream().map(WindowView::of).toList());
  }
}
