package io.tally.it.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.runners.load.SseStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Opens a live stream and keeps everything it receives, for assertions. */
final class SseCollector implements SseStream.Listener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<SseStream.Message> messages = new ArrayList<>();
  private final AtomicInteger comments = new AtomicInteger();
  private volatile boolean closed;
  private final SseStream.Opened opened;

  SseCollector(HttpClient http, URI uri, String lastEventId) throws Exception {
    opened = SseStream.open(http, uri, lastEventId, this);
    int status = opened.headers().get(30, TimeUnit.SECONDS).statusCode();
    if (status != 200) {
      throw new IllegalStateException(uri + " answered " + status);
    }
  }

  @Override
  public synchronized void message(SseStream.Message message) {
    messages.add(message);
  }

  @Override
  public void comment(String text) {
    comments.incrementAndGet();
  }

  @Override
  public void closed(Throwable failure) {
    closed = true;
  }

  synchronized List<SseStream.Message> messages() {
    return List.copyOf(messages);
  }

  /** The window objects received, in order. */
  List<JsonNode> windows() {
    return messages().stream()
        .filter(m -> m.event().equals("window"))
        .map(m -> json(m.data()))
        .toList();
  }

  int comments() {
    return comments.get();
  }

  boolean isClosed() {
    return closed;
  }

  String lastId() {
    List<SseStream.Message> all = messages();
    return all.get(all.size() - 1).id();
  }

  static JsonNode json(String data) {
    try {
      return JSON.readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    opened.close();
  }
}
