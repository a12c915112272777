package io.tally.pipelines.synthetic;

/**
 * What {@link SyntheticEvents} put at one position of the stream, for tests and ground truth.
 *
 * @param index the position in the stream
 * @param original the position whose event this one repeats; {@code index} when fresh
 * @param clockMillis the event clock at {@code index}
 * @param late true when the event is older than the disorder bound
 */
public record SyntheticEvent(
    long index,
    long original,
    long clockMillis,
    boolean late,
    String id,
    String source,
    String type,
    String category,
    long timestampMillis,
    String geo,
    String entity,
    String user,
    long value) {

  public boolean duplicate() {
    return original != index;
  }
}
