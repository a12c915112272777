package io.tally.transforms.coders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.model.event.Event;
import io.tally.model.event.EventParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class EventCoderTest {
  private static final EventCoder CODER = EventCoder.of();

  static List<Event> events() {
    Map<String, String> attrs = new LinkedHashMap<>();
    for (int i = 0; i < 32; i++) {
      attrs.put("key-" + i, "value \u00e9 " + i);
    }
    return List.of(
        new Event("1", "feed", "movie.view", "movies/action", 0, null, null, null, 1.0, Map.of()),
        new Event(
            "id-\ud83d\ude00",
            "feed.b",
            "sports.score",
            "sports/nba",
            1_795_809_600_123L,
            "US-CA",
            "team-lakers",
            "user-\u00e7",
            -2.5,
            Map.of("team", "lakers")),
        new Event(
            "x".repeat(128),
            "s",
            "t",
            "c/".repeat(127) + "cc",
            EventParser.MAX_TIMESTAMP_MILLIS,
            "GB",
            "e".repeat(256),
            "u".repeat(256),
            Double.MAX_VALUE,
            attrs),
        new Event("empty-strings", "s", "t", "c", 5, null, "", "", 0.0, Map.of("", "")));
  }

  @Test
  void roundTripsEveryField() throws Exception {
    for (Event event : events()) {
      CoderProperties.coderDecodeEncodeEqual(CODER, event);
      Event decoded = CoderUtils.clone(CODER, event);
      assertThat(decoded).isEqualTo(event);
      assertThat(decoded.geo()).isEqualTo(event.geo());
      assertThat(decoded.attrs()).containsExactlyInAnyOrderEntriesOf(event.attrs());
    }
  }

  @Test
  void roundTripsNegativeZeroAndTinyValues() throws Exception {
    for (double value : new double[] {-0.0, Double.MIN_VALUE, -1e-300, 1e300}) {
      Event event = new Event("1", "s", "t", "c", 1, null, null, null, value, Map.of());
      assertThat(Double.doubleToRawLongBits(CoderUtils.clone(CODER, event).value()))
          .isEqualTo(Double.doubleToRawLongBits(value));
    }
  }

  @Test
  void encodingIsSelfDelimitingInNestedContexts() throws Exception {
    // CoderProperties checks the nested context too, where several values share one stream.
    for (Event event : events()) {
      CoderProperties.coderDecodeEncodeInContext(
          CODER,
          org.apache.beam.sdk.coders.Coder.Context.NESTED,
          event,
          org.hamcrest.Matchers.equalTo(event));
    }
  }

  @Test
  void coderIsSerializable() {
    CoderProperties.coderSerializable(CODER);
  }

  @Test
  void parsedEventsRoundTrip() throws Exception {
    Event parsed =
        EventParser.parse(
            "{\"id\":\"a\",\"source\":\"s\",\"type\":\"t\",\"category\":\"x/y\","
                + "\"ts\":\"2026-11-27T21:00:00+01:00\",\"attrs\":{\"a\":\"1\",\"b\":\"2\"}}");
    CoderProperties.coderDecodeEncodeEqual(CODER, parsed);
  }

  @Test
  void corruptBytesAreACoderExceptionNotAnUncheckedOne() {
    // A frame of three bytes whose first field announces a far longer string.
    byte[] overrun = {3, (byte) 0xFF, (byte) 0xFF, 0x7F};
    // A frame length of more than 31 bits.
    byte[] hugeLength = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    for (byte[] bytes : new byte[][] {overrun, hugeLength}) {
      assertThatThrownBy(() -> CoderUtils.decodeFromByteArray(CODER, bytes))
          .isInstanceOf(CoderException.class);
    }
  }
}
