package io.tally.tiering.hot.aerospike;

import com.aerospike.client.Host;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach the Aerospike hot tier and how long its records live.
 *
 * <p>{@link #fromEnv} reads {@code AEROSPIKE_HOSTS} ("h1:3000,h2:3000"; port defaults to 3000),
 * {@code AEROSPIKE_NAMESPACE} (default "test"), {@code AEROSPIKE_SET} (default "hot_windows"),
 * {@code AEROSPIKE_CONNECT_TIMEOUT_MS} (1000), {@code AEROSPIKE_SOCKET_TIMEOUT_MS} (1000), {@code
 * AEROSPIKE_TOTAL_TIMEOUT_MS} (3000), {@code AEROSPIKE_TLS_NAME} (none: plain TCP), {@code
 * AEROSPIKE_USER} and {@code AEROSPIKE_PASSWORD} (none), and {@code AEROSPIKE_RETENTION_SECONDS}:
 * the allowed lateness plus the horizon that a window is kept after it ends (default 3600); see
 * {@link WindowRecords#ttlSeconds}.
 *
 * <p>{@link #toString} never shows the password.
 */
public final class AerospikeConfig implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int DEFAULT_PORT = 3000;

  /** One seed node. */
  public record HostPort(String host, int port) implements Serializable {
    public HostPort {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("empty Aerospike host");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("Aerospike port out of range: " + port);
      }
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private final List<HostPort> hosts;
  private final String namespace;
  private final String set;
  private final int connectTimeoutMs;
  private final int socketTimeoutMs;
  private final int totalTimeoutMs;
  private final String tlsName;
  private final String user;
  private final String password;
  private final Duration retentionAfterEnd;

  public AerospikeConfig(
      List<HostPort> hosts,
      String namespace,
      String set,
      int connectTimeoutMs,
      int socketTimeoutMs,
      int totalTimeoutMs,
      String tlsName,
      String user,
      String password,
      Duration retentionAfterEnd) {
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one Aerospike host is required");
    }
    this.hosts = List.copyOf(hosts);
    this.namespace = requireName(namespace, "namespace");
    this.set = requireName(set, "set");
    this.connectTimeoutMs = nonNegative(connectTimeoutMs, "connect timeout");
    this.socketTimeoutMs = nonNegative(socketTimeoutMs, "socket timeout");
    this.totalTimeoutMs = nonNegative(totalTimeoutMs, "total timeout");
    this.tlsName = blankToNull(tlsName);
    this.user = blankToNull(user);
    this.password = password == null || password.isEmpty() ? null : password;
    if (this.password != null && this.user == null) {
      throw new IllegalArgumentException("an Aerospike password was given without a user");
    }
    this.retentionAfterEnd = Objects.requireNonNull(retentionAfterEnd, "retentionAfterEnd");
    if (retentionAfterEnd.isNegative()) {
      throw new IllegalArgumentException("retention after a window's end must not be negative");
    }
  }

  /** Hosts on the default port, the "test" namespace, set "hot_windows", default timeouts. */
  public static AerospikeConfig of(String hosts) {
    return fromEnv(Map.of("AEROSPIKE_HOSTS", hosts));
  }

  /** Reads the variables listed in the class comment; {@code AEROSPIKE_HOSTS} is required. */
  public static AerospikeConfig fromEnv(Map<String, String> env) {
    String hosts = env.get("AEROSPIKE_HOSTS");
    if (hosts == null || hosts.isBlank()) {
      throw new IllegalArgumentException("AEROSPIKE_HOSTS is not set");
    }
    return new AerospikeConfig(
        parseHosts(hosts),
        env.getOrDefault("AEROSPIKE_NAMESPACE", "test"),
        env.getOrDefault("AEROSPIKE_SET", "hot_windows"),
        intVar(env, "AEROSPIKE_CONNECT_TIMEOUT_MS", 1000),
        intVar(env, "AEROSPIKE_SOCKET_TIMEOUT_MS", 1000),
        intVar(env, "AEROSPIKE_TOTAL_TIMEOUT_MS", 3000),
        env.get("AEROSPIKE_TLS_NAME"),
        env.get("AEROSPIKE_USER"),
        env.get("AEROSPIKE_PASSWORD"),
        Duration.ofSeconds(intVar(env, "AEROSPIKE_RETENTION_SECONDS", 3600)));
  }

  /** "h1:3000,h2" → [h1:3000, h2:3000]; "[::1]:3100" for IPv6. */
  public static List<HostPort> parseHosts(String hosts) {
    List<HostPort> parsed = new ArrayList<>();
    for (String part : hosts.split(",")) {
      String hp = part.trim();
      if (hp.isEmpty()) {
        continue;
      }
      String host = hp;
      int port = DEFAULT_PORT;
      if (hp.startsWith("[")) {
        int close = hp.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("bad Aerospike host '" + hp + "'");
        }
        host = hp.substring(1, close);
        String rest = hp.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw new IllegalArgumentException("bad Aerospike host '" + hp + "'");
          }
          port = port(rest.substring(1), hp);
        }
      } else {
        int colon = hp.indexOf(':');
        if (colon >= 0) {
          if (colon != hp.lastIndexOf(':')) {
            throw new IllegalArgumentException(
                "bad Aerospike host '"
                    + hp
                    + "' (write IPv6 as [addr]:port; TLS name goes in AEROSPIKE_TLS_NAME)");
          }
          host = hp.substring(0, colon);
          port = port(hp.substring(colon + 1), hp);
        }
      }
      parsed.add(new HostPort(host, port));
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("no Aerospike host in '" + hosts + "'");
    }
    return parsed;
  }

  /** The client's seed hosts, each with the TLS name when TLS is on. */
  public Host[] clientHosts() {
    Host[] result = new Host[hosts.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = new Host(hosts.get(i).host(), tlsName, hosts.get(i).port());
    }
    return result;
  }

  public List<HostPort> hosts() {
    return hosts;
  }

  public String namespace() {
    return namespace;
  }

  public String set() {
    return set;
  }

  public int connectTimeoutMs() {
    return connectTimeoutMs;
  }

  public int socketTimeoutMs() {
    return socketTimeoutMs;
  }

  public int totalTimeoutMs() {
    return totalTimeoutMs;
  }

  /** The TLS name of the servers' certificates; null for plain TCP. */
  public String tlsName() {
    return tlsName;
  }

  public String user() {
    return user;
  }

  /** For building the client only; never logged. */
  String password() {
    return password;
  }

  public boolean hasPassword() {
    return password != null;
  }

  /** Allowed lateness plus horizon: how long a window's record outlives the window. */
  public Duration retentionAfterEnd() {
    return retentionAfterEnd;
  }

  /** The same settings with a password (null or empty: none), e.g. read from the environment. */
  public AerospikeConfig withPassword(String newPassword) {
    return new AerospikeConfig(
        hosts,
        namespace,
        set,
        connectTimeoutMs,
        socketTimeoutMs,
        totalTimeoutMs,
        tlsName,
        user,
        newPassword,
        retentionAfterEnd);
  }

  /** The same settings in another set (tests use one set per run). */
  public AerospikeConfig withSet(String newSet) {
    return new AerospikeConfig(
        hosts,
        namespace,
        newSet,
        connectTimeoutMs,
        socketTimeoutMs,
        totalTimeoutMs,
        tlsName,
        user,
        password,
        retentionAfterEnd);
  }

  @Override
  public String toString() {
    return "AerospikeConfig{hosts="
        + hosts
        + ", namespace="
        + namespace
        + ", set="
        + set
        + ", connectTimeoutMs="
        + connectTimeoutMs
        + ", socketTimeoutMs="
        + socketTimeoutMs
        + ", totalTimeoutMs="
        + totalTimeoutMs
        + ", tlsName="
        + tlsName
        + ", user="
        + user
        + ", password="
        + (password == null ? "<none>" : "<hidden>")
        + ", retentionAfterEnd="
        + retentionAfterEnd
        + "}";
  }

  private static int port(String text, String hostPort) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in Aerospike host '" + hostPort + "'");
    }
  }

  private static int intVar(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not an integer: '" + value + "'");
    }
  }

  private static String requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Aerospike " + what + " must not be empty");
    }
    return value;
  }

  private static int nonNegative(int value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException("Aerospike " + what + " must not be negative");
    }
    return value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
