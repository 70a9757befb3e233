"""Markdown report of one bench/ingestion/run.sh invocation (its run folder is the argument).

Reads meta.env, results.jsonl (one object per scenario, written by run.sh) and the per-thread CPU
snapshots in raw/; prints the tables and the verdicts. Exit status 1 when an answer had an
unexpected status, the Kafka cross-check failed or a target was missed.
"""
import collections
import json
import os
import sys

run = sys.argv[1]
meta = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(run, "meta.env")) if "=" in line)
rows = {r["name"]: r for r in map(json.loads, open(os.path.join(run, "results.jsonl")))}
seconds = int(meta["seconds"])
MIB = 1024

TITLES = {
    "hello-get": "hello-world `GET /` (no script)",
    "hello-post": "hello-world `POST /`, single-event body",
    "single": "ingestion, 1 event per request",
    "batched": "ingestion, 100 events per request",
}


def pct(cpu_s, row):  # CPU seconds over the scenario's wall time, as % of one core
    return 100.0 * cpu_s / row["wall_s"]


def ratio(row, base):
    return f"{row['rps'] / rows[base]['rps']:.2f}" if base in rows else "—"


def fmt(n, digits=0):
    return f"{n:,.{digits}f}"


failures = []
out = []
w = out.append
quiet = meta["busy_at_start"] == "0" and all(r["busy_samples"] == 0 for r in rows.values())
w(f"### Ingestion HTTP API, run {meta['stamp']}")
w("")
w(f"- command: `{meta['command']}` (wrk -t1 -c{meta['connections']}, {meta['warmup']} s warm-up before each "
  f"{seconds} s scenario; commit {meta['commit']}{' + uncommitted changes' if meta['dirty'] == 'yes' else ''})")
w(f"- machine: {meta['cores']} cores ({meta['cpu']}), shared by wrk ({meta['wrk']}), ingestion, devkafka, "
  f"redis, user, PostgreSQL; load average at start {meta['loadavg_at_start']}")
busy = ", ".join(f"{r['name']} {r['busy_samples']}/{r['rss_kib']['samples']} samples"
                 for r in rows.values() if r["busy_samples"])
w(f"- quiet machine: {'yes' if quiet else 'NO'} (other swift builds/tests at start: {meta['busy_at_start']}, "
  f"waited {meta['waited_s']} s{'; seen during ' + busy if busy else ''})")
w(f"- ingestion binary: {meta.get('ingestion_binary', 'unknown')}")
if meta.get("ingestion_env"):
    w(f"- ingestion configured with `{meta['ingestion_env']}` (an experiment, not the defaults)")
w("")
w("| scenario | req/s | events/s | p50 ms | p99 ms | p99.9 ms | max ms | req/s vs hello GET | vs hello POST "
  "| non-expected status | socket errors | server max RSS MiB (VmHWM) |")
w("|---|---|---|---|---|---|---|---|---|---|---|---|")
for name, row in rows.items():
    lat, sock = row["latency_ms"], row["socket_errors"]
    events = row["rps"] * row["events_per_request"] if not name.startswith("hello") else None
    errors = sum(sock.values())
    w(f"| {TITLES.get(name, name)} | {fmt(row['rps'])} | {fmt(events) if events else '—'} | {lat['p50']:.2f} "
      f"| {lat['p99']:.2f} | {lat['p99_9']:.2f} | {lat['max']:.1f} | {ratio(row, 'hello-get')} "
      f"| {ratio(row, 'hello-post')} | {row['unexpected_status']} | {errors} "
      f"| {row['rss_kib']['max_sampled'] / MIB:.1f} ({row['rss_kib']['hwm'] / MIB:.1f}) |")
    if row["unexpected_status"] or errors:
        failures.append(f"{name}: {row['unexpected_status']} answers with an unexpected status "
                        f"(last {row['last_unexpected_status']}: {row['last_unexpected_body']!r}), "
                        f"socket errors {sock}")

w("")
w("CPU, % of one core over each scenario (the machine has 200 %):")
w("")
w("| scenario | ingestion | devkafka | redis | user | hello-world | wrk | machine busy | rest (PostgreSQL, kernel, others) |")
w("|---|---|---|---|---|---|---|---|---|")
for name, row in rows.items():
    c = row["cpu_s"]
    parts = {k: pct(c[k], row) for k in ("ingestion", "devkafka", "redis", "user", "hello", "wrk")}
    machine = 100.0 * c["machine_busy"] / c["machine_total"] * int(meta["cores"]) if c["machine_total"] else 0
    rest = machine - sum(parts.values())
    w(f"| {name} | " + " | ".join(f"{v:.0f}" for v in parts.values()) + f" | {machine:.0f} | {rest:.0f} |")

ingest = [r for n, r in rows.items() if not n.startswith("hello")]
if ingest:
    w("")
    w("Kafka cross-check (ingestion's `gm_ingestion_events_accepted_total` before/after each scenario, "
      "against wrk's 202 answers × events per request; requests still in flight when wrk stops may add "
      "up to connections × events):")
    w("")
    w("| scenario | 202 × events | accepted counter delta | difference | duplicates | throttled (429) "
      "| rejected requests | rejected events | check |")
    w("|---|---|---|---|---|---|---|---|---|")
    for row in ingest:
        m = row["metrics"]
        expected = (row["requests"] - row["unexpected_status"]) * row["events_per_request"]
        diff = m["accepted"] - expected
        ok = (0 <= diff <= row["connections"] * row["events_per_request"] and not m["duplicates"]
              and not m["throttled"] and not m["rejected_requests"] and not m["rejected_events"])
        if not ok:
            failures.append(f"{row['name']}: Kafka cross-check failed ({m}, expected {expected})")
        w(f"| {row['name']} | {fmt(expected)} | {fmt(m['accepted'])} | {diff:+,} | {m['duplicates']} "
          f"| {m['throttled']} | {m['rejected_requests']} | {m['rejected_events']} | {'ok' if ok else 'FAIL'} |")

