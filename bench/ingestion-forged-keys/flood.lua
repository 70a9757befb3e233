-- wrk script for bench/ingestion-forged-keys/run.sh: a flood of requests whose credential cannot
-- be valid, every answer counted by status. Configured by the environment:
--   KEY_MODE      none     no X-API-Key at all (the baseline: refused before any key work)
--                 forged   gmk_ + 64 random base64url characters: the shape of a signed key with
--                          a MAC nobody computed (refused after one HMAC, no lookup)
--                 unknown  gmk_ + 43 random base64url characters: legacy-shaped keys that were
--                          never issued (looked up while legacy keys are accepted, within the
--                          per-peer budget of failed lookups)
--   POOL          distinct keys per wrk thread, cycled (default 20000)
--   OCCURRED_AT   RFC 3339 UTC time for the (never read) event body
-- done() prints one JSON line (the last line of wrk's output) that run.sh parses.

local mode = os.getenv("KEY_MODE") or "forged"
local pool_size = tonumber(os.getenv("POOL") or "20000")
local occurred_at = os.getenv("OCCURRED_AT") or "1970-01-01T00:00:00Z"
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"event_id":"0f8fad5b-d9cb-469f-a165-70867728950e","player_id":"p-1","type":"page_view","occurred_at":"'
  .. occurred_at .. '"}'

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

s401, s429, other, last_other = 0, 0, 0, 0
local keys, next_key = {}, 0

local function random_key(length)
  local chars = {}
  for i = 1, length do
    local index = math.random(64)
    -- 43 characters carry 258 bits for 256: the last one's two low bits must be zero (canonical).
    if length == 43 and i == length then index = (math.random(16) - 1) * 4 + 1 end
    chars[i] = string.sub(alphabet, index, index)
  end
  return "gmk_" .. table.concat(chars)
end

function init(args)
  math.randomseed(os.time() * 1000 + tonumber(tid) * 7919)
  if mode ~= "none" then
    local length = mode == "unknown" and 43 or 64
    for i = 1, pool_size do keys[i] = random_key(length) end
  end
end

-- The same work per request in every mode (a fresh header table), so only the service differs.
function request()
  if mode == "none" then return wrk.format(nil, nil, { ["Content-Type"] = "application/json" }) end
  next_key = next_key % pool_size + 1
  return wrk.format(nil, nil, { ["X-API-Key"] = keys[next_key], ["Content-Type"] = "application/json" })
end

function response(status, headers, body)
  if status == 401 then s401 = s401 + 1
  elseif status == 429 then s429 = s429 + 1
  else other = other + 1; last_other = status end
end

function done(summary, latency, requests)
  local a, b, c, last = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    a = a + (tonumber(thread:get("s401")) or 0)
    b = b + (tonumber(thread:get("s429")) or 0)
    local n = tonumber(thread:get("other")) or 0
    if n > 0 then c = c + n; last = tonumber(thread:get("last_other")) or 0 end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_s":%.3f,"rps":%.1f,"status_401":%d,"status_429":%d,"status_other":%d,'
      .. '"last_other_status":%d,"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"latency_ms":{"p50":%.3f,"p99":%.3f,"max":%.3f}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), a, b, c, last,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
