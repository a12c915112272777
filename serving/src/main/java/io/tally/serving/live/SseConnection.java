package io.tally.serving.live;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.tally.model.update.WindowKey;
import io.tally.tiering.hot.WindowQuery;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Executor;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * One client's event stream, written without ever blocking a thread (servlet non-blocking I/O: a
 * write happens only when the output is ready, and the container calls back when it is again).
 *
 * <p>Changes wait in a buffer that holds at most one change per window: a newer change of a window
 * replaces the waiting one (latest wins) and moves to the end, so the buffer always leaves in
 * cursor order. A client that reads slowly therefore receives fewer, newer messages, never stale
 * ones. A client that stays too slow — its output blocked for longer than the slow timeout, or more
 * windows waiting than the buffer's bound — is sent a {@code disconnect} event with the reason and
 * closed (aborted if it cannot even take that in time).
 */
final class SseConnection implements Subscriber, WriteListener, AsyncListener {
  private enum State {
    OPEN,
    CLOSING,
    CLOSED
  }

  /** Up to this many bytes of waiting changes go out in one write. */
  private static final int CHUNK_BYTES = 32 * 1024;

  /** Sent first: EventSource clients reconnect after a second when the stream drops. */
  private static final byte[] PREAMBLE = "retry: 1000\n\n".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

  private final SubscriptionHub hub;
  private final MetricFeed feed;
  private final WindowQuery follows;
  private final AsyncContext async;
  private final ServletOutputStream out;
  private final Executor writers;

  // Guarded by this.
  private final LinkedHashMap<WindowKey, SequencedUpdate> waiting = new LinkedHashMap<>();
  private State state = State.OPEN;
  private boolean preambleSent;
  private boolean flushQueued;

  /** The output was not ready: the container will call onWritePossible. */
  private boolean blocked;

  private long blockedSinceNanos;
  private long lastWriteNanos;
  private boolean heartbeatDue;
  private byte[] farewell;
  private long closingSinceNanos;

  SseConnection(
      SubscriptionHub hub,
      MetricFeed feed,
      WindowQuery follows,
      AsyncContext async,
      ServletOutputStream out,
      Executor writers) {
    this.hub = hub;
    this.feed = feed;
    this.follows = follows;
    this.async = async;
    this.out = out;
    this.writers = writers;
    this.lastWriteNanos = System.nanoTime();
  }

  MetricFeed feed() {
    return feed;
  }

  @Override
  public WindowQuery follows() {
    return follows;
  }

  @Override
  public synchronized void snapshot(List<SequencedUpdate> windows) {
    if (state != State.OPEN) {
      return;
    }
    for (SequencedUpdate window : windows) {
      waiting.put(window.key(), window);
    }
    hub.delivered(0, windows.size());
    checkBound();
    queueFlush();
  }

  @Override
  public synchronized void offer(SequencedUpdate change) {
    if (state != State.OPEN) {
      return;
    }
    // Latest wins, and moves to the end: the buffer stays in cursor order.
    boolean coalesced = waiting.remove(change.key()) != null;
    waiting.put(change.key(), change);
    hub.delivered(coalesced ? 1 : 0, 1);
    checkBound();
    queueFlush();
  }

  /** The hub's periodic check: heartbeats, slow clients, and closings that take too long. */
  synchronized void tick(long nowNanos, SubscriptionSettings settings) {
    switch (state) {
      case OPEN -> {
        if (blocked && nowNanos - blockedSinceNanos > settings.slowClientTimeoutNanos()) {
          close(
              "too slow: no write completed for "
                  + settings.slowClientTimeout()
                  + " with "
                  + waiting.size()
                  + " windows waiting",
              true);
        } else if (nowNanos - lastWriteNanos > settings.heartbeatNanos()) {
          heartbeatDue = true;
          queueFlush();
        }
      }
      case CLOSING -> {
        if (nowNanos - closingSinceNanos > settings.closeGraceNanos()) {
          abort();
        }
      }
      case CLOSED -> {}
    }
  }

