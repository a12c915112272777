package io.tally.tiering.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.model.metric.InvalidDefinitionException;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricDefinitionJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A rule change as a record value: {@code {"request", "name", "version", "activeFrom",
 * "definition"}}, the definition in the contract's shape, or null for a deletion.
 */
public final class RuleChangeJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuleChangeJson() {}

  public static byte[] write(RuleChange change) {
    ObjectNode json = JSON.createObjectNode();
    json.put("request", change.request());
    json.put("name", change.name());
    json.put("version", change.version());
    json.put("activeFrom", change.activeFromMillis());
    if (change.isDeletion()) {
      json.putNull("definition");
    } else {
      json.set("definition", MetricDefinitionJson.toJson(change.definition()));
    }
    try {
      return JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static RuleChange read(byte[] value) {
    JsonNode json;
    try {
      json = JSON.readTree(value);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not JSON: " + new String(value, StandardCharsets.UTF_8), e);
    }
    if (json == null
        || !json.path("name").isTextual()
        || !json.path("request").isTextual()
        || !json.path("version").canConvertToLong()
        || !json.path("activeFrom").canConvertToLong()) {
      throw new IllegalArgumentException("not a rule change: " + json);
    }
    long version = json.get("version").asLong();
    MetricDefinition definition = null;
    JsonNode d = json.get("definition");
    if (d != null && !d.isNull()) {
      try {
        definition = MetricDefinitionJson.parse(d).withVersion(version);
      } catch (InvalidDefinitionException e) {
        throw new IllegalArgumentException("an invalid definition: " + e.getMessage(), e);
      }
    }
    return new RuleChange(
        json.get("request").asText(),
        json.get("name").asText(),
        version,
        json.get("activeFrom").asLong(),
        definition);
  }
}
