package io.tally.pipelines.sinks;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Where the pipeline writes window updates for the Aerospike hot tier; no hosts: none. The password
 * is never an option (it would show in process lists and logs): the workers read it from their
 * {@code AEROSPIKE_PASSWORD} environment variable.
 */
public interface AerospikeOptions extends PipelineOptions {

  @Description(
      "Aerospike seed hosts, host[:port][,host[:port]...] (port 3000 by default); unset: no Aerospike hot tier")
  String getAerospikeHosts();

  void setAerospikeHosts(String value);

  @Description("Aerospike namespace of the hot tier")
  @Default.String("tally")
  String getAerospikeNamespace();

  void setAerospikeNamespace(String value);

  @Description("Aerospike set of the hot tier's windows")
  @Default.String("hot_windows")
  String getAerospikeSet();

  void setAerospikeSet(String value);

  @Description("Aerospike connect timeout, milliseconds")
  @Default.Integer(1000)
  int getAerospikeConnectTimeoutMs();

  void setAerospikeConnectTimeoutMs(int value);

  @Description("Aerospike socket timeout per attempt, milliseconds")
  @Default.Integer(1000)
  int getAerospikeSocketTimeoutMs();

  void setAerospikeSocketTimeoutMs(int value);

  @Description("Aerospike total timeout of a command with its retries, milliseconds")
  @Default.Integer(3000)
  int getAerospikeTotalTimeoutMs();

  void setAerospikeTotalTimeoutMs(int value);

  @Description("TLS name of the Aerospike servers' certificates; unset: plain TCP")
  String getAerospikeTlsName();

  void setAerospikeTlsName(String value);

  @Description("Aerospike user (the password comes from the workers' AEROSPIKE_PASSWORD)")
  String getAerospikeUser();

  void setAerospikeUser(String value);

  @Description(
      "How long a window's record outlives the window: at least the longest allowed lateness,"
          + " plus how long serving should find it there, e.g. 2h")
  @Default.String("2h")
  String getAerospikeRetention();

  void setAerospikeRetention(String value);

  @Description("Writes in flight at once per worker (the asynchronous client's bound)")
  @Default.Integer(256)
  int getAerospikeMaxInFlight();

  void setAerospikeMaxInFlight(int value);
}
