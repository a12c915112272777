package io.tally.serving.live;

import java.util.Optional;

/** Where saved queries live, so that they outlast the service's process. */
public interface SavedQueryStore {
  /** Stores {@code query} durably before returning. */
  void put(SavedQuery query);

  Optional<SavedQuery> get(String id);

  /** Removes it durably; false when there was none. */
  boolean delete(String id);

  /** How many saved queries {@code owner} has saved and not removed. */
  long countOwnedBy(String owner);
}
