#!/usr/bin/env python3
"""A webhook receiver for bench/notification/run.sh: HTTP/1.1 on loopback (keep-alive,
Content-Length bodies, pipelining), stdlib asyncio only, one process, one thread.

Every POST is a webhook: it answers 500 to a seeded random share of them (--fail-ratio,
--seed: the same sequence of answers for the same order of arrival) and 200 to the rest, and
records per `webhook-id` how many requests it got and how many it answered 2xx. With
--secret-file (the endpoint's `whsec_` secret) it also checks each request's Standard Webhooks
signature and timestamp, as a real receiver must (the README's recipe), and counts the ones that
do not verify; it answers them like any other (the count is the finding, not a refusal).

    receiver.py --port PORT [--fail-ratio 0.5] [--seed 1] [--secret-file FILE]

GET /stats      counters (JSON): requests, ok, failed, distinct ids, ids answered 2xx more
                than once, bad signatures, first/last request and 2xx times (Unix seconds),
                requests and 2xx per wall-clock second; ?ids=1 adds the ids answered 2xx, the
                request count of every id and the time of every 2xx answer
POST /reset     forgets everything counted so far; ?fail_ratio=&seed= change the answers
Prints "ready" once it listens; runs until SIGTERM or SIGINT.
"""
import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import random
import signal
import time
import urllib.parse

MAX_HEAD = 16 * 1024
MAX_BODY = 1024 * 1024


class Counters:
    def __init__(self, fail_ratio, seed):
        self.configure(fail_ratio, seed)

    def configure(self, fail_ratio, seed):
        self.fail_ratio = fail_ratio
        self.random = random.Random(seed)
        self.per_id = {}  # webhook-id -> [requests, 2xx]
        self.requests = self.ok = self.failed = 0
        self.bad_signatures = self.stale = self.unsigned = 0
        self.first_request = self.last_request = self.first_ok = self.last_ok = None
        self.per_second = {}  # int(second) -> [requests, 2xx]
        self.ok_times = []  # the time of every 2xx answer


class Receiver(asyncio.Protocol):
    counters = None
    key = None

    def connection_made(self, transport):
        self.transport = transport
        self.buffer = bytearray()

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self.reply(431, b"", close=True)
                return
            lines = bytes(self.buffer[:end]).split(b"\r\n")
            try:
                method, target, version = lines[0].decode("latin-1").split(" ", 2)
            except ValueError:
                self.reply(400, b"", close=True)
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
            if "transfer-encoding" in headers:
                self.reply(501, b"chunked bodies are not supported", close=True)
                return
            try:
                length = int(headers.get("content-length", "0"))
            except ValueError:
                self.reply(400, b"", close=True)
                return
            if length > MAX_BODY:
                self.reply(413, b"", close=True)
                return
            if len(self.buffer) < end + 4 + length:
                if headers.get("expect", "").lower() == "100-continue" and len(self.buffer) == end + 4:
                    self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return
            body = bytes(self.buffer[end + 4:end + 4 + length])
            del self.buffer[:end + 4 + length]
            close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
            self.handle(method, target, headers, body, close)
            if close:
                return

    def handle(self, method, target, headers, body, close):
        path, _, query = target.partition("?")
        if method == "GET" and path == "/stats":
            params = urllib.parse.parse_qs(query)
            self.reply(200, json.dumps(stats(self.counters, params.get("ids") == ["1"])).encode(), close, "application/json")
        elif method == "POST" and path == "/reset":
            params = urllib.parse.parse_qs(query)
            c = self.counters
            c.configure(float(params.get("fail_ratio", [c.fail_ratio])[0]), int(params.get("seed", ["1"])[0]))
            self.reply(200, b"{}", close, "application/json")
        elif method == "POST":
            self.webhook(headers, body, close)
        else:
            self.reply(404, b"", close)

    def webhook(self, headers, body, close):
        c = self.counters
        now = time.time()
        message_id = headers.get("webhook-id", "")
        if self.key is not None:
            timestamp = headers.get("webhook-timestamp", "")
            signatures = headers.get("webhook-signature", "")
            if not message_id or not timestamp or not signatures:
                c.unsigned += 1
            else:
                signed = f"{message_id}.{timestamp}.".encode() + body
                expected = "v1," + base64.b64encode(hmac.new(self.key, signed, hashlib.sha256).digest()).decode()
                if not any(hmac.compare_digest(expected, s) for s in signatures.split()):
                    c.bad_signatures += 1
                try:
                    if abs(now - int(timestamp)) > 300:
                        c.stale += 1
                except ValueError:
                    c.stale += 1
        fail = c.fail_ratio > 0 and c.random.random() < c.fail_ratio
        entry = c.per_id.get(message_id)
        if entry is None:
            entry = c.per_id[message_id] = [0, 0]
        entry[0] += 1
        c.requests += 1
        second = c.per_second.get(int(now))
        if second is None:
            second = c.per_second[int(now)] = [0, 0]
        second[0] += 1
        if c.first_request is None:
            c.first_request = now
        c.last_request = now
        if fail:
            c.failed += 1
            self.reply(500, b'{"error":"bench failure"}', close, "application/json")
        else:
            entry[1] += 1
            c.ok += 1
            second[1] += 1
            if c.first_ok is None:
                c.first_ok = now
            c.last_ok = now
            c.ok_times.append(now)
            self.reply(200, b'{"ok":true}', close, "application/json")

    def reply(self, status, body, close, content_type="text/plain"):
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 413: "Content Too Large", 431: "Request Header Fields Too Large",
                  500: "Internal Server Error", 501: "Not Implemented"}.get(status, "Status")
        head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                + ("Connection: close\r\n" if close else "") + "\r\n")
        self.transport.write(head.encode() + body)
        if close:
            self.transport.close()


def stats(c, with_ids):
    answer = {
        "fail_ratio": c.fail_ratio, "requests": c.requests, "ok": c.ok, "failed": c.failed,
        "distinct_ids": len(c.per_id), "ids_ok": sum(1 for r, k in c.per_id.values() if k > 0),
        "ids_ok_more_than_once": sum(1 for r, k in c.per_id.values() if k > 1),
        "max_requests_per_id": max((r for r, k in c.per_id.values()), default=0),
        "bad_signatures": c.bad_signatures, "stale_timestamps": c.stale, "unsigned": c.unsigned,
        "first_request": c.first_request, "last_request": c.last_request, "first_ok": c.first_ok, "last_ok": c.last_ok,
        "per_second": {str(s): v for s, v in sorted(c.per_second.items())},
    }
    if with_ids:
        answer["ids_ok_list"] = [i for i, (r, k) in c.per_id.items() if k > 0]
        answer["requests_per_id"] = {i: r for i, (r, k) in c.per_id.items()}
        answer["ok_times"] = c.ok_times
    return answer


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fail-ratio", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--secret-file")
    args = parser.parse_args()
    Receiver.counters = Counters(args.fail_ratio, args.seed)
    if args.secret_file:
        with open(args.secret_file) as f:
            Receiver.key = base64.b64decode(f.read().strip().removeprefix("whsec_"))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Receiver, "127.0.0.1", args.port, backlog=1024)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
