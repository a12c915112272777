package io.tally.it.fuzz;

import io.tally.it.pipeline.PostedEvents;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A seeded generator of records that break the event contract, each with the beginning of the error
 * the parser must give for it: broken JSON, other JSON values, wrong types, missing fields,
 * oversize fields and events, NaN and infinite values, times after 9999 or before 1970, control
 * characters, unpaired surrogates and invalid UTF-8. Each starts from a valid event in one of the
 * real categories, so that one accepted by mistake would show in the counts.
 *
 * <p>Records never contain a raw line feed or carriage return: they are NDJSON lines too.
 */
final class MalformedEvents {
  /** One malformed record and the beginning of its error. */
  record Malformed(String kind, byte[] bytes, String error) {}

  private final Random random;
  private final List<Supplier<Malformed>> kinds = new ArrayList<>();
  private long n;

  MalformedEvents(long seed) {
    this.random = new Random(seed);
    kinds.add(this::brokenJson);
    kinds.add(this::notAnObject);
    kinds.add(this::wrongType);
    kinds.add(this::missingField);
    kinds.add(this::oversizeField);
    kinds.add(this::oversizeEvent);
    kinds.add(this::nonFinite);
    kinds.add(this::badTimestamp);
    kinds.add(this::controlCharacter);
    kinds.add(this::invalidUtf8);
    kinds.add(this::badName);
    kinds.add(this::trailingContent);
  }

  Malformed next() {
    n++;
    return kinds.get(random.nextInt(kinds.size())).get();
  }

  // --- the kinds

  private Malformed brokenJson() {
    String valid = event(field("ts", Long.toString(now())));
    // Cut anywhere inside the object: it never closes.
    String cut = valid.substring(0, 1 + random.nextInt(valid.length() - 1));
    return text("broken JSON", cut, "malformed JSON");
  }

  private Malformed notAnObject() {
    String value =
        List.of("[1,2,3]", "\"an event\"", "42", "null", "true", "[{\"id\":\"x\"}]")
            .get(random.nextInt(6));
    return text("not an object", value, "an event must be a JSON object");
  }

  private Malformed wrongType() {
    return switch (random.nextInt(8)) {
      case 0 -> text("wrong type", event(replace("id", "\"id\":" + n)), "id: must be a string");
      case 1 ->
          text(
              "wrong type",
              event(replace("source", "\"source\":[\"fuzz\"]")),
              "source: must be a string");
      case 2 -> text("wrong type", event(replace("ts", "\"ts\":true")), "ts: must be an RFC 3339");
      case 3 ->
          text(
              "wrong type", event(replace("ts", "\"ts\":1.7958132E12")), "ts: must be an RFC 3339");
      case 4 -> text("wrong type", event(extra("\"value\":\"12\"")), "value: must be a number");
      case 5 ->
          text(
              "wrong type",
              event(extra("\"attrs\":[\"a\"]")),
              "attrs: must be an object of strings");
      case 6 ->
          text("wrong type", event(extra("\"attrs\":{\"k\":1}")), "attrs.k: must be a string");
      default -> text("wrong type", event(extra("\"geo\":840")), "geo: must be a string");
    };
  }

  private Malformed missingField() {
    String field = List.of("id", "source", "type", "category", "ts").get(random.nextInt(5));
    return text("missing field", event(replace(field, null)), field + ": required");
  }

