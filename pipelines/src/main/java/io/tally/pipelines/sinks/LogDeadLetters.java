package io.tally.pipelines.sinks;

import io.tally.model.deadletter.DeadLetter;
import io.tally.transforms.metrics.JobCounter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter sink of the embedded mode, which has no durable log: counts each dead letter by
 * reason and logs a sample of them (at most one a second per worker) so the log stays readable
 * under a flood of bad input. Deployments with Kafka send dead letters to a topic.
 */
public final class LogDeadLetters extends PTransform<PCollection<DeadLetter>, PDone> {
  private static final Logger LOG = LoggerFactory.getLogger(LogDeadLetters.class);

  public static LogDeadLetters sampled() {
    return new LogDeadLetters();
  }

  private LogDeadLetters() {}

  @Override
  public PDone expand(PCollection<DeadLetter> deadLetters) {
    deadLetters.apply("CountAndSample", ParDo.of(new LogFn()));
    return PDone.in(deadLetters.getPipeline());
  }

  static final class LogFn extends DoFn<DeadLetter, Void> {
    private final JobCounter invalid = JobCounter.of(LogDeadLetters.class, "dead_letters_invalid");
    private final JobCounter late = JobCounter.of(LogDeadLetters.class, "dead_letters_late");
    private transient long lastLogged;

    @ProcessElement
    public void process(@Element DeadLetter deadLetter) {
      (deadLetter.reason() == DeadLetter.Reason.LATE ? late : invalid).inc();
      long now = System.currentTimeMillis();
      if (now - lastLogged >= 1_000) {
        lastLogged = now;
        LOG.warn(
            "dead letter ({}): {} -- {}",
            deadLetter.reason().wireName(),
            deadLetter.detail(),
            abbreviate(deadLetter.payload()));
      }
    }

    private static String abbreviate(String payload) {
      return payload == null || payload.length() <= 200
          ? payload
          : payload.substring(0, 200) + "...";
    }
  }
}
