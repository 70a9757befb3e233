-- wrk script for bench/notification/run.sh: the receiver's own ceiling. Each request looks like
-- one of the notification service's webhooks: a ~300-byte JSON body shaped like its payload, a
-- fresh webhook-id (the receiver keeps one counter per id, as it does for the service's), this
-- second's webhook-timestamp and a signature of the real length (not a valid one: the receiver
-- checks it all the same, so the baseline pays for the HMAC the service's requests cost it).
-- done() prints one JSON line (the last line of wrk's output) that run.sh parses.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local counter = 0
local signature = "v1," .. string.rep("A", 43) .. "="
local data = '{"message":"' .. string.rep("m", 120) .. '","title":"bench"}'

function request()
  counter = counter + 1
  local id = string.format("msg_%08x-0000-4000-8%03x-%012x", os.time(), tid or 0, counter)
  local body = '{"created_at":"2026-12-07T17:00:00.000Z","data":' .. data .. ',"id":"' .. id ..
    '","player_id":null,"tenant_id":"tenant-bench","type":"operator_message"}'
  wrk.headers["webhook-id"] = id
  wrk.headers["webhook-timestamp"] = tostring(os.time())
  wrk.headers["webhook-signature"] = signature
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format('{"requests":%d,"non_2xx":%d,"socket_errors":%d,"p50_ms":%.3f,"p99_ms":%.3f,"rps":%.0f}\n',
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