  /**
   * Sends a {@code disconnect} event with {@code reason}, then ends the stream.
   *
   * @param slow whether the client was too slow (counted apart)
   */
  synchronized void close(String reason, boolean slow) {
    if (state != State.OPEN) {
      return;
    }
    state = State.CLOSING;
    closingSinceNanos = System.nanoTime();
    waiting.clear();
    farewell = disconnectEvent(reason);
    feed.detach(this);
    hub.closing(slow);
    queueFlush();
  }

  private void checkBound() {
    if (waiting.size() > hub.settings().maxPendingWindows()) {
      close("too slow: more than " + hub.settings().maxPendingWindows() + " windows waiting", true);
    }
  }

  private void queueFlush() {
    if (!flushQueued && !blocked) {
      flushQueued = true;
      writers.execute(this::flush);
    }
  }

  private synchronized void flush() {
    flushQueued = false;
    writeWhileReady();
  }

  @Override
  public synchronized void onWritePossible() {
    blocked = false;
    writeWhileReady();
  }

  private void writeWhileReady() {
    if (state == State.CLOSED || blocked) {
      return;
    }
    try {
      while (out.isReady()) {
        byte[] chunk = nextChunk();
        if (chunk == null) {
          if (state == State.CLOSING) {
            end();
          }
          return;
        }
        out.write(chunk);
        lastWriteNanos = System.nanoTime();
        if (!out.isReady()) {
          break;
        }
        out.flush();
      }
      blocked = true;
      blockedSinceNanos = System.nanoTime();
    } catch (IOException | IllegalStateException e) {
      // The client went away (or the container closed the stream under us).
      gone();
    }
  }

  private byte[] nextChunk() {
    if (!preambleSent) {
      preambleSent = true;
      return PREAMBLE;
    }
    if (!waiting.isEmpty()) {
      heartbeatDue = false;
      ByteArrayOutputStream chunk = new ByteArrayOutputStream(Math.min(CHUNK_BYTES, 4096));
      int messages = 0;
      for (Iterator<SequencedUpdate> it = waiting.values().iterator();
          it.hasNext() && chunk.size() < CHUNK_BYTES; ) {
        chunk.writeBytes(it.next().message());
        it.remove();
        messages++;
      }
      hub.sent(messages);
      return chunk.toByteArray();
    }
    if (farewell != null) {
      byte[] last = farewell;
      farewell = null;
      return last;
    }
    if (heartbeatDue) {
      heartbeatDue = false;
      return HEARTBEAT;
    }
    return null;
  }

  /** The farewell is out: completes the response. */
  private void end() {
    state = State.CLOSED;
    try {
      async.complete();
    } catch (IllegalStateException alreadyDone) {
      // Completed by the container already.
    }
    hub.closed(this);
  }

  /** The client would not even take the farewell: drops the connection. */
  private void abort() {
    state = State.CLOSED;
    ServletContextRequest.getServletContextRequest(async.getRequest())
        .getServletChannel()
        .abort(new IOException("live subscriber too slow"));
    hub.closed(this);
  }

  /** The client disconnected, or the stream failed. */
  private synchronized void gone() {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.OPEN) {
      feed.detach(this);
    }
    state = State.CLOSED;
    waiting.clear();
    try {
      async.complete();
    } catch (IllegalStateException alreadyDone) {
      // The container ended it.
    }
    hub.closed(this);
  }

  @Override
  public void onError(Throwable failure) {
    gone();
  }

  @Override
  public void onComplete(AsyncEvent event) {
    gone();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    gone();
  }

  @Override
  public void onError(AsyncEvent event) {
    gone();
  }

  @Override
  public void onStartAsync(AsyncEvent event) {}

  static byte[] disconnectEvent(String reason) {
    String json =
        "{\"reason\":\""
            + new String(JsonStringEncoder.getInstance().quoteAsString(reason))
            + "\"}";
    return ("event: disconnect\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
  }
}
