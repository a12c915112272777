package io.tally.transforms;

import io.tally.model.event.Event;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.metric.MetricDefinition;
import io.tally.model.metric.MetricSpec;
import io.tally.model.metric.MetricVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Turns each event into one observation per metric it matches, gathered per metric group within
 * each bundle (so that aggregation touches its state once per group and bundle, not once per event:
 * the combiner of this pipeline).
 *
 * <p>The definitions come from a {@link MetricCatalogSource} asked afresh for every bundle, and
 * each batch carries the definition it matched: the pipeline's graph holds no definition, so
 * definitions can change while it runs.
 *
 * <p>Which version of a metric counts an event is decided by the event's own time: the version in
 * force then ({@link MetricVersion#activeFromMillis()}), or none when the metric did not exist or
 * was deleted. So a change takes effect at the same point of event time on every worker, and a
 * replay of the same events gives the same results, however late a worker learns of the change (as
 * long as it learns before the events from the activation arrive, which the rules service ensures
 * by activating changes a little after it accepts them).
 *
 * <p>Why a catalog source asked per bundle and not a side input: the slowly-updating side input
 * pattern ({@code GenerateSequence} → read → {@code View.asSingleton}, re-triggered) makes every
 * worker wait for the side input's window to be ready and, on Flink, pushes back the main input
 * while it buffers; its re-firing is known to be fragile across runners. Definitions are tiny and
 * change rarely, so each worker follows the rule log itself (one consumer per JVM, see the sources
 * in {@code tiering}) and this stage only compares a reference per bundle. A version keyed by event
 * time makes the result independent of when each worker sees the change, which a side input could
 * not promise either.
 */
public final class MatchDefinitions
    extends PTransform<PCollection<Event>, PCollection<KV<MetricKey, Observations>>> {
  private final MetricCatalogSource catalog;

  private MatchDefinitions(MetricCatalogSource catalog) {
    this.catalog = catalog;
  }

  public static MatchDefinitions from(MetricCatalogSource catalog) {
    return new MatchDefinitions(catalog);
  }

  @Override
  public PCollection<KV<MetricKey, Observations>> expand(PCollection<Event> events) {
    return events
        .apply("Match", ParDo.of(new MatchFn(catalog)))
        .setCoder(KvCoder.of(MetricKeyCoder.of(), ObservationsCoder.of()));
  }

  static final class MatchFn extends DoFn<Event, KV<MetricKey, Observations>> {
    private final MetricCatalogSource source;
    private transient MetricCatalog catalog;

    /** Per metric, its versions; only versions with a definition have batches. */
    private transient List<Timeline> timelines;

    private transient List<Compiled> compiled;

    /**
     * A definition with its spec built once per catalog, and this bundle's batches by group: looked
     * up by the group's values alone, which hash faster than whole metric keys.
     */
    private record Compiled(
        MetricDefinition definition,
        MetricSpec spec,
        boolean readsUser,
        Map<List<String>, Batch> batches) {}

    /** A metric's versions by activation time: the one in force at an event's time counts it. */
    private record Timeline(long[] activeFrom, Compiled[] versions) {
      /** The version in force at {@code timestampMillis}; null if none (absent or deleted). */
      Compiled inForceAt(long timestampMillis) {
        for (int i = activeFrom.length - 1; i >= 0; i--) {
          if (activeFrom[i] <= timestampMillis) {
            return versions[i];
          }
        }
        return null;
      }
    }

    /** The observations of one group in this bundle, and the earliest of their timestamps. */
    private static final class Batch {
      final MetricSpec spec;
      final List<Observation> observations = new ArrayList<>();
      long earliest = Long.MAX_VALUE;

      Batch(MetricSpec spec) {
        this.spec = spec;
      }
    }

    MatchFn(MetricCatalogSource source) {
      this.source = source;
    }

    @StartBundle
    public void startBundle() {
      MetricCatalog current = source.current();
      if (current != catalog) {
        catalog = current;
        List<Timeline> metrics = new ArrayList<>();
        List<Compiled> all = new ArrayList<>();
        for (List<MetricVersion> history : current.histories()) {
          long[] activeFrom = new long[history.size()];
          Compiled[] versions = new Compiled[history.size()];
          for (int i = 0; i < history.size(); i++) {
            MetricVersion version = history.get(i);
            activeFrom[i] = version.activeFromMillis();
            MetricDefinition d = version.definition();
            if (d != null) {
              versions[i] =
                  new Compiled(d, d.spec(), "user".equals(d.aggregate().field()), new HashMap<>());
              all.add(versions[i]);
            }
          }
          metrics.add(new Timeline(activeFrom, versions));
        }
        timelines = metrics;
        compiled = all;
      }
    }

    @ProcessElement
    public void process(@Element Event event) {
      long timestamp = event.timestampMillis();
      for (Timeline timeline : timelines) {
        Compiled c = timeline.inForceAt(timestamp);
        if (c == null) {
          continue;
        }
        MetricDefinition d = c.definition();
        if (!d.matches(event)) {
          continue;
        }
        Batch batch = c.batches().computeIfAbsent(d.groupOf(event), g -> new Batch(c.spec()));
        batch.observations.add(
            new Observation(
                event.timestampMillis(),
                event.value(),
                c.readsUser() ? event.user() : event.entity(),
                event.source(),
                event.id()));
        batch.earliest = Math.min(batch.earliest, event.timestampMillis());
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Compiled c : compiled) {
        MetricDefinition d = c.definition();
        for (Map.Entry<List<String>, Batch> entry : c.batches().entrySet()) {
          Batch batch = entry.getValue();
          // The earliest event time of the batch: never later than any event in it, so the
          // batch is never behind the watermark where one of its events was not.
          context.output(
              KV.of(
                  new MetricKey(d.name(), d.version(), entry.getKey()),
                  new Observations(batch.spec, batch.observations)),
              new Instant(batch.earliest),
              GlobalWindow.INSTANCE);
        }
        c.batches().clear();
      }
    }
  }
}
