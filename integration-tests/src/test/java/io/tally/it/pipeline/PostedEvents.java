package io.tally.it.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Events for the HTTP path, with their ground truth per window and category: fresh events with
 * times a little behind the wall clock (within the pipeline's disorder bound, so none is late),
 * shuffled within a batch, and about 10% copies of earlier events (same source and id, other {@code
 * value}, {@code geo} and {@code attrs}). A copy keeps the category, time, entity and user of its
 * original, so every metric's expected value is the same whichever copy arrives first.
 */
public final class PostedEvents {
  /** Four categories: fewer than the events topic's partitions, so some partitions stay empty. */
  public static final List<String> CATEGORIES =
      List.of("sports/nba", "sports/nfl", "movies/action", "tickets/theater");

  /** One fresh event: what the truth needs. */
  public record Fresh(String id, String category, long ts, String entity, String user) {}

  private final String source;
  private final long windowMillis;
  private final long maxOffsetMillis;
  private final Random random;
  private final List<Fresh> fresh = new ArrayList<>();
  private int copies;

  /**
   * @param maxOffsetMillis event times are the batch's creation time minus up to this much
   */
  public PostedEvents(String source, long windowMillis, long maxOffsetMillis, long seed) {
    this.source = source;
    this.windowMillis = windowMillis;
    this.maxOffsetMillis = maxOffsetMillis;
    this.random = new Random(seed);
  }

  /** The next batch as NDJSON lines: {@code size} fresh events plus ~10% copies, shuffled. */
  public List<String> nextBatch(int size, long nowMillis) {
    List<String> lines = new ArrayList<>();
    int firstOfBatch = fresh.size();
    for (int n = 0; n < size; n++) {
      String category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
      // A skewed entity choice, so that top-K has a clear order with some ties.
      String entity = "item-" + (int) Math.floor(Math.pow(random.nextDouble(), 2) * 6);
      Fresh event =
          new Fresh(
              "e" + fresh.size(),
              category,
              nowMillis - random.nextInt((int) maxOffsetMillis + 1),
              entity,
              "user-" + random.nextInt(30));
      fresh.add(event);
      lines.add(json(event, random.nextInt(100), "US", "first"));
    }
    int copiesInBatch = Math.max(1, size / 10);
    for (int n = 0; n < copiesInBatch; n++) {
      // From this batch or the one before: recent enough not to be late.
      int from = Math.max(0, firstOfBatch - size);
      Fresh original = fresh.get(from + random.nextInt(fresh.size() - from));
      lines.add(json(original, 1000 + random.nextInt(100), "CA", "copy"));
      copies++;
    }
    Collections.shuffle(lines, random);
    return lines;
  }

  private String json(Fresh e, int value, String geo, String attr) {
    return "{\"id\":\""
        + e.id()
        + "\",\"source\":\""
        + source
        + "\",\"type\":\"it.view\","
        + "\"category\":\""
        + e.category()
        + "\",\"ts\":"
        + e.ts()
        + ",\"entity\":\""
        + e.entity()
        + "\",\"user\":\""
        + e.user()
        + "\",\"value\":"
        + value
        + ",\"geo\":\""
        + geo
        + "\",\"attrs\":{\"kind\":\""
        + attr
        + "\"}}";
  }

  public int distinct() {
    return fresh.size();
  }

  public int copies() {
    return copies;
  }

  public long firstTs() {
    return fresh.stream().mapToLong(Fresh::ts).min().orElseThrow();
  }

  public long windowStart(long ts) {
    return Math.floorDiv(ts, windowMillis) * windowMillis;
  }

  /** "start category" → the distinct events of that window and category. */
  public Map<String, List<Fresh>> byWindowAndCategory() {
    Map<String, List<Fresh>> out = new TreeMap<>();
    for (Fresh e : fresh) {
      out.computeIfAbsent(windowStart(e.ts()) + " " + e.category(), k -> new ArrayList<>()).add(e);
    }
    return out;
  }
}
