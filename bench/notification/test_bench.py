"""Tests of bench/notification's receiver and of the checks a round applies, each shown to catch
what it claims on a bad fixture.

    python3 -m unittest discover -s bench/notification -p 'test_*.py'
"""
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import receiver  # noqa: E402
import round as bench_round  # noqa: E402


class Transport:
    """What asyncio hands a protocol, keeping what it writes."""

    def __init__(self):
        self.written = bytearray()
        self.closed = False

    def write(self, data):
        self.written += data

    def close(self):
        self.closed = True


def make_receiver(fail_ratio=0.0, seed=1, key=None):
    receiver.Receiver.counters = receiver.Counters(fail_ratio, seed)
    receiver.Receiver.key = key
    protocol = receiver.Receiver()
    transport = Transport()
    protocol.connection_made(transport)
    return protocol, transport


def webhook(message_id, body=b'{"id":"x"}', key=None, timestamp=None, signature=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    if signature is None and key is not None:
        mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
        signature = "v1," + base64.b64encode(mac).decode()
    head = (f"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"webhook-id: {message_id}\r\nwebhook-timestamp: {timestamp}\r\nwebhook-signature: {signature or 'v1,AAAA'}\r\n\r\n")
    return head.encode() + body


def statuses(written):
    """The status of every answer written, in order (an answer's body runs into the next status line)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", bytes(written))]


class ReceiverTests(unittest.TestCase):
    def test_pipelined_and_split_requests_each_get_one_answer(self):
        protocol, transport = make_receiver()
        protocol.data_received(webhook("msg_a") + webhook("msg_b"))
        whole = webhook("msg_c")
        protocol.data_received(whole[:30])
        protocol.data_received(whole[30:-3])
        self.assertEqual(statuses(transport.written), [200, 200])
        protocol.data_received(whole[-3:])
        self.assertEqual(statuses(transport.written), [200, 200, 200])
        self.assertEqual(receiver.Receiver.counters.per_id, {"msg_a": [1, 1], "msg_b": [1, 1], "msg_c": [1, 1]})

    def test_fail_ratio_is_seeded_and_about_right(self):
        answers = []
        for _ in range(2):
            protocol, transport = make_receiver(fail_ratio=0.5, seed=7)
            for i in range(2000):
                protocol.data_received(webhook(f"msg_{i}"))
            answers.append(statuses(transport.written))
        self.assertEqual(answers[0], answers[1])
        self.assertAlmostEqual(answers[0].count(500) / 2000, 0.5, delta=0.05)
        counters = receiver.Receiver.counters
        self.assertEqual(counters.failed, answers[0].count(500))
        self.assertEqual(counters.ok, answers[0].count(200))

    def test_repeats_of_an_id_are_counted_and_reported(self):
        protocol, _ = make_receiver()
        for _ in range(3):
            protocol.data_received(webhook("msg_same"))
        stats = receiver.stats(receiver.Receiver.counters, with_ids=True)
        self.assertEqual(stats["ids_ok_more_than_once"], 1)
        self.assertEqual(stats["max_requests_per_id"], 3)
        self.assertEqual(stats["requests_per_id"], {"msg_same": 3})

    def test_signatures_are_checked(self):
        key = os.urandom(32)
        protocol, _ = make_receiver(key=key)
        protocol.data_received(webhook("msg_good", key=key))
        self.assertEqual(receiver.Receiver.counters.bad_signatures, 0)
        tampered = webhook("msg_bad", key=key).replace(b'{"id":"x"}', b'{"id":"y"}')
        protocol.data_received(tampered)
        protocol.data_received(webhook("msg_old", key=key, timestamp=int(time.time()) - 3600))
        counters = receiver.Receiver.counters
        self.assertEqual((counters.bad_signatures, counters.stale), (1, 1))

    def test_stats_and_reset(self):
        protocol, transport = make_receiver()
        protocol.data_received(webhook("msg_1"))
        protocol.data_received(b"GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
        body = bytes(transport.written).split(b"\r\n\r\n")[-1]
        self.assertEqual(json.loads(body)["requests"], 1)
        protocol.data_received(b"POST /reset?fail_ratio=1&seed=2 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        self.assertEqual(receiver.Receiver.counters.requests, 0)
        protocol.data_received(webhook("msg_2"))
        self.assertEqual(statuses(transport.written)[-1], 500)


def good_round():
    """A round of four notifications: three delivered (one after a 500), one dead after 4."""
    status_of = {"msg_1": ("delivered", 1), "msg_2": ("delivered", 2), "msg_3": ("delivered", 1), "msg_4": ("dead", 4)}
    seen = {"ids_ok_list": ["msg_1", "msg_2", "msg_3"], "ids_ok_more_than_once": 0,
            "requests_per_id": {"msg_1": 1, "msg_2": 2, "msg_3": 1, "msg_4": 4}}
    return status_of, seen, 8


def result_of(status_of, seen, attempt_rows, lost=0, stuck=False, bad_signatures=0):
    return {"checks": bench_round.checks(status_of, seen, attempt_rows), "lost": lost, "stuck": stuck,
            "receiver": {"bad_signatures": bad_signatures, "stale_timestamps": 0, "unsigned": 0}}


class RoundCheckTests(unittest.TestCase):
    def test_a_good_round_passes(self):
        self.assertTrue(bench_round.passed(result_of(*good_round())))

    def test_a_delivered_row_the_receiver_never_answered_2xx_fails(self):
        status_of, seen, rows = good_round()
        seen["ids_ok_list"].remove("msg_3")
        result = result_of(status_of, seen, rows)
        self.assertFalse(bench_round.passed(result))
        self.assertEqual(result["checks"]["delivered_rows_not_seen_ok"], 1)

    def test_a_2xx_for_a_row_recorded_dead_fails(self):
        status_of, seen, rows = good_round()
        seen["ids_ok_list"].append("msg_4")
        result = result_of(status_of, seen, rows)
        self.assertFalse(bench_round.passed(result))
        self.assertEqual(result["checks"]["ok_ids_not_delivered"], 1)

    def test_an_id_answered_2xx_twice_fails(self):
        status_of, seen, rows = good_round()
        seen["ids_ok_more_than_once"] = 1
        self.assertFalse(bench_round.passed(result_of(status_of, seen, rows)))

    def test_requests_the_service_did_not_record_fail(self):
        status_of, seen, rows = good_round()
        seen["requests_per_id"]["msg_1"] = 2  # a request with no attempt row
        result = result_of(status_of, seen, rows)
        self.assertFalse(bench_round.passed(result))
        self.assertFalse(result["checks"]["receiver_requests_equal_attempt_rows"])

    def test_a_dead_row_with_fewer_requests_than_attempts_fails(self):
        status_of, seen, rows = good_round()
        seen["requests_per_id"]["msg_4"] = 3
        result = result_of(status_of, seen, rows - 1)
        self.assertFalse(bench_round.passed(result))
        self.assertEqual(result["checks"]["dead_rows_whose_request_count_differs_from_attempts"], 1)

    def test_requests_for_ids_not_in_the_round_fail(self):
        status_of, seen, rows = good_round()
        seen["requests_per_id"]["msg_stranger"] = 1
        self.assertFalse(bench_round.passed(result_of(status_of, seen, rows)))

    def test_lost_stuck_and_bad_signatures_fail(self):
        self.assertFalse(bench_round.passed(result_of(*good_round(), lost=1)))
        self.assertFalse(bench_round.passed(result_of(*good_round(), stuck=True)))
        self.assertFalse(bench_round.passed(result_of(*good_round(), bad_signatures=1)))


if __name__ == "__main__":
    unittest.main()
