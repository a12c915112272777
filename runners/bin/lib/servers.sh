# Sourced by the benchmark scripts that need a development server: each function starts one on
# this machine when nothing answers where the benchmark will look, and leaves it running.
#
# ensure_clickhouse <script name> <jdbc url>: when nothing answers GET /ping at the URL's host and
# port, starts the development server (bin/clickhouse) there if the host is this machine (and
# leaves it running), or fails.
ensure_clickhouse() {
  local name="$1" url="$2"
  local root hostport host port
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  hostport="${url#jdbc:clickhouse://}"
  hostport="${hostport%%/*}"
  hostport="${hostport%%\?*}"
  host="${hostport%:*}"
  port="${hostport##*:}"
  if [[ "$(curl -s --max-time 2 "http://$host:$port/ping" 2>/dev/null)" == "Ok." ]]; then
    return 0
  fi
  if [[ "$host" == "127.0.0.1" || "$host" == "localhost" ]]; then
    echo "$name: no ClickHouse on $hostport; starting bin/clickhouse on port $port (left running; stop: TALLY_CLICKHOUSE_HTTP_PORT=$port bin/clickhouse stop)" >&2
    "$root/bin/clickhouse" install >&2
    TALLY_CLICKHOUSE_HTTP_PORT="$port" "$root/bin/clickhouse" start >&2
  else
    echo "$name: no ClickHouse answers on $hostport" >&2
    return 1
  fi
}

# ensure_kafka <script name> <bootstrap servers>: when nothing listens on the first server's host
# and port, starts the development broker (bin/kafka) there if the host is this machine (and
# leaves it running), or fails.
ensure_kafka() {
  local name="$1" servers="$2"
  local root first host port
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  first="${servers%%,*}"
  host="${first%:*}"
  port="${first##*:}"
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
    return 0
  fi
  if [[ "$host" == "127.0.0.1" || "$host" == "localhost" ]]; then
    echo "$name: no broker on $first; starting bin/kafka on port $port (left running; stop: TALLY_KAFKA_PORT=$port bin/kafka stop)" >&2
    TALLY_KAFKA_PORT="$port" "$root/bin/kafka" start >&2
  else
    echo "$name: no broker answers on $first" >&2
    return 1
  fi
}
