package io.tally.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event time read in one pass agrees with the JSON parser's reading on every input: valid
 * events of many shapes, each of them cut short at every byte, with every byte replaced, and at
 * random. The typical shape is answered without the parser.
 */
class EventTimeScannerTest {
  private static final long TS = Instant.parse("2026-12-05T01:00:00Z").toEpochMilli();

  /** What producers send (the synthetic source writes this shape). */
  private static final String TYPICAL =
      "{\"id\":\"e-42\",\"source\":\"tickets\",\"type\":\"ticket.sold\",\"category\":\"concerts/rock\","
          + "\"ts\":"
          + TS
          + ",\"geo\":\"US-CA\",\"entity\":\"show-7\",\"user\":\"u9\",\"value\":12.5,"
          + "\"attrs\":{\"venue\":\"arena\"}}";

  private static final List<String> SHAPES =
      List.of(
          TYPICAL,
          "{\"ts\":" + TS + "}",
          " \n{ \"id\" : \"a\" ,\t\"ts\" :\r" + TS + " }",
          "{\"id\":\"a\",\"ts\":\"2026-12-05T01:00:00.123+01:00\"}",
          "{\"id\":\"a\",\"ts\":\"2026-12-05T01:00:00Z\",\"ts\":5}",
          "{\"id\":\"a\",\"ts\":\"not a time\"}",
          "{\"id\":\"a\",\"ts\":\"2026-12-05T01:00:00\\u005A\"}",
          "{\"id\":\"a\",\"ts\":null}",
          "{\"id\":\"a\",\"ts\":true}",
          "{\"id\":\"a\",\"ts\":0}",
          "{\"id\":\"a\",\"ts\":-5}",
          "{\"id\":\"a\",\"ts\":12.5}",
          "{\"id\":\"a\",\"ts\":1e3}",
          "{\"id\":\"a\",\"ts\":253402300799999}",
          "{\"id\":\"a\",\"ts\":253402300800000}",
          "{\"id\":\"a\",\"ts\":99999999999999999999999}",
          "{\"id\":\"a\",\"ts\":[1]}",
          "{\"id\":\"a\",\"ts\":{\"x\":1}}",
          "{\"id\":\"a\",\"value\":-0.5e-3,\"ok\":true,\"no\":false,\"nil\":null,\"ts\":"
              + TS
              + "}",
          "{\"id\":\"a \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\",\"ts\":" + TS + "}",
          "{\"id\":\"Amélie\",\"ts\":" + TS + "}",
          "{\"i\\u0064\":\"a\",\"ts\":" + TS + "}",
          "{\"id\":\"a\",\"id\":\"b\",\"ts\":" + TS + "}",
          "{\"attrs\":{\"k\":\"v\",\"k\":\"w\"},\"ts\":" + TS + "}",
          "{\"attrs\":{\"k\":[1,{\"t\":\"}\"}]},\"ts\":" + TS + "}",
          "{\"id\":\"a\"}",
          "{}",
          "[{\"ts\":" + TS + "}]",
          "\uFEFF{\"ts\":" + TS + "}",
          "{\"id\":01,\"ts\":" + TS + "}",
          "{\"id\":\"a\",\"ts\":" + TS + "x}",
          "{\"id\":\"a\" \"ts\":" + TS + "}",
          "{\"id\":tru,\"ts\":" + TS + "}");

  private static final byte[] REPLACEMENTS = {
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    ' ',
    '\t',
    '0',
    '1',
    '9',
    '-',
    '+',
    '.',
    'e',
    't',
    'n',
    'u',
    'x',
    0x00,
    0x1F,
    0x7F,
    (byte) 0xC3,
    (byte) 0xA9,
    (byte) 0xFF
  };

  @Test
  void theTypicalShapeIsReadWithoutTheParser() {
    byte[] typical = TYPICAL.getBytes(StandardCharsets.UTF_8);
    assertThat(EventTimeScanner.scan(typical)).isEqualTo(TS);
    assertThat(EventParser.eventTime(typical)).isEqualTo(OptionalLong.of(TS));
    assertThat(EventTimeScanner.scan(bytes("{\"id\":\"a\",\"ts\":\"2026-12-05T01:00:00Z\"}")))
        .isEqualTo(TS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\":\"a\"}",
        "{\"id\":\"a\",\"ts\":null}",
        "{\"id\":\"a\",\"ts\":\"yesterday\"}",
        "{\"id\":\"a\",\"ts\":253402300800000}"
      })
  void aRecordWithoutAValidTimeHasNoneWithoutTheParser(String json) {
    assertThat(EventTimeScanner.scan(bytes(json))).isEqualTo(EventTimeScanner.NONE);
    assertThat(EventParser.eventTimeByParser(bytes(json))).isEmpty();
  }

  @Test
  void agreesWithTheParserOnEveryShapeCutShortAnywhere() {
    for (String shape : SHAPES) {
      byte[] whole = bytes(shape);
      for (int length = 0; length <= whole.length; length++) {
        assertAgrees(Arrays.copyOf(whole, length));
      }
    }
  }

  @Test
  void agreesWithTheParserOnEveryShapeWithAnyByteReplaced() {
    for (String shape : SHAPES) {
      byte[] whole = bytes(shape);
      for (int at = 0; at < whole.length; at++) {
        for (byte replacement : REPLACEMENTS) {
          byte[] changed = whole.clone();
          changed[at] = replacement;
          assertAgrees(changed);
        }
      }
    }
  }

  @Test
  void agreesWithTheParserOnRandomEdits() {
    Random random = new Random(20261205);
    for (int n = 0; n < 50_000; n++) {
      List<Byte> edited = new ArrayList<>();
      for (byte b : bytes(SHAPES.get(random.nextInt(SHAPES.size())))) {
        edited.add(b);
      }
      for (int edits = 1 + random.nextInt(3); edits > 0 && !edited.isEmpty(); edits--) {
        int at = random.nextInt(edited.size());
        byte b = REPLACEMENTS[random.nextInt(REPLACEMENTS.length)];
        switch (random.nextInt(3)) {
          case 0 -> edited.set(at, b);
          case 1 -> edited.add(at, b);
          default -> edited.remove(at);
        }
      }
      byte[] input = new byte[edited.size()];
      for (int i = 0; i < input.length; i++) {
        input[i] = edited.get(i);
      }
      assertAgrees(input);
    }
  }

  private static void assertAgrees(byte[] input) {
    assertThat(EventParser.eventTime(input))
        .as("%s", new String(input, StandardCharsets.UTF_8))
        .isEqualTo(EventParser.eventTimeByParser(input));
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
