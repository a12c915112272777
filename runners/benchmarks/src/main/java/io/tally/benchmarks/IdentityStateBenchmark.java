package io.tally.benchmarks;

import io.tally.benchmarks.report.BenchmarkTable;
import io.tally.model.codec.Binary;
import io.tally.model.codec.ByteSink;
import io.tally.transforms.DeduplicateEvents;
import io.tally.transforms.SeenIdentities;
import io.tally.transforms.SeenIdentitiesCoder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The de-duplication state with many remembered identities: heap and checkpoint bytes per identity,
 * how long writing the state to disk and reading it back takes, and how fast identities are added.
 * A command that prints figures, not a test.
 *
 * <p>Each run fills the pipeline's 1,024 shards ({@link DeduplicateEvents#DEFAULT_SHARDS}, picked
 * as the pipeline picks them) with N distinct identities spread over ten buckets of event time (a
 * 10-minute horizon in 1-minute buckets), measures the live heap they hold after a full collection,
 * writes every shard with the state's coder to one file and forces it to disk (what a heap snapshot
 * writes, without Flink's own framing), and reads the file back. The baseline, in the same runs,
 * keeps each identity's text in hash maps and lists, with its text form as the checkpoint: the
 * layout of versions up to 0.1, and what a straightforward implementation keeps.
 */
@Command(
    name = "identity-state-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures the de-duplication state with N remembered identities: heap and checkpoint bytes"
          + " per identity, checkpoint write and restore time, adds per second; beside the same"
          + " identities kept as text (the baseline)."
    })
public final class IdentityStateBenchmark implements Callable<Integer> {
  private static final long MINUTE = 60_000;
  private static final int BUCKETS = 10;

  @Option(
      names = "--identities",
      defaultValue = "10000000",
      description = "Distinct identities remembered (${DEFAULT-VALUE}).")
  int identities;

  @Option(names = "--runs", defaultValue = "3", description = "Runs (${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--dir",
      defaultValue = "target/identity-state-benchmark",
      description = "Where the checkpoint files go; emptied after each run (${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--baseline",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Also measure the text baseline (default); --no-baseline for counts whose text would not"
              + " fit the heap.")
  boolean baseline;

  @Option(
      names = "--table",
      description = "Also print the figures as markdown table rows (for bin/benchmarks).")
  boolean table;

  /** Figures of one layout in one run. */
  private record Figures(
      double addsPerSecond,
      double heapBytesPerIdentity,
      double checkpointBytesPerIdentity,
      double checkpointSeconds,
      double restoreSeconds) {}

  /** One way of keeping the shards' identities. */
  private interface Layout {
    String name();

    void add(int shard, long bucketStart, String identity);

    /** Writes every shard to {@code out}. */
    void write(OutputStream out) throws IOException;

