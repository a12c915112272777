package io.tally.tiering.hot.aerospike;

import com.aerospike.client.AerospikeClient;
import com.aerospike.client.AerospikeException;
import com.aerospike.client.IAerospikeClient;
import com.aerospike.client.Record;
import com.aerospike.client.ResultCode;
import com.aerospike.client.policy.ClientPolicy;
import com.aerospike.client.policy.Policy;
import com.aerospike.client.policy.QueryPolicy;
import com.aerospike.client.policy.RecordExistsAction;
import com.aerospike.client.policy.TlsPolicy;
import com.aerospike.client.policy.WritePolicy;
import com.aerospike.client.query.RecordSet;
import com.aerospike.client.query.Statement;
import io.tally.model.update.WindowKey;
import io.tally.model.update.WindowUpdate;
import io.tally.tiering.hot.HotStore;
import io.tally.tiering.hot.WindowQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The hot tier in Aerospike: one record per window (layout in {@link WindowRecords}).
 *
 * <p><b>apply</b> is one round trip: a {@code put} (REPLACE, so a stale accumulator bin does not
 * survive) guarded by the filter expression {@link WindowRecords#supersedesStored}, which the
 * server evaluates under the record lock. With {@code failOnFilteredOut} the server answers {@code
 * FILTERED_OUT} when the stored window already supersedes the update: that is "not stored" (false),
 * not an error. Writes are idempotent, so a caller may retry any failure; after an in-doubt write
 * that did land, the retry reports false.
 *
 * <p><b>TTL</b>: window size + {@link AerospikeConfig#retentionAfterEnd} (allowed lateness plus
 * horizon), reset on every stored write. <b>evictEndedBefore</b> does nothing and returns 0: the
 * server expires records by TTL (the namespace must allow TTLs: {@code nsup-period} &gt; 0).
 *
 * <p><b>windows(query)</b> is, for now, a primary-index query (a scan of the set) with the
 * server-side expression {@link WindowRecords#rangeFilter} (metric and start range); the group
 * conditions are applied on the client, and results are sorted by start. Its cost grows with the
 * whole set, not with the answer. A production read path would add a secondary index on {@code
 * start} (or a per-metric, per-minute index record listing the window keys) — not built here.
 *
 * <p>Nothing in this class has been run against a server from this repository's build: the contract
 * suite {@code AerospikeHotStoreContractTest} runs only when {@code AEROSPIKE_HOSTS} is set.
 */
public final class AerospikeHotStore implements HotStore, AutoCloseable {
  private final IAerospikeClient client;
  private final boolean ownsClient;
  private final AerospikeConfig config;
  private final Policy readPolicy;
  private final WritePolicy writePolicy;
  private final QueryPolicy queryPolicy;

  /** Uses a client the caller owns (and closes). */
  public AerospikeHotStore(IAerospikeClient client, AerospikeConfig config) {
    this(client, false, config);
  }

  private AerospikeHotStore(IAerospikeClient client, boolean ownsClient, AerospikeConfig config) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.config = config;
    this.readPolicy = new Policy();
    timeouts(readPolicy, config);
    this.writePolicy = baseWritePolicy(config);
    this.queryPolicy = new QueryPolicy();
    queryPolicy.connectTimeout = config.connectTimeoutMs();
    queryPolicy.socketTimeout = config.socketTimeoutMs();
    // a scan's total time grows with the set; bounded by socket timeouts per round instead
    queryPolicy.totalTimeout = 0;
  }

  /** Connects a client of its own, closed by {@link #close}. */
  public static AerospikeHotStore connect(AerospikeConfig config) {
    try {
      return new AerospikeHotStore(
          new AerospikeClient(clientPolicy(config), config.clientHosts()), true, config);
    } catch (AerospikeException e) {
      throw AerospikeHotStoreException.from("connect to " + config.hosts(), e);
    }
  }

  static ClientPolicy clientPolicy(AerospikeConfig config) {
    ClientPolicy policy = new ClientPolicy();
    policy.timeout = config.connectTimeoutMs();
    policy.user = config.user();
    policy.password = config.password();
    if (config.tlsName() != null) {
      policy.tlsPolicy = new TlsPolicy(); // the JVM's default SSLContext and trust store
    }
    return policy;
  }

  /** What every window write shares: REPLACE, FILTERED_OUT reported, the key stored. */
  static WritePolicy baseWritePolicy(AerospikeConfig config) {
    WritePolicy policy = new WritePolicy();
    timeouts(policy, config);
    policy.recordExistsAction = RecordExistsAction.REPLACE;
    policy.failOnFilteredOut = true;
    policy.sendKey = true;
    return policy;
  }

  /** The write of one update: applied only if it supersedes the stored window; its TTL. */
  static WritePolicy writePolicy(WritePolicy base, WindowUpdate update, AerospikeConfig config) {
    WritePolicy policy = new WritePolicy(base);
    policy.filterExp = WindowRecords.writeFilter(update);
    policy.expiration = WindowRecords.ttlSeconds(update, config.retentionAfterEnd().toMillis());
    return policy;
  }

  private static void timeouts(Policy policy, AerospikeConfig config) {
    policy.connectTimeout = config.connectTimeoutMs();
    policy.socketTimeout = config.socketTimeoutMs();
    policy.totalTimeout = config.totalTimeoutMs();
  }

  @Override
  public boolean apply(WindowUpdate update) {
    WritePolicy policy = writePolicy(writePolicy, update, config);
    try {
      client.put(
          policy,
          WindowRecords.key(config.namespace(), config.set(), update.key()),
          WindowRecords.bins(update));
      return true;
    } catch (AerospikeException e) {
      if (e.getResultCode() == ResultCode.FILTERED_OUT) {
        return false;
      }
      throw AerospikeHotStoreException.from("apply", e);
    }
  }

  @Override
  public Optional<WindowUpdate> get(WindowKey key) {
    Record record;
    try {
      record = client.get(readPolicy, WindowRecords.key(config.namespace(), config.set(), key));
    } catch (AerospikeException e) {
      throw AerospikeHotStoreException.from("get", e);
    }
    return record == null ? Optional.empty() : Optional.of(WindowRecords.fromBins(record.bins));
  }

  @Override
  public List<WindowUpdate> windows(WindowQuery query) {
    QueryPolicy policy = new QueryPolicy(queryPolicy);
    policy.filterExp = WindowRecords.rangeFilter(query);
    Statement statement = new Statement();
    statement.setNamespace(config.namespace());
    statement.setSetName(config.set());
    List<WindowUpdate> result = new ArrayList<>();
    try (RecordSet records = client.query(policy, statement)) {
      while (records.next()) {
        WindowUpdate window = WindowRecords.fromBins(records.getRecord().bins);
        if (query.matches(window)) {
          result.add(window);
        }
      }
    } catch (AerospikeException e) {
      throw AerospikeHotStoreException.from("windows", e);
    }
    result.sort(
        Comparator.comparingLong(WindowUpdate::startMillis)
            .thenComparing(w -> WindowRecords.userKey(w.key())));
    return result;
  }

  /** Does nothing: records expire by TTL on the server. Returns 0. */
  @Override
  public int evictEndedBefore(long cutoffMillis) {
    return 0;
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
