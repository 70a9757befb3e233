"""Where PostgreSQL spends a storing statement's time, from auto_explain's plans in a server log.

    python3 plan_times.py POSTGRES_LOG

bench/processor/run.sh with GM_BENCH_EXPLAIN=1 logs the plan (EXPLAIN ANALYZE) of every
statement slower than 100 ms. For each data-modifying node of the storing statement (one per
table it writes) this prints the median over the statements of its own time: the node's end
minus the end of its input, i.e. the inserts, index updates and row-lock waits, without the
sorting and grouping below it; a wait for another transaction's row locks shows in the mean and
the maximum rather than the median when only some statements wait. Plan timings include auto_explain's own overhead: compare the
nodes with each other, not with the benchmark's rates.
"""
import collections
import re
import statistics
import sys

NODE = re.compile(r"^(\s*)(?:->\s+)?(Insert on \S+(?: \w+)?|[A-Z][A-Za-z ]+?)\s+\(cost=.*?actual time=([0-9.]+)\.\.([0-9.]+) rows=(\d+)")


def plans(text):
    for chunk in re.split(r"\n(?=\S.*duration: [0-9.]+ ms  plan:)", text):
        m = re.search(r"duration: ([0-9.]+) ms  plan:", chunk)
        if m and "Insert on events_raw" in chunk:
            yield float(m.group(1)), chunk


def own_times(chunk):
    """{table: (own ms, rows)} for each Insert node: its end minus its first child's end."""
    lines = chunk.splitlines()
    nodes = []
    for line in lines:
        m = NODE.match(line.replace("\t", "    "))
        if m:
            nodes.append((len(m.group(1)), m.group(2), float(m.group(4)), int(m.group(5))))
    result = {}
    for i, (indent, name, end, rows) in enumerate(nodes):
        if not name.startswith("Insert on "):
            continue
        child = next((n for n in nodes[i + 1:] if n[0] > indent), None)
        table = name.split()[2]
        own = end - (child[2] if child else 0)
        previous = result.get(table, (0.0, 0))
        result[table] = (previous[0] + own, previous[1] + rows)
    return result


def main():
    statements = list(plans(open(sys.argv[1], errors="replace").read()))
    if not statements:
        print("no storing statement in the log (was GM_BENCH_EXPLAIN=1 set?)")
        return
    per_table = collections.defaultdict(list)
    events = []
    for duration, chunk in statements:
        times = own_times(chunk)
        events.append(times.get("events_raw", (0, 0))[1])
        for table, (own, _rows) in times.items():
            per_table[table].append((own, duration))
    total = statistics.median(d for d, _ in statements)
    print(f"{len(statements)} storing statements, median {total:.0f} ms for a median {statistics.median(events):.0f} events")
    print()
    print("| table written | median own time ms | share of the median statement | mean ms (lock waits show here) | max ms |")
    print("|---|---|---|---|---|")
    for table, samples in sorted(per_table.items(), key=lambda kv: -statistics.median(s[0] for s in kv[1])):
        own = statistics.median(s[0] for s in samples)
        mean = statistics.mean(s[0] for s in samples)
        print(f"| {table} | {own:.0f} | {own / total:.0%} | {mean:.0f} | {max(s[0] for s in samples):.0f} |")


main()
