package io.tally.serving;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.tally.model.metric.DedupHorizon;
import io.tally.model.metric.InvalidDefinitionException;
import io.tally.model.metric.MetricCatalog;
import io.tally.serving.auth.AuthFactory;
import io.tally.serving.config.HistoryFactory;
import io.tally.serving.config.HotStoreFactory;
import io.tally.serving.config.IngestFactory;
import io.tally.serving.config.KafkaFactory;
import io.tally.serving.config.QueryLimitsFactory;
import io.tally.serving.config.RulesFactory;
import io.tally.serving.config.SubscriptionsFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The service's YAML configuration; see {@code tally-serving.yml} for an annotated example. */
public class TallyConfiguration extends Configuration {
  /**
   * A YAML or JSON file of metric definitions; none means the built-in example metrics. They seed
   * the rule log: each becomes version 1 of its metric unless the log already knows it.
   */
  private String metricsFile;

  @Valid @NotNull private HotStoreFactory hotStore = new HotStoreFactory();

  /** The rule log and how changes take effect. */
  @Valid @NotNull private RulesFactory rules = new RulesFactory();

  /** API keys and their roles; without any, nothing can be written. */
  @Valid @NotNull private AuthFactory auth = new AuthFactory();

  /** The longest {@code [from, to)} a window query may ask for. */
  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration maxQueryRange = Duration.days(31);

  /** Single flight, a short answer cache and a per-client rate limit for the query API. */
  @Valid @NotNull private QueryLimitsFactory queryLimits = new QueryLimitsFactory();

  /** The admission limit of {@code POST /v1/events}. */
  @Valid @NotNull private IngestFactory ingest = new IngestFactory();

  /** How long after its end a window stays in the hot store. */
  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.SECONDS)
  private Duration hotRetention = Duration.hours(2);

  /**
   * The Kafka log (ingest) and change feed (the serving view); null, the embedded mode, runs
   * without Kafka.
   */
  @Valid private KafkaFactory kafka;

  /** Live streams and saved queries. */
  @Valid @NotNull private SubscriptionsFactory subscriptions = new SubscriptionsFactory();

  @JsonProperty
  public SubscriptionsFactory getSubscriptions() {
    return subscriptions;
  }

  @JsonProperty
  public void setSubscriptions(SubscriptionsFactory subscriptions) {
    this.subscriptions = subscriptions;
  }

  /** The ClickHouse history tier; null: queries are answered by the hot tiers alone. */
  @Valid private HistoryFactory history;

  @JsonProperty
  public HistoryFactory getHistory() {
    return history;
  }

  @JsonProperty
  public void setHistory(HistoryFactory history) {
    this.history = history;
  }

  @JsonProperty
  public KafkaFactory getKafka() {
    return kafka;
  }

  @JsonProperty
  public void setKafka(KafkaFactory kafka) {
    this.kafka = kafka;
  }

  @JsonProperty
  public String getMetricsFile() {
    return metricsFile;
  }

  @JsonProperty
  public void setMetricsFile(String metricsFile) {
    this.metricsFile = metricsFile;
  }

  @JsonProperty
  public RulesFactory getRules() {
    return rules;
  }

  @JsonProperty
  public void setRules(RulesFactory rules) {
    this.rules = rules;
  }

  @JsonProperty
  public AuthFactory getAuth() {
    return auth;
  }

  @JsonProperty
  public void setAuth(AuthFactory auth) {
    this.auth = auth;
  }

  @JsonProperty
  public HotStoreFactory getHotStore() {
    return hotStore;
  }

  @JsonProperty
  public void setHotStore(HotStoreFactory hotStore) {
    this.hotStore = hotStore;
  }

  @JsonProperty
  public Duration getMaxQueryRange() {
    return maxQueryRange;
  }

  @JsonProperty
  public void setMaxQueryRange(Duration maxQueryRange) {
    this.maxQueryRange = maxQueryRange;
  }

  @JsonProperty
  public IngestFactory getIngest() {
    return ingest;
  }

  @JsonProperty
  public void setIngest(IngestFactory ingest) {
    this.ingest = ingest;
  }

  @JsonProperty
  public QueryLimitsFactory getQueryLimits() {
    return queryLimits;
  }

  @JsonProperty
  public void setQueryLimits(QueryLimitsFactory queryLimits) {
    this.queryLimits = queryLimits;
  }

  @JsonProperty
  public Duration getHotRetention() {
    return hotRetention;
  }

  @JsonProperty
  public void setHotRetention(Duration hotRetention) {
    this.hotRetention = hotRetention;
  }

  /**
   * Reads {@link #getMetricsFile()}, or the built-in definitions when it is not set; refuses
   * definitions that need a longer dedup horizon than {@code rules.dedupHorizon}.
   */
  public MetricCatalog loadMetricCatalog() {
    String from =
        metricsFile == null || metricsFile.isBlank() ? "the built-in metrics" : metricsFile;
    try {
      MetricCatalog catalog =
          metricsFile == null || metricsFile.isBlank()
              ? MetricCatalog.defaults()
              : MetricCatalog.read(Path.of(metricsFile));
      DedupHorizon.check(catalog, rules.getDedupHorizon().toMilliseconds());
      return catalog;
    } catch (InvalidDefinitionException e) {
      throw new IllegalStateException(
          "invalid metric definitions in " + from + ": " + e.getMessage(), e);
    }
  }
}
