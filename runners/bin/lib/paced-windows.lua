-- wrk script for runners/bin/query-benchmark: /windows queries of the last ten minutes, one
-- category each, rotating over categories the synthetic source always has, paced so that all
-- connections together send about the rate asked for.
--   wrk -t<threads> ... -s paced-windows.lua URL -- <requests/s> <connections> <threads>
--
-- wrk is closed-loop: a connection sends its next request when the answer to the last one has
-- arrived, after delay(). A fixed delay would make the rate depend on the latency, so each thread
-- counts what it sent in each wall-clock second and scales its delay towards its share of the
-- rate. When the delay is down to zero and the rate still falls short, the service is the limit:
-- the achieved rate that wrk prints says so.
local categories = {
  "movies/action", "sports/nba", "tickets/concerts", "movies/comedy", "sports/nfl",
  "tickets/theater", "movies/drama", "sports/mlb", "tickets/festivals", "movies/horror"
}
local metrics = { "events_by_category", "top_entities_by_category" }
local interval_ms = 1
local target = 1 -- requests per second for this thread
local counter = 0
local second = 0
local sent_this_second = 0

function init(args)
  local rate = tonumber(args[1]) or 5000
  local connections = tonumber(args[2]) or 50
  local threads = tonumber(args[3]) or 2
  target = rate / threads
  interval_ms = connections * 1000 / rate
  counter = math.random(1, 1000)
end

function delay()
  local now = os.time()
  if now ~= second then
    if second ~= 0 and sent_this_second > 0 then
      -- Proportional step, at most halving or doubling per second.
      local ratio = math.max(0.5, math.min(2, sent_this_second / target))
      interval_ms = interval_ms * ratio
    end
    second = now
    sent_this_second = 0
  end
  return math.floor(interval_ms)
end

function request()
  counter = counter + 1
  sent_this_second = sent_this_second + 1
  local now = os.time() * 1000
  local path = string.format("/v1/metrics/%s/windows?from=%d&to=%d&category=%s",
    metrics[counter % #metrics + 1], now - 600000, now + 60000,
    categories[counter % #categories + 1])
  return wrk.format("GET", path)
end
