package io.tally.tiering.history;

/** The history tier could not do what was asked: the server is unreachable, or refused. */
public final class HistoryStoreException extends RuntimeException {
  public HistoryStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public HistoryStoreException(String message) {
    super(message);
  }
}
