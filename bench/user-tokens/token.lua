-- wrk: client-credentials token requests. CLIENT_BASIC is "Basic <base64(id:secret)>".
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = os.getenv("CLIENT_BASIC")

local failures = 0
function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end
function done(summary, latency, requests)
  io.write(string.format('{"requests":%d,"non_200":%d,"p50_ms":%.2f,"p99_ms":%.2f,"rps":%.0f}\n',
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
