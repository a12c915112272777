package io.tally.serving.api;

import java.util.Map;

/** The body of {@code POST /v1/subscriptions}: a metric and the dimension values to follow. */
public record SavedQueryRequest(String metric, Map<String, String> where) {}
