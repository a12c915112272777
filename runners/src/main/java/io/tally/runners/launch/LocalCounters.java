package io.tally.runners.launch;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Counters shared by name within this JVM, for launchers whose pipeline runs in the same process
 * (the embedded mode, benchmarks, tests): the counting DoFns below find their counter by name on
 * the worker, since a counter cannot travel inside a serialized pipeline. Each DoFn instance counts
 * locally and adds to the shared counter once per bundle, so counting costs next to nothing per
 * element.
 */
public final class LocalCounters {
  private static final Map<String, Tally> COUNTERS = new ConcurrentHashMap<>();

  private LocalCounters() {}

  /** The counter of that name, created empty on first use. */
  public static Tally named(String name) {
    return COUNTERS.computeIfAbsent(name, n -> new Tally());
  }

  public static void remove(String name) {
    COUNTERS.remove(name);
  }

  /** A count with the instants of its first element and of its last bundle. */
  public static final class Tally {
    private final LongAdder count = new LongAdder();
    private final AtomicLong firstNanos = new AtomicLong();
    private final AtomicLong lastNanos = new AtomicLong();

    public long count() {
      return count.sum();
    }

    /** {@link System#nanoTime} when the first element was counted; 0 before. */
    public long firstNanos() {
      return firstNanos.get();
    }

    /** {@link System#nanoTime} when the last bundle with elements finished; 0 before. */
    public long lastNanos() {
      return lastNanos.get();
    }

    void started() {
      if (firstNanos.get() == 0) {
        firstNanos.compareAndSet(0, System.nanoTime());
      }
    }

    void add(long n) {
      count.add(n);
      lastNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }
  }

  /** A pass-through step that counts what goes through it. */
  public static <T> ParDo.SingleOutput<T, T> passThrough(String name) {
    return ParDo.of(new PassThroughFn<>(name));
  }

  /** A sink that only counts. */
  public static <T> PTransform<PCollection<T>, PDone> sink(String name) {
    return new Sink<>(name);
  }

  private abstract static class CountingFn<InT, OutT> extends DoFn<InT, OutT>
      implements Serializable {
    private final String name;
    private transient Tally tally;
    private transient long pending;

    CountingFn(String name) {
      this.name = name;
    }

    @Setup
    public void setup() {
      tally = named(name);
    }

    final void count() {
      if (pending++ == 0) {
        tally.started();
      }
    }

    @FinishBundle
    public void finishBundle() {
      if (pending > 0) {
        tally.add(pending);
        pending = 0;
      }
    }
  }

  private static final class PassThroughFn<T> extends CountingFn<T, T> {
    PassThroughFn(String name) {
      super(name);
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<T> out) {
      count();
      out.output(element);
    }
  }

  private static final class SinkFn<T> extends CountingFn<T, Void> {
    SinkFn(String name) {
      super(name);
    }

    @ProcessElement
    public void process(@Element T element) {
      count();
    }
  }

  private static final class Sink<T> extends PTransform<PCollection<T>, PDone> {
    private final String name;

    Sink(String name) {
      this.name = name;
    }

    @Override
    public PDone expand(PCollection<T> input) {
      input.apply("Count", ParDo.of(new SinkFn<T>(name)));
      return PDone.in(input.getPipeline());
    }
  }
}
