package io.tally.serving.ingest;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.model.deadletter.DeadLetter;
import io.tally.model.deadletter.DeadLetterJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code POST /v1/events}: checks the size, validates every line, admits the request under the
 * node's ingest limit, and writes the valid lines to the log and every refused one to the
 * dead-letter topic; answers only once the log has them all. Resources talk only to this service.
 *
 * <p>A refused line's dead letter is the pipeline's format ({@link DeadLetterJson}) with {@code
 * "stage": "ingest"} and its {@code line} in the request; a body refused as too large is one dead
 * letter holding as much of its beginning as was read. When the log cannot take the dead letters,
 * the request fails as when it cannot take the events (429 or 503): a refusal is only ever answered
 * once it is on record, and a retried request is safe for the events (de-duplicated by {@code
 * (source, id)}), though its refused lines may then be dead-lettered twice.
 */
public final class IngestService {
  static final String TOO_LARGE_ERROR =
      "request body larger than " + EventBatchReader.MAX_BODY_BYTES + " bytes";

  private final EventLog log;
  private final IngestAdmission admission;
  private final Clock clock;
  public static final String ACCEPTED = "io.tally.ingest.accepted";
  public static final String DEAD_LETTERS = "io.tally.ingest.deadLetters";

  private final IngestRefusals refusals;
  private final Meter accepted;
  private final Meter deadLettered;

  /** With meters of its own (not reported anywhere). */
  public IngestService(EventLog log, IngestAdmission admission, Clock clock) {
    this(log, admission, clock, new MetricRegistry());
  }

  /**
   * Registers its meters in {@code metrics}, each marked once the log has what it counts: {@value
   * #ACCEPTED} events, {@value #DEAD_LETTERS} written, and refused lines by reason ({@link
   * IngestRefusals}).
   */
  public IngestService(
      EventLog log, IngestAdmission admission, Clock clock, MetricRegistry metrics) {
    this.log = Objects.requireNonNull(log, "log");
    this.admission = Objects.requireNonNull(admission, "admission");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refusals = new IngestRefusals(metrics);
    this.accepted = metrics.meter(ACCEPTED);
    this.deadLettered = metrics.meter(DEAD_LETTERS);
  }

  /** Without an ingest limit, on the system clock. */
  public IngestService(EventLog log) {
    this(log, IngestAdmission.unlimited(), Clock.systemUTC());
  }

  /**
   * @param declaredLength the request's {@code Content-Length}, or -1 when it has none; a body
   *     announced as too large is refused before a byte of it is read (the client may be waiting
   *     for an answer before it sends one), so its dead letter has an empty payload
   * @return the batch, every accepted event of which is in the log
   */
  public EventBatch ingest(InputStream body, long declaredLength) throws IOException {
    EventBatch batch;
    try {
      log.checkAvailable();
      try {
        if (declaredLength > EventBatchReader.MAX_BODY_BYTES) {
          throw new PayloadTooLargeException(EventBatchReader.MAX_BODY_BYTES, new byte[0]);
        }
        batch = EventBatchReader.read(body);
      } catch (PayloadTooLargeException tooLarge) {
        log.append(List.of(), List.of(tooLargeDeadLetter(tooLarge.head())));
        deadLettered.mark();
        throw tooLarge;
      }
    } catch (IngestException refused) {
      // Refused before its lines were read (or its dead letter could not be written): one.
      countRefused(refused, 1);
      throw refused;
    }
    int lines = batch.accepted().size() + batch.rejectedCount();
    try {
      admission.admit(lines);
      if (!batch.accepted().isEmpty() || !batch.refused().isEmpty()) {
        List<byte[]> letters = deadLetters(batch.refused());
        log.append(batch.accepted(), letters);
        accepted.mark(batch.accepted().size());
        deadLettered.mark(letters.size());
      }
    } catch (IngestException refused) {
      countRefused(refused, lines);
      throw refused;
    }
    // Only now are the invalid lines refused on record (dead-lettered) rather than the request.
    refusals.mark(IngestRefusals.Reason.INVALID, batch.rejectedCount());
    if (batch.accepted().isEmpty()) {
      throw new NoValidEventsException(batch);
    }
    return batch;
  }

  private void countRefused(IngestException refused, long lines) {
    IngestRefusals.Reason reason = IngestRefusals.reasonOf(refused);
    if (reason != null) {
      refusals.mark(reason, lines);
    }
  }

  private List<byte[]> deadLetters(List<RefusedLine> refused) {
    long now = clock.millis();
    List<byte[]> letters = new ArrayList<>(refused.size());
    for (RefusedLine line : refused) {
      ObjectNode letter =
          DeadLetterJson.toNode(
              DeadLetter.invalid(line.value(), line.error(), now), DeadLetterJson.Stage.INGEST);
      letter.put("line", line.line());
      letters.add(DeadLetterJson.bytes(letter));
    }
    return letters;
  }

  /**
   * What was read of a body too large to take, as text (a multi-byte character cut at the end, or
   * any invalid bytes, become U+FFFD): it is refused for its size, not for what it holds.
   */
  private byte[] tooLargeDeadLetter(byte[] head) {
    String text = new String(head, StandardCharsets.UTF_8);
    ObjectNode letter =
        DeadLetterJson.toNode(
            new DeadLetter(
                DeadLetter.Reason.INVALID,
                TOO_LARGE_ERROR,
                DeadLetterJson.cut(text),
                clock.millis()),
            DeadLetterJson.Stage.INGEST);
    letter.put("payloadTruncated", true);
    return DeadLetterJson.bytes(letter);
  }
}