  private Malformed oversizeField() {
    return switch (random.nextInt(6)) {
      case 0 ->
          text(
              "oversize field",
              event(replace("id", "\"id\":\"" + "i".repeat(129) + "\"")),
              "id: must be 1..128 characters");
      case 1 ->
          text(
              "oversize field",
              event(replace("source", "\"source\":\"" + "s".repeat(65) + "\"")),
              "source: must match");
      case 2 ->
          text(
              "oversize field",
              event(replace("category", "\"category\":\"" + "c".repeat(257) + "\"")),
              "category: must be 1..256 characters");
      case 3 ->
          text(
              "oversize field",
              event(extra("\"entity\":\"" + "e".repeat(257) + "\"")),
              "entity: must be 1..256 characters");
      case 4 ->
          text("empty field", event(replace("id", "\"id\":\"\"")), "id: must be 1..128 characters");
      default -> {
        StringBuilder attrs = new StringBuilder("\"attrs\":{");
        for (int i = 0; i < 33; i++) {
          attrs.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        yield text(
            "oversize field",
            event(extra(attrs.append('}').toString())),
            "attrs: at most 32 entries");
      }
    };
  }

  private Malformed oversizeEvent() {
    // Valid field by field, but larger than 16 KiB in all (an unknown field carries the bulk).
    int size = 16 * 1024 + 1 + random.nextInt(48 * 1024);
    return text(
        "oversize event",
        event(extra("\"note\":\"" + "n".repeat(size) + "\"")),
        "event is larger than 16384 bytes");
  }

  private Malformed nonFinite() {
    return switch (random.nextInt(5)) {
      case 0 -> text("NaN", event(extra("\"value\":NaN")), "malformed JSON");
      case 1 -> text("Infinity", event(extra("\"value\":Infinity")), "malformed JSON");
      case 2 -> text("Infinity", event(extra("\"value\":-Infinity")), "malformed JSON");
      case 3 -> text("overflow", event(extra("\"value\":1e400")), "value: must be finite");
      default ->
          text(
              "overflow",
              event(extra("\"value\":-" + "9".repeat(400) + ".0")),
              "value: must be finite");
    };
  }

  private Malformed badTimestamp() {
    String ts =
        switch (random.nextInt(8)) {
          case 0 -> "253402300800000"; // 10000-01-01T00:00:00Z
          case 1 -> Long.toString(Long.MAX_VALUE);
          case 2 -> "-1";
          case 3 -> "\"1969-12-31T23:59:59Z\"";
          case 4 -> "\"10000-01-01T00:00:00Z\"";
          case 5 -> "\"2026-11-27T21:00:00\"";
          case 6 -> "\"2026-02-30T21:00:00Z\"";
          default -> "99999999999999999999";
        };
    String error =
        switch (ts) {
          case "99999999999999999999" -> "ts: out of range";
          case "\"2026-11-27T21:00:00\"", "\"2026-02-30T21:00:00Z\"" -> "ts: must be an RFC 3339";
          // Out of the format's four-digit years, or of the range: either way a ts error.
          case "\"10000-01-01T00:00:00Z\"" -> "ts: must be";
          default -> "ts: must be between 1970-01-01 and 9999-12-31";
        };
    return text("bad timestamp", event(replace("ts", "\"ts\":" + ts)), error);
  }

  private Malformed controlCharacter() {
    return switch (random.nextInt(4)) {
      // Escaped: valid JSON, but the field may not hold it.
      case 0 ->
          text(
              "control character",
              event(replace("id", "\"id\":\"a\\u0000b" + n + "\"")),
              "id: must not contain control characters");
      case 1 ->
          text(
              "control character",
              event(extra("\"user\":\"u\\u001b[31m\"")),
              "user: must not contain control characters");
      case 2 ->
          text(
              "unpaired surrogate",
              event(extra("\"entity\":\"\\ud800x\"")),
              "entity: must not contain unpaired surrogates");
      // Raw in a string: not JSON at all.
      default ->
          text(
              "control character",
              event(replace("id", "\"id\":\"a\u0001b" + n + "\"")),
              "malformed JSON");
    };
  }

  private Malformed invalidUtf8() {
    byte[][] bad = {
      {(byte) 0xC3, (byte) 0x28}, // a lead byte without its continuation
      {(byte) 0xFF},
      {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
    };
    String valid = event(replace("id", "\"id\":\"u" + n + "@\""));
    int at = valid.indexOf('@');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(valid.substring(0, at).getBytes(StandardCharsets.UTF_8));
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.writeBytes(valid.substring(at + 1).getBytes(StandardCharsets.UTF_8));
    return new Malformed("invalid UTF-8", out.toByteArray(), "not valid UTF-8");
  }

  private Malformed badName() {
    return switch (random.nextInt(4)) {
      case 0 ->
          text("bad name", event(replace("type", "\"type\":\"Movie View\"")), "type: must match");
      case 1 ->
          text(
              "bad category",
              event(replace("category", "\"category\":\"/sports\"")),
              "category: must be a '/'-separated path");
      case 2 ->
          text(
              "bad category",
              event(replace("category", "\"category\":\"sports//nba\"")),
              "category: must be a '/'-separated path");
      default ->
          text(
              "bad geo",
              event(extra("\"geo\":\"usa\"")),
              "geo: must be an ISO 3166-1 alpha-2 code");
    };
  }

  private Malformed trailingContent() {
    String valid = event(field("ts", Long.toString(now())));
    return switch (random.nextInt(3)) {
      case 0 ->
          text("trailing content", valid + valid, "malformed JSON: content after the event object");
      case 1 -> text("duplicate field", event(extra("\"ts\":" + now())), "malformed JSON");
      default -> text("trailing content", valid + " x", "malformed JSON");
    };
  }

  // --- building events

  /** A field list edit: which field to replace (null: none) and with what (null: drop it). */
  private record Edit(String field, String with, String extra) {}

  private static Edit replace(String field, String with) {
    return new Edit(field, with, null);
  }

  private static Edit extra(String member) {
    return new Edit(null, null, member);
  }

  private static Edit field(String name, String value) {
    return new Edit(name, "\"" + name + "\":" + value, null);
  }

  /** A valid event, then edited: a bad one that is otherwise right. */
  private String event(Edit edit) {
    String category = PostedEvents.CATEGORIES.get(random.nextInt(PostedEvents.CATEGORIES.size()));
    List<String[]> fields =
        List.of(
            new String[] {"id", "\"id\":\"bad-" + n + "\""},
            new String[] {"source", "\"source\":\"fuzz\""},
            new String[] {"type", "\"type\":\"fuzz.view\""},
            new String[] {"category", "\"category\":\"" + category + "\""},
            new String[] {"ts", "\"ts\":" + now()});
    StringBuilder json = new StringBuilder("{");
    String separator = "";
    for (String[] f : fields) {
      String member = f[0].equals(edit.field()) ? edit.with() : f[1];
      if (member != null) {
        json.append(separator).append(member);
        separator = ",";
      }
    }
    if (edit.extra() != null) {
      json.append(separator).append(edit.extra());
    }
    return json.append('}').toString();
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static Malformed text(String kind, String json, String error) {
    return new Malformed(kind, json.getBytes(StandardCharsets.UTF_8), error);
  }
}
