package io.tally.serving.ingest;

/**
 * An invalid line of an ingest request, as it goes to the dead-letter topic.
 *
 * @param line 1-based
 * @param error why it is invalid (the event contract's rule)
 * @param value the exact bytes of the line, without its line terminator
 */
public record RefusedLine(int line, String error, byte[] value) {}
