package io.tally.tiering.history;

import io.tally.model.update.WindowUpdate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites chosen windows of the ClickHouse history tier whatever they hold now. A plain write
 * cannot do that: the tables keep the row with the most events, so a window stored with too many
 * events (double-counted, corrupted) would win over its correct value. A repair therefore deletes
 * the windows' rows first ({@code ALTER TABLE ... DELETE}, waiting for the mutation to finish),
 * then writes the correct ones, and rebuilds the hour and day windows that contain them.
 *
 * <p>Between the delete and the write a reader may briefly miss a repaired window; repairs are an
 * operator's action on windows already known to be wrong.
 */
public final class ClickHouseHistoryRepair {
  private static final int WINDOWS_PER_MUTATION = 200;
  private static final long MUTATION_TIMEOUT_MILLIS = 120_000;

  private final ClickHouseHistoryStore store;
  private final ClickHouseJdbc jdbc;

  public ClickHouseHistoryRepair(ClickHouseHistoryStore store) {
    this.store = store;
    this.jdbc = new ClickHouseJdbc(store.config());
  }

  /**
   * Makes the minute windows of {@code correct} exactly those, and removes the minute windows of
   * {@code extra}; then rolls the hours and days that contain any of them up again.
   */
  public void repair(List<WindowUpdate> correct, List<WindowUpdate> extra) {
    List<WindowUpdate> all = new ArrayList<>(correct);
    all.addAll(extra);
    if (all.isEmpty()) {
      return;
    }
    delete(Resolution.MINUTE, all);
    store.write(correct);
    for (Resolution coarse : List.of(Resolution.HOUR, Resolution.DAY)) {
      delete(coarse, all);
    }
    long from = all.stream().mapToLong(WindowUpdate::startMillis).min().orElseThrow();
    long to = all.stream().mapToLong(WindowUpdate::endMillis).max().orElseThrow();
    store.rollUp(from, to);
  }

  /**
   * Deletes the rows of {@code resolution} that hold the windows or, for a coarse resolution, the
   * coarse windows of the same metric version and group that contain their start.
   */
  private void delete(Resolution resolution, List<WindowUpdate> windows) {
    String table = ClickHouseSql.table(store.config().database(), resolution);
    Set<String> conditions = new LinkedHashSet<>();
    for (WindowUpdate window : windows) {
      StringBuilder condition =
          new StringBuilder("(metric = ")
              .append(literal(window.metric()))
              .append(" AND version = ")
              .append(window.version())
              .append(" AND group_values = ")
              .append(array(window.group()));
      if (resolution == Resolution.MINUTE) {
        condition
            .append(" AND window_start_ms = ")
            .append(window.startMillis())
            .append(" AND window_end_ms = ")
            .append(window.endMillis());
      } else {
        long start =
            Math.floorDiv(window.startMillis(), resolution.sizeMillis()) * resolution.sizeMillis();
        condition.append(" AND window_start_ms = ").append(start);
      }
      conditions.add(condition.append(')').toString());
    }
    List<String> all = new ArrayList<>(conditions);
    for (int i = 0; i < all.size(); i += WINDOWS_PER_MUTATION) {
      String where =
          String.join(" OR ", all.subList(i, Math.min(all.size(), i + WINDOWS_PER_MUTATION)));
      jdbc.run(
          "delete windows from " + table,
          connection -> {
            try (Statement statement = connection.createStatement()) {
              statement.execute("ALTER TABLE " + table + " DELETE WHERE " + where);
            }
            return null;
          });
    }
    awaitMutations(resolution);
  }

  /** Mutations run in the background; the repair goes on once the table has none pending. */
  private void awaitMutations(Resolution resolution) {
    long deadline = System.currentTimeMillis() + MUTATION_TIMEOUT_MILLIS;
    while (pendingMutations(resolution) > 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new HistoryStoreException(
            "the deletes on "
                + resolution.table()
                + " did not finish within "
                + MUTATION_TIMEOUT_MILLIS / 1000
                + " s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HistoryStoreException("interrupted while waiting for deletes", e);
      }
    }
  }

  private long pendingMutations(Resolution resolution) {
    return jdbc.run(
        "read the pending mutations of " + resolution.table(),
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT count() FROM system.mutations WHERE database = ? AND table = ? AND is_done = 0")) {
            select.setString(1, store.config().database());
            select.setString(2, resolution.table());
            try (ResultSet result = select.executeQuery()) {
              result.next();
              return result.getLong(1);
            }
          }
        });
  }

  static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String array(List<String> values) {
    List<String> literals = new ArrayList<>(values.size());
    for (String value : values) {
      literals.add(literal(value));
    }
    return "[" + String.join(", ", literals) + "]";
  }
}
