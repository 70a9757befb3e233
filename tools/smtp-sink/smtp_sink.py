#!/usr/bin/python3
"""An SMTP server on loopback that keeps every message it accepts, for the notification
service's tests: Debian's aiosmtpd, each message written to DIR/<sequence>.eml with its envelope
beside it in DIR/<sequence>.json. A recipient whose local part starts with "reject" is refused
with 550, one starting with "busy" with 451, so tests can see permanent and transient refusals.

    smtp_sink.py --port PORT --dir DIR

Runs until SIGTERM or SIGINT; prints "ready" once it accepts connections.
"""
import argparse
import itertools
import json
import os
import signal
import threading

from aiosmtpd.controller import Controller


class KeepingHandler:
    def __init__(self, directory):
        self.directory = directory
        self.sequence = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("busy"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number = next(self.sequence)
        base = os.path.join(self.directory, f"{number:06d}")
        with open(base + ".eml.tmp", "wb") as message:
            message.write(envelope.original_content or envelope.content)
        with open(base + ".json.tmp", "w", encoding="utf-8") as meta:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, meta)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.dir, exist_ok=True)
    controller = Controller(KeepingHandler(arguments.dir), hostname="127.0.0.1", port=arguments.port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
