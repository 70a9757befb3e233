-- wrk script for bench/analytics-api/run.sh: POST /graphql with the overview query.
--   BODY_MODE   fixed   the same range every request (the cached path: misses only after a delta)
--               varied  a range of its own per request (each a cache miss: the uncached path)
--   TOKEN       the bearer token
--   RANGE_FROM  epoch seconds of the range start; RANGE_TO its end
-- done() prints one JSON line (the last line of wrk's output) that run.sh parses.
local mode = os.getenv("BODY_MODE") or "fixed"
local from = tonumber(os.getenv("RANGE_FROM"))
local to = tonumber(os.getenv("RANGE_TO"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

local query = "query($f: String!, $t: String!) { overview(from: $f, to: $t) { events activePlayers currencies { currency bets wins netGamingRevenue } } }"

local function body(start)
    return string.format('{"query":"%s","variables":{"f":"%s","t":"%s"}}', query,
        os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", to))
end

local fixed = body(from)
local counter = 0
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    bad = 0
    errors = 0
end

function request()
    if mode == "fixed" then
        return wrk.format(nil, nil, nil, fixed)
    end
    counter = counter + 1
    -- A distinct minute per request within the day before `to`: a key of its own each time.
    return wrk.format(nil, nil, nil, body(from + (counter % 1380) * 60))
end

function response(status, headers, body)
    if status ~= 200 then bad = bad + 1 end
    if string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end

function done(summary, latency, requests)
    local bad_total, error_total = 0, 0
    for _, thread in ipairs(threads) do
        bad_total = bad_total + thread:get("bad")
        error_total = error_total + thread:get("errors")
    end
    io.write(string.format(
        '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"non_200":%d,"graphql_errors":%d,"socket_errors":%d}\n',
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, bad_total, error_total,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