# Threads: CPU per thread name (threads of one name summed), the busiest first.
w("")
w("Busiest threads (CPU % of one core, threads of the same name summed; from /proc/PID/task before/after):")
w("")
w("| scenario | process | threads |")
w("|---|---|---|")


def threads(path):  # tid -> (thread name, the file's first number: CPU ticks, or voluntary switches)
    table = {}
    if os.path.exists(path):
        for line in open(path):
            tid, name, number = line.rstrip("\n").split("\t")[:3]
            table[tid] = (name, int(number))
    return table


tck = os.sysconf("SC_CLK_TCK")
for name, row in rows.items():
    server = "hello-world-server" if name.startswith("hello") else "ingestion"
    for proc, label in (("server", server), ("devkafka", "devkafka")):
        before = threads(os.path.join(run, "raw", f"{name}.threads-{proc}-before"))
        after = threads(os.path.join(run, "raw", f"{name}.threads-{proc}-after"))
        per_name, count = collections.Counter(), collections.Counter()
        for tid, (tname, ticks) in after.items():
            per_name[tname] += ticks - before.get(tid, (tname, 0))[1]
            count[tname] += 1
        top = [f"{t}{' ×' + str(count[t]) if count[t] > 1 else ''} {pct(v / tck, row):.0f}"
               for t, v in per_name.most_common(6) if v > 0]
        w(f"| {name} | {label} | {', '.join(top) or '—'} |")

# Wake-ups: a voluntary context switch is a thread that went to sleep to wait and was woken
# again, so per request they count the hops between threads (and the waits on sockets).
w("")
w("Server CPU and wake-ups per request (CPU from /proc/PID/stat; voluntary context switches per thread "
  "from /proc/PID/task/*/status, threads of one name summed):")
w("")
w("| scenario | server CPU µs/request | µs/event | wake-ups/request, total | by thread |")
w("|---|---|---|---|---|")


for name, row in rows.items():
    requests = max(row["requests"], 1)
    server_cpu = row["cpu_s"]["hello" if name.startswith("hello") else "ingestion"]
    before = threads(os.path.join(run, "raw", f"{name}.switches-server-before"))
    after = threads(os.path.join(run, "raw", f"{name}.switches-server-after"))
    per_name = collections.Counter()
    for tid, (tname, count) in after.items():
        per_name[tname] += count - before.get(tid, (tname, 0))[1]
    total = sum(per_name.values())
    by = ", ".join(f"{t} {v / requests:.2f}" for t, v in per_name.most_common(5) if v > 0)
    per_event = 1e6 * server_cpu / (requests * row["events_per_request"])
    w(f"| {name} | {1e6 * server_cpu / requests:.1f} | {per_event:.1f} | {total / requests:.2f} | {by or '—'} |")

# Targets (issue 4, then issue 12 item 13).
w("")
w("| target | measured | verdict |")
w("|---|---|---|")
short = seconds < 60


def verdict(ok):
    if not ok:
        return "FAIL"
    return "pass (run < 60 s: indicative only)" if short else "PASS"


def target(text, measured, ok):
    w(f"| {text} | {measured} | {verdict(ok)} |")
    if not ok:
        failures.append(f"target missed: {text}: {measured}")


def clean(row):
    return row["unexpected_status"] == 0 and sum(row["socket_errors"].values()) == 0


if "batched" in rows:
    r = rows["batched"]
    ev = r["rps"] * r["events_per_request"]
    target("batched (100 events/request) ≥ 150,000 events/s for 60 s, p99 < 50 ms, every answer 202",
           f"{fmt(ev)} events/s, p99 {r['latency_ms']['p99']:.2f} ms, {r['unexpected_status']} non-202",
           ev >= 150_000 and r["latency_ms"]["p99"] < 50 and clean(r))
if "single" in rows:
    r = rows["single"]
    target("single-event requests ≥ 15,000 req/s, p99 < 20 ms, every answer 202",
           f"{fmt(r['rps'])} req/s, p99 {r['latency_ms']['p99']:.2f} ms, {r['unexpected_status']} non-202",
           r["rps"] >= 15_000 and r["latency_ms"]["p99"] < 20 and clean(r))
if "single" in rows and "hello-post" in rows:
    r, h = rows["single"], rows["hello-post"]
    target("single-event req/s ≥ 0.5 × hello-world POST in the same run (issue 12)",
           f"{r['rps'] / h['rps']:.2f} × ({fmt(r['rps'])} / {fmt(h['rps'])} req/s)", r["rps"] >= 0.5 * h["rps"])
if "batched" in rows:
    r = rows["batched"]
    ev = r["rps"] * r["events_per_request"]
    target("batched ≥ 300,000 events/s (issue 12)", f"{fmt(ev)} events/s", ev >= 300_000 and clean(r))
if ingest:
    peak = max(r["rss_kib"]["max_sampled"] for r in ingest)
    hwm = max(r["rss_kib"]["hwm"] for r in ingest)
    target("ingestion RSS under load < 150 MiB",
           f"max sampled VmRSS {peak / MIB:.1f} MiB (VmHWM {hwm / MIB:.1f} MiB)", peak < 150 * MIB)

w("")
if failures:
    w("**FAIL**: " + "; ".join(failures))
else:
    w("All checks passed.")
print("\n".join(out))
sys.exit(1 if failures else 0)
