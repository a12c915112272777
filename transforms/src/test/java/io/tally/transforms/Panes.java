package io.tally.transforms;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.deadletter.DeadLetter;
import io.tally.model.update.WindowUpdate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Describes updates as one readable line each, so that tests state expected panes plainly: {@code
 * "events_by_category [movies/action] 12:00-12:01 ON_TIME events=3 value=3"}, with {@code FINAL}
 * appended to the final pane.
 */
final class Panes {
  private static final DateTimeFormatter HHMM =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  private Panes() {}

  static String describe(WindowUpdate u) {
    return u.metric()
        + " "
        + u.group()
        + " "
        + HHMM.format(Instant.ofEpochMilli(u.startMillis()))
        + "-"
        + HHMM.format(Instant.ofEpochMilli(u.endMillis()))
        + " "
        + u.timing()
        + " events="
        + u.events()
        + " value="
        + value(u.value())
        + (u.isFinal() ? " FINAL" : "");
  }

  static String value(MetricValue value) {
    if (value instanceof MetricValue.Scalar s) {
      double v = s.value();
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
    return ((MetricValue.Ranking) value)
        .items().stream()
            .map(i -> i.key() + ":" + i.count())
            .collect(Collectors.joining(",", "[", "]"));
  }

  static PCollection<String> described(PCollection<WindowUpdate> updates) {
    return updates.apply(
        "Describe", MapElements.into(TypeDescriptors.strings()).via(Panes::describe));
  }

  static PCollection<String> finalOnly(PCollection<WindowUpdate> updates) {
    return updates
        .apply(
            "FinalOnly", org.apache.beam.sdk.transforms.Filter.by((WindowUpdate u) -> u.isFinal()))
        .apply("DescribeFinal", MapElements.into(TypeDescriptors.strings()).via(Panes::describe));
  }

  static PCollection<String> deadLetterReasons(PCollection<DeadLetter> deadLetters) {
    return deadLetters.apply(
        "DescribeDeadLetters",
        MapElements.into(TypeDescriptors.strings())
            .via((DeadLetter d) -> d.reason().wireName() + ": " + d.detail()));
  }
}
