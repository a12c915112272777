package io.tally.serving.resources;

/** The API keys whose hashes {@code test-config.yml} configures. */
final class TestKeys {
  static final String ADMIN = "test-admin-key";
  static final String INGESTER = "test-ingest-key";
  static final String READER = "test-reader-key";
  static final String SUBSCRIBER = "test-subscriber-key";
  static final String OTHER_SUBSCRIBER = "test-subscriber-other-key";

  private TestKeys() {}
}
