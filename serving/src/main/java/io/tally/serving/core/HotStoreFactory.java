package io.tally.serving.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import jakarta.validation.constraints.NotBlank;

/**
 * The {@code hotStore} section of the configuration. For now the hot tier is an in-memory store
 * shared by name within the JVM ({@link SharedHotStores}): in the embedded mode the pipeline
 * writes to the store of that name and this service reads it. With a {@code kafka} section, the
 * change-feed reader writes to this same store (the serving view). Other kinds (Aerospike) will
 * be chosen here.
 */
public class HotStoreFactory {
  @NotBlank private String name = "embedded";

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
