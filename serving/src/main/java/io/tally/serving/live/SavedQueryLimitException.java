package io.tally.serving.live;

import io.tally.serving.query.QueryException;

/** A credential already has as many saved queries as it may (HTTP 409). */
public final class SavedQueryLimitException extends QueryException {
  public SavedQueryLimitException(int max) {
    super(
        "This credential already has "
            + max
            + " saved queries, the most it may have; delete one (DELETE /v1/subscriptions/{id})"
            + " before saving another.");
  }
}
