package io.tally.serving.core;

/** Why line {@code line} (1-based) of an ingest request was not accepted. */
public record Rejection(int line, String error) {}
