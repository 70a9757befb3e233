"""Live-update measurements for bench/analytics-api/run.sh (graphql-transport-ws clients).

  live.py freshness URL INGESTION_URL EVENTS
      One subscriber; posts EVENTS events at 20/s for one player (currency CHF, which the
      simulator never sends) and times each from ingestion's 202 to the update holding it.
  live.py fanout URL SUBSCRIBERS SECONDS PID
      SUBSCRIBERS connections (2 client processes, connecting in waves of 50, each socket read
      from the moment it is open: an unread socket stops answering pings and is closed), each
      subscribed; for SECONDS every update's arrival minus its stored_at (the processor's commit
      time, same clock), whether every subscriber received every update, and the server's RSS
      (VmRSS of PID) each second.
The access token comes from GM_BENCH_TOKEN and the write key from GM_WRITE_KEY (never in argv,
where `ps` shows them). Prints one JSON object.
"""
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
import urllib.request
import uuid
from datetime import datetime, timezone

import websockets

SUBSCRIBE = "subscription { liveMetrics { tenantId storedAt deltas { minute eventType currency events amountMinor } } }"


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def connect(url, token, ident):
    ws = await websockets.connect(url, subprotocols=["graphql-transport-ws"], max_size=1 << 22, open_timeout=60, ping_interval=None)
    await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == "connection_ack":
            break
    await ws.send(json.dumps({"type": "subscribe", "id": ident, "payload": {"query": SUBSCRIBE}}))
    return ws


def post_event(ingestion, write_key):
    body = json.dumps({
        "event_id": str(uuid.uuid4()), "player_id": "bench-freshness", "type": "deposit",
        "occurred_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "amount": {"minor": 100, "currency": "CHF"},
    }).encode()
    request = urllib.request.Request(ingestion + "/v1/events", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-API-Key": write_key})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 202:
            raise RuntimeError(f"ingestion answered {response.status}")


async def freshness(url, ingestion, token, write_key, events, rate=20):
    """Posts `events` at `rate` per second, all for one player (one partition, so stored in
    order); an update with k CHF events answers the k oldest outstanding ones."""
    ws = await connect(url, token, "fresh")
    await asyncio.sleep(1)
    outstanding, latencies = [], []
    done = asyncio.Event()

    async def send():
        for _ in range(events):
            started = time.monotonic()
            await asyncio.to_thread(post_event, ingestion, write_key)
            outstanding.append(time.monotonic())
            await asyncio.sleep(max(0, 1 / rate - (time.monotonic() - started)))
        done.set()

    async def receive():
        while len(latencies) < events:
            timeout = 30 if done.is_set() else 120
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
            except asyncio.TimeoutError:
                return
            if message.get("type") != "next":
                continue
            arrived = time.monotonic()
            for delta in message["payload"]["data"]["liveMetrics"]["deltas"]:
                if delta["currency"] != "CHF":
                    continue
                for _ in range(int(delta["events"])):
                    if outstanding:
                        latencies.append((arrived - outstanding.pop(0)) * 1000)

    await asyncio.gather(send(), receive())
    await ws.close()
    return {"events": events, "received": len(latencies), "timeouts": events - len(latencies),
            "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99), "max_ms": max(latencies) if latencies else None}


async def fanout_worker(url, token, count, seconds, offset, ready):
    """Connects `count` subscribers in waves, reads each from the moment it is connected, and
    returns when this worker had all of them, and every (stored_at, lag) per subscriber."""
    received = [[] for _ in range(count)]

    async def read(index, ws):
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") != "next":
                    continue
                update = message["payload"]["data"]["liveMetrics"]
                stored = datetime.strptime(update["storedAt"][:26].rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
                received[index].append((stored, (time.time() - stored) * 1000))
        except websockets.exceptions.ConnectionClosed:
            pass

    sockets, readers = [], []
    for first in range(0, count, 50):
        wave = await asyncio.gather(*(connect(url, token, f"s{offset + index}") for index in range(first, min(first + 50, count))))
        for index, ws in enumerate(wave, first):
            sockets.append(ws)
            readers.append(asyncio.create_task(read(index, ws)))
    connected = time.time()
    ready.set()
    await asyncio.sleep(seconds)
    for ws in sockets:
        await ws.close()
    await asyncio.gather(*readers)
    return connected, received


def fanout_process(url, token, count, seconds, offset, ready, results):
    results.put(asyncio.run(fanout_worker(url, token, count, seconds, offset, ready)))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fanout(url, token, subscribers, seconds, pid):
    workers = 2
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    readies, processes = [], []
    rss_before = rss_kib(pid)
    per = subscribers // workers
    for worker in range(workers):
        ready = context.Event()
        count = per + (subscribers % workers if worker == workers - 1 else 0)
        process = context.Process(target=fanout_process, args=(url, token, count, seconds + 5, worker * per, ready, results))
        process.start()
        readies.append(ready)
        processes.append(process)
    for ready in readies:
        ready.wait(300)
    rss = []
    for _ in range(seconds):
        rss.append(rss_kib(pid))
        time.sleep(1)
    collected = [results.get(timeout=seconds + 300) for _ in processes]
    for process in processes:
        process.join()
    # Updates stored after every worker had all its subscribers, and before the first stopped.
    start = max(part[0] for part in collected) + 1
    end = min(part[0] for part in collected) + seconds - 5
    per_subscriber = [[(stored, lag) for stored, lag in received if start <= stored < end] for part in collected for received in part[1]]
    updates = set(stored for received in per_subscriber for stored, _ in received)
    complete = sum(1 for received in per_subscriber if set(stored for stored, _ in received) == updates)
    lags = [lag for received in per_subscriber for _, lag in received]
    return {"subscribers": len(per_subscriber), "updates": len(updates), "subscribers_with_every_update": complete,
            "messages": len(lags), "p50_ms": percentile(lags, 50), "p99_ms": percentile(lags, 99),
            "rss_before_mib": round(rss_before / 1024, 1), "rss_median_mib": round(statistics.median(rss) / 1024, 1) if rss else None,
            "rss_max_mib": round(max(rss) / 1024, 1) if rss else None}


if __name__ == "__main__":
    mode = sys.argv[1]
    token = os.environ["GM_BENCH_TOKEN"]
    if mode == "freshness":
        print(json.dumps(asyncio.run(freshness(sys.argv[2], sys.argv[3], token, os.environ["GM_WRITE_KEY"], int(sys.argv[4])))))
    elif mode == "fanout":
        print(json.dumps(fanout(sys.argv[2], token, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))))
    else:
        sys.exit(__doc__)
