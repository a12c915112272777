package io.tally.model.codec;

import java.io.IOException;

/** Bytes that are not what a {@link Codec} wrote: truncated, or of an unknown kind. */
public final class CorruptInputException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptInputException(String message) {
    super(message);
  }
}
