package io.tally.tiering.hot;

import io.tally.model.update.WindowUpdate;

/**
 * Told of every update a hot store has stored, whoever wrote it: the pipeline in the embedded mode,
 * the change-feed reader in the serving view. Live subscriptions hang off this, so they work the
 * same in both modes.
 */
@FunctionalInterface
public interface HotStoreListener {
  /**
   * Called on the writer's thread right after {@code update} was stored, so it must be quick and
   * must not block: hand the update over to another thread. Calls for one window may arrive out of
   * order when several threads write it; a listener applies {@link WindowUpdate#supersedes} itself.
   */
  void stored(WindowUpdate update);
}
