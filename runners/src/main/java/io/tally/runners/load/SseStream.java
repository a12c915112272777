package io.tally.runners.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A Server-Sent Events client on {@code java.net.http}: lines are parsed as they arrive, on the
 * client's executor, so thousands of streams need no thread each (the live benchmark opens 10,000;
 * the tests open a few). Follows the SSE format: {@code event:}, {@code id:}, {@code data:} lines
 * (several data lines join with a line break), comment lines starting with {@code :}, a blank line
 * ends a message.
 */
public final class SseStream implements Flow.Subscriber<String> {
  /** One message; {@code event} is "message" when the server named none. */
  public record Message(String event, String id, String data) {}

  /** What a stream reports; called on the HTTP client's executor, one call at a time. */
  public interface Listener {
    void message(Message message);

    default void comment(String text) {}

    /** The stream ended: {@code failure} is null when the server closed it normally. */
    default void closed(Throwable failure) {}
  }

  private final Listener listener;
  private Flow.Subscription subscription;
  private String event;
  private String id;
  private StringBuilder data;
  private volatile boolean cancelled;

  private SseStream(Listener listener) {
    this.listener = listener;
  }

  /**
   * Opens a stream: {@link Opened#headers} completes once the response's headers are in (its status
   * tells whether the stream is on), and messages then go to {@code listener}.
   *
   * @param lastEventId sent as {@code Last-Event-ID} when not null
   */
  public static Opened open(HttpClient http, URI uri, String lastEventId, Listener listener) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    SseStream stream = new SseStream(listener);
    CompletableFuture<HttpResponse.ResponseInfo> headers = new CompletableFuture<>();
    CompletableFuture<HttpResponse<Void>> body =
        http.sendAsync(
            request.build(),
            info -> {
              headers.complete(info);
              return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
            });
    body.whenComplete(
        (response, failure) -> {
          if (failure != null) {
            headers.completeExceptionally(failure);
          }
        });
    return new Opened(stream, headers, body);
  }

  /** A stream being opened, or open: {@code body} completes when the stream ends. */
  public record Opened(
      SseStream stream,
      CompletableFuture<HttpResponse.ResponseInfo> headers,
      CompletableFuture<HttpResponse<Void>> body) {
    /** Stops reading and closes the connection. */
    public void close() {
      stream.cancel();
      body.cancel(true);
    }
  }

  private synchronized void cancel() {
    cancelled = true;
    if (subscription != null) {
      subscription.cancel();
    }
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (cancelled) {
      subscription.cancel();
    } else {
      subscription.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(String line) {
    if (line.isEmpty()) {
      if (data != null) {
        listener.message(new Message(event == null ? "message" : event, id, data.toString()));
      }
      event = null;
      data = null;
      return;
    }
    if (line.charAt(0) == ':') {
      listener.comment(line.substring(1).trim());
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> event = value;
      case "id" -> id = value;
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
      default -> {}
    }
  }

  @Override
  public void onError(Throwable failure) {
    listener.closed(failure);
  }

  @Override
  public void onComplete() {
    listener.closed(null);
  }
}
