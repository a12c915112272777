package io.tally.runners.launch;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/** A source followed by a step that counts what it emits into a {@link LocalCounters} tally. */
public final class CountedSource extends PTransform<PBegin, PCollection<String>> {
  private final PTransform<PBegin, PCollection<String>> source;
  private final String counter;

  private CountedSource(PTransform<PBegin, PCollection<String>> source, String counter) {
    this.source = source;
    this.counter = counter;
  }

  public static CountedSource of(PTransform<PBegin, PCollection<String>> source, String counter) {
    return new CountedSource(source, counter);
  }

  @Override
  public PCollection<String> expand(PBegin input) {
    PCollection<String> records = input.apply("Read", source);
    return records
        .apply("Count", LocalCounters.<String>passThrough(counter))
        .setCoder(records.getCoder());
  }
}
