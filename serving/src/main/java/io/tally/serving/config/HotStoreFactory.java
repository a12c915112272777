package io.tally.serving.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import io.tally.tiering.hot.aerospike.AerospikeHotStore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

/**
 * The {@code hotStore} section of the configuration. The serving view is an in-memory store shared
 * by name within the JVM ({@link SharedHotStores}): in the embedded mode the pipeline writes to the
 * store of that name and this service reads it. With a {@code kafka} section, the change-feed
 * reader writes to this same store. With an {@code aerospike} subsection, queries also read the
 * Aerospike store of recent windows, for windows the view lacks.
 */
public class HotStoreFactory {
  @NotBlank private String name = "embedded";

  @Valid private AerospikeFactory aerospike;

  @JsonProperty
  public AerospikeFactory getAerospike() {
    return aerospike;
  }

  @JsonProperty
  public void setAerospike(AerospikeFactory aerospike) {
    this.aerospike = aerospike;
  }

  /** The Aerospike store of recent windows, connected; null without an aerospike subsection. */
  public AerospikeHotStore buildRecent() {
    return aerospike == null ? null : AerospikeHotStore.connect(aerospike.config());
  }

  @JsonProperty
  public String getName() {
    return name;
  }

  @JsonProperty
  public void setName(String name) {
    this.name = name;
  }

  /** The in-memory store: the live subscriptions hear its writes. */
  public InMemoryHotStore build() {
    return SharedHotStores.named(name);
  }
}
