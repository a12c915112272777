package io.tally.transforms;

/**
 * One de-duplicated event as a metric sees it: what the metric's windows and aggregate need, and
 * the event's identity for the dead letter should it be too late.
 *
 * @param item the value of the field the metric reads (user or entity), or null
 */
public record Observation(
    long timestampMillis, double value, String item, String source, String id) {}
