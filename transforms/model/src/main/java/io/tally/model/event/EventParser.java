package io.tally.model.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tally.model.codec.Utf8;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Parses and validates one event in the wire format of the contract (§1). It reads the JSON with
 * Jackson's streaming parser, without building a tree, because it runs once per ingested event.
 *
 * <p>Unknown top-level fields are ignored so that producers may send newer fields to an older
 * deployment; a repeated field is an error because "first arrival wins" must not depend on which
 * copy a parser keeps.
 */
public final class EventParser {

  public static final int MAX_EVENT_BYTES = 16 * 1024;
  public static final int MAX_ATTRS = 32;

  /** The latest instant an event may carry: the end of year 9999 in UTC. */
  public static final long MAX_TIMESTAMP_MILLIS = 253_402_300_799_999L;

  /**
   * Reads events of known fields; a repeated one is refused by {@link #read} itself, since
   * Jackson's own detection costs a set of names per event.
   */
  private static final JsonFactory JSON = JsonFactory.builder().build();

  /** Reads events with unknown fields, whose repetitions (at any depth) Jackson refuses. */
  private static final JsonFactory STRICT_JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private EventParser() {}

  public static Event parse(String json) throws InvalidEventException {
    if (json == null) {
      throw new InvalidEventException("empty record");
    }
    // A UTF-8 encoding takes at most three bytes per UTF-16 unit: skip the exact count when safe.
    if (json.length() * 3 > MAX_EVENT_BYTES
        && json.getBytes(StandardCharsets.UTF_8).length > MAX_EVENT_BYTES) {
      throw tooLarge();
    }
    try (JsonParser parser = JSON.createParser(json)) {
      Event event = read(parser, false);
      if (event != null) {
        return event;
      }
    } catch (IOException e) {
      throw malformed(e);
    }
    try (JsonParser parser = STRICT_JSON.createParser(json)) {
      return read(parser, true);
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  /**
   * Parses raw bytes, which must be well-formed UTF-8: decoding is strict, because a lenient
   * decoder would silently turn bad bytes into other characters (or other identities).
   */
  public static Event parse(byte[] utf8) throws InvalidEventException {
    if (utf8 == null || utf8.length == 0) {
      throw new InvalidEventException("empty record");
    }
    if (utf8.length > MAX_EVENT_BYTES) {
      throw tooLarge();
    }
    String json;
    try {
      json = Utf8.decode(utf8);
    } catch (CharacterCodingException e) {
      throw new InvalidEventException("not valid UTF-8");
    }
    return parse(json);
  }

  /**
   * The event time of a raw record, read without validating the rest: what a source needs to
   * timestamp records and advance its watermark before the pipeline parses them. Empty when the
   * record has no valid {@code ts}; such a record is invalid and will be dead-lettered anyway.
   */
  public static OptionalLong eventTime(byte[] utf8) {
    if (utf8 == null || utf8.length > MAX_EVENT_BYTES) {
      return OptionalLong.empty();
    }
    long scanned = EventTimeScanner.scan(utf8);
    if (scanned == EventTimeScanner.NONE) {
      return OptionalLong.empty();
    }
    return scanned == EventTimeScanner.UNSURE ? eventTimeByParser(utf8) : OptionalLong.of(scanned);
  }

  /** {@link #eventTime} as the parser reads it: its definition, for every shape. */
  static OptionalLong eventTimeByParser(byte[] utf8) {
    try (JsonParser parser = STRICT_JSON.createParser(utf8)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return OptionalLong.empty();
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean isTs = "ts".equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (isTs) {
          Long ts = timestamp(parser, value);
          return ts == null ? OptionalLong.empty() : OptionalLong.of(ts);
        }
        parser.skipChildren();
      }
    } catch (IOException | InvalidEventException e) {
      // Unreadable: no event time.
    }
    return OptionalLong.empty();
  }

  private static final List<String> KNOWN_FIELDS =
      List.of("id", "source", "type", "category", "ts", "geo", "entity", "user", "value", "attrs");

  /** What Jackson says of a repeated name, so that the message is the same on either path. */
  private static InvalidEventException duplicate(String field) {
    return new InvalidEventException("malformed JSON: Duplicate field '" + field + "'");
  }

  private static InvalidEventException tooLarge() {
    return new InvalidEventException("event is larger than " + MAX_EVENT_BYTES + " bytes");
  }

  private static InvalidEventException malformed(IOException e) {
    String detail = e instanceof JsonParseException jpe ? jpe.getOriginalMessage() : e.getMessage();
    return new InvalidEventException("malformed JSON: " + firstLine(detail));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable input";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * The event, or null when it has a field this does not know and {@code strict} is false: only a
   * parser that detects repetitions itself can then be sure that no name repeats.
   */
  private static Event read(JsonParser parser, boolean strict)
      throws IOException, InvalidEventException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new InvalidEventException("an event must be a JSON object");
    }
    String id = null;
    String source = null;
    String type = null;
    String category = null;
    Long ts = null;
    String geo = null;
    String entity = null;
    String user = null;
    double value = Event.DEFAULT_VALUE;
    Map<String, String> attrs = Map.of();

    int seen = 0; // a bit per known field, at its place in KNOWN_FIELDS

    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      int known = KNOWN_FIELDS.indexOf(field);
      if (known >= 0) {
        if ((seen & (1 << known)) != 0) {
          throw duplicate(field);
        }
        seen |= 1 << known;
      } else if (!strict) {
        return null;
      }
      JsonToken valueToken = parser.nextToken();
      switch (field) {
        case "id" -> id = text(parser, valueToken, "id", 128);
        case "source" -> source = name(parser, valueToken, "source");
        case "type" -> type = name(parser, valueToken, "type");
        case "category" -> category = category(parser, valueToken);
        case "ts" -> ts = timestamp(parser, valueToken);
        case "geo" -> geo = geo(parser, valueToken);
        case "entity" -> entity = text(parser, valueToken, "entity", 256);
        case "user" -> user = text(parser, valueToken, "user", 256);
        case "value" -> value = number(parser, valueToken);
        case "attrs" -> attrs = attrs(parser, valueToken);
        default -> parser.skipChildren();
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw new InvalidEventException("malformed JSON: unexpected " + token);
    }
    if (parser.nextToken() != null) {
      throw new InvalidEventException("malformed JSON: content after the event object");
    }
    require(id, "id");
    require(source, "source");
    require(type, "type");
    require(category, "category");
    require(ts, "ts");
    return new Event(id, source, type, category, ts, geo, entity, user, value, attrs);
  }

