package io.tally.model.update;

import java.util.Locale;

/** When an update was made, relative to its window's end as seen by the watermark. */
public enum Timing {
  /** Before the watermark reached the window's end: a speculative, partial result. */
  EARLY,
  /** When the watermark reached the window's end. */
  ON_TIME,
  /** After the window's end, for events that arrived late but within the allowed lateness. */
  LATE;

  /** Its name in an update's JSON ({@code early}, {@code on_time}, {@code late}), made once. */
  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }

  /** The timing {@code name} names, in any case, as readers of updates meet it. */
  public static Timing fromWireName(String name) {
    for (Timing timing : values()) {
      if (timing.wireName.equalsIgnoreCase(name)) {
        return timing;
      }
    }
    throw new IllegalArgumentException("not an update timing: '" + name + "'");
  }
}
