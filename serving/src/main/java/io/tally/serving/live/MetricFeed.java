package io.tally.serving.live;

import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.serving.query.VersionMerge;
import io.tally.tiering.hot.WindowQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one dispatch of a metric's changes to all of its subscribers, however many.
 *
 * <p>Everything runs as tasks, one at a time and in order, on a shared executor (an actor: no
 * thread of its own, no locks): a stored update, a subscriber joining or leaving, an eviction. The
 * feed keeps the latest update of every window it has seen, numbered in the order the feed accepted
 * it, and accepts an update only when it supersedes that one, whatever order the hot store's
 * writers reported them in. So each subscriber gets, per window, a sequence of strictly larger
 * {@code events}, and a joining subscriber's snapshot is taken between two changes: it misses none
 * and sees none twice.
 *
 * <p>Subscribers are grouped by what they follow, so one update is matched once per distinct
 * filter, not once per subscriber. Windows that several versions of a definition computed are shown
 * as one (see {@link #shown}).
 */
final class MetricFeed {
  private static final Logger LOG = LoggerFactory.getLogger(MetricFeed.class);

  /** Tasks run per turn before the feed yields the executor to other feeds. */
  private static final int TURN = 1024;

  private final String metric;
  private final Executor executor;
  private final LongSupplier sequence;
  private final String epoch;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  // Confined to the feed's tasks.
  private final Map<WindowKey, SequencedUpdate> latest = new HashMap<>();

  /** The windows of each start, end, group and function, by definition version (mostly one). */
  private final Map<Bounds, Map<Long, WindowKey>> versionsOf = new HashMap<>();

  private final Map<WindowQuery, Set<Subscriber>> subscribers = new LinkedHashMap<>();

  MetricFeed(String metric, Executor executor, LongSupplier sequence, String epoch) {
    this.metric = metric;
    this.executor = executor;
    this.sequence = sequence;
    this.epoch = epoch;
  }

  String metric() {
    return metric;
  }

  /** Any thread: takes in the windows {@code source} lists, as if each had just been stored. */
  void seed(Supplier<List<WindowUpdate>> source) {
    submit(() -> source.get().forEach(this::accept));
  }

  /** Any thread: takes in an update the hot store has stored. */
  void stored(WindowUpdate update) {
    submit(() -> accept(update));
  }

  /**
   * Any thread: {@code subscriber} first gets the windows it follows that changed after {@code
   * after} (all of them, from {@code snapshotFromMillis} on, when null), then every change.
   */
  void attach(Subscriber subscriber, Cursor after, long snapshotFromMillis) {
    submit(
        () -> {
          boolean resume = after != null && after.epoch().equals(epoch);
          WindowQuery follows = subscriber.follows();
          List<SequencedUpdate> snapshot = new ArrayList<>();
          for (Map<Long, WindowKey> versions : versionsOf.values()) {
            for (SequencedUpdate window : shown(versions)) {
              WindowUpdate update = window.update();
              if (follows.matches(update)
                  && (resume
                      ? window.seq() > after.seq()
                      : update.endMillis() > snapshotFromMillis)) {
                snapshot.add(window);
              }
            }
          }
          snapshot.sort(Comparator.comparingLong(SequencedUpdate::seq));
          subscriber.snapshot(snapshot);
          subscribers.computeIfAbsent(follows, f -> new LinkedHashSet<>()).add(subscriber);
        });
  }

  /** Any thread: no more changes for {@code subscriber}. */
  void detach(Subscriber subscriber) {
    submit(
        () -> {
          Set<Subscriber> same = subscribers.get(subscriber.follows());
          if (same != null && same.remove(subscriber) && same.isEmpty()) {
            subscribers.remove(subscriber.follows());
          }
        });
  }

  /** Any thread: forgets windows that ended before the cutoff, as the hot store does. */
  void evictEndedBefore(long cutoffMillis) {
    submit(
        () -> {
          latest.values().removeIf(w -> w.update().endMillis() < cutoffMillis);
          versionsOf.keySet().removeIf(b -> b.end() < cutoffMillis);
        });
  }

  private void accept(WindowUpdate update) {
    WindowKey key = update.key();
    SequencedUpdate current = latest.get(key);
    if (current != null && !update.supersedes(current.update())) {
      return;
    }
    SequencedUpdate change = new SequencedUpdate(update, new Cursor(epoch, sequence.getAsLong()));
    latest.put(key, change);
    Map<Long, WindowKey> versions =
        versionsOf.computeIfAbsent(Bounds.of(update), b -> new TreeMap<>());
    versions.put(update.version(), key);
    // One window (the change itself, or the versions merged under its cursor), or versions shown
    // apart, of which only this one changed.
    List<SequencedUpdate> windows = shown(versions);
    SequencedUpdate shown = windows.size() == 1 ? windows.get(0) : change;
    for (Map.Entry<WindowQuery, Set<Subscriber>> group : subscribers.entrySet()) {
      if (group.getKey().matches(update)) {
        for (Subscriber subscriber : group.getValue()) {
          subscriber.offer(shown);
        }
      }
    }
  }

  /**
   * What subscribers see of one window: versions of a definition that computed it (each over its
   * own events, split by event time) as one window with their events together, as {@code /windows}
   * answers, so that a client keying windows by start, end and group sees its events only grow.
   * Distinct counts and rankings, whose updates here carry no sketches, cannot be combined: their
   * versions are shown apart, each with its {@code version}.
   */
  private List<SequencedUpdate> shown(Map<Long, WindowKey> versions) {
    List<SequencedUpdate> parts = new ArrayList<>(versions.size());
    versions.values().forEach(k -> parts.add(latest.get(k)));
    if (parts.size() == 1) {
      return parts;
    }
    WindowUpdate merged =
        VersionMerge.combine(parts.stream().map(SequencedUpdate::update).toList(), null);
    if (merged == null) {
      return parts;
    }
    SequencedUpdate newest =
        parts.stream().max(Comparator.comparingLong(SequencedUpdate::seq)).orElseThrow();
    return List.of(new SequencedUpdate(merged, newest.cursor(), List.copyOf(versions.keySet())));
  }

  /** A window as clients key it, whatever version computed it. */
  private record Bounds(List<String> group, long start, long end, AggregateFunction fn) {
    static Bounds of(WindowUpdate update) {
      return new Bounds(update.group(), update.startMillis(), update.endMillis(), update.fn());
    }
  }

  private void submit(Runnable task) {
    tasks.add(task);
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(this::runTurn);
    }
  }

  private void runTurn() {
    try {
      Runnable task;
      for (int n = 0; n < TURN && (task = tasks.poll()) != null; n++) {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.error("a task of the live feed of metric {} failed", metric, e);
        }
      }
    } finally {
      scheduled.set(false);
      if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
        executor.execute(this::runTurn);
      }
    }
  }
}
