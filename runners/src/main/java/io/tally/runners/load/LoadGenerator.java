package io.tally.runners.load;

import io.tally.pipelines.synthetic.SyntheticEvents;
import io.tally.pipelines.synthetic.SyntheticSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Produces synthetic events (duplicates, disorder, late events, hot keys: {@link SyntheticEvents})
 * to the events topic, then prints what it sent: the figures a correct pipeline must count.
 */
@Command(
    name = "load-generator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Produces synthetic events to the Kafka events topic, keyed by category, and prints what it"
          + " sent (events, distinct events, distinct events per category) when it ends."
    })
public final class LoadGenerator implements Callable<Integer> {

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka (${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--topic",
      defaultValue = "events",
      description = "Events topic (${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Events per second; 0 = as fast as possible (${DEFAULT-VALUE}).")
  public double rate;

  @Mixin public GeneratorOptions options;

  @Option(
      names = "--events",
      defaultValue = "0",
      description = "Events to send; 0 = no limit (${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--duration",
      defaultValue = "0s",
      converter = GeneratorOptions.DurationMillis.class,
      description =
          "Stop after this long; 0s = no limit (${DEFAULT-VALUE}). With neither limit, runs until Ctrl-C.")
  long durationMillis;

  @Option(
      names = "--first-index",
      defaultValue = "0",
      description =
          "First position of the stream, to continue an earlier run with the same seed (${DEFAULT-VALUE}).")
  public long firstIndex;

  @Option(names = "--truth-file", description = "Also write what was sent, as JSON, to this file.")
  Path truthFile;

  @Option(
      names = "--truth-window",
      defaultValue = "0s",
      converter = GeneratorOptions.DurationMillis.class,
      description =
          "Also break the truth down by tumbling windows of this size; 0s = no (${DEFAULT-VALUE}).")
  long truthWindowMillis;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  /** The generator: live, so event times follow the wall clock (and the pipeline's watermark). */
  public SyntheticEvents generator(long nowMillis) {
    SyntheticSettings settings = options.applyTo(SyntheticSettings.live(rate), nowMillis);
    if (rate > 0) {
      // Position firstIndex is due now, not firstIndex/rate seconds from now.
      settings = settings.withStartMillis(nowMillis - (long) (firstIndex * 1000.0 / rate));
    }
    return SyntheticEvents.of(settings);
  }

  @Override
  public Integer call() throws Exception {
    long now = System.currentTimeMillis();
    SyntheticEvents generator = generator(now);
    long end = events > 0 ? firstIndex + events : Long.MAX_VALUE;
    long deadline = durationMillis > 0 ? now + durationMillis : Long.MAX_VALUE;
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  interrupted.set(true);
                  try {
                    done.await(); // let the main thread flush and print the truth
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "load-generator-stop"));
    System.err.printf(
        Locale.ROOT,
        "Sending to %s on %s: %s, seed %d, from position %d%n",
        topic,
        bootstrapServers,
        rate > 0 ? String.format(Locale.ROOT, "%,.0f events/s", rate) : "as fast as possible",
        generator.settings().seed(),
        firstIndex);

    GroundTruth truth = new GroundTruth(truthWindowMillis);
    long next;
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = SyntheticProducer.producer(bootstrapServers)) {
      next =
          SyntheticProducer.send(
              producer,
              topic,
              generator,
              firstIndex,
              end,
              () -> interrupted.get() || System.currentTimeMillis() >= deadline,
              truth);
    } finally {
      done.countDown();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    print(truth, next, seconds);
    if (truthFile != null) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("seed", generator.settings().seed());
      run.put("firstIndex", firstIndex);
      run.put("nextIndex", next);
      truth.writeJson(truthFile, run);
      System.out.println("truth written to " + truthFile);
    }
    return 0;
  }

  private static void print(GroundTruth truth, long next, double seconds) {
    System.out.printf(
        Locale.ROOT,
        "events sent: %,d in %.1f s (%,.0f/s); distinct events: %,d; duplicates: %,d;"
            + " late distinct events: %,d; next position: %d%n",
        truth.sent(),
        seconds,
        truth.sent() / Math.max(seconds, 1e-9),
        truth.distinct(),
        truth.sent() - truth.distinct(),
        truth.late(),
        next);
    System.out.println("distinct events per category:");
    truth.distinctByCategory().forEach((c, n) -> System.out.printf(Locale.ROOT, "  %s %d%n", c, n));
  }
}
