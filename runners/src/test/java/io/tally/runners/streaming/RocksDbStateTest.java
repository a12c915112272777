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
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@code --stateBackend=rocksdb} on the embedded Flink runner: keyed state far above the memory
 * limit is checkpointed incrementally (its files in the job's {@code shared} directory, each
 * checkpoint's own directory holding only what refers to them), and a job restored from the latest
 * checkpoint reads every key's value back exactly.
 */
class RocksDbStateTest {
  private static final int KEYS = 10_000;
  private static final int PAYLOAD_BYTES = 1024;

  /** Per job run: keys read back with the expected value, and reads that found another or none. */
  static final AtomicLong[] VERIFIED = {new AtomicLong(), new AtomicLong()};

  static final AtomicLong[] WRONG = {new AtomicLong(), new AtomicLong()};

  /**
   * Number {@code i} is key {@code i % KEYS}: the first pass writes each key's payload, every later
   * pass reads it back and compares.
   */
  static class WriteThenVerify extends DoFn<KV<String, Long>, Void> {
    private final int run;

    @StateId("payload")
    private final StateSpec<ValueState<byte[]>> payloadSpec = StateSpecs.value();

    WriteThenVerify(int run) {
      this.run = run;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Long> element, @StateId("payload") ValueState<byte[]> payload) {
      long i = element.getValue();
      if (i < KEYS) {
        payload.write(DefaultCheckpointDirTest.payload(i));
      } else if (Arrays.equals(payload.read(), DefaultCheckpointDirTest.payload(i % KEYS))) {
        VERIFIED[run].incrementAndGet();
      } else {
        WRONG[run].incrementAndGet();
      }
    }
  }

  @Test
  void stateIsCheckpointedIncrementallyAndRestoredExactly(@TempDir Path data) throws Exception {
    Path checkpoints = data.resolve("checkpoints");
    long stateBytes = (long) KEYS * PAYLOAD_BYTES;

    try (RunningPipeline first = RunningPipeline.start(pipeline(data, 0))) {
      first.awaitSubmitted(java.time.Duration.ofMinutes(2));
      // Every key written and read back once: the source is past 2 * KEYS.
      await()
          .atMost(java.time.Duration.ofMinutes(3))
          .failFast("the job ended", first::isFinished)
          .until(() -> VERIFIED[0].get() >= KEYS);
      long after = checkpointNumber(checkpoints);
      await()
          .atMost(java.time.Duration.ofMinutes(3))
          .failFast("the job ended", first::isFinished)
          .until(() -> checkpointNumber(checkpoints) > after);
    }
    assertThat(WRONG[0].get()).isZero();
    Path latest = Checkpoints.latest(checkpoints).orElseThrow();
    Path shared = latest.getParent().resolve("shared");
    // Random payloads do not compress: the shared files hold at least the state's bytes, and the
    // checkpoint's own directory only what refers to them.
    assertThat(bytes(shared)).isGreaterThanOrEqualTo(stateBytes);
    assertThat(bytes(latest)).isLessThan(stateBytes / 10);

    try (RunningPipeline second =
        RunningPipeline.start(pipeline(data, 1, "--restoreFrom=latest"))) {
      second.awaitSubmitted(java.time.Duration.ofMinutes(2));
      await()
          .atMost(java.time.Duration.ofMinutes(3))
          .failFast("the job ended", second::isFinished)
          .until(() -> VERIFIED[1].get() >= KEYS);
    }
    assertThat(WRONG[1].get()).isZero();
  }

  private static Pipeline pipeline(Path data, int run, String... more) {
    String[] args =
        Stream.concat(
                Stream.of("--stateBackend=rocksdb", "--checkpointingInterval=1000"),
                Arrays.stream(more))
            .toArray(String[]::new);
    StreamingMainOptions options =
        StreamingMain.options(Map.of("TALLY_DATA_DIR", data.toString()), args);
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(GenerateSequence.from(0).withRate(5_000, Duration.standardSeconds(1)))
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(i -> KV.of("id-" + (i % KEYS), i)))
        .apply(ParDo.of(new WriteThenVerify(run)));
    return pipeline;
  }

  /** The number of the newest completed checkpoint; -1 for none. */
  private static long checkpointNumber(Path checkpoints) {
    Optional<Path> latest = Checkpoints.latest(checkpoints);
    return latest
        .map(p -> Long.parseLong(p.getFileName().toString().substring("chk-".length())))
        .orElse(-1L);
  }

  private static long bytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(RocksDbStateTest::size).sum();
    } catch (NoSuchFileException | UncheckedIOException e) {
      return 0;
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
