package io.tally.tiering.hot;

/** The hot-store contract against {@link InMemoryHotStore}; always runs. */
class InMemoryHotStoreContractTest extends HotStoreContract {
  @Override
  protected HotStore newStore() {
    return new InMemoryHotStore();
  }
}
