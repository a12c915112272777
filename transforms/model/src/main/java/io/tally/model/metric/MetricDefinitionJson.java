package io.tally.model.metric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.model.metric.InvalidDefinitionException.Problem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes metric definitions in the JSON shape of the contract (§2). Reading checks every
 * rule and reports all problems at once, so that an editor can fix a definition in one go.
 */
public final class MetricDefinitionJson {
  public static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,64}");
  public static final long MAX_ALLOWED_LATENESS_MILLIS = 7 * 86_400_000L;

  private static final Set<String> TOP_LEVEL =
      Set.of("name", "version", "filter", "groupBy", "aggregate", "window", "allowedLateness");
  private static final Set<String> FILTER_KEYS = Set.of("type", "source", "geo", "category");

  private MetricDefinitionJson() {}

  /** Reads a definition; {@code version} defaults to 1 when the JSON has none. */
  public static MetricDefinition parse(JsonNode json) throws InvalidDefinitionException {
    List<Problem> problems = new ArrayList<>();
    if (json == null || !json.isObject()) {
      throw new InvalidDefinitionException(
          List.of(new Problem("$", "a metric definition must be a JSON object")));
    }
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TOP_LEVEL.contains(field)) {
        problems.add(new Problem(field, "unknown field"));
      }
    }

    String name = json.path("name").isTextual() ? json.get("name").asText() : null;
    if (name == null || !NAME.matcher(name).matches()) {
      problems.add(new Problem("name", "required; must match [a-z0-9_]{1,64}"));
    }
    long version = 1;
    if (json.has("version")) {
      JsonNode v = json.get("version");
      if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 1) {
        problems.add(new Problem("version", "must be a positive integer"));
      } else {
        version = v.asLong();
      }
    }
    EventFilter filter = filter(json.get("filter"), problems);
    List<Dimension> groupBy = groupBy(json.get("groupBy"), problems);
    AggregateSpec aggregate = aggregate(json.get("aggregate"), problems);
    WindowSpec window = window(json.get("window"), problems);
    long lateness = 0;
    if (json.has("allowedLateness")) {
      Long parsed = duration(json.get("allowedLateness"), "allowedLateness", problems);
      if (parsed != null && parsed > MAX_ALLOWED_LATENESS_MILLIS) {
        problems.add(new Problem("allowedLateness", "must be at most 7d"));
      } else if (parsed != null) {
        lateness = parsed;
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new MetricDefinition(name, version, filter, groupBy, aggregate, window, lateness);
  }

  public static ObjectNode toJson(MetricDefinition definition) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode json = f.objectNode();
    json.put("name", definition.name());
    json.put("version", definition.version());
    EventFilter filter = definition.filter();
    ObjectNode filterJson = json.putObject("filter");
    putList(filterJson, "type", filter.types());
    putList(filterJson, "source", filter.sources());
    putList(filterJson, "geo", filter.geos());
    if (filter.category() != null) {
      filterJson.put("category", filter.category());
    }
    ArrayNode groupBy = json.putArray("groupBy");
    definition.groupBy().forEach(d -> groupBy.add(d.name()));
    ObjectNode aggregate = json.putObject("aggregate");
    aggregate.put("fn", definition.aggregate().fn().wireName());
    if (definition.aggregate().field() != null) {
      aggregate.put("field", definition.aggregate().field());
    }
    if (definition.aggregate().fn() == AggregateFunction.TOPK) {
      aggregate.put("k", definition.aggregate().k());
    }
    ObjectNode window = json.putObject("window");
    window.put("size", Durations.format(definition.window().sizeMillis()));
    window.put("slide", Durations.format(definition.window().slideMillis()));
    json.put("allowedLateness", Durations.format(definition.allowedLatenessMillis()));
    return json;
  }

  private static void putList(ObjectNode json, String key, Set<String> values) {
    if (!values.isEmpty()) {
      ArrayNode array = json.putArray(key);
      values.stream().sorted().forEach(array::add);
    }
  }

  private static EventFilter filter(JsonNode json, List<Problem> problems) {
    if (json == null || json.isNull()) {
      return EventFilter.ANY;
    }
    if (!json.isObject()) {
      problems.add(new Problem("filter", "must be an object"));
      return EventFilter.ANY;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!FILTER_KEYS.contains(key)) {
        problems.add(new Problem("filter." + key, "unknown filter key"));
      }
    }
    Set<String> types = stringSet(json.get("type"), "filter.type", problems);
    Set<String> sources = stringSet(json.get("source"), "filter.source", problems);
    Set<String> geos = stringSet(json.get("geo"), "filter.geo", problems);
    String category = null;
    JsonNode c = json.get("category");
    if (c != null && !c.isNull()) {
      if (!c.isTextual() || c.asText().isEmpty() || c.asText().length() > 256) {
        problems.add(new Problem("filter.category", "must be a path or a prefix ending in /*"));
      } else {
        category = c.asText();
        String path =
            category.endsWith("/*") ? category.substring(0, category.length() - 2) : category;
        if (path.isEmpty()
            || path.startsWith("/")
            || path.endsWith("/")
            || path.contains("//")
            || path.contains("*")) {
          problems.add(new Problem("filter.category", "must be a path or a prefix ending in /*"));
        }
      }
    }
    return new EventFilter(types, sources, geos, category);
  }

  private static Set<String> stringSet(JsonNode json, String field, List<Problem> problems) {
    if (json == null || json.isNull()) {
      return Set.of();
    }
    if (!json.isArray() || json.isEmpty()) {
      problems.add(new Problem(field, "must be a non-empty list of strings"));
      return Set.of();
    }
    Set<String> values = new LinkedHashSet<>();
    for (JsonNode item : json) {
      if (!item.isTextual() || item.asText().isEmpty()) {
        problems.add(new Problem(field, "must be a non-empty list of strings"));
        return Set.of();
      }
      values.add(item.asText());
    }
    return values;
  }

  private static List<Dimension> groupBy(JsonNode json, List<Problem> problems) {
    if (json == null || json.isNull()) {
      return List.of();
    }
    if (!json.isArray()) {
      problems.add(new Problem("groupBy", "must be a list"));
      return List.of();
    }
    if (json.size() > MetricDefinition.MAX_GROUP_BY) {
      problems.add(
          new Problem("groupBy", "at most " + MetricDefinition.MAX_GROUP_BY + " dimensions"));
    }
    List<Dimension> dimensions = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < json.size(); i++) {
      JsonNode item = json.get(i);
      String field = "groupBy[" + i + "]";
      if (!item.isTextual() || !Dimension.isValid(item.asText())) {
        problems.add(
            new Problem(field, "must be category, type, source, geo, entity or attrs.<key>"));
      } else if (!seen.add(item.asText())) {
        problems.add(new Problem(field, "repeats " + item.asText()));
      } else {
        dimensions.add(new Dimension(item.asText()));
      }
    }
    return dimensions;
  }

  private static AggregateSpec aggregate(JsonNode json, List<Problem> problems) {
    if (json == null || !json.isObject()) {
      problems.add(new Problem("aggregate", "required; an object with fn"));
      return null;
    }
    AggregateFunction fn = null;
    try {
      fn = AggregateFunction.fromWireName(json.path("fn").asText(null));
    } catch (IllegalArgumentException e) {
      problems.add(new Problem("aggregate.fn", e.getMessage()));
    }
    String field = null;
    JsonNode f = json.get("field");
    if (fn != null && fn.needsField()) {
      if (f == null || !("user".equals(f.asText()) || "entity".equals(f.asText()))) {
        problems.add(
            new Problem("aggregate.field", "required for " + fn.wireName() + "; user or entity"));
      } else {
        field = f.asText();
      }
    } else if (fn != null && f != null && !f.isNull()) {
      problems.add(new Problem("aggregate.field", "only distinct and topk take a field"));
    }
    int k = 0;
    JsonNode kNode = json.get("k");
    if (fn == AggregateFunction.TOPK) {
      k = AggregateSpec.DEFAULT_K;
      if (kNode != null) {
        if (!kNode.isIntegralNumber()
            || !kNode.canConvertToInt()
            || kNode.asInt() < 1
            || kNode.asInt() > AggregateSpec.MAX_K) {
          problems.add(
              new Problem("aggregate.k", "must be an integer from 1 to " + AggregateSpec.MAX_K));
        } else {
          k = kNode.asInt();
        }
      }
    } else if (kNode != null && fn != null) {
      problems.add(new Problem("aggregate.k", "only topk takes k"));
    }
    return fn == null ? null : new AggregateSpec(fn, field, k);
  }

  private static WindowSpec window(JsonNode json, List<Problem> problems) {
    if (json == null || !json.isObject()) {
      problems.add(new Problem("window", "required; an object with size"));
      return null;
    }
    Long size = duration(json.get("size"), "window.size", problems);
    Long slide = json.has("slide") ? duration(json.get("slide"), "window.slide", problems) : size;
    if (size == null || slide == null) {
      return null;
    }
    try {
      return new WindowSpec(size, slide);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem("window", e.getMessage()));
      return null;
    }
  }

  private static Long duration(JsonNode json, String field, List<Problem> problems) {
    if (json == null || !json.isTextual()) {
      problems.add(new Problem(field, "required; a duration such as 500ms, 10s, 1m, 1h or 1d"));
      return null;
    }
    try {
      return Durations.parseMillis(json.asText());
    } catch (IllegalArgumentException | ArithmeticException e) {
      problems.add(new Problem(field, e.getMessage()));
      return null;
    }
  }
}
