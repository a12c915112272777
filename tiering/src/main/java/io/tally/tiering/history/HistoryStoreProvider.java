package io.tally.tiering.history;

import java.io.Serializable;

/**
 * How pipeline workers reach the history tier: a provider is serialized with the pipeline and opens
 * the store on the worker, so that no connection is built into the pipeline's graph.
 */
@FunctionalInterface
public interface HistoryStoreProvider extends Serializable {
  HistoryStore open();
}
