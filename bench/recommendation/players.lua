-- wrk script for bench/recommendation/serve.sh: GET /v1/players/{id}/recommendations?limit=LIMIT
-- for a random player among player-0000001 .. player-<PLAYERS> (zero-padded to 7 digits, as
-- bench/recommendation/serve-data.sql names them), so that with a million players nearly every
-- request misses the per-player cache, and with a thousand warmed ones nearly every one hits.
--   TOKEN    the bearer token (any role of the tenant)
--   PLAYERS  how many players to draw from (from 1)
--   LIMIT    the list length asked for (10)
--   FIXED_PATH  when set, every request goes there instead (the hello-world baseline: the same
--               Lua work per request, a path hello-world answers)
-- done() prints one JSON line (the last line of wrk's output) that serve.sh parses.
local players = tonumber(os.getenv("PLAYERS") or "1000000")
local limit = os.getenv("LIMIT") or "10"
local fixed_path = os.getenv("FIXED_PATH")
if fixed_path == "" then fixed_path = nil end
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(os.time() * 131 + tonumber(tid) * 7919)
  bad = 0
  last_bad = 0
end

function request()
  local path = string.format("/v1/players/player-%07d/recommendations?limit=%s", math.random(1, players), limit)
  return wrk.format(nil, fixed_path or path)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    last_bad = status
  end
end

function done(summary, latency, requests)
  local bad_total, last = 0, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    if thread:get("last_bad") ~= 0 then last = thread:get("last_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,'
      .. '"non_200":%d,"last_non_200":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad_total, last, e.connect + e.read + e.write + e.timeout))
end
