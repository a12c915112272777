-- wrk script for runners/bin/query-benchmark: /windows queries of the last ten minutes, one
-- category each, rotating over categories the synthetic source always has; each connection waits
-- between its requests so that all connections together send about the rate asked for.
--   wrk ... -s paced-windows.lua URL -- <requests/s> <connections>
local categories = {
  "movies/action", "sports/nba", "tickets/concerts", "movies/comedy", "sports/nfl",
  "tickets/theater", "movies/drama", "sports/mlb", "tickets/festivals", "movies/horror"
}
local metrics = { "events_by_category", "top_entities_by_category" }
local interval_ms = 1
local counter = 0

function init(args)
  local rate = tonumber(args[1]) or 5000
  local connections = tonumber(args[2]) or 50
  interval_ms = math.max(0, math.floor(connections * 1000 / rate))
  counter = math.random(1, 1000)
end

function delay()
  return interval_ms
end

function request()
  counter = counter + 1
  local now = os.time() * 1000
  local path = string.format("/v1/metrics/%s/windows?from=%d&to=%d&category=%s",
    metrics[counter % #metrics + 1], now - 600000, now + 60000,
    categories[counter % #categories + 1])
  return wrk.format("GET", path)
end
