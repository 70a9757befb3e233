#!/usr/bin/env python3
"""The Markdown report of one bench/notification/run.sh run: medians over the rounds of
RUN/raw/baseline-*.json, deliveries-*.json, backlog-*.json and failing-*.json, with RUN/meta.env.

    report.py RUN_DIR
"""
import glob
import json
import statistics
import sys


def load(run, phase):
    files = sorted(glob.glob(f"{run}/raw/{phase}-*.json"), key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
    return [json.load(open(p)) for p in files]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values, digits=0, unit=""):
    """'median (min-max)' of the rounds' values."""
    values = [v for v in values if v is not None]
    if not values:
        return "none"
    def f(v):
        return f"{v:,.{digits}f}{unit}"
    return f"{f(statistics.median(values))}" + (f" ({f(min(values))}–{f(max(values))})" if len(values) > 1 else "")


def mib(kib):
    return kib / 1024


def timeline_at(rounds, field, fractions):
    """The median round's `field` at the given fractions of its wall time."""
    middle = sorted(rounds, key=lambda r: r["wall_s"])[len(rounds) // 2]
    wall, points = middle["wall_s"], middle["timeline"]
    out = []
    for fraction in fractions:
        t = wall * fraction
        point = min(points, key=lambda p: abs(p["t"] - t))
        out.append(f"{point['t']:.0f} s: {point[field]:,}")
    return ", ".join(out)


def main():
    run = sys.argv[1]
    meta = dict(line.rstrip("\n").split("=", 1) for line in open(f"{run}/meta.env") if "=" in line)
    baseline, deliveries, backlog, failing = load(run, "baseline"), load(run, "deliveries"), load(run, "backlog"), load(run, "failing")
    count, concurrency = int(meta["count"]), meta["concurrency"]
    ceiling = median(b["wrk"]["rps"] for b in baseline)
    receiver_cores = median(b["receiver_cpu_s"] for b in baseline) / 10
    delivered_rate = median(r["deliveries_per_s"] for r in deliveries)
    attempts_rate = median(r["attempts_per_s"] for r in failing)
    expected_dead = count * float(meta["fail_ratio"]) ** int(meta["max_attempts"])
    busy = [r["machine_busy_share"] * 100 for r in deliveries + failing if r.get("machine_busy_share") is not None]

    def cpu(rounds, per):
        parts = []
        for name in ("service", "postgres", "receiver", "devkafka"):
            value = median(r[per][name] for r in rounds)
            parts.append(f"{'notification' if name == 'service' else name} {value:,.0f} µs" if value is not None else f"{name} n/a")
        shares = [(r["cpu_s"]["service"], r["cpu_s"]["postgres"], r["other_cpu_s"], r["wall_s"]) for r in rounds]
        parts.append("cores used: notification " + spread([s / w for s, _, _, w in shares], 2) + ", postgres "
                     + spread([p / w for _, p, _, w in shares], 2) + ", everything else on the machine "
                     + spread([o / w for _, _, o, w in shares], 2))
        return ", ".join(parts)

    def checks(rounds):
        bad = []
        for i, r in enumerate(rounds, 1):
            c = r["checks"]
            problems = []
            if r["stuck"]:
                problems.append(f"stuck with {r['final']['pending']} pending")
            if r["lost"]:
                problems.append(f"{r['lost']} lost")
            if not c["ok_ids_equal_delivered_rows"]:
                problems.append(f"2xx ids != delivered rows ({c['delivered_rows_not_seen_ok']} delivered unseen, {c['ok_ids_not_delivered']} 2xx not delivered)")
            if c["ids_ok_more_than_once"]:
                problems.append(f"{c['ids_ok_more_than_once']} ids answered 2xx more than once")
            if not c["receiver_requests_equal_attempt_rows"]:
                problems.append(f"receiver requests {c['receiver_requests_for_round']} != attempt rows {sum(r['attempt_rows'].values())}")
            if c["dead_rows_whose_request_count_differs_from_attempts"]:
                problems.append(f"{c['dead_rows_whose_request_count_differs_from_attempts']} dead rows whose request count differs from attempts")
            if r["receiver"]["bad_signatures"] or r["receiver"]["stale_timestamps"]:
                problems.append(f"{r['receiver']['bad_signatures']} bad signatures, {r['receiver']['stale_timestamps']} stale timestamps")
            if problems:
                bad.append(f"round {i}: " + "; ".join(problems))
        return "all rounds pass" if not bad else "**" + " / ".join(bad) + "**"

    print(f"### Notification service, run {meta['stamp']}")
    print()
    print(f"- command: `{meta['command']}` (commit {meta['commit']}{', dirty tree' if meta['dirty'] == 'yes' else ''})")
    print(f"- machine: {meta['cores']} cores ({meta['cpu']}), shared by the service, PostgreSQL, devkafka, the receiver and kcat; "
          f"build/test processes at the start {meta['busy_at_start']} (waited {meta['waited_s']} s); load average at the start "
          f"{meta['loadavg_at_start']}, at the end {meta.get('loadavg_at_end', '?')}; machine busy during the rounds {spread(busy, 0, ' %')}")
    print(f"- service: GM_NOTIFICATION_CONCURRENCY = GM_NOTIFICATION_DESTINATION_CONCURRENCY = {concurrency} (one receiver is the only "
          f"destination), MAX_ATTEMPTS {meta['max_attempts']}, backoff {meta['backoff_base_ms']} ms doubling to {meta['backoff_max_ms']} ms, "
          f"poll interval default; extra env: {meta['notification_env'] or 'none'}")
    print(f"- {count:,} notifications per round (operator_message to one webhook endpoint, produced with kcat to "
          f"notifications.requested), {len(deliveries)} rounds per phase; figures are medians (min–max)")
    print()
    print("| phase | figure |")
    print("|---|---|")
    print(f"| receiver ceiling: wrk -t1 -c32 -d10s, ~300-byte webhook-shaped POST | {spread([b['wrk']['rps'] for b in baseline])} req/s, "
          f"p99 {spread([b['wrk']['p99_ms'] for b in baseline], 1, ' ms')}; receiver CPU {receiver_cores:.2f} cores |")
    print(f"| deliveries (receiver answers 200) | **{spread([r['deliveries_per_s'] for r in deliveries])} deliveries/s** "
          f"(receiver's first to last 2xx) = **{delivered_rate / ceiling:.3f} × the receiver's ceiling** |")
    print(f"| intake in the same rounds | {spread([r['intake_rows_per_s'] for r in deliveries])} rows queued/s (created_at of first to last row, "
          f"{spread([r['intake_s'] for r in deliveries], 1, ' s')}); deliveries after the last row was queued "
          f"{spread([r['deliveries_after_intake'] for r in deliveries])} at {spread([r['deliveries_per_s_after_intake'] for r in deliveries])}/s |")
    print(f"| CPU per delivery | {cpu(deliveries, 'cpu_us_per_delivery')} |")
    print(f"| RSS (deliveries) | idle {mib(int(meta['rss_idle_kib'])):.0f} MiB before the rounds; peak sampled "
          f"{spread([mib(r['rss_kib']['peak_sampled']) for r in deliveries], 0, ' MiB')} |")
    if backlog:
        backlog_rate = median(r["deliveries_per_s"] for r in backlog)
        print(f"| backlog: {count:,} due rows inserted at once (copies of a queued row), receiver answers 200 | "
              f"**{spread([r['deliveries_per_s'] for r in backlog])} deliveries/s** = {backlog_rate / ceiling:.3f} × the ceiling; "
              f"first delivery {spread([r['first_delivery_after_first_row_s'] for r in backlog], 2, ' s')} after the insert |")
        print(f"| backlog: CPU per delivery | {cpu(backlog, 'cpu_us_per_delivery')}; machine busy "
              f"{spread([100 * r['machine_busy_share'] for r in backlog], 0, ' %')} |")
        print(f"| backlog: RSS | peak sampled {spread([mib(r['rss_kib']['peak_sampled']) for r in backlog], 0, ' MiB')} |")
    print(f"| 50 % failing: attempts | {spread([r['attempts_per_s'] for r in failing])} attempts/s (receiver's first to last request) "
          f"= {attempts_rate / ceiling:.3f} × the ceiling; attempts per notification "
          f"{spread([r['receiver']['requests'] / count for r in failing], 2)} (expected 1.88) |")
    print(f"| 50 % failing: deliveries | {spread([r['deliveries_per_s'] for r in failing])} deliveries/s; intake "
          f"{spread([r['intake_rows_per_s'] for r in failing])} rows/s; round {spread([r['wall_s'] for r in failing], 0, ' s')} "
          f"from the first record produced to the last row ended |")
    print(f"| 50 % failing: DLQ | {spread([r['dead'] for r in failing])} dead = {spread([100 * r['dead_share'] for r in failing], 2, ' %')} "
          f"(expected {expected_dead:,.0f} = 6.25 %); median round over time: {timeline_at(failing, 'dead', (0.25, 0.5, 0.75, 1.0))}; "
          f"unpublished to notifications.dlq 30 s after: {spread([r['dead_unpublished_after_30s'] for r in failing])} |")
    print(f"| 50 % failing: none lost | ended delivered + dead per round: "
          f"{', '.join(str(r['final']['delivered'] + r['final']['dead']) for r in failing)} of {count:,}; suppressed "
          f"{spread([r['final']['suppressed'] for r in failing])}; lost {spread([r['lost'] for r in failing])} |")
    print(f"| 50 % failing: CPU per attempt | {cpu(failing, 'cpu_us_per_attempt')} |")
    print(f"| 50 % failing: RSS | idle {mib(int(meta['rss_idle_kib'])):.0f} MiB; peak sampled every 0.5 s "
          f"{spread([mib(r['rss_kib']['peak_sampled']) for r in failing], 0, ' MiB')}; VmHWM at the end {mib(failing[-1]['rss_kib']['hwm']):.0f} MiB; "
          f"after the last round {mib(int(meta.get('rss_after_kib', 0))):.0f} MiB |")
    print(f"| exactly-once (receiver's 2xx ids = delivered rows, none twice; requests = attempt rows; every dead row got its "
          f"{meta['max_attempts']} requests; signatures valid) | deliveries: {checks(deliveries)}; backlog: {checks(backlog)}; "
          f"failing: {checks(failing)} |")
    print()
    print(f"Per round: {run}/raw/<phase>-<round>.json (timelines of rows per status every second, RSS every 0.5 s).")


if __name__ == "__main__":
    main()
