package io.tally.tiering.hot;

import io.tally.tiering.hot.aerospike.AerospikeConfig;
import io.tally.tiering.hot.aerospike.AerospikeHotStore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * The hot-store contract against a real Aerospike server, only when {@code AEROSPIKE_HOSTS} is set
 * (other {@code AEROSPIKE_*} variables as in {@link AerospikeConfig#fromEnv}). Otherwise every test
 * is aborted by an assumption in {@link #newStore} (run before each test), so each one is reported
 * as skipped — never as passed — and one line says why. Each test writes to a set of its own.
 *
 * <p>(The check is per test rather than in a {@code @BeforeAll}: Surefire reports a class aborted
 * in {@code @BeforeAll} as "0 tests, 0 skipped", which hides that the suite did not run.)
 */
class AerospikeHotStoreContractTest extends HotStoreContract {
  private static final String NOT_RUN =
      "Aerospike contract suite NOT run: AEROSPIKE_HOSTS is not set";
  private static final AtomicBoolean TOLD = new AtomicBoolean();

  @Override
  protected HotStore newStore() {
    String hosts = System.getenv("AEROSPIKE_HOSTS");
    boolean configured = hosts != null && !hosts.isBlank();
    if (!configured && TOLD.compareAndSet(false, true)) {
      System.out.println(NOT_RUN);
    }
    Assumptions.assumeTrue(configured, NOT_RUN);
    AerospikeConfig config = AerospikeConfig.fromEnv(System.getenv());
    return AerospikeHotStore.connect(
        config.withSet("contract_" + Long.toString(System.nanoTime(), 36)));
  }

  @Override
  protected void closeStore(HotStore store) {
    ((AerospikeHotStore) store).close();
  }
}
