package io.tally.serving.ingest;

import io.tally.model.event.Event;
import io.tally.model.event.EventParser;
import io.tally.model.event.InvalidEventException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an NDJSON request body (contract §5): at most 5 MiB, one event per line, each validated on
 * its own with the strict {@link EventParser#parse(byte[])} so that one bad line rejects only
 * itself. Valid lines keep their exact bytes: the log holds what the client sent.
 */
public final class EventBatchReader {
  public static final int MAX_BODY_BYTES = 5 * 1024 * 1024;

  /**
   * A body of 5 MiB can hold millions of short bad lines; listing every one would make the answer
   * larger than the request. The count is always complete, and every one is dead-lettered.
   */
  public static final int MAX_LISTED_REJECTIONS = 1000;

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private EventBatchReader() {}

  /**
   * Reads and sorts the lines of {@code body}.
   *
   * @throws PayloadTooLargeException as soon as the body is found to exceed the limit
   */
  public static EventBatch read(InputStream body) throws IOException {
    // One byte over the limit is enough to know: the rest is never read.
    byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw new PayloadTooLargeException(MAX_BODY_BYTES, bytes);
    }
    return split(bytes);
  }

  static EventBatch split(byte[] bytes) {
    List<AcceptedEvent> accepted = new ArrayList<>();
    List<RefusedLine> refused = new ArrayList<>();
    int start = startsWith(bytes, BOM) ? BOM.length : 0;
    int line = 0;
    while (start < bytes.length) {
      int newline = indexOf(bytes, (byte) '\n', start);
      int end = newline < 0 ? bytes.length : newline;
      int next = end + 1;
      if (end > start && bytes[end - 1] == '\r') {
        end--; // CRLF
      }
      line++;
      if (!isBlank(bytes, start, end)) {
        byte[] value = Arrays.copyOfRange(bytes, start, end);
        try {
          Event event = EventParser.parse(value);
          accepted.add(
              new AcceptedEvent(line, event.category().getBytes(StandardCharsets.UTF_8), value));
        } catch (InvalidEventException e) {
          refused.add(new RefusedLine(line, e.getMessage(), value));
        }
      }
      start = next;
    }
    return new EventBatch(accepted, refused);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Blank lines separate nothing in NDJSON; they are skipped (but still counted). */
  private static boolean isBlank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