  private static void require(Object value, String field) throws InvalidEventException {
    if (value == null) {
      throw new InvalidEventException(field + ": required");
    }
  }

  private static String string(JsonParser parser, JsonToken token, String field)
      throws IOException, InvalidEventException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.VALUE_STRING) {
      throw new InvalidEventException(field + ": must be a string");
    }
    return parser.getText();
  }

  private static String text(JsonParser parser, JsonToken token, String field, int maxLength)
      throws IOException, InvalidEventException {
    String text = string(parser, token, field);
    if (text == null) {
      return null;
    }
    if (text.isEmpty() || text.length() > maxLength) {
      throw new InvalidEventException(field + ": must be 1.." + maxLength + " characters");
    }
    checkCharacters(text, field);
    return text;
  }

  private static void checkCharacters(String text, String field) throws InvalidEventException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidEventException(field + ": must not contain control characters");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidEventException(field + ": must not contain unpaired surrogates");
      }
    }
  }

  private static String name(JsonParser parser, JsonToken token, String field)
      throws IOException, InvalidEventException {
    String text = string(parser, token, field);
    if (text != null && !isName(text)) {
      throw new InvalidEventException(field + ": must match [a-z0-9._-]{1,64}");
    }
    return text;
  }

  /**
   * {@code [a-z0-9._-]{1,64}}, checked by hand: a regular expression's matcher per name was a tenth
   * of the parse.
   */
  static boolean isName(String text) {
    int length = text.length();
    if (length < 1 || length > 64) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Z]{2}(-[A-Z0-9]{1,3})?}, checked by hand like {@link #isName}. */
  static boolean isGeo(String text) {
    int length = text.length();
    if (length != 2 && (length < 4 || length > 6)) {
      return false;
    }
    if (!isUpper(text.charAt(0)) || !isUpper(text.charAt(1))) {
      return false;
    }
    if (length == 2) {
      return true;
    }
    if (text.charAt(2) != '-') {
      return false;
    }
    for (int i = 3; i < length; i++) {
      char c = text.charAt(i);
      if (!isUpper(c) && !(c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static String category(JsonParser parser, JsonToken token)
      throws IOException, InvalidEventException {
    String text = text(parser, token, "category", 256);
    if (text != null && (text.startsWith("/") || text.endsWith("/") || text.contains("//"))) {
      throw new InvalidEventException("category: must be a '/'-separated path of non-empty parts");
    }
    return text;
  }

  private static String geo(JsonParser parser, JsonToken token)
      throws IOException, InvalidEventException {
    String text = string(parser, token, "geo");
    if (text != null && !isGeo(text)) {
      throw new InvalidEventException(
          "geo: must be an ISO 3166-1 alpha-2 code, optionally with a subdivision (US, US-CA)");
    }
    return text;
  }

  private static Long timestamp(JsonParser parser, JsonToken token)
      throws IOException, InvalidEventException {
    long millis;
    if (token == JsonToken.VALUE_NUMBER_INT) {
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new InvalidEventException("ts: out of range");
      }
      millis = parser.getLongValue();
    } else if (token == JsonToken.VALUE_STRING) {
      try {
        millis = Rfc3339.toEpochMillis(parser.getText());
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new InvalidEventException(
            "ts: must be an RFC 3339 timestamp with offset or integer epoch milliseconds");
      }
    } else if (token == JsonToken.VALUE_NULL) {
      return null;
    } else {
      throw new InvalidEventException(
          "ts: must be an RFC 3339 timestamp with offset or integer epoch milliseconds");
    }
    if (millis < 0 || millis > MAX_TIMESTAMP_MILLIS) {
      throw new InvalidEventException("ts: must be between 1970-01-01 and 9999-12-31");
    }
    return millis;
  }

  private static double number(JsonParser parser, JsonToken token)
      throws IOException, InvalidEventException {
    if (token == JsonToken.VALUE_NULL) {
      return Event.DEFAULT_VALUE;
    }
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new InvalidEventException("value: must be a number");
    }
    double value = parser.getDoubleValue();
    if (!Double.isFinite(value)) {
      throw new InvalidEventException("value: must be finite");
    }
    return value;
  }

  private static Map<String, String> attrs(JsonParser parser, JsonToken token)
      throws IOException, InvalidEventException {
    if (token == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (token != JsonToken.START_OBJECT) {
      throw new InvalidEventException("attrs: must be an object of strings");
    }
    Map<String, String> attrs = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      if (attrs.containsKey(key)) {
        throw duplicate(key);
      }
      String field = "attrs." + key;
      if (parser.nextToken() != JsonToken.VALUE_STRING) {
        throw new InvalidEventException(field + ": must be a string");
      }
      if (attrs.size() == MAX_ATTRS) {
        throw new InvalidEventException("attrs: at most " + MAX_ATTRS + " entries");
      }
      if (key.isEmpty() || key.length() > 256) {
        throw new InvalidEventException("attrs: keys must be 1..256 characters");
      }
      checkCharacters(key, "attrs");
      String value = parser.getText();
      if (value.length() > 256) {
        throw new InvalidEventException(field + ": must be at most 256 characters");
      }
      checkCharacters(value, field);
      attrs.put(key, value);
    }
    return Map.copyOf(attrs);
  }
}
