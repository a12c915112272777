package io.tally.serving.live;

import java.util.Optional;

/**
 * The {@code id} of an SSE message: which run of the service numbered it ({@code epoch}) and its
 * place in that run's sequence of window changes ({@code seq}). Every change a node dispatches
 * takes the next number, so a client that comes back with {@code Last-Event-ID} needs only the
 * windows that changed after that number. A cursor of another run (a restart, another node) says
 * nothing about what the client has, and the client gets a full snapshot instead.
 */
public record Cursor(String epoch, long seq) {
  private static final char SEPARATOR = '-';

  public static Optional<Cursor> parse(String lastEventId) {
    if (lastEventId == null) {
      return Optional.empty();
    }
    int separator = lastEventId.lastIndexOf(SEPARATOR);
    if (separator <= 0) {
      return Optional.empty();
    }
    try {
      long seq = Long.parseLong(lastEventId.substring(separator + 1));
      return seq < 0
          ? Optional.empty()
          : Optional.of(new Cursor(lastEventId.substring(0, separator), seq));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return epoch + SEPARATOR + seq;
  }
}
