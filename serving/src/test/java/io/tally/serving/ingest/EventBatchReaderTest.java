package io.tally.serving.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventBatchReaderTest {
  private static final String A = event("1", "sports/nba");
  private static final String B = event("2", "movies");

  @Test
  void keepsTheExactBytesOfEachLineAndKeysByCategory() throws Exception {
    String spaced = " " + B.replace(",", " , ").replace("{", "{ ") + "\t";
    EventBatch batch = read(A + "\n" + spaced + "\n");

    assertThat(batch.rejected()).isEmpty();
    assertThat(batch.accepted()).hasSize(2);
    assertThat(text(batch.accepted().get(0).value())).isEqualTo(A);
    assertThat(text(batch.accepted().get(0).key())).isEqualTo("sports/nba");
    assertThat(text(batch.accepted().get(1).value())).isEqualTo(spaced);
    assertThat(text(batch.accepted().get(1).key())).isEqualTo("movies");
    assertThat(batch.accepted().get(1).line()).isEqualTo(2);
  }

  @Test
  void crlfBlankLinesNoFinalNewlineAndABom() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] rest = (A + "\r\n\r\n  \n" + B).getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[bom.length + rest.length];
    System.arraycopy(bom, 0, body, 0, bom.length);
    System.arraycopy(rest, 0, body, bom.length, rest.length);

    EventBatch batch = EventBatchReader.read(new ByteArrayInputStream(body));

    assertThat(batch.rejected()).isEmpty();
    assertThat(batch.accepted()).extracting(AcceptedEvent::line).containsExactly(1, 4);
    assertThat(text(batch.accepted().get(0).value())).isEqualTo(A);
    assertThat(text(batch.accepted().get(1).value())).isEqualTo(B);
  }

  @Test
  void eachBadLineIsRejectedWithItsNumberAndTheFieldAtFault() throws Exception {
    EventBatch batch =
        read(A + "\n{\"id\":\"x\"}\n" + B.replace("\"movies\"", "\"/movies\"") + "\nnope\n" + B);

    assertThat(batch.accepted()).extracting(AcceptedEvent::line).containsExactly(1, 5);
    assertThat(batch.rejected()).extracting(Rejection::line).containsExactly(2, 3, 4);
    assertThat(batch.rejected().get(0).error()).startsWith("source");
    assertThat(batch.rejected().get(1).error()).startsWith("category");
    assertThat(batch.rejected().get(2).error()).startsWith("malformed JSON");
    assertThat(batch.rejectedCount()).isEqualTo(3);
  }

  @Test
  void invalidUtf8IsRejectedNotRepaired() throws Exception {
    byte[] line = A.replace("sports/nba", "sports/nb?").getBytes(StandardCharsets.UTF_8);
    line[Arrays.asList(toObjects(line)).indexOf((byte) '?')] = (byte) 0xFF;
    EventBatch batch = EventBatchReader.read(new ByteArrayInputStream(line));
    assertThat(batch.accepted()).isEmpty();
    assertThat(batch.rejected().get(0).error()).contains("UTF-8");
  }

  @Test
  void listsAtMostAThousandRejectionsButCountsThemAll() throws Exception {
    EventBatch batch = read("x\n".repeat(5000));
    assertThat(batch.rejected()).hasSize(EventBatchReader.MAX_LISTED_REJECTIONS);
    assertThat(batch.rejectedCount()).isEqualTo(5000);
  }

  @Test
  void stopsReadingOneByteAfterTheLimit() {
    CountingStream endless = new CountingStream();
    assertThatThrownBy(() -> EventBatchReader.read(endless))
        .isInstanceOf(PayloadTooLargeException.class);
    assertThat(endless.served).isEqualTo(EventBatchReader.MAX_BODY_BYTES + 1);
  }

  private static EventBatch read(String body) throws Exception {
    return EventBatchReader.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Byte[] toObjects(byte[] bytes) {
    Byte[] out = new Byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i];
    }
    return out;
  }

  private static String event(String id, String category) {
    return "{\"id\":\""
        + id
        + "\",\"source\":\"s\",\"type\":\"t\",\"category\":\""
        + category
        + "\",\"ts\":\"2026-11-27T21:00:00Z\"}";
  }

  /** An endless body of spaces that counts what was read from it. */
  static final class CountingStream extends InputStream {
    long served;

    @Override
    public int read() {
      served++;
      return ' ';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Arrays.fill(b, off, off + len, (byte) ' ');
      served += len;
      return len;
    }
  }
}
