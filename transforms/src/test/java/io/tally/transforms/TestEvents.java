package io.tally.transforms;

import java.time.Instant;
import org.apache.beam.sdk.values.TimestampedValue;

/** Builds wire-format events for tests, timestamped with their event time as a source would. */
final class TestEvents {
  static final Instant BASE = Instant.parse("2026-11-27T12:00:00Z");

  private TestEvents() {}

  static Builder event(String id) {
    return new Builder(id);
  }

  static org.joda.time.Instant at(long secondsAfterBase) {
    return new org.joda.time.Instant(BASE.toEpochMilli() + secondsAfterBase * 1000);
  }

  static final class Builder {
    private final String id;
    private String source = "feed";
    private String type = "movie.view";
    private String category = "movies/action";
    private long seconds;
    private String geo;
    private String entity;
    private String user;
    private Double value;

    private Builder(String id) {
      this.id = id;
    }

    Builder source(String s) {
      source = s;
      return this;
    }

    Builder type(String t) {
      type = t;
      return this;
    }

    Builder category(String c) {
      category = c;
      return this;
    }

    /** Event time, in seconds after {@link #BASE}. */
    Builder at(long s) {
      seconds = s;
      return this;
    }

    Builder geo(String g) {
      geo = g;
      return this;
    }

    Builder entity(String e) {
      entity = e;
      return this;
    }

    Builder user(String u) {
      user = u;
      return this;
    }

    Builder value(double v) {
      value = v;
      return this;
    }

    String json() {
      StringBuilder sb = new StringBuilder("{");
      sb.append("\"id\":\"").append(id).append('"');
      sb.append(",\"source\":\"").append(source).append('"');
      sb.append(",\"type\":\"").append(type).append('"');
      sb.append(",\"category\":\"").append(category).append('"');
      sb.append(",\"ts\":").append(BASE.toEpochMilli() + seconds * 1000);
      if (geo != null) {
        sb.append(",\"geo\":\"").append(geo).append('"');
      }
      if (entity != null) {
        sb.append(",\"entity\":\"").append(entity).append('"');
      }
      if (user != null) {
        sb.append(",\"user\":\"").append(user).append('"');
      }
      if (value != null) {
        sb.append(",\"value\":").append(value);
      }
      return sb.append('}').toString();
    }

    TimestampedValue<String> timestamped() {
      return TimestampedValue.of(json(), TestEvents.at(seconds));
    }
  }
}
