package io.tally.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The archive's form of an event reads back to the same event. */
class EventJsonTest {

  @Test
  void everyFieldRoundTripsThroughTheParser() throws InvalidEventException {
    Event event =
        new Event(
            "evt-\"1\"",
            "feed.a",
            "movie.view",
            "movies/action",
            1_795_737_600_123L,
            "US-CA",
            "film é 7",
            "u\u00e9\ud83d\ude00",
            0.1 + 0.2,
            Map.of("b", "2", "a", "x y"));

    assertThat(EventParser.parse(EventJson.write(event))).isEqualTo(event);
  }

  @Test
  void absentOptionalFieldsStayAbsent() throws InvalidEventException {
    Event event = new Event("1", "s", "t", "c", 0, null, null, null, Event.DEFAULT_VALUE, Map.of());

    String json = EventJson.write(event);

    assertThat(json)
        .isEqualTo(
            "{\"id\":\"1\",\"source\":\"s\",\"type\":\"t\",\"category\":\"c\",\"ts\":0,\"value\":1.0}");
    assertThat(EventParser.parse(json)).isEqualTo(event);
  }
}
