package io.tally.tiering.hot.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aerospike.client.AerospikeException;
import com.aerospike.client.Bin;
import com.aerospike.client.IAerospikeClient;
import com.aerospike.client.Key;
import com.aerospike.client.Record;
import com.aerospike.client.ResultCode;
import com.aerospike.client.policy.RecordExistsAction;
import com.aerospike.client.policy.WritePolicy;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The adapter's glue, against a stub client (a dynamic proxy answering put and get): which policy,
 * key and bins it sends, and what it makes of the answers. Not a server test.
 */
class AerospikeHotStoreTest {
  private static final AerospikeConfig CONFIG =
      AerospikeConfig.fromEnv(
          Map.of(
              "AEROSPIKE_HOSTS",
              "h1",
              "AEROSPIKE_NAMESPACE",
              "ns",
              "AEROSPIKE_SET",
              "hot",
              "AEROSPIKE_RETENTION_SECONDS",
              "600"));

  private final List<Object[]> puts = new ArrayList<>();
  private RuntimeException putFails;
  private Record stored;

  private IAerospikeClient client() {
    return (IAerospikeClient)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {IAerospikeClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("put") && args.length == 3) {
                puts.add(args);
                if (putFails != null) {
                  throw putFails;
                }
                return null;
              }
              if (method.getName().equals("get") && args.length == 2) {
                return stored;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static WindowUpdate update(long events, boolean isFinal) {
    return new WindowUpdate(
        "views",
        1,
        AggregateFunction.COUNT,
        List.of("geo"),
        List.of("US"),
        0,
        60_000,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        isFinal,
        0,
        null);
  }

  @Test
  void applySendsOneGuardedReplaceWithTtl() {
    AerospikeHotStore store = new AerospikeHotStore(client(), CONFIG);
    assertThat(store.apply(update(8, true))).isTrue();
    assertThat(puts).hasSize(1);
    WritePolicy policy = (WritePolicy) puts.get(0)[0];
    Key key = (Key) puts.get(0)[1];
    Bin[] bins = (Bin[]) puts.get(0)[2];
    assertThat(policy.filterExp).isEqualTo(WindowRecords.writeFilter(update(8, true)));
    assertThat(policy.failOnFilteredOut).isTrue();
    assertThat(policy.recordExistsAction).isEqualTo(RecordExistsAction.REPLACE);
    assertThat(policy.expiration).isEqualTo(60 + 600);
    assertThat(policy.totalTimeout).isEqualTo(3000);
    assertThat(key.namespace).isEqualTo("ns");
    assertThat(key.setName).isEqualTo("hot");
    assertThat(key.userKey.toString()).isEqualTo("[\"views\",1,[\"US\"],0]");
    assertThat(bins).extracting(b -> b.name).contains("events", "final", "value");
  }

  @Test
  void filteredOutMeansNotStored() {
    putFails = new AerospikeException(ResultCode.FILTERED_OUT);
    AerospikeHotStore store = new AerospikeHotStore(client(), CONFIG);
    assertThat(store.apply(update(8, false))).isFalse();
  }

  @Test
  void otherFailuresAreMapped() {
    putFails = new AerospikeException(ResultCode.DEVICE_OVERLOAD);
    AerospikeHotStore store = new AerospikeHotStore(client(), CONFIG);
    assertThatThrownBy(() -> store.apply(update(8, false)))
        .isInstanceOf(AerospikeHotStoreException.class)
        .hasMessageContaining("apply")
        .satisfies(e -> assertThat(((AerospikeHotStoreException) e).retryable()).isTrue());
  }

  @Test
  void getDecodesTheRecordOrNothing() {
    AerospikeHotStore store = new AerospikeHotStore(client(), CONFIG);
    assertThat(store.get(update(0, false).key())).isEmpty();
    Map<String, Object> bins = new HashMap<>();
    for (Bin bin : WindowRecords.bins(update(8, true))) {
      bins.put(bin.name, bin.value.getObject());
    }
    stored = new Record(bins, 1, 0);
    assertThat(store.get(update(0, false).key())).contains(update(8, true));
  }

  @Test
  void evictionIsLeftToTtl() {
    assertThat(new AerospikeHotStore(client(), CONFIG).evictEndedBefore(Long.MAX_VALUE)).isZero();
    assertThat(puts).isEmpty();
  }
}
