-- wrk: an authenticated, tenant-scoped read (JWT verification + one row-level-secured query).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ACCESS_TOKEN")
function done(summary, latency, requests)
  io.write(string.format('{"requests":%d,"non_2xx_3xx":%d,"p50_ms":%.2f,"p99_ms":%.2f,"rps":%.0f}\n',
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
