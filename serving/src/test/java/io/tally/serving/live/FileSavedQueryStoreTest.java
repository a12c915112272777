package io.tally.serving.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSavedQueryStoreTest {
  @TempDir Path dir;

  @Test
  void savedQueriesOutliveTheStoreThatSavedThem() {
    Path file = dir.resolve("state/saved-queries.json");
    FileSavedQueryStore store = new FileSavedQueryStore(file);
    SavedQuery nba = new SavedQuery("a", "events_by_category", Map.of("category", "sports/nba"));
    SavedQuery all = new SavedQuery("b", "distinct_users_by_geo", Map.of());
    store.put(nba);
    store.put(all);
    assertThat(store.delete("b")).isTrue();
    assertThat(store.delete("b")).isFalse();

    FileSavedQueryStore reopened = new FileSavedQueryStore(file);
    assertThat(reopened.get("a")).contains(nba);
    assertThat(reopened.get("b")).isEmpty();
    assertThat(dir.resolve("state")).isDirectoryNotContaining("glob:**.next");
  }

  @Test
  void ownersOutliveTheStoreSoThatTheCapDoesToo() throws Exception {
    Path file = dir.resolve("saved-queries.json");
    FileSavedQueryStore store = new FileSavedQueryStore(file);
    store.put(new SavedQuery("a", "events_by_category", Map.of(), "ops"));
    store.put(new SavedQuery("b", "events_by_category", Map.of(), "ops"));
    store.put(new SavedQuery("c", "events_by_category", Map.of(), "feeds"));

    FileSavedQueryStore reopened = new FileSavedQueryStore(file);
    assertThat(reopened.countOwnedBy("ops")).isEqualTo(2);
    assertThat(reopened.countOwnedBy("feeds")).isEqualTo(1);
    assertThat(reopened.countOwnedBy("nobody")).isZero();
    assertThat(reopened.get("a")).hasValueSatisfying(q -> assertThat(q.owner()).isEqualTo("ops"));
  }

  @Test
  void queriesSavedBeforeOwnersWereKeptAreStillRead() throws Exception {
    Path file = dir.resolve("saved-queries.json");
    Files.writeString(file, "[{\"id\": \"a\", \"metric\": \"events_by_category\", \"where\": {}}]");
    FileSavedQueryStore store = new FileSavedQueryStore(file);
    assertThat(store.get("a")).hasValueSatisfying(q -> assertThat(q.owner()).isNull());
    assertThat(store.countOwnedBy("ops")).isZero();
  }

  @Test
  void anUnreadableFileStopsTheStartWithItsName() throws Exception {
    Path file = dir.resolve("saved-queries.json");
    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> new FileSavedQueryStore(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString());
  }
}
