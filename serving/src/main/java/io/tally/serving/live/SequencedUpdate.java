package io.tally.serving.live;

import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.feed.WindowUpdateJson;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A window change as subscribers receive it: the update and its cursor, with the SSE message
 * encoded once for every subscriber that gets it.
 */
final class SequencedUpdate {
  private final WindowUpdate update;
  private final Cursor cursor;
  private final List<Long> versions;
  private byte[] message;

  SequencedUpdate(WindowUpdate update, Cursor cursor) {
    this(update, cursor, null);
  }

  /**
   * A window that the definition {@code versions} computed together (each over its own events);
   * null or one version for a window of one.
   */
  SequencedUpdate(WindowUpdate update, Cursor cursor, List<Long> versions) {
    this.update = update;
    this.cursor = cursor;
    this.versions = versions;
  }

  WindowUpdate update() {
    return update;
  }

  WindowKey key() {
    return update.key();
  }

  long seq() {
    return cursor.seq();
  }

  Cursor cursor() {
    return cursor;
  }

  /** The versions that computed the window together; null for one. */
  List<Long> versions() {
    return versions;
  }

  /**
   * {@code event: window}, {@code id: <cursor>}, and the window object (the change feed's JSON,
   * which is the query API's window plus {@code metric}, and {@code versions} when several computed
   * it) on one {@code data:} line.
   */
  synchronized byte[] message() {
    if (message == null) {
      byte[] head =
          ("event: window\nid: " + cursor + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
      // The JSON has no raw line breaks (the generator escapes them in strings).
      byte[] json = WindowUpdateJson.toBytes(update, versions);
      message = new byte[head.length + json.length + 2];
      System.arraycopy(head, 0, message, 0, head.length);
      System.arraycopy(json, 0, message, head.length, json.length);
      message[message.length - 2] = '\n';
      message[message.length - 1] = '\n';
    }
    return message;
  }
}
