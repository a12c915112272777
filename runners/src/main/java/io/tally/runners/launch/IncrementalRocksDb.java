package io.tally.runners.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkStateBackendFactory;
import org.apache.flink.contrib.streaming.state.RocksDBStateBackend;
import org.apache.flink.runtime.state.StateBackend;

/**
 * RocksDB keyed state with incremental checkpoints into the job's checkpoint directory: what {@code
 * --stateBackend=rocksdb} selects. State lives on local disk instead of the heap, so it may be far
 * larger than the heap (long de-duplication horizons), and a checkpoint uploads only the files
 * written since the previous one instead of the whole state.
 *
 * <p>Beam's own {@code rocksdb} choice writes every checkpoint in full, which is what one leaves
 * the heap to avoid. Beam's factory hook returns a single {@link StateBackend}, so this uses the
 * RocksDB backend that also carries its checkpoint storage; Flink keeps it for compatibility, and
 * its checkpoints are those of the newer EmbeddedRocksDBStateBackend.
 */
public final class IncrementalRocksDb implements FlinkStateBackendFactory {

  @Override
  @SuppressWarnings("deprecation")
  public StateBackend createStateBackend(FlinkPipelineOptions options) {
    String storage = options.getStateBackendStoragePath();
    if (storage == null || storage.isBlank()) {
      throw new IllegalArgumentException(
          "--stateBackend=rocksdb needs a checkpoint directory (--checkpointDir)");
    }
    try {
      return new RocksDBStateBackend(storage, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + storage + " for RocksDB checkpoints", e);
    }
  }
}
