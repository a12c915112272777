package io.tally.tiering.hot.aerospike;

import com.aerospike.client.AerospikeException;
import com.aerospike.client.ResultCode;

/**
 * The Aerospike hot tier could not do what was asked. {@link #retryable()} tells a caller whether
 * trying again may succeed (timeouts, an unreachable or overloaded cluster); {@link #inDoubt()}
 * that a write may have been applied although it failed (safe to retry: writes are idempotent).
 * Messages name the operation and the server's result code, never credentials.
 */
public final class AerospikeHotStoreException extends RuntimeException {

  /** What went wrong, coarsely. */
  public enum Kind {
    TIMEOUT,
    UNAVAILABLE,
    OVERLOADED,
    AUTHENTICATION,
    CONFIGURATION,
    DATA,
    OTHER
  }

  private final Kind kind;
  private final int resultCode;
  private final boolean inDoubt;

  public AerospikeHotStoreException(
      Kind kind, int resultCode, boolean inDoubt, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.resultCode = resultCode;
    this.inDoubt = inDoubt;
  }

  public Kind kind() {
    return kind;
  }

  /** The Aerospike result code ({@link ResultCode}), or {@link ResultCode#CLIENT_ERROR} if none. */
  public int resultCode() {
    return resultCode;
  }

  public boolean inDoubt() {
    return inDoubt;
  }

  public boolean retryable() {
    return kind == Kind.TIMEOUT || kind == Kind.UNAVAILABLE || kind == Kind.OVERLOADED;
  }

  /** Maps a client exception raised by {@code operation} (e.g. "apply", "get") to this type. */
  public static AerospikeHotStoreException from(String operation, AerospikeException e) {
    int code = e.getResultCode();
    Kind kind = kindOf(e);
    String message =
        "Aerospike hot store: "
            + operation
            + " failed, "
            + describe(kind)
            + " (result code "
            + code
            + " "
            + ResultCode.getResultString(code)
            + (e.getInDoubt() ? ", write in doubt" : "")
            + ")";
    return new AerospikeHotStoreException(kind, code, e.getInDoubt(), message, e);
  }

  static Kind kindOf(AerospikeException e) {
    if (e instanceof AerospikeException.Timeout) {
      return Kind.TIMEOUT;
    }
    if (e instanceof AerospikeException.Connection || e instanceof AerospikeException.InvalidNode) {
      return Kind.UNAVAILABLE;
    }
    if (e instanceof AerospikeException.InvalidNamespace) {
      return Kind.CONFIGURATION;
    }
    switch (e.getResultCode()) {
      case ResultCode.TIMEOUT:
        return Kind.TIMEOUT;
      case ResultCode.SERVER_NOT_AVAILABLE:
      case ResultCode.INVALID_NODE_ERROR:
      case ResultCode.NO_MORE_CONNECTIONS:
      case ResultCode.CLUSTER_KEY_MISMATCH:
      case ResultCode.PARTITION_UNAVAILABLE:
        return Kind.UNAVAILABLE;
      case ResultCode.KEY_BUSY:
      case ResultCode.DEVICE_OVERLOAD:
      case ResultCode.QUOTA_EXCEEDED:
        return Kind.OVERLOADED;
      case ResultCode.NOT_AUTHENTICATED:
      case ResultCode.INVALID_USER:
      case ResultCode.INVALID_PASSWORD:
      case ResultCode.INVALID_CREDENTIAL:
      case ResultCode.EXPIRED_PASSWORD:
      case ResultCode.ROLE_VIOLATION:
      case ResultCode.FORBIDDEN_PASSWORD:
        return Kind.AUTHENTICATION;
      case ResultCode.INVALID_NAMESPACE:
      case ResultCode.UNSUPPORTED_FEATURE:
      case ResultCode.FAIL_FORBIDDEN:
        return Kind.CONFIGURATION;
      case ResultCode.RECORD_TOO_BIG:
      case ResultCode.BIN_TYPE_ERROR:
      case ResultCode.PARAMETER_ERROR:
      case ResultCode.BIN_NAME_TOO_LONG:
        return Kind.DATA;
      default:
        return Kind.OTHER;
    }
  }

  private static String describe(Kind kind) {
    switch (kind) {
      case TIMEOUT:
        return "timed out; retry";
      case UNAVAILABLE:
        return "cluster unreachable; retry";
      case OVERLOADED:
        return "server overloaded or record busy; retry with backoff";
      case AUTHENTICATION:
        return "user or password refused, or not allowed";
      case CONFIGURATION:
        return "namespace or server configuration does not allow it";
      case DATA:
        return "record refused by the server";
      default:
        return "unexpected error";
    }
  }
}
