package io.tally.serving.ingest;

/**
 * A valid line of an ingest request, as it goes to the log.
 *
 * @param key the event's category in UTF-8 (contract §1: one category keeps its order)
 * @param value the exact bytes of the line, without its line terminator
 */
public record AcceptedEvent(int line, byte[] key, byte[] value) {}
