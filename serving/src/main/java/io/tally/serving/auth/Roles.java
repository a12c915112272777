package io.tally.serving.auth;

import java.util.Set;

/** What a credential may do. */
public final class Roles {
  /** Query metrics and windows, when the configuration makes reads need credentials. */
  public static final String READER = "reader";

  /** {@code POST /v1/events}. */
  public static final String INGESTER = "ingester";

  /** Create, replace and delete metric definitions. */
  public static final String ADMIN = "admin";

  /**
   * {@code POST /v1/subscriptions} and {@code DELETE /v1/subscriptions/{id}}: saved queries are
   * stored durably, so saving and removing them are writes, not reads.
   */
  public static final String SUBSCRIBER = "subscriber";

  public static final Set<String> ALL = Set.of(READER, INGESTER, ADMIN, SUBSCRIBER);

  private Roles() {}
}
