package io.tally.runners.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.runners.launch.Checkpoints;
import io.tally.runners.launch.RunningPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job launched with StreamingMain's default options on the embedded Flink runner completes
 * checkpoints of keyed state far above the 5 MiB that Flink's memory-backed checkpoint storage
 * accepts, in the data directory's {@code checkpoints}.
 */
class DefaultCheckpointDirTest {
  /** What Flink's memory-backed checkpoint storage accepts at most. */
  private static final long MEMORY_BACKED_LIMIT = 5L * 1024 * 1024;

  private static final int KEYS = 10_000;
  private static final int PAYLOAD_BYTES = 1024;

  /** Random bytes: nothing in a checkpoint can make them smaller. */
  static byte[] payload(long key) {
    byte[] bytes = new byte[PAYLOAD_BYTES];
    new Random(key).nextBytes(bytes);
    return bytes;
  }

  /**
   * Keeps a payload in keyed state for each of the first {@code KEYS} numbers; later ones only keep
   * the source (and so the job) running.
   */
  static class Remember extends DoFn<KV<String, Long>, Void> {
    @StateId("payload")
    private final StateSpec<ValueState<byte[]>> payloadSpec = StateSpecs.value();

    @ProcessElement
    public void process(
        @Element KV<String, Long> element, @StateId("payload") ValueState<byte[]> payload) {
      if (element.getValue() < KEYS) {
        payload.write(payload(element.getValue()));
      }
    }
  }

  @Test
  void aCheckpointOfStateFarAboveTheMemoryLimitCompletes(@TempDir Path data) throws Exception {
    StreamingMainOptions options = StreamingMain.options(Map.of("TALLY_DATA_DIR", data.toString()));
    Path checkpoints = data.resolve("checkpoints");
    assertThat(options.getCheckpointDir()).isEqualTo(checkpoints.toString());

    // Unbounded, so that the job keeps running and checkpointing once all keys are in (a bounded
    // source's tasks finish, and the job with them). The numbers past KEYS share one key and
    // add nothing to the state.
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(GenerateSequence.from(0).withRate(5_000, Duration.standardSeconds(1)))
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(i -> KV.of("id-" + Math.min(i, KEYS), i)))
        .apply(ParDo.of(new Remember()));

    long stateBytes = (long) KEYS * PAYLOAD_BYTES;
    assertThat(stateBytes).isGreaterThan(MEMORY_BACKED_LIMIT);
    try (RunningPipeline running = RunningPipeline.start(pipeline)) {
      running.awaitSubmitted(java.time.Duration.ofMinutes(2));
      await()
          .atMost(java.time.Duration.ofMinutes(3))
          .pollInterval(java.time.Duration.ofMillis(500))
          .failFast("the job ended", running::isFinished)
          .until(() -> latestCheckpointBytes(checkpoints) >= stateBytes);
    }
    Path latest = Checkpoints.latest(checkpoints).orElseThrow();
    assertThat(latest.getParent().getParent()).isEqualTo(checkpoints);
    assertThat(bytes(latest)).isGreaterThan(MEMORY_BACKED_LIMIT);
  }

  /** The bytes on disk of the newest completed checkpoint; 0 for none. */
  private static long latestCheckpointBytes(Path checkpoints) {
    Optional<Path> latest = Checkpoints.latest(checkpoints);
    return latest.isEmpty() ? 0 : bytes(latest.get());
  }

  private static long bytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(DefaultCheckpointDirTest::size).sum();
    } catch (NoSuchFileException | UncheckedIOException e) {
      return 0; // subsumed by a newer checkpoint and deleted meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
