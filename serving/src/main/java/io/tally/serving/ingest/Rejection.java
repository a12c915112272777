package io.tally.serving.ingest;

/** Why line {@code line} (1-based) of an ingest request was not accepted. */
public record Rejection(int line, String error) {}
