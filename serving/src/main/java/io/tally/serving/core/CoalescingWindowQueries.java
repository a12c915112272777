package io.tally.serving.core;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tally.metric.MetricDefinition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Shares the work of identical window queries: while one is being computed, identical queries
 * that arrive wait for its answer instead of computing it again (single flight), and the answer
 * is then reused for {@code ttl} (a short cache for the hot keys of a dashboard that many people
 * watch). Queries are identical when they name the same metric with the same parameters, in any
 * order.
 *
 * <p>Reads stay monotonic on one node: an entry is only ever replaced by the answer of a
 * computation that started after it expired, and the tiers never answer fewer events later. The
 * price is staleness of at most {@code ttl}. Failures are not kept: the next query tries again.
 */
public final class CoalescingWindowQueries implements WindowQueries {
  private final WindowQueries delegate;
  private final AsyncCache<Key, MetricWindows> answers;

  /** Metric name and parameters, sorted by name: two spellings of one query share an entry. */
  private record Key(String metric, Map<String, List<String>> parameters) {}

  public CoalescingWindowQueries(WindowQueries delegate, Duration ttl, long maxEntries) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the cache's time to live must be positive");
    }
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.answers = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).buildAsync();
  }

  @Override
  public Collection<MetricDefinition> definitions() {
    return delegate.definitions();
  }

  @Override
  public MetricDefinition definition(String name) {
    return delegate.definition(name);
  }

  @Override
  public MetricWindows windows(String name, Map<String, List<String>> parameters) {
    Map<String, List<String>> sorted = new TreeMap<>();
    parameters.forEach((k, v) -> sorted.put(k, List.copyOf(v)));
    Key key = new Key(name, sorted);

    CompletableFuture<MetricWindows> mine = new CompletableFuture<>();
    CompletableFuture<MetricWindows> running = answers.asMap().putIfAbsent(key, mine);
    if (running != null) {
      return await(running);
    }
    // The first asker computes on its own thread; an expired entry is never served.
    try {
      mine.complete(delegate.windows(name, parameters));
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      answers.asMap().remove(key, mine);
      throw e;
    }
    return mine.join();
  }

  /** The shared answer, or the shared computation's own exception (a 400 stays a 400). */
  private static MetricWindows await(CompletableFuture<MetricWindows> running) {
    try {
      return running.get();
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an identical query", e);
    }
  }
}
