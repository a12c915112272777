package io.tally.serving.live;

import io.tally.serving.query.InvalidQueryException;
import io.tally.serving.query.WindowQueryService;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Live streams and saved queries, checked the way window queries are: the metric must exist and
 * every filter must name one of its dimensions. Resources talk only to this service.
 */
public final class LiveQueries {
  private final WindowQueryService queries;
  private final SavedQueryStore saved;
  private final SubscriptionHub hub;
  private final int maxSavedPerOwner;

  /**
   * @param maxSavedPerOwner the most saved queries one credential may have at once: each is kept
   *     durably and may be streamed by anyone, so an unbounded number would let one key fill the
   *     store
   */
  public LiveQueries(
      WindowQueryService queries,
      SavedQueryStore saved,
      SubscriptionHub hub,
      int maxSavedPerOwner) {
    if (maxSavedPerOwner < 1) {
      throw new IllegalArgumentException("maxSavedPerOwner must be at least 1");
    }
    this.queries = Objects.requireNonNull(queries, "queries");
    this.saved = Objects.requireNonNull(saved, "saved");
    this.hub = Objects.requireNonNull(hub, "hub");
    this.maxSavedPerOwner = maxSavedPerOwner;
  }

  /** Streams the windows of metric {@code name} in the groups that {@code parameters} select. */
  public void stream(
      String name,
      Map<String, List<String>> parameters,
      String lastEventId,
      HttpServletRequest request) {
    Map<String, String> where = queries.groupFilter(name, parameters);
    hub.open(name, where, lastEventId, request);
  }

  /** Streams a saved query. */
  public void stream(String id, String lastEventId, HttpServletRequest request) {
    SavedQuery query = get(id);
    // The metric may have lost a dimension since: check again.
    Map<String, String> where = queries.groupFilter(query.metric(), asParameters(query.where()));
    hub.open(query.metric(), where, lastEventId, request);
  }

  /**
   * Saves a query for {@code owner} (a credential's name).
   *
   * @throws SavedQueryLimitException when {@code owner} already has as many as it may
   */
  public SavedQuery save(String metric, Map<String, String> where, String owner) {
    Objects.requireNonNull(owner, "owner");
    if (metric == null || metric.isBlank()) {
      throw new InvalidQueryException("metric", "is required");
    }
    Map<String, String> checked =
        queries.groupFilter(metric, asParameters(where == null ? Map.of() : where));
    SavedQuery query = new SavedQuery(UUID.randomUUID().toString(), metric, checked, owner);
    // Counting and storing under one lock, so that concurrent saves of one owner cannot all see
    // room for one more. Saves are rare; the store's write is the slow part either way.
    synchronized (this) {
      if (saved.countOwnedBy(owner) >= maxSavedPerOwner) {
        throw new SavedQueryLimitException(maxSavedPerOwner);
      }
      saved.put(query);
    }
    return query;
  }

  public SavedQuery get(String id) {
    return saved.get(id).orElseThrow(() -> new UnknownSavedQueryException(id));
  }

  public void delete(String id) {
    if (!saved.delete(id)) {
      throw new UnknownSavedQueryException(id);
    }
  }

  private static Map<String, List<String>> asParameters(Map<String, String> where) {
    return where.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(String.valueOf(e.getValue()))));
  }
}
