package io.tally.tiering.feed;

/**
 * A snapshot of a change-feed reader, for health checks and metrics.
 *
 * @param caughtUp every partition reached the end it had when the reader first saw it
 * @param partitions how many partitions of the topic are assigned (0 while the topic is missing)
 * @param lag records between the reader and the current ends of the partitions
 * @param applied updates stored in the hot store
 * @param stale updates ignored because the store already held as many or more events
 * @param skipped records that were not window updates
 * @param delayMillis how long after it was published (its Kafka timestamp) the newest record of the
 *     last batch read was applied: the feed's lag in time, as of that batch
 * @param lastError the last error talking to Kafka, null once reading works again
 */
public record ChangeFeedStatus(
    String topic,
    boolean running,
    boolean caughtUp,
    int partitions,
    long lag,
    long applied,
    long stale,
    long skipped,
    long delayMillis,
    String lastError) {}
