package io.tally.it.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.it.support.ClickHouseServer;
import io.tally.model.event.Event;
import io.tally.model.event.EventJson;
import io.tally.tiering.archive.ClickHouseEventArchive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event archive against a real ClickHouse: every appended event comes back as the canonical
 * JSON of that event, whatever characters its fields hold (the rows travel in ClickHouse's binary
 * row format, where a length prefix, not escaping, delimits each string), and counts and reads
 * cover exactly the asked time range.
 */
@ExtendWith(ClickHouseServer.class)
class EventArchiveIT {
  private static final String DATABASE = ClickHouseServer.uniqueDatabase(EventArchiveIT.class);
  private static final long T0 = 1_796_000_000_000L;

  @Test
  void appendedEventsComeBackExactlyWithinTheirRange() {
    List<String> awkward =
        List.of(
            "plain",
            "tab\there",
            "new\nline and carriage\rreturn",
            "quote \" apostrophe ' backslash \\ and \\N",
            "zero \u0000 byte",
            "ünïcödé, 中文, emoji \uD83C\uDFAC",
            "comma, semicolon; pipe | brace {}",
            "x".repeat(5_000));
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < awkward.size(); i++) {
      events.add(
          new Event(
              "e-" + i + "-" + awkward.get(i),
              "feed \t" + i,
              "movie.view",
              "movies/" + i,
              T0 + i * 1_000L,
              i % 2 == 0 ? "US" : null,
              awkward.get(i),
              "user " + awkward.get(i),
              i + 0.5,
              Map.of("note", awkward.get(i))));
    }
    ClickHouseEventArchive archive = new ClickHouseEventArchive(ClickHouseServer.config(DATABASE));
    try (archive) {
      archive.createSchema();
      archive.append(events.subList(0, 3));
      archive.append(events.subList(3, events.size()));

      Map<String, Long> read = new HashMap<>();
      long delivered =
          archive.read(T0, T0 + events.size() * 1_000L, (ts, json) -> read.put(json, ts));

      assertThat(delivered).isEqualTo(events.size());
      Map<String, Long> expected = new HashMap<>();
      for (Event event : events) {
        expected.put(EventJson.write(event), event.timestampMillis());
      }
      assertThat(read).isEqualTo(expected);
      assertThat(archive.count(T0 + 1_000, T0 + 3_000)).isEqualTo(2);
      assertThat(archive.count(T0 - 1_000, T0)).isZero();
    }
  }
}
