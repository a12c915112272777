package io.tally.transforms;

import io.tally.event.Event;
import io.tally.metric.MetricCatalog;
import io.tally.metric.MetricCatalogSource;
import io.tally.metric.MetricDefinition;
import io.tally.metric.MetricSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Turns each event into one observation per metric it matches, keyed by the metric's group.
 * The definitions come from a {@link MetricCatalogSource} asked afresh for every bundle, and each
 * observation carries the definition it matched: the pipeline's graph holds no definition, so
 * definitions can change while it runs.
 */
public final class MatchDefinitions
    extends PTransform<PCollection<Event>, PCollection<KV<MetricKey, Observation>>> {
  private final MetricCatalogSource catalog;

  private MatchDefinitions(MetricCatalogSource catalog) {
    this.catalog = catalog;
  }

  public static MatchDefinitions from(MetricCatalogSource catalog) {
    return new MatchDefinitions(catalog);
  }

  @Override
  public PCollection<KV<MetricKey, Observation>> expand(PCollection<Event> events) {
    return events
        .apply("Match", ParDo.of(new MatchFn(catalog)))
        .setCoder(KvCoder.of(MetricKeyCoder.of(), ObservationCoder.of()));
  }

  static final class MatchFn extends DoFn<Event, KV<MetricKey, Observation>> {
    private final MetricCatalogSource source;
    private transient MetricCatalog catalog;
    private transient List<Compiled> compiled;

    /** A definition with its spec built once per catalog, not once per event. */
    private record Compiled(MetricDefinition definition, MetricSpec spec, boolean readsUser) {}

    MatchFn(MetricCatalogSource source) {
      this.source = source;
    }

    @StartBundle
    public void refresh() {
      MetricCatalog current = source.current();
      if (current != catalog) {
        catalog = current;
        List<Compiled> list = new ArrayList<>();
        for (MetricDefinition d : current.definitions()) {
          list.add(new Compiled(d, d.spec(), "user".equals(d.aggregate().field())));
        }
        compiled = list;
      }
    }

    @ProcessElement
    public void process(@Element Event event, OutputReceiver<KV<MetricKey, Observation>> out) {
      for (Compiled c : compiled) {
        MetricDefinition d = c.definition();
        if (!d.matches(event)) {
          continue;
        }
        String item = c.readsUser() ? event.user() : event.entity();
        out.output(
            KV.of(
                new MetricKey(d.name(), d.version(), d.groupOf(event)),
                new Observation(
                    c.spec(),
                    event.timestampMillis(),
                    event.value(),
                    item,
                    event.source(),
                    event.id())));
      }
    }
  }
}
