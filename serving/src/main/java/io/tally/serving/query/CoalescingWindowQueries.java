package io.tally.serving.query;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.tally.model.metric.MetricDefinition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Shares the work of identical window queries: while one is being computed, identical queries that
 * arrive wait for its answer instead of computing it again (single flight), and the answer is then
 * reused for {@code ttl} (a short cache for the hot keys of a dashboard that many people watch).
 * Queries are identical when they name the same metric with the same parameters, in any order.
 *
 * <p>Reads stay monotonic on one node: an entry is only ever replaced by the answer of a
 * computation that started after it expired, and the tiers never answer fewer events later. The
 * price is staleness of at most {@code ttl}. Failures are not kept: the next query tries again.
 */
public final class CoalescingWindowQueries implements WindowQueries {
  private final WindowQueries delegate;
  private final AsyncCache<Key, Answer> answers;

  /** Metric name and parameters, sorted by name: two spellings of one query share an entry. */
  private record Key(String metric, Map<String, List<String>> parameters) {}

  /**
   * The windows, or the failure to share with the queries that waited for it. A failure is a value
   * rather than an exceptional future: the cache would log every refused query as an error.
   */
  private record Answer(MetricWindows windows, RuntimeException failure) {
    MetricWindows get() {
      if (failure != null) {
        throw failure;
      }
      return windows;
    }
  }

  public CoalescingWindowQueries(WindowQueries delegate, Duration ttl, long maxEntries) {
    this(delegate, ttl, maxEntries, Ticker.systemTicker());
  }

  /**
   * @param clock what measures the time to live (a test's clock)
   */
  CoalescingWindowQueries(WindowQueries delegate, Duration ttl, long maxEntries, Ticker clock) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the cache's time to live must be positive");
    }
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.answers =
        Caffeine.newBuilder()
            .expireAfterWrite(ttl)
            .maximumSize(maxEntries)
            .ticker(clock)
            .executor(Runnable::run)
            .buildAsync();
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

    CompletableFuture<Answer> mine = new CompletableFuture<>();
    CompletableFuture<Answer> running = answers.asMap().putIfAbsent(key, mine);
    if (running != null) {
      return await(running).get();
    }
    // The first asker computes on its own thread; an expired entry is never served.
    Answer answer;
    try {
      MetricWindows windows = delegate.windows(name, parameters);
      answer = new Answer(windows, null);
      if (windows.partial()) {
        // A tier did not answer: those waiting share this answer, but it is not kept, so that
        // the next query asks the tiers again rather than serving the gap for a whole ttl.
        answers.asMap().remove(key, mine);
      }
    } catch (RuntimeException e) {
      answer = new Answer(null, e);
      answers.asMap().remove(key, mine);
    } catch (Error e) {
      answer = new Answer(null, new IllegalStateException("the query failed", e));
      answers.asMap().remove(key, mine);
      mine.complete(answer);
      throw e;
    }
    mine.complete(answer);
    return answer.get();
  }

  private static Answer await(CompletableFuture<Answer> running) {
    try {
      return running.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("an identical query failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an identical query", e);
    }
  }
}
