package io.tally.pipelines.kafka;

import io.tally.model.deadletter.DeadLetter;
import io.tally.transforms.coders.DeadLetterCoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

/**
 * Records become text only when they are well-formed UTF-8, a sent U+FFFD included; every other
 * record is a dead letter, whatever the JDK's lenient decoding would have made of it.
 */
class DecodeUtf8Test {
  private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);

  private static final List<byte[]> VALID =
      List.of(
          bytes("{\"id\":\"plain ascii\"}"),
          bytes("{\"id\":\"caf\u00e9 \u20ac \ud83d\ude00\"}"),
          bytes("{\"id\":\"a sent \ufffd\"}"));

  private static final List<byte[]> INVALID =
      List.of(
          new byte[] {'{', (byte) 0xC3, '(', '}'}, // a lead byte without its continuation
          new byte[] {'a', (byte) 0xC0, (byte) 0xAF}, // an overlong '/'
          new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate's encoding
          new byte[] {(byte) 0xFF, 'x'}); // no UTF-8 byte at all

  @Test
  void wellFormedRecordsBecomeTextAndTheRestDeadLetters() {
    List<KafkaRecord<byte[], byte[]>> records = new ArrayList<>();
    for (byte[] value : VALID) {
      records.add(record(value));
    }
    for (byte[] value : INVALID) {
      records.add(record(value));
    }
    PCollectionTuple decoded =
        p.apply(
                Create.of(records)
                    .withCoder(
                        KafkaRecordCoder.of(
                            NullableCoder.of(ByteArrayCoder.of()),
                            NullableCoder.of(ByteArrayCoder.of()))))
            .apply(
                ParDo.of(new ReadEventsFromKafka.DecodeFn())
                    .withOutputTags(
                        ReadEventsFromKafka.RECORDS,
                        TupleTagList.of(ReadEventsFromKafka.UNDECODABLE)));

    List<String> expected = new ArrayList<>();
    for (byte[] value : VALID) {
      expected.add(new String(value, StandardCharsets.UTF_8));
    }
    PAssert.that(decoded.get(ReadEventsFromKafka.RECORDS)).containsInAnyOrder(expected);
    PAssert.that(
            decoded
                .get(ReadEventsFromKafka.UNDECODABLE)
                .setCoder(DeadLetterCoder.of())
                .apply(MapElements.into(TypeDescriptors.strings()).via(DeadLetter::detail)))
        .containsInAnyOrder(
            List.of(
                "not valid UTF-8 (payload in Base64)",
                "not valid UTF-8 (payload in Base64)",
                "not valid UTF-8 (payload in Base64)",
                "not valid UTF-8 (payload in Base64)"));
    p.run().waitUntilFinish();
  }

  private static KafkaRecord<byte[], byte[]> record(byte[] value) {
    return new KafkaRecord<>(
        "events", 0, 0, 1_000L, KafkaTimestampType.CREATE_TIME, null, null, value);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
