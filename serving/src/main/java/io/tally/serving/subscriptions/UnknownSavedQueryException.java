package io.tally.serving.subscriptions;

import io.tally.serving.core.QueryException;

/** No saved query has that id (HTTP 404). */
public final class UnknownSavedQueryException extends QueryException {
  public UnknownSavedQueryException(String id) {
    super("no saved query has the id '" + id + "'");
  }
}
