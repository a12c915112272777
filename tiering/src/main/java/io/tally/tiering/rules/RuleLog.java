package io.tally.tiering.rules;

import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricVersion;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The durable, ordered log of metric definition changes, and the catalog it leaves. Every reader
 * applies the same changes in the same order ({@link RuleHistory}), so all serving nodes and
 * pipeline workers agree on every metric's versions and when each takes effect.
 *
 * <p>A writer appends a proposal and waits until its own reader reaches it, which tells whether it
 * took effect: that is how optimistic concurrency works without a lock, across processes.
 */
public abstract class RuleLog implements AutoCloseable {
  /** What became of a proposed change. */
  public enum Outcome {
    APPLIED,
    /** Another change to the same metric came first; nothing changed. */
    CONFLICT
  }

  private final RuleHistory history = new RuleHistory();
  private final Map<String, CompletableFuture<Outcome>> waiting = new ConcurrentHashMap<>();
  private volatile MetricCatalog catalog = history.catalog();

  /** The catalog as of the last change this process has read. */
  public final MetricCatalog catalog() {
    return catalog;
  }

  public final synchronized Optional<MetricVersion> latest(String name) {
    return history.latest(name);
  }

  /**
   * Appends {@code change} and waits until this process has read it back.
   *
   * @throws RuleLogUnavailableException if the log did not take it, or it was not read back within
   *     {@code timeout} (then it may still take effect)
   */
  public final Outcome submit(RuleChange change, Duration timeout) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    waiting.put(change.request(), outcome);
    try {
      append(change, timeout);
      return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuleLogUnavailableException("interrupted while writing a rule change", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new RuleLogUnavailableException(
          "the rule log did not confirm the change within " + timeout.toMillis() + " ms", e);
    } finally {
      waiting.remove(change.request());
    }
  }

  /**
   * Makes every definition of {@code initial} the first version of its metric (with the version it
   * has), in force for all events, unless the log already has a history of that name (then the log
   * wins: a deleted metric stays deleted). Several processes may seed at once; the first one's
   * definitions take effect.
   */
  public final void seed(MetricCatalog initial, Duration timeout) {
    for (MetricDefinition definition : initial.definitions()) {
      if (latest(definition.name()).isEmpty()) {
        submit(
            new RuleChange(
                UUID.randomUUID().toString(),
                definition.name(),
                definition.version(),
                MetricVersion.ALWAYS,
                definition),
            timeout);
      }
    }
  }

  /** Writes {@code change} durably; the reader then hands it to {@link #read}. */
  protected abstract void append(RuleChange change, Duration timeout);

  /** Called by the implementation for every change, in log order, from one thread at a time. */
  protected final synchronized void read(RuleChange change) {
    boolean applied = history.apply(change);
    catalog = history.catalog();
    CompletableFuture<Outcome> writer = waiting.get(change.request());
    if (writer != null) {
      writer.complete(applied ? Outcome.APPLIED : Outcome.CONFLICT);
    }
  }

  @Override
  public void close() {}
}
