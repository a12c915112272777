package io.tally.serving.live;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Saved queries in a JSON file, for a service without Kafka (the one-process mode): every change
 * rewrites the file (a new file moved over the old one, so a crash leaves one or the other, never
 * half of one). Saved queries are few and rarely change; reads come from memory.
 */
public final class FileSavedQueryStore implements SavedQueryStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<SavedQuery>> LIST = new TypeReference<>() {};

  private final Path file;
  private final Map<String, SavedQuery> queries = new LinkedHashMap<>();

  /** Reads {@code file} when it exists; fails when it cannot be read as saved queries. */
  public FileSavedQueryStore(Path file) {
    this.file = file.toAbsolutePath();
    if (Files.exists(this.file)) {
      try {
        for (SavedQuery query : JSON.readValue(this.file.toFile(), LIST)) {
          queries.put(query.id(), query);
        }
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot read saved queries from " + this.file + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public synchronized void put(SavedQuery query) {
    SavedQuery before = queries.put(query.id(), query);
    try {
      write();
    } catch (IOException e) {
      if (before == null) {
        queries.remove(query.id());
      } else {
        queries.put(query.id(), before);
      }
      throw new SavedQueryStoreException("cannot write saved queries to " + file, e);
    }
  }

  @Override
  public synchronized Optional<SavedQuery> get(String id) {
    return Optional.ofNullable(queries.get(id));
  }

  @Override
  public synchronized boolean delete(String id) {
    SavedQuery removed = queries.remove(id);
    if (removed == null) {
      return false;
    }
    try {
      write();
    } catch (IOException e) {
      queries.put(id, removed);
      throw new SavedQueryStoreException("cannot write saved queries to " + file, e);
    }
    return true;
  }

  @Override
  public synchronized long countOwnedBy(String owner) {
    return queries.values().stream().filter(q -> Objects.equals(q.owner(), owner)).count();
  }

  private void write() throws IOException {
    Files.createDirectories(file.getParent());
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.write(
        next,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new ArrayList<>(queries.values())));
    try (FileChannel written = FileChannel.open(next, StandardOpenOption.WRITE)) {
      written.force(true);
    }
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
