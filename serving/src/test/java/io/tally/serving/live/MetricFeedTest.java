package io.tally.serving.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.WindowQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-metric dispatch, run on the calling thread. */
class MetricFeedTest {
  private static final long MINUTE = 60_000;
  private static final String EPOCH = "e1";

  private final AtomicLong sequence = new AtomicLong();
  private final MetricFeed feed =
      new MetricFeed("views", Runnable::run, sequence::incrementAndGet, EPOCH);

  /** Records what it gets as "geo@start=events". */
  private static final class Recorder implements Subscriber {
    final WindowQuery follows;
    final List<String> snapshot = new ArrayList<>();
    final List<String> changes = new ArrayList<>();
    final List<Long> seqs = new ArrayList<>();
    final List<List<Long>> versions = new ArrayList<>();
    final List<byte[]> messages = new ArrayList<>();

    Recorder(Map<String, String> where) {
      follows = new WindowQuery("views", Long.MIN_VALUE, Long.MAX_VALUE, where);
    }

    @Override
    public WindowQuery follows() {
      return follows;
    }

    @Override
    public void snapshot(List<SequencedUpdate> windows) {
      windows.forEach(w -> snapshot.add(describe(w)));
      windows.forEach(w -> seqs.add(w.seq()));
      windows.forEach(w -> versions.add(w.versions()));
      windows.forEach(w -> messages.add(w.message()));
    }

    @Override
    public void offer(SequencedUpdate change) {
      changes.add(describe(change));
      seqs.add(change.seq());
    }

    long last() {
      return seqs.get(seqs.size() - 1);
    }
  }

  private static String describe(SequencedUpdate w) {
    return w.update().group().get(0)
        + "@"
        + w.update().startMillis() / MINUTE
        + "="
        + w.update().events();
  }

  private static WindowUpdate count(String geo, long minute, long events) {
    return window(1, AggregateFunction.COUNT, geo, minute, events);
  }

  private static WindowUpdate window(
      long version, AggregateFunction fn, String geo, long minute, long events) {
    return new WindowUpdate(
        "views",
        version,
        fn,
        List.of("geo"),
        List.of(geo),
        minute * MINUTE,
        (minute + 1) * MINUTE,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  @Test
  void aSubscriberGetsASnapshotThenChangesOfItsGroupsWithGrowingEventsOnly() {
    feed.stored(count("US", 0, 3));
    feed.stored(count("CA", 0, 2));
    Recorder us = new Recorder(Map.of("geo", "US"));
    Recorder all = new Recorder(Map.of());
    feed.attach(us, null, Long.MIN_VALUE);
    feed.attach(all, null, Long.MIN_VALUE);

    feed.stored(count("US", 0, 7));
    feed.stored(count("US", 0, 5)); // reported late by another writer: older, not sent
    feed.stored(count("CA", 0, 4));
    feed.stored(count("US", 1, 1));

    assertThat(us.snapshot).containsExactly("US@0=3");
    assertThat(us.changes).containsExactly("US@0=7", "US@1=1");
    assertThat(all.snapshot).containsExactly("US@0=3", "CA@0=2");
    assertThat(all.changes).containsExactly("US@0=7", "CA@0=4", "US@1=1");
    assertThat(all.seqs).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void versionsOfOneWindowAreShownAsOneWhoseEventsOnlyGrow() {
    Recorder live = new Recorder(Map.of());
    feed.attach(live, null, Long.MIN_VALUE);

    // Version 2 replaced version 1 within minute 0: each counted its own events.
    feed.stored(window(1, AggregateFunction.COUNT, "US", 0, 2));
    feed.stored(window(2, AggregateFunction.COUNT, "US", 0, 1));
    feed.stored(window(1, AggregateFunction.COUNT, "US", 0, 3));
    feed.stored(window(2, AggregateFunction.COUNT, "US", 1, 4));

    assertThat(live.changes).containsExactly("US@0=2", "US@0=3", "US@0=4", "US@1=4");
    Recorder late = new Recorder(Map.of());
    feed.attach(late, null, Long.MIN_VALUE);
    assertThat(late.snapshot).containsExactly("US@0=4", "US@1=4");
    assertThat(late.versions).containsExactly(List.of(1L, 2L), null);
    assertThat(new String(late.messages.get(0), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"events\":4")
        .contains("\"versions\":[1,2]");
  }

  @Test
  void versionsOfADistinctWindowWithoutSketchesAreShownApart() {
    feed.stored(window(1, AggregateFunction.DISTINCT, "US", 0, 2));
    feed.stored(window(2, AggregateFunction.DISTINCT, "US", 0, 1));
    Recorder late = new Recorder(Map.of());
    feed.attach(late, null, Long.MIN_VALUE);
    assertThat(late.snapshot).containsExactlyInAnyOrder("US@0=2", "US@0=1");
    assertThat(late.versions).containsOnlyNulls();
  }

  @Test
  void theSnapshotHoldsWindowsThatEndedWithinTheHorizon() {
    feed.stored(count("US", 0, 3));
    feed.stored(count("US", 5, 1));
    Recorder recent = new Recorder(Map.of());
    feed.attach(recent, null, 3 * MINUTE);
    assertThat(recent.snapshot).containsExactly("US@5=1");
  }

  @Test
  void aResumedSubscriberGetsOnlyTheWindowsThatChangedSinceItsCursor() {
    feed.stored(count("US", 0, 3));
    feed.stored(count("US", 1, 1));
    Recorder first = new Recorder(Map.of());
    feed.attach(first, null, Long.MIN_VALUE);
    Cursor seen = new Cursor(EPOCH, first.last());
    feed.detach(first);

    feed.stored(count("US", 0, 9));
    feed.stored(count("US", 2, 4));
    feed.stored(count("US", 0, 11));

    Recorder resumed = new Recorder(Map.of());
    feed.attach(resumed, seen, Long.MIN_VALUE);
    assertThat(resumed.snapshot).containsExactly("US@2=4", "US@0=11");
    assertThat(first.changes).isEmpty();

    // A cursor of another run of the service says nothing: a full snapshot.
    Recorder stranger = new Recorder(Map.of());
    feed.attach(stranger, new Cursor("other", seen.seq()), Long.MIN_VALUE);
    assertThat(stranger.snapshot).containsExactlyInAnyOrder("US@0=11", "US@1=1", "US@2=4");
  }

  @Test
  void evictedWindowsLeaveTheSnapshot() {
    feed.stored(count("US", 0, 3));
    feed.stored(count("US", 5, 1));
    feed.evictEndedBefore(2 * MINUTE);
    Recorder later = new Recorder(Map.of());
    feed.attach(later, null, Long.MIN_VALUE);
    assertThat(later.snapshot).containsExactly("US@5=1");
  }

  @Test
  void cursorsRoundTripAndForeignIdsAreIgnored() {
    Cursor cursor = new Cursor("mwzps2g9vvi2t", 909);
    assertThat(cursor.toString()).isEqualTo("mwzps2g9vvi2t-909");
    assertThat(Cursor.parse(cursor.toString())).contains(cursor);
    assertThat(Cursor.parse(null)).isEmpty();
    assertThat(Cursor.parse("42")).isEmpty();
    assertThat(Cursor.parse("abc-x")).isEmpty();
    assertThat(Cursor.parse("-5")).isEmpty();
  }
}
