package io.tally.tiering.tiers;

/**
 * What one tier contributed to an answer: the window starts it was asked for, how many windows it
 * returned, and why it could not answer when it could not.
 *
 * @param error null when the tier answered; otherwise what went wrong (the answer then lacks
 *     whatever only this tier held)
 */
public record TierRead(Tier tier, long fromMillis, long toMillis, int windows, String error) {

  public static TierRead answered(Tier tier, long fromMillis, long toMillis, int windows) {
    return new TierRead(tier, fromMillis, toMillis, windows, null);
  }

  public static TierRead failed(Tier tier, long fromMillis, long toMillis, String error) {
    return new TierRead(tier, fromMillis, toMillis, 0, error);
  }

  public boolean available() {
    return error == null;
  }
}
