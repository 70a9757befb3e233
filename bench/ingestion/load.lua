-- wrk script for bench/ingestion/run.sh: one file for every scenario, so the load generator does
-- the same work per request wherever the bodies are the same. Configured by the environment:
--   BENCH_MODE          get   static GET, no per-request Lua (the plain hello-world baseline)
--                       post  a fresh body per request (hello-world POST and ingestion)
--   EVENTS_PER_REQUEST  1: one event object as the body; N > 1: {"events":[N events]}
--   EXPECT_STATUS       the status every answer must have (202 for ingestion, 200 for hello)
--   WRITE_KEY           sent as X-API-Key when set
--   ID_PREFIX           random "xxxxxxxx-xxxx-4xxx" per wrk invocation: event ids are
--                       ID_PREFIX-8<thread, 3 hex>-<counter, 12 hex>, unique across requests,
--                       threads and invocations (the service drops repeated ids, and a repeated
--                       body would measure its dedupe path instead of Kafka)
--   OCCURRED_AT         RFC 3339 UTC time of the run's start
--   DELAY_MS            optional pause between a connection's requests (a paced client, e.g. a
--                       real tenant beside a flood); latency is measured without it
-- done() prints one JSON line (the last line of wrk's output) that run.sh parses.

local mode = os.getenv("BENCH_MODE") or "post"
local per_request = tonumber(os.getenv("EVENTS_PER_REQUEST") or "1")
local expect = tonumber(os.getenv("EXPECT_STATUS") or "202")
local prefix = os.getenv("ID_PREFIX") or "00000000-0000-4000"
local occurred_at = os.getenv("OCCURRED_AT") or "1970-01-01T00:00:00Z"
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
if delay_ms > 0 then function delay() return delay_ms end end

wrk.method = mode == "get" and "GET" or "POST"
if mode ~= "get" then wrk.headers["Content-Type"] = "application/json" end
if os.getenv("WRITE_KEY") then wrk.headers["X-API-Key"] = os.getenv("WRITE_KEY") end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

-- Per-thread state (each wrk thread has its own Lua state; init runs in it).
unexpected, last_unexpected, last_body = 0, 0, ""

if mode ~= "get" then
  local games = { "roulette-eu", "blackjack-classic", "slots-starburst", "baccarat-punto", "poker-holdem",
                  "slots-book-of-ra", "crash-aviator", "dice-classic" }
  local channels = { "web", "ios", "android", "desktop" }
  local players, tails = {}, {}
  local id_head, counter

  function init(args)
    math.randomseed(tonumber(tid) * 7919 + 17)
    id_head = '{"event_id":"' .. prefix .. "-" .. string.format("8%03x", tonumber(tid) % 4096) .. "-"
    counter = 0
    -- Players spread over 10,000 ids; everything after the player id varies over a pool of
    -- 1,009 tails (a prime, so player and tail combinations do not repeat in step).
    for i = 1, 10000 do players[i] = string.format('","player_id":"player-%05d', (i * 7741) % 10000) end
    for i = 1, 1009 do
      tails[i] = string.format(
        '","type":"bet_placed","occurred_at":"%s","game_id":"%s","amount":{"minor":%d,"currency":"EUR"},'
          .. '"properties":{"channel":"%s","round_id":"r-%08d","bet_kind":"straight"}}',
        occurred_at, games[math.random(#games)], math.random(10, 50000), channels[math.random(#channels)],
        math.random(0, 99999999))
    end
  end

  local function event(parts)
    counter = counter + 1
    parts[#parts + 1] = id_head
    parts[#parts + 1] = string.format("%012x", counter)
    parts[#parts + 1] = players[counter % 10000 + 1]
    parts[#parts + 1] = tails[counter % 1009 + 1]
  end

  function request()
    local parts = {}
    if per_request == 1 then
      event(parts)
    else
      parts[1] = '{"events":['
      for i = 1, per_request do
        if i > 1 then parts[#parts + 1] = "," end
        event(parts)
      end
      parts[#parts + 1] = "]}"
    end
    return wrk.format(nil, nil, nil, table.concat(parts))
  end

  function response(status, headers, body)
    if status ~= expect then
      unexpected = unexpected + 1
      last_unexpected = status
      last_body = string.sub(body or "", 1, 200):gsub("%c", " "):gsub("\\", "\\\\"):gsub('"', '\\"')
    end
  end
end

function done(summary, latency, requests)
  local bad, status, body = 0, 0, ""
  for _, thread in ipairs(threads) do
    local n = tonumber(thread:get("unexpected")) or 0
    if n > 0 then
      bad = bad + n
      status = thread:get("last_unexpected")
      body = thread:get("last_body") or ""
    end
  end
  if mode == "get" then bad = summary.errors.status end -- no response(): wrk's non-2xx/3xx count
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_s":%.3f,"rps":%.1f,"bytes":%d,"unexpected_status":%d,"last_unexpected_status":%d,'
      .. '"last_unexpected_body":"%s","socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"latency_ms":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"p99_9":%.3f,"max":%.3f,"mean":%.3f}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), summary.bytes, bad,
    tonumber(status) or 0, body, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000))
end
