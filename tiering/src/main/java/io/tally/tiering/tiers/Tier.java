package io.tally.tiering.tiers;

/** The storage tiers a window query reads, youngest first. */
public enum Tier {
  /** This node's in-memory serving view, fed by the change feed (or, embedded, by the pipeline). */
  MEMORY("memory"),
  /** The recent-windows store shared by all nodes (Aerospike), when configured. */
  RECENT("recent"),
  /** The history tier (ClickHouse), when configured. */
  HISTORY("history");

  private final String wireName;

  Tier(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
