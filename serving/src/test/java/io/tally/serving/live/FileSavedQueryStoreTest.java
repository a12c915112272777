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
  void anUnreadableFileStopsTheStartWithItsName() throws Exception {
    Path file = dir.resolve("saved-queries.json");
    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> new FileSavedQueryStore(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString());
  }
}
