package io.tally.tiering.hot;

import java.io.Serializable;

/**
 * How pipeline workers reach the hot tier: a provider is serialized with the pipeline and opens the
 * store on the worker, so that no connection is built into the pipeline's graph.
 */
@FunctionalInterface
public interface HotStoreProvider extends Serializable {
  HotStore open();
}
