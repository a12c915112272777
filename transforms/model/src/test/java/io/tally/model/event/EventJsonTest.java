package io.tally.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The archive's form of an event reads back to the same event, and is the text Jackson's generator
 * writes for the same fields.
 */
class EventJsonTest {

  @Test
  void isWhatJacksonsGeneratorWritesForAnyEvent() throws IOException {
    Random random = new Random(20261205);
    for (int n = 0; n < 5_000; n++) {
      Map<String, String> attrs = new HashMap<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        attrs.put(text(random), text(random));
      }
      Event event =
          new Event(
              text(random),
              text(random),
              text(random),
              text(random),
              random.nextLong() >>> 20,
              random.nextBoolean() ? null : text(random),
              random.nextBoolean() ? null : text(random),
              random.nextBoolean() ? null : text(random),
              (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(30) - 10),
              attrs);
      assertThat(EventJson.write(event)).isEqualTo(jackson(event));
    }
  }

  /** The fields in the canonical order, through Jackson's generator. */
  private static String jackson(Event event) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("id", event.id());
      json.writeStringField("source", event.source());
      json.writeStringField("type", event.type());
      json.writeStringField("category", event.category());
      json.writeNumberField("ts", event.timestampMillis());
      for (String[] optional :
          new String[][] {
            {"geo", event.geo()}, {"entity", event.entity()}, {"user", event.user()}
          }) {
        if (optional[1] != null) {
          json.writeStringField(optional[0], optional[1]);
        }
      }
      json.writeNumberField("value", event.value());
      if (!event.attrs().isEmpty()) {
        json.writeObjectFieldStart("attrs");
        for (Map.Entry<String, String> attr : new TreeMap<>(event.attrs()).entrySet()) {
          json.writeStringField(attr.getKey(), attr.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    }
    return out.toString();
  }

  /** Text from every range a string may hold: escapes, two to four UTF-8 bytes, plain ASCII. */
  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = 1 + random.nextInt(10); i > 0; i--) {
      switch (random.nextInt(6)) {
        case 0 -> text.append((char) random.nextInt(0x20));
        case 1 -> text.append("\"\\/\u007f".charAt(random.nextInt(4)));
        case 2 -> text.append((char) (0x80 + random.nextInt(0x780)));
        case 3 -> text.append((char) (0x800 + random.nextInt(0xD000)));
        case 4 -> text.appendCodePoint(0x10000 + random.nextInt(0xFFFFF));
        default -> text.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return text.toString();
  }

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
