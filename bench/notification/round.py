#!/usr/bin/env python3
"""One measured round of bench/notification/run.sh: queues COUNT webhook notifications through
the `notifications.requested` topic (kcat) as fast as kcat produces them, waits until every one
has ended (delivered, dead or suppressed) in PostgreSQL, and prints one JSON object with what the
receiver saw and what the database holds.

    round.py --receiver URL --bootstrap HOST:PORT --topic T --tenant T --endpoint UUID --count N
             --prefix KEY_PREFIX --fail-ratio R --seed S --service-pid PID --postgres-pid PID
             --receiver-pid PID --devkafka-pid PID --pg-port PORT [--stall-seconds 90] [--backlog-like KEY]

With --backlog-like KEY it queues nothing through the topic: it inserts COUNT copies of the row
with that idempotency key (one the service queued itself) as the owner, all due at once, to
measure delivery alone from a full queue.

PostgreSQL is read as the schema owner (PGUSER/PGPASSWORD/PGDATABASE in the environment, host
127.0.0.1). While the round runs it samples the service's VmRSS every 0.5 s and the round's rows
per status every second (the DLQ's growth); CPU time (utime+stime from /proc) of the service,
PostgreSQL (the postmaster and its backends), the receiver and devkafka, and the machine's busy
share, are read before and after. A round whose rows stop moving for --stall-seconds while some
are still pending ends there, with "stuck": true and the counts as they are (a finding).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def children(pid):
    """The processes whose parent is `pid` (PostgreSQL's backends under the postmaster)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def machine():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    return user + nice + system + irq + softirq + steal, sum(values)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Database:
    def __init__(self, port):
        # The platform's psql (GM_PGBIN, tools/platform/lib.sh; bench/notification/run.sh passes it).
        psql = os.path.join(os.environ["GM_PGBIN"], "psql") if "GM_PGBIN" in os.environ else "psql"
        self.command = [psql, "-X", "-h", "127.0.0.1", "-p", str(port), "-Atq", "-v", "ON_ERROR_STOP=1", "-F", "\t"]

    def rows(self, sql):
        out = subprocess.run(self.command + ["-c", sql], capture_output=True, text=True, check=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]


def http(method, url):
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def cpu_snapshot(args):
    postgres = [args.postgres_pid] + children(args.postgres_pid)
    return {
        "service": ticks(args.service_pid), "postgres": sum(ticks(p) for p in postgres),
        "receiver": ticks(args.receiver_pid), "devkafka": ticks(args.devkafka_pid), "machine": machine(),
    }


def checks(status_of, seen, attempt_rows):
    """Exactly-once from the receiver's side. `status_of`: message id -> (status, attempts) of
    the round's rows; `seen`: the receiver's /stats?ids=1; `attempt_rows`: the round's rows in
    notification_attempts. Every key is a count or a verdict; a good round has the three
    verdicts true and every count but receiver_requests_for_round 0."""
    delivered_ids = {i for i, (s, _) in status_of.items() if s == "delivered"}
    dead_ids = {i for i, (s, _) in status_of.items() if s == "dead"}
    ok_ids = set(seen["ids_ok_list"])
    per_id = seen["requests_per_id"]
    ours = sum(r for i, r in per_id.items() if i in status_of)
    return {
        "ok_ids_equal_delivered_rows": ok_ids & set(status_of) == delivered_ids,
        "delivered_rows_not_seen_ok": len(delivered_ids - ok_ids),
        "ok_ids_not_delivered": len((ok_ids & set(status_of)) - delivered_ids),
        "ids_ok_more_than_once": seen["ids_ok_more_than_once"],
        "receiver_requests_equal_attempt_rows": ours == attempt_rows,
        "receiver_requests_for_round": ours,
        "dead_rows_whose_request_count_differs_from_attempts": sum(1 for i in dead_ids if per_id.get(i, 0) != status_of[i][1]),
        "requests_from_unknown_ids": sum(r for i, r in per_id.items() if i not in status_of),
    }


def passed(result):
    """Whether a round passes: nothing stuck or lost, exactly-once holds, every signature verified."""
    c = result["checks"]
    return (not result["stuck"] and result["lost"] == 0 and c["ok_ids_equal_delivered_rows"] and c["ids_ok_more_than_once"] == 0
            and c["receiver_requests_equal_attempt_rows"] and c["dead_rows_whose_request_count_differs_from_attempts"] == 0
            and c["requests_from_unknown_ids"] == 0 and result["receiver"]["bad_signatures"] == 0
            and result["receiver"]["stale_timestamps"] == 0 and result["receiver"]["unsigned"] == 0)


def main():
    parser = argparse.ArgumentParser()
    for name in ("receiver", "bootstrap", "topic", "tenant", "endpoint", "prefix"):
        parser.add_argument("--" + name, required=True)
    for name in ("count", "seed", "service-pid", "postgres-pid", "receiver-pid", "devkafka-pid", "pg-port"):
        parser.add_argument("--" + name, type=int, required=True)
    parser.add_argument("--fail-ratio", type=float, required=True)
    parser.add_argument("--stall-seconds", type=float, default=90)
    parser.add_argument("--backlog-like", help="instead of the topic: insert COUNT copies of the row with this idempotency key, due at once")
    args = parser.parse_args()
    db = Database(args.pg_port)
    like = args.prefix.replace("'", "''") + "%"
    mine = f"tenant_id = '{args.tenant}' AND idempotency_key LIKE '{like}'"

    http("POST", f"{args.receiver}/reset?fail_ratio={args.fail_ratio}&seed={args.seed}")
    rss_idle = rss_kib(args.service_pid)
    cpu0 = cpu_snapshot(args)
    started = time.time()

    rss_samples, timeline = [], []
    done = threading.Event()

    def sample_rss():
        while not done.is_set():
            rss_samples.append((round(time.time() - started, 2), rss_kib(args.service_pid)))
            done.wait(0.5)

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()

    if args.backlog_like:
        # A backlog: the queue already holds COUNT due rows (copies of a row the service queued
        # itself, each with an id and key of its own) when the workers next look.
        template = args.backlog_like.replace("'", "''")
        db.rows(f"""INSERT INTO notifications (tenant_id, notification_id, idempotency_key, request_hash, source, channel, destination,
                                               player_id, template, data, status, next_attempt_at)
                    SELECT t.tenant_id, gen_random_uuid(), '{args.prefix.replace("'", "''")}' || lpad(i::text, 6, '0'), t.request_hash,
                           t.source, t.channel, '{args.endpoint}', t.player_id, t.template, t.data, 'pending', now()
                      FROM notifications t, generate_series(0, {args.count - 1}) i
                     WHERE t.tenant_id = '{args.tenant}' AND t.idempotency_key = '{template}'""")
    else:
        # The records: the API's body plus tenant_id and idempotency_key, keyed tenant:player-like.
        message = "bench notification " + "x" * 100
        kcat = subprocess.Popen(
            ["kcat", "-P", "-b", args.bootstrap, "-t", args.topic, "-K", "\t", "-X", "acks=all", "-X", "linger.ms=5"],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        lines = []
        for i in range(args.count):
            key = f"{args.prefix}{i:06d}"
            record = {"tenant_id": args.tenant, "idempotency_key": key, "channel": "webhook", "to": {"endpoint_id": args.endpoint},
                      "template": "operator_message", "data": {"title": f"bench {i}", "message": message}}
            lines.append(f"{args.tenant}:{key}\t{json.dumps(record, separators=(',', ':'))}\n")
        kcat.stdin.write("".join(lines).encode())
        kcat.stdin.close()
        kcat_error = kcat.stderr.read().decode()
        if kcat.wait() != 0:
            sys.exit(f"kcat failed: {kcat_error}")
    produced = time.time()

    stuck, last_change, last_counts = False, time.time(), None
    while True:
        row = db.rows(f"""SELECT count(*), count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'delivered'),
                                 count(*) FILTER (WHERE status = 'dead'), count(*) FILTER (WHERE status = 'suppressed'),
                                 coalesce(sum(attempts), 0)
                            FROM notifications WHERE {mine}""")[0]
        total, pending, delivered, dead, suppressed, attempts = (int(v) for v in row)
        now = time.time()
        timeline.append({"t": round(now - started, 2), "rows": total, "pending": pending, "delivered": delivered, "dead": dead,
                         "suppressed": suppressed, "attempts": attempts})
        if total == args.count and pending == 0:
            break
        counts = (total, pending, delivered, dead, suppressed, attempts)
        if counts != last_counts:
            last_counts, last_change = counts, now
        elif now - last_change > args.stall_seconds:
            stuck = True
            break
        time.sleep(1)
    finished = time.time()
    cpu1 = cpu_snapshot(args)
    done.set()
    sampler.join()
    rss_end = rss_kib(args.service_pid)

    # The DLQ outbox: every dead row is published to notifications.dlq shortly after.
    unpublished = None
    for _ in range(30):
        unpublished = int(db.rows(f"SELECT count(*) FROM notifications WHERE {mine} AND status = 'dead' AND NOT dead_letter_published")[0][0])
        if unpublished == 0:
            break
        time.sleep(1)

    time.sleep(0.5)  # an answer the service has recorded has been counted by the receiver long before
    seen = http("GET", f"{args.receiver}/stats?ids=1")
    span = db.rows(f"""SELECT extract(epoch FROM min(created_at)), extract(epoch FROM max(created_at)),
                              extract(epoch FROM min(finished_at)), extract(epoch FROM max(finished_at))
                         FROM notifications WHERE {mine}""")[0]
    created_first, created_last, finished_first, finished_last = (float(v) if v else None for v in span)
    status_of = {f"msg_{i}": (s, int(a)) for i, s, a in db.rows(f"SELECT notification_id, status, attempts FROM notifications WHERE {mine}")}
    attempt_rows = {o: int(c) for o, c in db.rows(
        f"""SELECT a.outcome, count(*) FROM notification_attempts a JOIN notifications n USING (tenant_id, notification_id)
             WHERE n.tenant_id = '{args.tenant}' AND n.idempotency_key LIKE '{like}' GROUP BY a.outcome""")}
    status_codes = {c or "none": int(n) for c, n in db.rows(
        f"""SELECT a.status_code::text, count(*) FROM notification_attempts a JOIN notifications n USING (tenant_id, notification_id)
             WHERE n.tenant_id = '{args.tenant}' AND n.idempotency_key LIKE '{like}' GROUP BY 1""")}

    attempts_histogram = {f"{s}:{a}": int(c) for s, a, c in db.rows(
        f"SELECT status, attempts, count(*) FROM notifications WHERE {mine} GROUP BY 1, 2 ORDER BY 1, 2")}
    dead_ids = {i for i, (s, _) in status_of.items() if s == "dead"}
    ok_times = sorted(seen["ok_times"])
    after_intake = [t for t in ok_times if created_last is not None and t > created_last]

    def rate(count, first, last):
        return round(count / (last - first), 1) if first is not None and last is not None and last > first else None

    def cpu_us(name, per):
        return round(1e6 * (cpu1[name] - cpu0[name]) / CLK_TCK / per, 1) if per else None

    busy = cpu1["machine"][0] - cpu0["machine"][0]
    total_ticks = cpu1["machine"][1] - cpu0["machine"][1]
    peak = max((r for _, r in rss_samples), default=0)
    result = {
        "count": args.count, "fail_ratio": args.fail_ratio, "seed": args.seed, "stuck": stuck,
        "wall_s": round(finished - started, 2), "produce_s": round(produced - started, 2),
        "final": timeline[-1],
        "lost": args.count - timeline[-1]["delivered"] - timeline[-1]["dead"] - timeline[-1]["suppressed"],
        "source": "backlog" if args.backlog_like else "topic",
        "intake_rows_per_s": None if args.backlog_like else rate(args.count - 1, created_first, created_last),
        "intake_s": round(created_last - created_first, 2) if created_first is not None else None,
        "first_row_after_produce_start_s": round(created_first - started, 2) if created_first else None,
        "receiver": {k: seen[k] for k in ("requests", "ok", "failed", "distinct_ids", "ids_ok", "ids_ok_more_than_once",
                                          "max_requests_per_id", "bad_signatures", "stale_timestamps", "unsigned")},
        "deliveries_per_s": rate(len(ok_times) - 1, ok_times[0] if ok_times else None, ok_times[-1] if ok_times else None),
        "attempts_per_s": rate(seen["requests"] - 1, seen["first_request"], seen["last_request"]),
        "deliveries_after_intake": len(after_intake),
        "deliveries_per_s_after_intake": rate(len(after_intake), created_last, after_intake[-1] if after_intake else None),
        "first_delivery_after_first_row_s": round(ok_times[0] - created_first, 3) if ok_times and created_first else None,
        "last_delivery_after_last_row_s": round(ok_times[-1] - created_last, 2) if ok_times and created_last else None,
        "dead": len(dead_ids), "dead_share": round(len(dead_ids) / args.count, 4),
        "dead_unpublished_after_30s": unpublished,
        "attempt_rows": attempt_rows, "attempt_status_codes": status_codes, "rows_by_status_and_attempts": attempts_histogram,
        "checks": checks(status_of, seen, sum(attempt_rows.values())),
        "rss_kib": {"idle_before": rss_idle, "peak_sampled": peak, "end": rss_end, "hwm": hwm_kib(args.service_pid),
                    "median_sampled": statistics.median(r for _, r in rss_samples) if rss_samples else 0, "samples": len(rss_samples)},
        "cpu_us_per_delivery": {n: cpu_us(n, len(ok_times)) for n in ("service", "postgres", "receiver", "devkafka")},
        "cpu_us_per_attempt": {n: cpu_us(n, seen["requests"]) for n in ("service", "postgres", "receiver", "devkafka")},
        "cpu_s": {n: round((cpu1[n] - cpu0[n]) / CLK_TCK, 2) for n in ("service", "postgres", "receiver", "devkafka")},
        "machine_busy_share": round(busy / total_ticks, 3) if total_ticks else None,
        # Everything else that ran meanwhile: kcat, the samplers, and whatever else shares the machine.
        "other_cpu_s": round((busy - sum(cpu1[n] - cpu0[n] for n in ("service", "postgres", "receiver", "devkafka"))) / CLK_TCK, 2),
        "timeline": timeline, "rss_samples": rss_samples,
    }
    result["passed"] = passed(result)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
