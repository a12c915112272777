package io.tally.tiering.hot.aerospike;

import static org.assertj.core.api.Assertions.assertThat;

import com.aerospike.client.AerospikeException;
import com.aerospike.client.ResultCode;
import io.tally.tiering.hot.aerospike.AerospikeHotStoreException.Kind;
import org.junit.jupiter.api.Test;

class AerospikeHotStoreExceptionTest {

  private static AerospikeHotStoreException map(AerospikeException e) {
    return AerospikeHotStoreException.from("apply", e);
  }

  @Test
  void timeoutsAreRetryable() {
    AerospikeHotStoreException e =
        map(new AerospikeException.Timeout(new com.aerospike.client.policy.Policy(), true));
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("apply").contains("timed out");
    assertThat(map(new AerospikeException(ResultCode.TIMEOUT)).kind()).isEqualTo(Kind.TIMEOUT);
  }

  @Test
  void unreachableAndOverloaded() {
    assertThat(map(new AerospikeException.Connection("refused")).kind())
        .isEqualTo(Kind.UNAVAILABLE);
    assertThat(map(new AerospikeException(ResultCode.SERVER_NOT_AVAILABLE)).kind())
        .isEqualTo(Kind.UNAVAILABLE);
    assertThat(map(new AerospikeException(ResultCode.KEY_BUSY)).kind()).isEqualTo(Kind.OVERLOADED);
    assertThat(map(new AerospikeException(ResultCode.DEVICE_OVERLOAD)).retryable()).isTrue();
  }

  @Test
  void authenticationAndConfigurationAreNotRetryable() {
    AerospikeHotStoreException auth = map(new AerospikeException(ResultCode.INVALID_PASSWORD));
    assertThat(auth.kind()).isEqualTo(Kind.AUTHENTICATION);
    assertThat(auth.retryable()).isFalse();
    assertThat(auth.resultCode()).isEqualTo(ResultCode.INVALID_PASSWORD);
    assertThat(map(new AerospikeException(ResultCode.NOT_AUTHENTICATED)).kind())
        .isEqualTo(Kind.AUTHENTICATION);
    assertThat(map(new AerospikeException(ResultCode.INVALID_NAMESPACE)).kind())
        .isEqualTo(Kind.CONFIGURATION);
    assertThat(map(new AerospikeException(ResultCode.RECORD_TOO_BIG)).kind()).isEqualTo(Kind.DATA);
    assertThat(map(new AerospikeException(ResultCode.SERIALIZE_ERROR)).kind())
        .isEqualTo(Kind.OTHER);
  }

  @Test
  void keepsTheCauseAndTheInDoubtFlag() {
    AerospikeException cause = new AerospikeException(ResultCode.TIMEOUT, true);
    AerospikeHotStoreException e = map(cause);
    assertThat(e.getCause()).isSameAs(cause);
    assertThat(e.inDoubt()).isTrue();
    assertThat(e.getMessage()).contains("in doubt").contains("result code " + ResultCode.TIMEOUT);
  }
}
