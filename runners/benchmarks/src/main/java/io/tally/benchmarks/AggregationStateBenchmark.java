package io.tally.benchmarks;

import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.benchmarks.report.Stats;
import io.tally.model.aggregate.Accumulator;
import io.tally.model.aggregate.AccumulatorCodec;
import io.tally.model.aggregate.TopKAccumulator;
import io.tally.model.codec.ByteSink;
import io.tally.model.codec.ByteSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The aggregation state of a top-K metric's groups, as Flink's heap backend handles it while a
 * checkpoint is written: each group's value is encoded and decoded (a copy) the first time it is
 * touched, and encoded once more into the checkpoint. A command that prints figures, not a test.
 *
 * <p>Each group holds the accumulators of its open hopping windows, counting values drawn from the
 * same set, as the example metric {@code top_entities_by_category} does under the freshness
 * benchmark's load (a 5-minute window sliding by 1 minute, 1 minute of allowed lateness: six
 * windows open, about 1,000 values each). It measures the state's checkpoint bytes per group and
 * the time of one copy, with the windows' accumulators written together over one table of their
 * values (the state's form) and, as the baseline in the same runs, each accumulator on its own (the
 * form of earlier versions, and what each window's own coder would do).
 */
@Command(
    name = "aggregation-state-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures the aggregation state of top-K groups: checkpoint bytes per group and the time of"
          + " the copy that Flink's heap state makes during a checkpoint; the windows' values"
          + " shared (the state's form) beside each window alone (the baseline)."
    })
public final class AggregationStateBenchmark implements Callable<Integer> {

  @Option(names = "--groups", defaultValue = "100", description = "Groups (${DEFAULT-VALUE}).")
  int groups;

  @Option(names = "--windows", defaultValue = "6", description = "Open windows a group.")
  int windows;

  @Option(
      names = "--events-per-window",
      defaultValue = "12000",
      description = "Events counted in each window (${DEFAULT-VALUE}).")
  int eventsPerWindow;

  @Option(
      names = "--values",
      defaultValue = "1000",
      description = "Distinct values the events draw from (${DEFAULT-VALUE}).")
  int values;

  @Option(names = "--runs", defaultValue = "5", description = "Runs (${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--table",
      description = "Also print the figures as markdown table rows (for bin/benchmarks).")
  boolean table;

  /** One way of writing a group's accumulators. */
  private interface Form {
    void write(List<Accumulator> windows, ByteSink out);

    List<Accumulator> read(ByteSource in, int windows) throws IOException;
  }

  private static final Form SHARED =
      new Form() {
        @Override
        public void write(List<Accumulator> windows, ByteSink out) {
          AccumulatorCodec.INSTANCE.writeSharingValues(windows, out);
        }

        @Override
        public List<Accumulator> read(ByteSource in, int windows) throws IOException {
          return AccumulatorCodec.INSTANCE.readSharingValues(in);
        }
      };

  private static final Form EACH_ALONE =
      new Form() {
        @Override
        public void write(List<Accumulator> windows, ByteSink out) {
          windows.forEach(window -> AccumulatorCodec.INSTANCE.write(window, out));
        }

        @Override
        public List<Accumulator> read(ByteSource in, int windows) throws IOException {
          List<Accumulator> read = new ArrayList<>(windows);
          for (int i = 0; i < windows; i++) {
            read.add(AccumulatorCodec.INSTANCE.read(in));
          }
          return read;
        }
      };

  public static void main(String[] args) {
    System.exit(new CommandLine(new AggregationStateBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<List<Accumulator>> state = state();
    System.out.printf(
        Locale.ROOT,
        "%d groups of %d top-K windows, %,d events each over %,d values; %d runs%n",
        groups,
        windows,
        eventsPerWindow,
        values,
        runs);
    List<Double> sharedMicros = new ArrayList<>();
    List<Double> aloneMicros = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      // Alternating, so that neither form gets the warmer JIT or the quieter machine.
      sharedMicros.add(copyMicros(state, SHARED));
      aloneMicros.add(copyMicros(state, EACH_ALONE));
    }
    double sharedBytes = bytesPerGroup(state, SHARED);
    double aloneBytes = bytesPerGroup(state, EACH_ALONE);
    System.out.printf(
        Locale.ROOT,
        "checkpoint bytes per group: shared %,.0f, each alone %,.0f (ratio %.2f)%n",
        sharedBytes,
        aloneBytes,
        sharedBytes / aloneBytes);
    System.out.printf(
        Locale.ROOT,
        "copy per group (encode + decode), median of %d runs: shared %.1f µs %s, each alone %.1f µs"
            + " %s (ratio %.2f)%n",
        runs,
        Stats.median(sharedMicros),
        sharedMicros.stream().map(m -> String.format(Locale.ROOT, "%.0f", m)).toList(),
        Stats.median(aloneMicros),
        aloneMicros.stream().map(m -> String.format(Locale.ROOT, "%.0f", m)).toList(),
        Stats.median(sharedMicros) / Stats.median(aloneMicros));
    if (table) {
      String name = "aggregation-state";
      String note =
          String.format(
              Locale.ROOT,
              "%d top-K groups, %d windows of %,d events over %,d values",
              groups,
              windows,
              eventsPerWindow,
              values);
      BenchmarkTable.print(name, "copy per group, µs", sharedMicros, "%.1f", note);
      BenchmarkTable.print(
          name, "copy per group, µs, each window alone (baseline)", aloneMicros, "%.1f", note);
      BenchmarkTable.print(
          name, "checkpoint bytes per group", List.of(sharedBytes), "%,.0f", "deterministic");
      BenchmarkTable.print(
          name,
          "checkpoint bytes per group, each window alone (baseline)",
          List.of(aloneBytes),
          "%,.0f",
          "deterministic");
    }
    return 0;
  }

  private List<List<Accumulator>> state() {
    Random random = new Random(42);
    List<List<Accumulator>> state = new ArrayList<>(groups);
    for (int g = 0; g < groups; g++) {
      List<Accumulator> group = new ArrayList<>(windows);
      for (int w = 0; w < windows; w++) {
        TopKAccumulator window = new TopKAccumulator();
        for (int e = 0; e < eventsPerWindow; e++) {
          window.add(0, "entity-" + random.nextInt(values));
        }
        group.add(window);
      }
      state.add(group);
    }
    return state;
  }

  /** The mean time to copy one group as the heap backend does: encode, then decode. */
  private double copyMicros(List<List<Accumulator>> state, Form form) throws IOException {
    // A few passes unmeasured, then enough to take about a second.
    for (int pass = 0; pass < 3; pass++) {
      copyAll(state, form);
    }
    int passes = 0;
    long start = System.nanoTime();
    do {
      copyAll(state, form);
      passes++;
    } while (System.nanoTime() - start < 1_000_000_000L);
    return (System.nanoTime() - start) / 1_000.0 / passes / state.size();
  }

  private void copyAll(List<List<Accumulator>> state, Form form) throws IOException {
    for (List<Accumulator> group : state) {
      ByteSink out = new ByteSink(1 << 16);
      form.write(group, out);
      List<Accumulator> copy = form.read(new ByteSource(out.toByteArray()), group.size());
      if (copy.size() != group.size() || copy.get(0).events() != group.get(0).events()) {
        throw new IllegalStateException("a copy differs from its group");
      }
    }
  }

  private static double bytesPerGroup(List<List<Accumulator>> state, Form form) {
    long bytes = 0;
    for (List<Accumulator> group : state) {
      ByteSink out = new ByteSink(1 << 16);
      form.write(group, out);
      bytes += out.size();
    }
    return (double) bytes / state.size();
  }
}
