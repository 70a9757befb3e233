#!/usr/bin/env bash
# Producer throughput, Swift wrapper vs librdkafka from C, on one devkafka cluster in one run.
# Rounds alternate which side goes first; the table reports medians and their ratio.
#   bench/kafka-producer/run.sh [rounds=5] [messages=1000000] [size=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5} count=${2:-1000000} size=${3:-100}
out=bench/results/kafka-producer-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"

swift build -c release --product kafka-producer-bench >/dev/null
swift build --product devkafka >/dev/null
gcc -O2 -o "$out/raw_producer" bench/kafka-producer/raw_producer.c $(pkg-config --cflags --libs rdkafka)
swift_bench="$(swift build -c release --show-bin-path)/kafka-producer-bench"

control_port=59700
GM_HTTP_PORT=$control_port GM_LOG_LEVEL=warning GM_DEVKAFKA_BOOTSTRAP_FILE="$out/bootstrap" \
  "$(swift build --show-bin-path)/devkafka" >"$out/devkafka.log" 2>&1 &
devkafka=$!
trap 'kill $devkafka 2>/dev/null; wait $devkafka 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$out/bootstrap")

topic() { # a fresh 12-partition topic per run, so no run reads another's log
  curl -sf -XPOST "localhost:$control_port/v1/topics" -d "{\"name\":\"$1\",\"partitions\":12}" >/dev/null
  echo "$1"
}
run_c() { "$out/raw_producer" "$bootstrap" "$(topic "bench.c.$1")" "$count" "$size"; }
run_swift() { "$swift_bench" "$bootstrap" "$(topic "bench.swift.$1")" "$count" "$size"; }

for round in $(seq "$rounds"); do
  if (( round % 2 )); then run_c "$round"; run_swift "$round"; else run_swift "$round"; run_c "$round"; fi
done | tee "$out/results.jsonl"

python3 - "$out/results.jsonl" "$count" "$size" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
rate = {impl: statistics.median(r["msgs_per_sec"] for r in rows if r["impl"] == impl) for impl in ("c", "swift")}
failed = sum(r["failed"] for r in rows)
print(f"\n| producer ({sys.argv[2]} x {sys.argv[3]} B, acks=all, idempotent) | median msgs/s | runs |")
print("|---|---|---|")
for impl, name in (("c", "librdkafka from C"), ("swift", "Swift wrapper (`KafkaProducer.send`)")):
    runs = ", ".join(str(r["msgs_per_sec"]) for r in rows if r["impl"] == impl)
    print(f"| {name} | {rate[impl]:,.0f} | {runs} |")
print(f"\nratio swift/c = {rate['swift'] / rate['c']:.2f}; failed deliveries: {failed}")
PY
