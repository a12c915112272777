package io.tally.serving.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An error, as RFC 9457 problem details ({@code application/problem+json}). {@code type} is {@code
 * about:blank} for plain HTTP errors, whose {@code title} is then the status phrase, and a {@code
 * urn:tally:problem:*} URI for Tally's own kinds.
 */
@JsonPropertyOrder({"type", "title", "status", "detail"})
public record Problem(String type, String title, int status, String detail) {
  public static final String MEDIA_TYPE = "application/problem+json";
  public static final String ABOUT_BLANK = "about:blank";
  public static final String INVALID_QUERY = "urn:tally:problem:invalid-query";
  public static final String QUERY_RATE_LIMITED = "urn:tally:problem:query-rate-limited";
  public static final String NOT_READY = "urn:tally:problem:not-ready";
  public static final String UNKNOWN_METRIC = "urn:tally:problem:unknown-metric";
  public static final String INVALID_BODY = "urn:tally:problem:invalid-body";
  public static final String INVALID_EVENTS = "urn:tally:problem:invalid-events";
  public static final String INGEST_RATE_LIMITED = "urn:tally:problem:ingest-rate-limited";
  public static final String LOG_OVERLOADED = "urn:tally:problem:log-overloaded";
  public static final String LOG_UNAVAILABLE = "urn:tally:problem:log-unavailable";
  public static final String INGEST_DISABLED = "urn:tally:problem:ingest-disabled";
  public static final String INVALID_DEFINITION = "urn:tally:problem:invalid-definition";
  public static final String PRECONDITION_FAILED = "urn:tally:problem:precondition-failed";
  public static final String RULE_LOG_UNAVAILABLE = "urn:tally:problem:rule-log-unavailable";
  public static final String UNKNOWN_SAVED_QUERY = "urn:tally:problem:unknown-saved-query";
  public static final String SAVED_QUERY_LIMIT = "urn:tally:problem:saved-query-limit";
  public static final String SAVED_QUERIES_UNAVAILABLE =
      "urn:tally:problem:saved-queries-unavailable";
}
