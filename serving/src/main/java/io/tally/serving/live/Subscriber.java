package io.tally.serving.live;

import io.tally.tiering.hot.WindowQuery;
import java.util.List;

/** One client of a {@link MetricFeed}; its methods are called on the feed's dispatch. */
interface Subscriber {
  /** The metric and groups it follows. */
  WindowQuery follows();

  /** The windows it follows that changed while it was away, or all of them; oldest first. */
  void snapshot(List<SequencedUpdate> windows);

  /** A change of a window it follows; must not block. */
  void offer(SequencedUpdate change);
}
