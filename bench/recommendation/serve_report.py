"""The results table of bench/recommendation/serve.sh: medians over the runs of each scenario,
ratios to hello-world measured in the same run, cache hit shares and server-side times from the
recommendation service's /metrics (before and after each run), and the notes of the other phases.

    python3 bench/recommendation/serve_report.py RUN_DIR
"""

import glob
import json
import os
import re
import statistics
import sys

run = sys.argv[1]


def wrk_json(path):
    return json.loads(open(path).read().strip().splitlines()[-1])


def metrics(path):
    values = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        key, _, value = line.rpartition(" ")
        try:
            values[key] = float(value)
        except ValueError:
            pass
    return values


def delta(name):
    before, after = metrics(f"{run}/{name}.metrics-before"), metrics(f"{run}/{name}.metrics-after")
    return {key: after[key] - before.get(key, 0) for key in after}


def served(change, cached):
    return sum(v for k, v in change.items() if k.startswith("gm_recommendation_served_total{") and f'cached="{cached}"' in k)


def server_time(change, cached):
    """Interpolated p50/p99 and the shares under 5 and 50 ms of gm_recommendation_duration_seconds."""
    buckets = []
    for key, value in change.items():
        match = re.match(r'gm_recommendation_duration_seconds_bucket\{(.*)\}$', key)
        if not match or f'cached="{cached}"' not in match.group(1):
            continue
        le = re.search(r'le="([^"]+)"', match.group(1)).group(1)
        buckets.append((float("inf") if le == "+Inf" else float(le), value))
    merged = {}
    for le, value in buckets:
        merged[le] = merged.get(le, 0) + value
    points = sorted(merged.items())
    if not points or points[-1][1] == 0:
        return None
    total = points[-1][1]

    def quantile(q):
        target, previous_le, previous_count = q * total, 0.0, 0.0
        for le, count in points:
            if count >= target:
                if le == float("inf"):
                    return f"> {previous_le * 1000:g} ms"
                share = (target - previous_count) / max(count - previous_count, 1e-9)
                return f"{(previous_le + share * (le - previous_le)) * 1000:.1f} ms"
            previous_le, previous_count = le, count
        return "?"

    def under(limit):
        return 100 * merged.get(limit, 0) / total

    return f"server p50 ≈ {quantile(0.5)}, p99 ≈ {quantile(0.99)}; {under(0.005):.1f} % ≤ 5 ms, {under(0.05):.1f} % ≤ 50 ms"


def median_row(kind):
    names = sorted(os.path.basename(p)[:-4] for p in glob.glob(f"{run}/{kind}-*.txt"))
    rows = [(name, wrk_json(f"{run}/{name}.txt"), open(f"{run}/{name}.load").read().strip()) for name in names]
    return rows


print("| scenario | runs (req/s; p50 / p99 ms; load average 1/5/15) | median req/s | median p50 | median p99 | vs hello req/s | cache hits | server-side time (histogram, all runs) |")
print("|---|---|---|---|---|---|---|---|")
hello_rps = None
for kind in ("hello", "uncached", "cached"):
    rows = median_row(kind)
    if not rows:
        continue
    rps = statistics.median(r["rps"] for _, r, _ in rows)
    p50 = statistics.median(r["p50_ms"] for _, r, _ in rows)
    p99 = statistics.median(r["p99_ms"] for _, r, _ in rows)
    if kind == "hello":
        hello_rps = rps
    each = "<br>".join(
        f"{r['rps']:.0f}; {r['p50_ms']:.2f} / {r['p99_ms']:.2f}; {load}" + (f"; non-200 {r['non_200']}" if r["non_200"] else "")
        + (f"; socket errors {r['socket_errors']}" if r["socket_errors"] else "")
        for _, r, load in rows)
    hits, timing = "n/a", "n/a"
    if kind != "hello":
        total = {}
        for name, _, _ in rows:
            for key, value in delta(name).items():
                total[key] = total.get(key, 0) + value
        true, false = served(total, "true"), served(total, "false")
        if true + false:
            hits = f"{100 * true / (true + false):.2f} % of {true + false:.0f}"
        timing = server_time(total, "false" if kind == "uncached" else "true") or "n/a"
    ratio = f"{rps / hello_rps:.3f}x" if hello_rps else "n/a"
    print(f"| {kind} | {each} | {rps:.0f} | {p50:.2f} ms | {p99:.2f} ms | {ratio} | {hits} | {timing} |")

print()
print("Notes of the run (data, training, recall):")
print()
print("```")
print(open(f"{run}/notes.txt").read().rstrip())
print("```")
