package io.tally.tiering.archive;

import java.io.Serializable;

/**
 * How pipeline workers reach the archive: serialized with the pipeline, it opens the archive on the
 * worker, so that no connection is built into the pipeline's graph.
 */
@FunctionalInterface
public interface EventArchiveProvider extends Serializable {
  EventArchive open();
}
