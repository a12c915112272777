package io.tally.model.update;

/** When an update was made, relative to its window's end as seen by the watermark. */
public enum Timing {
  /** Before the watermark reached the window's end: a speculative, partial result. */
  EARLY,
  /** When the watermark reached the window's end. */
  ON_TIME,
  /** After the window's end, for events that arrived late but within the allowed lateness. */
  LATE
}
