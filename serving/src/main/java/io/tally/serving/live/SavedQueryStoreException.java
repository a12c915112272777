package io.tally.serving.live;

/** A saved query could not be stored or removed durably; nothing was changed (HTTP 503). */
public final class SavedQueryStoreException extends RuntimeException {
  public SavedQueryStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
