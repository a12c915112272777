package io.tally.pipelines.synthetic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Realistic category paths across the three domains of the example metrics: movies ({@code
 * movies/action}, {@code movies/action/es}), sports ({@code sports/nba}, {@code sports/nba/scores})
 * and tickets ({@code tickets/concerts}, {@code tickets/concerts/berlin}).
 *
 * <p>The list is interleaved across domains, top-level categories first, so that any prefix of it
 * covers all three domains. Past the ~1,100 natural names it continues with numbered variants.
 */
final class CategoryNames {

  static final String MOVIES = "movies";
  static final String SPORTS = "sports";
  static final String TICKETS = "tickets";

  private static final String[] GENRES = {
    "action",
    "adventure",
    "animation",
    "comedy",
    "crime",
    "documentary",
    "drama",
    "family",
    "fantasy",
    "history",
    "horror",
    "music",
    "mystery",
    "romance",
    "sci-fi",
    "thriller",
    "war",
    "western",
    "indie",
    "anime"
  };
  private static final String[] LANGUAGES = {
    "en", "es", "fr", "de", "it", "pt", "hi", "ja", "ko", "zh", "ar", "ru", "tr", "nl", "sv", "pl",
    "ta", "te", "th", "id"
  };
  private static final String[] LEAGUES = {
    "nba",
    "wnba",
    "nfl",
    "mlb",
    "nhl",
    "mls",
    "ncaa-football",
    "ncaa-basketball",
    "premier-league",
    "la-liga",
    "bundesliga",
    "serie-a",
    "ligue-1",
    "eredivisie",
    "champions-league",
    "ipl",
    "big-bash",
    "f1",
    "motogp",
    "nascar",
    "ufc",
    "boxing",
    "atp",
    "wta",
    "pga",
    "lpga",
    "euroleague",
    "nrl",
    "super-rugby",
    "six-nations"
  };
  private static final String[] SPORTS_TOPICS = {
    "scores", "highlights", "transfers", "injuries", "odds", "standings", "fantasy", "drafts"
  };
  private static final String[] TICKET_KINDS = {
    "concerts",
    "theater",
    "comedy",
    "festivals",
    "sports",
    "family",
    "opera",
    "dance",
    "conferences",
    "exhibitions"
  };
  private static final String[] CITIES = {
    "new-york",
    "los-angeles",
    "chicago",
    "houston",
    "toronto",
    "mexico-city",
    "sao-paulo",
    "buenos-aires",
    "london",
    "dublin",
    "paris",
    "berlin",
    "munich",
    "madrid",
    "barcelona",
    "rome",
    "milan",
    "amsterdam",
    "stockholm",
    "warsaw",
    "istanbul",
    "dubai",
    "mumbai",
    "delhi",
    "bangalore",
    "singapore",
    "tokyo",
    "osaka",
    "seoul",
    "sydney",
    "melbourne",
    "auckland",
    "cape-town",
    "lagos",
    "vienna",
    "prague",
    "lisbon",
    "zurich",
    "copenhagen",
    "oslo"
  };

  private CategoryNames() {}

  /** The first {@code n} category paths; all distinct. */
  static List<String> first(int n) {
    List<String> natural = natural();
    List<String> names = new ArrayList<>(n);
    Set<String> seen = new HashSet<>();
    for (int round = 0; names.size() < n; round++) {
      for (String name : natural) {
        if (names.size() == n) {
          break;
        }
        String candidate = round == 0 ? name : name + "/v" + (round + 1);
        if (seen.add(candidate)) {
          names.add(candidate);
        }
      }
    }
    return names;
  }

  /** The domain a category path belongs to: its first part. */
  static String domainOf(String category) {
    int slash = category.indexOf('/');
    return slash < 0 ? category : category.substring(0, slash);
  }

  private static List<String> natural() {
    List<List<String>> topLevel =
        List.of(
            prefixed(MOVIES, GENRES), prefixed(SPORTS, LEAGUES), prefixed(TICKETS, TICKET_KINDS));
    List<List<String>> nested =
        List.of(
            product(MOVIES, GENRES, LANGUAGES),
            product(SPORTS, LEAGUES, SPORTS_TOPICS),
            product(TICKETS, TICKET_KINDS, CITIES));
    List<String> names = new ArrayList<>();
    interleave(topLevel, names);
    interleave(nested, names);
    return names;
  }

  private static List<String> prefixed(String domain, String[] parts) {
    List<String> names = new ArrayList<>(parts.length);
    for (String part : parts) {
      names.add(domain + '/' + part);
    }
    return names;
  }

  private static List<String> product(String domain, String[] outer, String[] inner) {
    // Inner-major order so that consecutive names spread over the outer parts.
    List<String> names = new ArrayList<>(outer.length * inner.length);
    for (String in : inner) {
      for (String out : outer) {
        names.add(domain + '/' + out + '/' + in);
      }
    }
    return names;
  }

  private static void interleave(List<List<String>> lists, List<String> into) {
    int longest = 0;
    for (List<String> list : lists) {
      longest = Math.max(longest, list.size());
    }
    for (int i = 0; i < longest; i++) {
      for (List<String> list : lists) {
        if (i < list.size()) {
          into.add(list.get(i));
        }
      }
    }
  }
}
