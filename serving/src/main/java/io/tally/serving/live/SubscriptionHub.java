package io.tally.serving.live;

import io.dropwizard.lifecycle.Managed;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.HotStoreListener;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.WindowQuery;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live subscriptions (contract §4): hears every update the hot store stores, whoever wrote it (the
 * pipeline in the embedded mode, the change-feed reader otherwise), and streams the changes to the
 * clients that follow them.
 *
 * <p>One {@link MetricFeed} per metric dispatches to all of that metric's clients; each client is
 * an {@link SseConnection} with its own coalescing buffer. A few dispatch and writer threads serve
 * every client: no thread per client, no consumer per client.
 */
public final class SubscriptionHub implements HotStoreListener, Managed {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionHub.class);
  private static final long TICK_MILLIS = 1_000;
  private static final long EVICT_MILLIS = 60_000;

  private final InMemoryHotStore store;
  private final SubscriptionSettings settings;
  private final long hotRetentionMillis;
  private final Clock clock;

  /** Numbers this run's cursors; see {@link Cursor}. */
  private final String epoch =
      Long.toString(System.currentTimeMillis(), 36)
          + Long.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);

  private final AtomicLong sequence = new AtomicLong();
  private final ConcurrentMap<String, MetricFeed> feeds = new ConcurrentHashMap<>();
  private final Set<SseConnection> connections = ConcurrentHashMap.newKeySet();
  private final ExecutorService dispatch;
  private final ExecutorService writers;
  private final ScheduledExecutorService timer;

  private final LongAdder offered = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder slowDisconnects = new LongAdder();
  private final LongAdder opened = new LongAdder();

  public SubscriptionHub(
      InMemoryHotStore store, SubscriptionSettings settings, long hotRetentionMillis, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.hotRetentionMillis = hotRetentionMillis;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dispatch =
        Executors.newFixedThreadPool(settings.dispatchThreads(), threads("live-dispatch"));
    this.writers = Executors.newFixedThreadPool(settings.writerThreads(), threads("live-writer"));
    this.timer = Executors.newSingleThreadScheduledExecutor(threads("live-timer"));
  }

  @Override
  public void start() {
    store.addListener(this);
    timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(this::evict, EVICT_MILLIS, EVICT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Ends every stream with a {@code disconnect} event; call it when the server starts to stop,
   * since a graceful stop waits for open requests, and a stream never ends by itself.
   */
  public void closeAll() {
    for (SseConnection connection : connections) {
      connection.close("the service is stopping", false);
    }
  }

  @Override
  public void stop() throws InterruptedException {
    store.removeListener(this);
    closeAll();
    timer.shutdownNow();
    dispatch.shutdown();
    writers.shutdown();
    writers.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Override
  public void stored(WindowUpdate update) {
    MetricFeed feed = feeds.get(update.metric());
    if (feed != null) {
      feed.stored(update);
    }
  }

  /**
   * Turns the current request into an event stream of the windows of {@code metric} whose groups
   * have the values in {@code where}; the caller has checked both. The request must be asynchronous
   * already (a JAX-RS method with {@code @Suspended}) or able to become so.
   *
   * @param lastEventId the client's {@code Last-Event-ID}, or null
   */
  public void open(
      String metric, Map<String, String> where, String lastEventId, HttpServletRequest request) {
    AsyncContext async =
        request.isAsyncStarted() ? request.getAsyncContext() : request.startAsync();
    async.setTimeout(0);
    HttpServletResponse response = (HttpServletResponse) async.getResponse();
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("text/event-stream");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    // Proxies that buffer (nginx) pass the stream through as it comes.
    response.setHeader("X-Accel-Buffering", "no");
    ServletOutputStream out;
    try {
      out = response.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MetricFeed feed = feed(metric);
    SseConnection connection =
        new SseConnection(
            this,
            feed,
            new WindowQuery(metric, Long.MIN_VALUE, Long.MAX_VALUE, where),
            async,
            out,
            writers);
    connections.add(connection);
    opened.increment();
    async.addListener(connection);
    // Non-blocking from here on; the feed may hand the connection its snapshot only after this.
    out.setWriteListener(connection);
    long snapshotFrom = clock.millis() - settings.snapshotHorizon().toMillis();
    feed.attach(connection, Cursor.parse(lastEventId).orElse(null), snapshotFrom);
  }

  /** The feed of a metric; a new one starts from what the hot store holds. */
  private MetricFeed feed(String metric) {
    return feeds.computeIfAbsent(
        metric,
        m -> {
          MetricFeed feed = new MetricFeed(m, dispatch, sequence::incrementAndGet, epoch);
          // Queued before anything else reaches the feed; updates stored meanwhile are both in
          // the store and in the feed's queue, and the feed keeps the larger.
          WindowQuery all = new WindowQuery(m, Long.MIN_VALUE, Long.MAX_VALUE, Map.of());
          feed.seed(() -> store.windows(all));
          return feed;
        });
  }

  private void tick() {
    long now = System.nanoTime();
    for (SseConnection connection : connections) {
      try {
        connection.tick(now, settings);
      } catch (RuntimeException e) {
        // A failure must not end the timer: every stream's heartbeats depend on it.
        LOG.warn("checking a live stream failed", e);
      }
    }
  }

  private void evict() {
    long cutoff = clock.millis() - hotRetentionMillis;
    for (MetricFeed feed : feeds.values()) {
      feed.evictEndedBefore(cutoff);
    }
  }

  SubscriptionSettings settings() {
    return settings;
  }

  void delivered(int coalescedChanges, int changes) {
    offered.add(changes);
    coalesced.add(coalescedChanges);
  }

  void sent(int messages) {
    sent.add(messages);
  }

  void closing(boolean slow) {
    if (slow) {
      slowDisconnects.increment();
    }
  }

  void closed(SseConnection connection) {
    connections.remove(connection);
  }

  /** Open streams. */
  public int connections() {
    return connections.size();
  }

  /** Changes handed to streams, counting each stream's copy. */
  public long offered() {
    return offered.sum();
  }

  /** Changes that replaced a waiting change of the same window in a stream's buffer. */
  public long coalesced() {
    return coalesced.sum();
  }

  /** Window messages written to streams. */
  public long sent() {
    return sent.sum();
  }

  /** Streams closed because their client was too slow. */
  public long slowDisconnects() {
    return slowDisconnects.sum();
  }

  /** Streams opened since the start. */
  public long opened() {
    return opened.sum();
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
