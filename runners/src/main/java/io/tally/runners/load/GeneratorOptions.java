package io.tally.runners.load;

import io.tally.model.metric.Durations;
import io.tally.pipelines.synthetic.SyntheticSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The synthetic events every command that generates them shares: the run-embedded mode, the load
 * generator and the benchmark (picocli mixin).
 */
public final class GeneratorOptions {

  @Option(
      names = "--categories",
      defaultValue = "1000",
      description = "Categories (${DEFAULT-VALUE}).")
  int categories;

  @Option(
      names = "--duplicates",
      defaultValue = "0.05",
      description = "Share of duplicate events (${DEFAULT-VALUE}).")
  double duplicates;

  @Option(
      names = "--disorder",
      defaultValue = "5s",
      converter = DurationMillis.class,
      description = "Events arrive up to this much out of event-time order (${DEFAULT-VALUE}).")
  long disorderMillis;

  @Option(
      names = "--late-share",
      defaultValue = "0",
      description = "Share of events later than the disorder bound (${DEFAULT-VALUE}).")
  double lateShare;

  @Option(
      names = "--hot-key-skew",
      defaultValue = "0",
      description =
          "Zipf exponent over categories: 0 uniform, 1.0+ a few hot ones (${DEFAULT-VALUE}).")
  public double hotKeySkew;

  @Option(names = "--seed", description = "Generator seed (default: the command's own).")
  Long seed;

  /** {@code base} with these options, and {@code defaultSeed} unless {@code --seed} was given. */
  public SyntheticSettings applyTo(SyntheticSettings base, long defaultSeed) {
    return base.withSeed(seed != null ? seed : defaultSeed)
        .withCategories(categories)
        .withDuplicateShare(duplicates)
        .withMaxDisorderMillis(disorderMillis)
        .withLateShare(lateShare)
        .withHotKeySkew(hotKeySkew);
  }

  public String describe() {
    return String.format(
        "%d categories, %.0f%% duplicates, disorder %s, late %.1f%%, hot-key skew %s",
        categories,
        duplicates * 100,
        Durations.format(disorderMillis),
        lateShare * 100,
        hotKeySkew);
  }

  /** Parses {@code 500ms}, {@code 5s}, {@code 1m}… into milliseconds. */
  public static final class DurationMillis implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return Durations.parseMillis(value);
    }
  }
}
