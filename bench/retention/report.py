"""The parsing and arithmetic of bench/retention/run.sh, tested by test_bench.py.

    report.py pass-record REPORT_FILE --phase P --round N --part-rows N --rows N --seconds S --raw-bytes N
                          --rows-left N --busy N --loadavg "a b c"      one JSON line for records.jsonl
    report.py completed TOPIC_DUMP REQUEST_ID                           exit 0 once retention completed it
    report.py window TOPIC_DUMP REQUEST_ID                              "<request ms> <completion ms>"
    report.py erasure-record TOPIC_DUMP REQUEST_ID --tenant T ...       one JSON line for records.jsonl
    report.py report RUN_DIR                                            results.md on stdout

TOPIC_DUMP is `kcat -C -f '%T\\t%s\\n'` of the erasure topic: the record's timestamp (ms) and value.
Rates use MB = 10^6 bytes.
"""
import argparse
import json
import os
import statistics
import sys


def pass_report(text):
    """The JSON report `retention run` prints: the last line that is a JSON object with rows_archived
    (log lines may come before it)."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "rows_archived" in value:
            return value
    raise ValueError("no retention pass report (a JSON object with rows_archived) in the output")


def pass_record(report, **fields):
    record = dict(fields)
    record.update({
        "rows_archived": report["rows_archived"],
        "bytes_archived": report["bytes_archived"],
        "objects": report["objects_written"],
        "partitions_dropped": len(report.get("partitions_dropped", [])),
        "failed_tenants": report.get("failed_tenants", {}),
    })
    return record


def topic_records(text):
    """(timestamp_ms, value) of each `%T\\t%s` line whose value is a JSON object."""
    records = []
    for line in text.splitlines():
        stamp, _, value = line.partition("\t")
        try:
            records.append((int(stamp), json.loads(value)))
        except ValueError:
            continue
    return records


def erasure_times(text, request_id, service="retention"):
    """(request_ms, completion_ms, completion) for the request; completion_ms None while the
    service has not completed it."""
    request_ms = completion_ms = completion = None
    for stamp, value in topic_records(text):
        if not isinstance(value, dict) or value.get("request_id") != request_id:
            continue
        if value.get("type") == "erasure.requested" and request_ms is None:
            request_ms = stamp
        elif value.get("type") == "erasure.completed" and value.get("service") == service and completion_ms is None:
            completion_ms, completion = stamp, value
    if request_ms is None:
        raise ValueError(f"request {request_id} is not on the topic")
    return request_ms, completion_ms, completion


def probe_waits(text, start_ms, end_ms):
    """The probe's lines `<start ms> <wait ms>`: the waits of the acquisitions that started in
    [start_ms, end_ms], and the longest."""
    waits = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        started, wait = int(parts[0]), int(parts[1])
        if start_ms <= started <= end_ms:
            waits.append(wait)
    return {"samples": len(waits), "max_ms": max(waits) if waits else None,
            "median_ms": statistics.median(waits) if waits else None}


def erasure_record(text, request_id, probe_text, **fields):
    request_ms, completion_ms, completion = erasure_times(text, request_id)
    if completion_ms is None:
        raise ValueError(f"retention has not completed {request_id}")
    deleted = completion.get("deleted") or {}
    seconds = (completion_ms - request_ms) / 1000
    objects = deleted.get("archive_objects", 0)
    record = dict(fields)
    record.update({
        "phase": "erasure", "request_id": request_id, "status": completion.get("status"),
        "seconds": seconds, "deleted": deleted,
        "ms_per_object": round(1000 * seconds / objects, 1) if objects else None,
        # The probe's acquisitions that started while the erasure was under way (one started a
        # moment before the request is consumed can wait into it too: the window opens 1 s early).
        "probe": probe_waits(probe_text, request_ms - 1_000, completion_ms),
    })
    return record


def spread(values):
    """`median (min–max)` of numbers, or the one value."""
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})"


def fmt(value):
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{int(value):,}"


def archive_rows(records):
    """Per part size: the pass's and the baseline's rates over the rounds, and the per-round
    fraction of the baseline's rows/s the pass reached (each pass against the baseline over the
    same rows, measured just before it)."""
    baselines = {(r["round"], r["part_rows"]): r for r in records if r["phase"] == "baseline"}
    table = {}
    for r in records:
        if r["phase"] != "archive":
            continue
        base = baselines.get((r["round"], r["part_rows"]))
        entry = table.setdefault(r["part_rows"], {"rows_per_s": [], "gz_mb_per_s": [], "raw_mb_per_s": [], "seconds": [],
                                                   "objects": [], "ratio": [], "base_rows_per_s": [], "base_raw_mb_per_s": [],
                                                   "base_gz_bytes": [], "bytes": [], "problems": []})
        rate = r["rows_archived"] / r["seconds"]
        entry["rows_per_s"].append(rate)
        entry["gz_mb_per_s"].append(r["bytes_archived"] / r["seconds"] / 1e6)
        entry["raw_mb_per_s"].append(r["raw_bytes"] / r["seconds"] / 1e6)
        entry["seconds"].append(r["seconds"])
        entry["objects"].append(r["objects"])
        entry["bytes"].append(r["bytes_archived"])
        if base:
            base_rate = base["rows"] / base["seconds"]
            entry["base_rows_per_s"].append(base_rate)
            entry["base_raw_mb_per_s"].append(base["raw_bytes"] / base["seconds"] / 1e6)
            entry["base_gz_bytes"].append(base["gzip_bytes"])
            entry["ratio"].append(rate / base_rate)
        if r["rows_archived"] != r["rows"] or r["rows_left"] != 0 or r["failed_tenants"]:
            entry["problems"].append(f"round {r['round']}: archived {r['rows_archived']} of {r['rows']}, "
                                     f"{r['rows_left']} left, failed {r['failed_tenants'] or 'none'}")
    return table


def processor_rows(records):
    """Per round: the processor's rate alone and during the pass, their ratio, and whether the
    pass was still running when the processor had stored its events."""
    by_round = {}
    for r in records:
        if r["phase"] == "processor":
            by_round.setdefault(r["round"], {})[r["mode"]] = r
    result = {"alone": [], "with": [], "ratio": [], "overlap": []}
    for number in sorted(by_round):
        pair = by_round[number]
        if "alone" in pair:
            result["alone"].append(pair["alone"]["events_per_s"])
        if "with-pass" in pair:
            result["with"].append(pair["with-pass"]["events_per_s"])
            result["overlap"].append(pair["with-pass"]["pass_running_at_end"])
        if "alone" in pair and "with-pass" in pair and pair["alone"]["events_per_s"]:
            result["ratio"].append(pair["with-pass"]["events_per_s"] / pair["alone"]["events_per_s"])
    return result


def per_object_model(erasures):
    """From two erasures whose objects differ in size: ms per object = fixed + per_row × rows per
    object (a line through the two points); None unless exactly two sizes were measured."""
    points = []
    for e in erasures:
        objects = e["deleted"].get("archive_objects", 0)
        if objects and e.get("rows_before"):
            points.append((e["rows_before"] / objects, 1000 * e["seconds"] / objects))
    if len(points) != 2 or points[0][0] == points[1][0]:
        return None
    (x1, y1), (x2, y2) = sorted(points)
    per_row = (y2 - y1) / (x2 - x1)
    return {"fixed_ms": y1 - per_row * x1, "ms_per_row": per_row}


def read_meta(run):
    meta = {}
    path = os.path.join(run, "meta.env")
    if os.path.exists(path):
        for line in read(path).splitlines():
            key, _, value = line.partition("=")
            meta[key] = value
    return meta


def render(records, meta):
    out = [f"### Retention, run {meta.get('stamp', '?')}", ""]
    out.append(f"- command: `{meta.get('command', '?')}` (commit {meta.get('commit', '?')}{', dirty' if meta.get('dirty') == 'yes' else ''})")
    out.append(f"- machine: {meta.get('cores', '?')} cores ({meta.get('cpu', '?')}), shared; waited {meta.get('waited_s', '?')} s for "
               f"builds/tests, {meta.get('busy_at_start', '?')} still running at the start; load average at the start "
               f"{meta.get('loadavg_at_start', '?')}, at the end {meta.get('loadavg_at_end', '?')}")
    busy = [r.get("busy", 0) for r in records if "busy" in r]
    if busy:
        out.append(f"- build/test processes seen at the measurements: {min(busy)}–{max(busy)}")
    out.append("")

    table = archive_rows(records)
    if table:
        out += ["#### Archival throughput (`retention run`, every tenant hot 5 days)", "",
                f"{meta.get('rows', '?')} rows per round, 4 tenants × 10 days; median (min–max) over the rounds.", "",
                "| GM_RETENTION_PART_ROWS | pass | rows/s | compressed MB/s | raw text MB/s | objects | "
                "baseline COPY \\| gzip -6: rows/s, raw MB/s | **pass / baseline (rows/s)** |",
                "|---|---|---|---|---|---|---|---|"]
        for part in sorted(table, reverse=True):
            e = table[part]
            out.append(f"| {part:,} | {spread(e['seconds'])} s | {spread(e['rows_per_s'])} | {spread(e['gz_mb_per_s'])} | "
                       f"{spread(e['raw_mb_per_s'])} | {spread(e['objects'])} | {spread(e['base_rows_per_s'])}, "
                       f"{spread(e['base_raw_mb_per_s'])} | **{spread(e['ratio'])}** |")
        out.append("")
        for part in sorted(table, reverse=True):
            e = table[part]
            if e["bytes"] and e["base_gz_bytes"]:
                out.append(f"- part rows {part:,}: archive {spread(e['bytes'])} bytes compressed; gzip -6 of the whole "
                           f"stream {spread(e['base_gz_bytes'])} bytes")
            for problem in e["problems"]:
                out.append(f"- **problem** (part rows {part:,}): {problem}")
        out.append("")

    proc = processor_rows(records)
    if proc["alone"] or proc["with"]:
        out += ["#### The processor alone and during a pass", "",
                "| processor | events/s sustained |", "|---|---|",
                f"| alone | {spread(proc['alone'])} |",
                f"| while `retention run` archives a backlog | {spread(proc['with'])} |",
                f"| **ratio during / alone** (per round) | **{spread(proc['ratio'])}** |", ""]
        if any(o is False for o in proc["overlap"]):
            out.append(f"- **the pass ended before the processor in some rounds** (pass still running at the end: {proc['overlap']})")
        else:
            out.append(f"- the pass was still running when the processor had stored its events in every round ({proc['overlap']})")
        out.append("")

    archive = [r for r in records if r["phase"] == "erasure-archive"]
    erasures = [r for r in records if r["phase"] == "erasure"]
    if archive or erasures:
        out += ["#### Erasure across a year of archives", ""]
        for a in archive:
            out.append(f"- archiving the erasure tenants: {a['rows_archived']:,} rows into {a['objects']:,} objects in "
                       f"{a['seconds']:.1f} s ({1000 * a['seconds'] / max(1, a['objects']):.0f} ms per object); "
                       f"{a['partitions_dropped']} partitions dropped")
        out += ["", "| tenant | objects holding the player | rows / object | request → retention's erasure.completed | "
                "per object | lines removed | erasure lock: longest wait of a shared taker | processor lag during it: max, p50 |",
                "|---|---|---|---|---|---|---|---|"]
        for e in erasures:
            objects = e["deleted"].get("archive_objects", 0)
            rows_per_object = e["rows_before"] / objects if objects else 0
            probe = e["probe"]
            out.append(f"| {e['tenant']} | {objects:,} | {rows_per_object:,.0f} | **{e['seconds']:.1f} s** | "
                       f"{e['ms_per_object'] or 0:,.0f} ms | {e['deleted'].get('archive_lines', 0):,} | "
                       f"{fmt(probe['max_ms']) if probe['max_ms'] is not None else '—'} ms "
                       f"(median {fmt(probe['median_ms']) if probe['median_ms'] is not None else '—'} ms, {probe['samples']} probes) | {fmt(e.get('processor_lag_max_ms', -1))} ms, "
                       f"{fmt(e.get('processor_lag_p50_ms', -1))} ms ({fmt(e.get('processor_rows', 0))} events) |")
        out.append("")
        for e in erasures:
            verdict = "within" if e["seconds"] <= 3600 else "**beyond**"
            out.append(f"- {e['tenant']}: status {e['status']}, {verdict} the one-hour requirement; index rows left for the "
                       f"player {e['index_left']}, the player's lines in a rewritten object {e['lines_left_in_sample']}")
        model = per_object_model(erasures)
        if model:
            out.append(f"- per object ≈ {model['fixed_ms']:.0f} ms + {model['ms_per_row'] * 1000:.1f} ms per 1,000 rows of the "
                       f"object (a line through the two sizes); a year of days of 100,000 rows holding the player would take "
                       f"≈ {365 * (model['fixed_ms'] + model['ms_per_row'] * 100_000) / 1000:,.0f} s, of 1,000,000 rows "
                       f"≈ {365 * (model['fixed_ms'] + model['ms_per_row'] * 1_000_000) / 1000:,.0f} s")
        out.append("")
    return "\n".join(out) + "\n"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main(argv):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pass-record")
    p.add_argument("file")
    for name in ("phase", "loadavg"):
        p.add_argument("--" + name, required=True)
    for name in ("round", "part-rows", "rows", "raw-bytes", "rows-left", "busy"):
        p.add_argument("--" + name, type=int, required=True)
    p.add_argument("--seconds", type=float, required=True)
    w = sub.add_parser("window")
    w.add_argument("file")
    w.add_argument("request_id")
    c = sub.add_parser("completed")
    c.add_argument("file")
    c.add_argument("request_id")
    e = sub.add_parser("erasure-record")
    e.add_argument("file")
    e.add_argument("request_id")
    e.add_argument("--tenant", required=True)
    e.add_argument("--probe", required=True)
    e.add_argument("--loadavg", required=True)
    for name in ("objects-before", "rows-before", "bytes-before", "index-left", "lines-left-in-sample", "busy",
                 "processor-lag-max-ms", "processor-lag-p50-ms", "processor-rows"):
        e.add_argument("--" + name, type=int, required=True)
    r = sub.add_parser("report")
    r.add_argument("run")
    args = parser.parse_args(argv)

    if args.command == "pass-record":
        report = pass_report(read(args.file))
        fields = {k: v for k, v in vars(args).items() if k not in ("command", "file")}
        print(json.dumps(pass_record(report, **fields)))
    elif args.command == "window":
        request_ms, completion_ms, _ = erasure_times(read(args.file), args.request_id)
        print(request_ms, completion_ms)
    elif args.command == "completed":
        _, completion_ms, _ = erasure_times(read(args.file), args.request_id)
        return 0 if completion_ms is not None else 1
    elif args.command == "erasure-record":
        probe = read(args.probe) if os.path.exists(args.probe) else ""
        fields = {k: v for k, v in vars(args).items() if k not in ("command", "file", "request_id", "probe")}
        print(json.dumps(erasure_record(read(args.file), args.request_id, probe, **fields)))
    else:
        records = [json.loads(line) for line in read(os.path.join(args.run, "raw", "records.jsonl")).splitlines() if line.strip()]
        sys.stdout.write(render(records, read_meta(args.run)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
