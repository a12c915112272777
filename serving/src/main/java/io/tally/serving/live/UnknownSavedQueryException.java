package io.tally.serving.live;

import io.tally.serving.query.QueryException;

/** No saved query has that id (HTTP 404). */
public final class UnknownSavedQueryException extends QueryException {
  public UnknownSavedQueryException(String id) {
    super("no saved query has the id '" + id + "'");
  }
}
