package io.tally.serving.live;

import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.feed.WindowUpdateJson;
import java.nio.charset.StandardCharsets;

/**
 * A window change as subscribers receive it: the update and its cursor, with the SSE message
 * encoded once for every subscriber that gets it.
 */
final class SequencedUpdate {
  private final WindowUpdate update;
  private final Cursor cursor;
  private byte[] message;

  SequencedUpdate(WindowUpdate update, Cursor cursor) {
    this.update = update;
    this.cursor = cursor;
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

  /**
   * {@code event: window}, {@code id: <cursor>}, and the window object (the change feed's JSON,
   * which is the query API's window plus {@code metric}) on one {@code data:} line.
   */
  synchronized byte[] message() {
    if (message == null) {
      byte[] head =
          ("event: window\nid: " + cursor + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
      // The JSON has no raw line breaks (the generator escapes them in strings).
      byte[] json = WindowUpdateJson.toBytes(update);
      message = new byte[head.length + json.length + 2];
      System.arraycopy(head, 0, message, 0, head.length);
      System.arraycopy(json, 0, message, head.length, json.length);
      message[message.length - 2] = '\n';
      message[message.length - 1] = '\n';
    }
    return message;
  }
}
