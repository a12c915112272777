package io.tally.model.metric;

import io.tally.model.event.Event;
import java.io.Serializable;
import java.util.Set;

/**
 * Which events a metric counts. Each given key must match; {@code type}, {@code source} and {@code
 * geo} match any of their values; {@code category} is a path, or a prefix ending in {@code /*} that
 * matches every path below it.
 *
 * @param types empty means any
 * @param sources empty means any
 * @param geos empty means any
 * @param category null means any
 */
public record EventFilter(Set<String> types, Set<String> sources, Set<String> geos, String category)
    implements Serializable {

  public static final EventFilter ANY = new EventFilter(Set.of(), Set.of(), Set.of(), null);

  public EventFilter {
    types = Set.copyOf(types);
    sources = Set.copyOf(sources);
    geos = Set.copyOf(geos);
  }

  public boolean matches(Event event) {
    return (types.isEmpty() || types.contains(event.type()))
        && (sources.isEmpty() || sources.contains(event.source()))
        && (geos.isEmpty() || (event.geo() != null && geos.contains(event.geo())))
        && (category == null || categoryMatches(event.category()));
  }

  private boolean categoryMatches(String path) {
    if (category.endsWith("/*")) {
      String prefix = category.substring(0, category.length() - 1);
      return path.startsWith(prefix);
    }
    return path.equals(category);
  }
}
