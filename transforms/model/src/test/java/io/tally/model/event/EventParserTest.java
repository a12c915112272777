package io.tally.model.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule of the event wire format (contract §1), through both entry points. */
class EventParserTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Object ABSENT = new Object();
  private static final long TS = Instant.parse("2026-11-27T20:00:00Z").toEpochMilli();

  /** A valid event with only the required fields. */
  private static Map<String, Object> minimal() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", "evt-1");
    fields.put("source", "feed.a_b-1");
    fields.put("type", "movie.view");
    fields.put("category", "movies/action");
    fields.put("ts", TS);
    return fields;
  }

  /** The minimal event with one field set to {@code value}, or removed when it is ABSENT. */
  private static String with(String field, Object value) {
    Map<String, Object> fields = minimal();
    if (value == ABSENT) {
      fields.remove(field);
    } else {
      fields.put(field, value);
    }
    return json(fields);
  }

  private static String json(Map<String, Object> fields) {
    try {
      return MAPPER.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private static Event parseBoth(String json) throws InvalidEventException {
    Event fromString = EventParser.parse(json);
    Event fromBytes = EventParser.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(fromBytes).isEqualTo(fromString);
    return fromString;
  }

  /** Rejected by both entry points, with a message that starts with {@code field}. */
  private static void assertRejected(String json, String field) {
    assertThatThrownBy(() -> EventParser.parse(json))
        .as("parse(String) of %s", json)
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith(field + ":");
    assertThatThrownBy(() -> EventParser.parse(json.getBytes(StandardCharsets.UTF_8)))
        .as("parse(byte[]) of %s", json)
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith(field + ":");
  }

  private static void assertRejected(String json) {
    assertThatThrownBy(() -> EventParser.parse(json))
        .as("parse(String) of %s", json)
        .isInstanceOf(InvalidEventException.class);
    assertThatThrownBy(() -> EventParser.parse(json.getBytes(StandardCharsets.UTF_8)))
        .as("parse(byte[]) of %s", json)
        .isInstanceOf(InvalidEventException.class);
  }

  // ---- whole events ---------------------------------------------------------------------

  @Test
  void minimalEventHasDefaults() throws Exception {
    Event e = parseBoth(json(minimal()));
    assertThat(e.id()).isEqualTo("evt-1");
    assertThat(e.source()).isEqualTo("feed.a_b-1");
    assertThat(e.type()).isEqualTo("movie.view");
    assertThat(e.category()).isEqualTo("movies/action");
    assertThat(e.timestampMillis()).isEqualTo(TS);
    assertThat(e.geo()).isNull();
    assertThat(e.entity()).isNull();
    assertThat(e.user()).isNull();
    assertThat(e.value()).isEqualTo(1.0);
    assertThat(e.attrs()).isEmpty();
  }

  @Test
  void fullEventKeepsEveryField() throws Exception {
    Map<String, Object> fields = minimal();
    fields.put("geo", "US-CA");
    fields.put("entity", "movie-42");
    fields.put("user", "user-7");
    fields.put("value", 2.5);
    fields.put("attrs", Map.of("team", "lakers", "lang", "en"));
    Event e = parseBoth(json(fields));
    assertThat(e)
        .isEqualTo(
            new Event(
                "evt-1",
                "feed.a_b-1",
                "movie.view",
                "movies/action",
                TS,
                "US-CA",
                "movie-42",
                "user-7",
                2.5,
                Map.of("team", "lakers", "lang", "en")));
    assertThat(e.identity())
        .isEqualTo(
            new Event("evt-1", "feed.a_b-1", "x", "y", 0, null, null, null, 1, null).identity());
  }

  @Test
  void fieldOrderDoesNotMatter() throws Exception {
    String reordered =
        "{\"ts\":"
            + TS
            + ",\"category\":\"movies/action\",\"type\":\"movie.view\","
            + "\"source\":\"feed.a_b-1\",\"id\":\"evt-1\"}";
    assertThat(parseBoth(reordered)).isEqualTo(parseBoth(json(minimal())));
  }

  // ---- required fields ------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"id", "source", "type", "category", "ts"})
  void requiredFieldMissing(String field) {
    assertRejected(with(field, ABSENT), field);
    assertThatThrownBy(() -> EventParser.parse(with(field, ABSENT)))
        .hasMessageContaining("required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "source", "type", "category", "ts"})
  void requiredFieldNull(String field) {
    assertRejected(with(field, null), field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "source", "type", "category", "geo", "entity", "user"})
  void stringFieldsRejectOtherTypes(String field) {
    assertRejected(with(field, 5), field);
    assertRejected(with(field, true), field);
    assertRejected(with(field, List.of("a")), field);
    assertRejected(with(field, Map.of("a", "b")), field);
  }

  // ---- source and type ------------------------------------------------------------------

  static Stream<Arguments> names() {
    return Stream.of("source", "type")
        .flatMap(
            f ->
                Stream.of(
                    Arguments.of(f, "a", true),
                    Arguments.of(f, "movie.release", true),
                    Arguments.of(f, "a-b_c.9", true),
                    Arguments.of(f, "x".repeat(64), true),
                    Arguments.of(f, "x".repeat(65), false),
                    Arguments.of(f, "", false),
                    Arguments.of(f, "Movie.view", false),
                    Arguments.of(f, "movie view", false),
                    Arguments.of(f, "movie/view", false),
                    Arguments.of(f, "caf\u00e9", false),
                    Arguments.of(f, "movie:view", false)));
  }

  @ParameterizedTest(name = "{0}={1} valid={2}")
  @MethodSource("names")
  void sourceAndTypeFollowTheNamePattern(String field, String value, boolean valid)
      throws Exception {
    String json = with(field, value);
    if (valid) {
      Event e = parseBoth(json);
      assertThat(field.equals("source") ? e.source() : e.type()).isEqualTo(value);
    } else {
      assertRejected(json, field);
    }
  }

  // ---- id, entity, user -----------------------------------------------------------------

  static Stream<Arguments> texts() {
    return Stream.of(
        Arguments.of("id", 128), Arguments.of("entity", 256), Arguments.of("user", 256));
  }

  @ParameterizedTest(name = "{0} 1..{1}")
  @MethodSource("texts")
  void textFieldLengths(String field, int max) throws Exception {
    assertThat(parseBoth(with(field, "x"))).isNotNull();
    assertThat(parseBoth(with(field, "x".repeat(max)))).isNotNull();
    // Characters, not bytes: a 2-byte character counts once.
    assertThat(parseBoth(with(field, "\u00e9".repeat(max)))).isNotNull();
    assertRejected(with(field, ""), field);
    assertRejected(with(field, "x".repeat(max + 1)), field);
  }

  @Test
  void entityAndUserAreKept() throws Exception {
    Map<String, Object> fields = minimal();
    fields.put("entity", "movie 42 / the sequel");
    fields.put("user", "Ana \u00c7elik");
    Event e = parseBoth(json(fields));
    assertThat(e.entity()).isEqualTo("movie 42 / the sequel");
    assertThat(e.user()).isEqualTo("Ana \u00c7elik");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "entity", "user", "category"})
  void controlCharactersAreRejected(String field) {
    String base = field.equals("category") ? "movies/" : "x";
    assertRejected(with(field, base + "\u0001"), field);
    assertRejected(with(field, base + "\t"), field);
    assertRejected(with(field, base + "\n"), field);
    assertRejected(with(field, base + "\u007f"), field);
    assertThatThrownBy(() -> EventParser.parse(with(field, base + "\u0000")))
        .hasMessageContaining("control");
  }

  @Test
  void unescapedControlCharacterInJsonIsMalformed() {
    String json = json(minimal()).replace("evt-1", "evt\u0001-1");
    assertRejected(json);
  }

  // ---- category -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"sports", "sports/nba", "a/b/c/d", "movies/sci-fi & fantasy"})
  void validCategories(String category) throws Exception {
    assertThat(parseBoth(with("category", category)).category()).isEqualTo(category);
  }

  @Test
  void categoryOf256CharactersIsValid() throws Exception {
    String category = "a/".repeat(127) + "bb"; // 256 characters
    assertThat(category).hasSize(256);
    assertThat(parseBoth(with("category", category)).category()).isEqualTo(category);
    assertRejected(with("category", category + "b"), "category");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "/sports", "sports/", "sports//nba", "//", "a/b/"})
  void invalidCategories(String category) {
    assertRejected(with("category", category), "category");
  }

  // ---- ts -------------------------------------------------------------------------------

  static Stream<Arguments> validTimestamps() {
    return Stream.of(
        Arguments.of("2026-11-27T21:00:00+01:00", TS),
        Arguments.of("2026-11-27T20:00:00Z", TS),
        Arguments.of("2026-11-27T15:00:00-05:00", TS),
        Arguments.of("2026-11-27T20:00:00.250Z", TS + 250),
        Arguments.of("2026-11-28T01:30:00.5+05:30", TS + 500),
        Arguments.of("1970-01-01T00:00:00Z", 0L),
        Arguments.of("1970-01-01T01:00:00+01:00", 0L),
        Arguments.of("9999-12-31T23:59:59.999Z", EventParser.MAX_TIMESTAMP_MILLIS),
        Arguments.of(TS, TS),
        Arguments.of(0L, 0L),
        Arguments.of(EventParser.MAX_TIMESTAMP_MILLIS, EventParser.MAX_TIMESTAMP_MILLIS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validTimestamps")
  void validTimestamps(Object ts, long expectedMillis) throws Exception {
    assertThat(parseBoth(with("ts", ts)).timestampMillis()).isEqualTo(expectedMillis);
  }

  static Stream<Object> invalidTimestamps() {
    return Stream.of(
        "2026-11-27T21:00:00", // no offset
        "2026-11-27 21:00:00",
        "2026-11-27",
        "21:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-31T00:00:00Z",
        "not a time",
        "",
        String.valueOf(TS), // epoch millis must be a number, not a string
        1.7958096E12, // float
        1795809600000.5,
        1.0,
        -1L,
        -TS,
        "1969-12-31T23:59:59Z", // before the epoch
        EventParser.MAX_TIMESTAMP_MILLIS + 1,
        Long.MAX_VALUE,
        new java.math.BigInteger("99999999999999999999999"),
        "+10000-01-01T00:00:00Z", // beyond year 9999
        "9999-12-31T23:59:59-01:00", // year 9999 locally, 10000 in UTC
        true,
        List.of(TS),
        Map.of("ms", TS));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidTimestamps")
  void invalidTimestamps(Object ts) {
    assertRejected(with("ts", ts), "ts");
  }

  @Test
  void exponentNotationTimestampIsRejected() {
    assertRejected(json(minimal()).replace(String.valueOf(TS), "1.7958096e12"), "ts");
    assertRejected(json(minimal()).replace(String.valueOf(TS), "1e3"), "ts");
  }

  // ---- geo ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"US", "CA", "US-CA", "GB-ENG", "FR-75", "DE-BY"})
  void validGeos(String geo) throws Exception {
    assertThat(parseBoth(with("geo", geo)).geo()).isEqualTo(geo);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "us", "USA", "U", "", "Us", "US-", "US-ca", "US_CA", " US", "US ", "US-CAXX", "12",
        "US-CA-X"
      })
  void invalidGeos(String geo) {
    assertRejected(with("geo", geo), "geo");
  }

  @Test
  void nullOptionalFieldsAreAbsent() throws Exception {
    Map<String, Object> fields = minimal();
    fields.put("geo", null);
    fields.put("entity", null);
    fields.put("user", null);
    fields.put("attrs", null);
    Event e = parseBoth(json(fields));
    assertThat(e.geo()).isNull();
    assertThat(e.entity()).isNull();
    assertThat(e.user()).isNull();
    assertThat(e.attrs()).isEmpty();
  }

  // ---- value ----------------------------------------------------------------------------

  static Stream<Arguments> validValues() {
    return Stream.of(
        Arguments.of(2.5, 2.5),
        Arguments.of(42, 42.0),
        Arguments.of(0, 0.0),
        Arguments.of(-3.25, -3.25),
        Arguments.of(1e300, 1e300),
        Arguments.of(-1e-300, -1e-300),
        Arguments.of(9007199254740993L, 9007199254740992.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validValues")
  void validValues(Object value, double expected) throws Exception {
    assertThat(parseBoth(with("value", value)).value()).isEqualTo(expected);
  }

  static Stream<String> invalidValueLiterals() {
    return Stream.of("\"1\"", "true", "[1]", "{\"v\":1}", "1e400", "-1e400", "1" + "0".repeat(400));
  }

  @ParameterizedTest
  @MethodSource("invalidValueLiterals")
  void invalidValues(String literal) {
    String json = json(minimal());
    json = json.substring(0, json.length() - 1) + ",\"value\":" + literal + "}";
    assertRejected(json, "value");
  }

  @Test
  void nonFiniteLiteralsAreRejected() {
    for (String literal : List.of("NaN", "Infinity", "-Infinity")) {
      String json = json(minimal());
      assertRejected(json.substring(0, json.length() - 1) + ",\"value\":" + literal + "}");
    }
  }

  // ---- attrs ----------------------------------------------------------------------------

  @Test
  void attrsOfStrings() throws Exception {
    assertThat(parseBoth(with("attrs", Map.of("team", "lakers", "empty", ""))).attrs())
        .containsExactlyInAnyOrderEntriesOf(Map.of("team", "lakers", "empty", ""));
    assertThat(parseBoth(with("attrs", Map.of())).attrs()).isEmpty();
    assertRejected(with("attrs", Map.of("", "empty key")), "attrs");
    assertRejected(with("attrs", Map.of("k", "x".repeat(257))), "attrs.k");
    assertRejected(with("attrs", Map.of("k", "tab\tinside")), "attrs.k");
  }

  @Test
  void atMost32Attrs() throws Exception {
    Map<String, String> attrs = new LinkedHashMap<>();
    for (int i = 0; i < EventParser.MAX_ATTRS; i++) {
      attrs.put("k" + i, "v" + i);
    }
    assertThat(parseBoth(with("attrs", attrs)).attrs()).hasSize(32).containsAllEntriesOf(attrs);
    attrs.put("k32", "v32");
    assertRejected(with("attrs", attrs), "attrs");
  }

  @Test
  void attrsValuesMustBeStrings() {
    assertRejected(with("attrs", Map.of("n", 1)), "attrs.n");
    assertRejected(with("attrs", Map.of("b", true)), "attrs.b");
    assertRejected(with("attrs", Map.of("o", Map.of("x", "y"))), "attrs.o");
    assertRejected(with("attrs", Map.of("l", List.of("x"))), "attrs.l");
  }

  @Test
  void attrsMustBeAnObject() {
    assertRejected(with("attrs", List.of("a", "b")), "attrs");
    assertRejected(with("attrs", "team=lakers"), "attrs");
    assertRejected(with("attrs", 3), "attrs");
  }

  @Test
  void namesAndGeoCodesAreCheckedExactlyAsTheContractsPatternsSay() {
    Pattern name = Pattern.compile("[a-z0-9._-]{1,64}");
    Pattern geo = Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?");
    String alphabet = "az09._-AZ/ \u00e9\u0430";
    Random random = new Random(20261205);
    List<String> texts =
        new ArrayList<>(List.of("", "a".repeat(64), "a".repeat(65), "US-", "US-CA1"));
    for (int n = 0; n < 200_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(8); i > 0; i--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      texts.add(text.toString());
      texts.add(text.toString().toUpperCase(Locale.ROOT));
    }
    for (String text : texts) {
      assertThat(EventParser.isName(text)).as(text).isEqualTo(name.matcher(text).matches());
      assertThat(EventParser.isGeo(text)).as(text).isEqualTo(geo.matcher(text).matches());
    }
  }

  // ---- JSON structure -------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"id", "ts", "category"})
  void duplicateFieldIsRejectedAndNamed(String field) {
    String json = json(minimal());
    String dup =
        json.substring(0, json.length() - 1)
            + ",\""
            + field
            + "\":"
            + (field.equals("ts") ? "0" : "\"other\"")
            + "}";
    assertThatThrownBy(() -> EventParser.parse(dup))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("'" + field + "'");
    assertThatThrownBy(() -> EventParser.parse(dup.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("'" + field + "'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"\"x\":1,\"x\":2", "\"x\":{\"y\":1,\"y\":2}", "\"x\":[{\"y\":1,\"y\":2}]"})
  void aRepeatedNameInAnUnknownFieldIsRejected(String unknown) throws InvalidEventException {
    String json = json(minimal());
    String valid = json.substring(0, json.length() - 1) + ",\"x\":{\"y\":[1,{\"z\":2}]}}";
    assertThat(parseBoth(valid).id()).isEqualTo("evt-1");
    assertThatThrownBy(
            () -> EventParser.parse(json.substring(0, json.length() - 1) + "," + unknown + "}"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("Duplicate field");
  }

  @Test
  void aRepeatedKnownFieldIsNamedAlikeWithOrWithoutUnknownFields() {
    String json = json(minimal());
    String repeated = json.substring(0, json.length() - 1) + ",\"id\":\"other\"}";
    String withUnknown = "{\"x\":1," + repeated.substring(1);
    assertThatThrownBy(() -> EventParser.parse(repeated))
        .hasMessage("malformed JSON: Duplicate field 'id'");
    assertThatThrownBy(() -> EventParser.parse(withUnknown))
        .hasMessage("malformed JSON: Duplicate field 'id'");
  }

  @Test
  void duplicateKeyInsideAttrsIsRejected() {
    String json = json(minimal());
    assertRejected(json.substring(0, json.length() - 1) + ",\"attrs\":{\"k\":\"a\",\"k\":\"b\"}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"id\":\"a\"}]", "\"event\"", "42", "null", "true", "", "   "})
  void notAnObject(String json) {
    assertRejected(json);
  }

  @Test
  void nullAndEmptyInputsAreRejected() {
    assertThatThrownBy(() -> EventParser.parse((String) null))
        .isInstanceOf(InvalidEventException.class);
    assertThatThrownBy(() -> EventParser.parse((byte[]) null))
        .isInstanceOf(InvalidEventException.class);
    assertThatThrownBy(() -> EventParser.parse(new byte[0]))
        .isInstanceOf(InvalidEventException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{", "{\"id\":}", "{'id':'a'}", "{\"id\" \"a\"}", "{\"id\":\"a\",}", "{id:\"a\"}"})
  void malformedJson(String json) {
    assertRejected(json);
    assertThatThrownBy(() -> EventParser.parse(json)).hasMessageStartingWith("malformed JSON");
  }

  @ParameterizedTest
  @ValueSource(strings = {" {}", "{}", " x", "]", "}", ",", " 1", " \"more\""})
  void trailingContentIsRejected(String trailer) {
    assertRejected(json(minimal()) + trailer);
  }

  @Test
  void surroundingWhitespaceIsAllowed() throws Exception {
    Event plain = parseBoth(json(minimal()));
    assertThat(parseBoth("  " + json(minimal()) + "\n")).isEqualTo(plain);
    assertThat(parseBoth(json(minimal()) + "\r\n")).isEqualTo(plain);
  }

  @Test
  void unknownFieldsAreIgnored() throws Exception {
    Map<String, Object> fields = minimal();
    fields.put("schemaVersion", 3);
    fields.put("extra", Map.of("nested", List.of(1, 2, Map.of("deep", "x"))));
    fields.put("flags", List.of(true, false));
    fields.put("nothing", null);
    assertThat(parseBoth(json(fields))).isEqualTo(parseBoth(json(minimal())));
  }

  // ---- size -----------------------------------------------------------------------------

  /** A valid event padded with an unknown field to exactly {@code bytes} UTF-8 bytes. */
  private static String paddedTo(int bytes, String unit) {
    String head = json(minimal());
    head = head.substring(0, head.length() - 1) + ",\"pad\":\"";
    String tail = "\"}";
    int room = bytes - head.length() - tail.length();
    int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
    StringBuilder sb = new StringBuilder(head);
    sb.append(unit.repeat(room / unitBytes));
    sb.append("x".repeat(room % unitBytes));
    sb.append(tail);
    String json = sb.toString();
    assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
    return json;
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "\u00e9", "\u20ac", "\ud83d\ude00"})
  void atMost16KiB(String unit) throws Exception {
    assertThat(parseBoth(paddedTo(EventParser.MAX_EVENT_BYTES, unit))).isNotNull();
    String tooLarge = paddedTo(EventParser.MAX_EVENT_BYTES + 1, unit);
    assertThatThrownBy(() -> EventParser.parse(tooLarge))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("larger than 16384 bytes");
    assertThatThrownBy(() -> EventParser.parse(tooLarge.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("larger than 16384 bytes");
  }

  @Test
  void sizeIsCheckedBeforeSyntax() {
    String garbage = "{" + "x".repeat(EventParser.MAX_EVENT_BYTES * 2);
    assertThatThrownBy(() -> EventParser.parse(garbage)).hasMessageContaining("larger than");
    assertThatThrownBy(() -> EventParser.parse(garbage.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("larger than");
  }

  // ---- encoding -------------------------------------------------------------------------

  private static byte[] withRawUserBytes(int... raw) {
    byte[] head =
        (json(minimal()).replaceAll("}$", "") + ",\"user\":\"x").getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + raw.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    for (int i = 0; i < raw.length; i++) {
      all[head.length + i] = (byte) raw[i];
    }
    System.arraycopy(tail, 0, all, head.length + raw.length, tail.length);
    return all;
  }

  static Stream<Arguments> invalidUtf8() {
    return Stream.of(
        Arguments.of("0xFF", new int[] {0xff}),
        Arguments.of("0xFE", new int[] {0xfe}),
        Arguments.of("lone continuation byte", new int[] {0x80}),
        Arguments.of("truncated 2-byte sequence", new int[] {0xc3}),
        Arguments.of("truncated 3-byte sequence", new int[] {0xe2, 0x82}),
        Arguments.of("UTF-16 surrogate", new int[] {0xed, 0xa0, 0x80}),
        Arguments.of("Latin-1 e-acute", new int[] {0xe9}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8")
  void invalidUtf8IsRejected(String description, int[] raw) {
    assertThatThrownBy(() -> EventParser.parse(withRawUserBytes(raw)))
        .isInstanceOf(InvalidEventException.class);
  }

  @Test
  void validMultiByteUtf8IsDecoded() throws Exception {
    byte[] bytes = withRawUserBytes(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80);
    assertThat(EventParser.parse(bytes).user()).isEqualTo("x\u00e9\u20ac\ud83d\ude00");
  }

  @Test
  void escapedCharactersAreDecoded() throws Exception {
    String json = json(minimal()).replace("\"evt-1\"", "\"evt-\\u0031\\\"q\\\"\"");
    assertThat(parseBoth(json).id()).isEqualTo("evt-1\"q\"");
  }

  @Test
  void overlongAndOutOfRangeUtf8IsRejected() {
    String prefix =
        "{\"id\":\"a\",\"source\":\"s\",\"type\":\"t\",\"category\":\"c\",\"ts\":1,\"user\":\"";
    for (byte[] bad :
        new byte[][] {
          {(byte) 0xC0, (byte) 0xAF},
          {(byte) 0xE0, (byte) 0x81, (byte) 0x81},
          {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80}
        }) {
      byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
      byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
      byte[] record = new byte[head.length + bad.length + tail.length];
      System.arraycopy(head, 0, record, 0, head.length);
      System.arraycopy(bad, 0, record, head.length, bad.length);
      System.arraycopy(tail, 0, record, head.length + bad.length, tail.length);
      assertThatThrownBy(() -> EventParser.parse(record))
          .isInstanceOf(InvalidEventException.class)
          .hasMessage("not valid UTF-8");
    }
  }

  @Test
  void timestampsFollowRfc3339Strictly() {
    assertRejected(with("ts", "2026-11-27T21:00+01:00"), "ts");
    assertRejected(with("ts", "2026-11-27T21:00:00+01:00:30"), "ts");
    assertRejected(with("ts", "2026-02-30T21:00:00Z"), "ts");
  }
}