    /** Reads every shard back; returns how many identities they hold. */
    long read(InputStream in) throws IOException;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new IdentityStateBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dir);
    System.out.printf(
        Locale.ROOT,
        "%,d identities in %,d shards, %d buckets, %d runs; heap %,d MB max%n",
        identities,
        DeduplicateEvents.DEFAULT_SHARDS,
        BUCKETS,
        runs,
        Runtime.getRuntime().maxMemory() >> 20);
    List<Figures> hashed = new ArrayList<>();
    List<Figures> text = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      hashed.add(measure(new HashedLayout(DeduplicateEvents.DEFAULT_SHARDS), run));
      if (baseline) {
        text.add(measure(new TextLayout(DeduplicateEvents.DEFAULT_SHARDS), run));
      }
    }
    if (table) {
      String n = String.format(Locale.ROOT, "%,d identities", identities);
      rows("heap bytes per identity", hashed, text, Figures::heapBytesPerIdentity, "%.1f", n);
      rows(
          "checkpoint bytes per identity",
          hashed,
          text,
          Figures::checkpointBytesPerIdentity,
          "%.1f",
          n);
      rows(
          "checkpoint write, s",
          hashed,
          text,
          Figures::checkpointSeconds,
          "%.2f",
          n + ", one file, forced to disk");
      rows("restore, s", hashed, text, Figures::restoreSeconds, "%.2f", n);
      rows("adds per second", hashed, text, Figures::addsPerSecond, "%,.0f", "hash, shard, insert");
    }
    return 0;
  }

  /** A figure's row, and the baseline's beside it when it was measured. */
  private static void rows(
      String figure,
      List<Figures> hashed,
      List<Figures> text,
      ToDoubleFunction<Figures> value,
      String format,
      String note) {
    String name = "identity-state";
    BenchmarkTable.print(
        name, figure, hashed.stream().mapToDouble(value).boxed().toList(), format, note);
    if (!text.isEmpty()) {
      BenchmarkTable.print(
          name,
          figure + ", as text (baseline)",
          text.stream().mapToDouble(value).boxed().toList(),
          format,
          note);
    }
  }

  private Figures measure(Layout layout, int run) throws IOException {
    long heapBefore = liveHeap();
    long start = System.nanoTime();
    for (int k = 0; k < identities; k++) {
      String identity = identity(k);
      // As DeduplicateEvents keys its shards.
      int shard = Math.floorMod(identity.hashCode(), DeduplicateEvents.DEFAULT_SHARDS);
      layout.add(shard, (long) k * BUCKETS / identities * MINUTE, identity);
    }
    double addSeconds = (System.nanoTime() - start) / 1e9;
    long heap = liveHeap() - heapBefore;

    Path file = dir.resolve(layout.name() + "-" + run + ".state");
    start = System.nanoTime();
    try (FileChannel channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20)) {
      layout.write(out);
      out.flush();
      channel.force(true);
    }
    double checkpointSeconds = (System.nanoTime() - start) / 1e9;
    long checkpointBytes = Files.size(file);

    start = System.nanoTime();
    long restored;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      restored = layout.read(in);
    }
    double restoreSeconds = (System.nanoTime() - start) / 1e9;
    Files.delete(file);
    if (restored != identities) {
      throw new IllegalStateException(
          layout.name() + ": restored " + restored + " identities of " + identities);
    }
    Figures figures =
        new Figures(
            identities / addSeconds,
            (double) heap / identities,
            (double) checkpointBytes / identities,
            checkpointSeconds,
            restoreSeconds);
    System.out.printf(
        Locale.ROOT,
        "run %d %-6s: %,.0f adds/s, heap %.1f B/identity (%,d MB), checkpoint %.1f B/identity"
            + " (%,d MB) written in %.2f s, restored in %.2f s%n",
        run,
        layout.name(),
        figures.addsPerSecond(),
        figures.heapBytesPerIdentity(),
        heap >> 20,
        figures.checkpointBytesPerIdentity(),
        checkpointBytes >> 20,
        checkpointSeconds,
        restoreSeconds);
    return figures;
  }

  /** Like a feed's: a source among 16 and an id of about 24 characters. */
  private static String identity(long k) {
    long mixed = k * 0x9E3779B97F4A7C15L;
    return "source-" + (k & 15) + '\u0000' + Long.toHexString(mixed) + "-" + k;
  }

  /** Live heap after full collections: what the state holds once garbage is gone. */
  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The pipeline's layout: {@link SeenIdentities} and its coder. */
  private static final class HashedLayout implements Layout {
    final SeenIdentities[] shards;

    HashedLayout(int n) {
      shards = new SeenIdentities[n];
      for (int i = 0; i < n; i++) {
        shards[i] = new SeenIdentities();
      }
    }

    @Override
    public String name() {
      return "hashed";
    }

    @Override
    public void add(int shard, long bucketStart, String identity) {
      shards[shard].add(bucketStart, identity);
    }

    @Override
    public void write(OutputStream out) throws IOException {
      for (SeenIdentities shard : shards) {
        SeenIdentitiesCoder.of().encode(shard, out);
      }
    }

    @Override
    public long read(InputStream in) throws IOException {
      long n = 0;
      for (int i = 0; i < shards.length; i++) {
        n += SeenIdentitiesCoder.of().decode(in).size();
      }
      return n;
    }
  }

  /** The baseline: each identity's text in a map to its bucket and in its bucket's list. */
  private static final class TextLayout implements Layout {
    final TextShard[] shards;

    TextLayout(int n) {
      shards = new TextShard[n];
      for (int i = 0; i < n; i++) {
        shards[i] = new TextShard();
      }
    }

    static final class TextShard {
      final Map<String, Long> bucketOf = new HashMap<>();
      final TreeMap<Long, List<String>> buckets = new TreeMap<>();
    }

    @Override
    public String name() {
      return "text";
    }

    @Override
    public void add(int shard, long bucketStart, String identity) {
      TextShard s = shards[shard];
      Long start = bucketStart;
      if (s.bucketOf.putIfAbsent(identity, start) == null) {
        s.buckets.computeIfAbsent(start, b -> new ArrayList<>()).add(identity);
      }
    }

    @Override
    public void write(OutputStream out) throws IOException {
      for (TextShard shard : shards) {
        Binary.encode(shard, out, TextLayout::writeShard);
      }
    }

    private static void writeShard(TextShard shard, ByteSink out) {
      out.writeInt(shard.buckets.size());
      for (Map.Entry<Long, List<String>> bucket : shard.buckets.entrySet()) {
        out.writeLong(bucket.getKey());
        out.writeInt(bucket.getValue().size());
        for (String identity : bucket.getValue()) {
          out.writeString(identity);
        }
      }
    }

    @Override
    public long read(InputStream in) throws IOException {
      long n = 0;
      for (int i = 0; i < shards.length; i++) {
        TextShard shard =
            Binary.decode(
                in,
                source -> {
                  TextShard s = new TextShard();
                  int buckets = source.readInt();
                  for (int b = 0; b < buckets; b++) {
                    Long start = source.readLong();
                    int count = source.readInt();
                    List<String> list = new ArrayList<>(count);
                    for (int j = 0; j < count; j++) {
                      String identity = source.readString();
                      list.add(identity);
                      s.bucketOf.put(identity, start);
                    }
                    s.buckets.put(start, list);
                  }
                  return s;
                });
        n += shard.bucketOf.size();
      }
      return n;
    }
  }
}
