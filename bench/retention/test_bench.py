"""Tests of bench/retention/report.py: the parsing of what the services print and publish, and the
arithmetic of the report, each on a fixture whose answer is known.

    python3 -m unittest discover -s bench/retention -p 'test_*.py'
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

PASS_OUTPUT = """2026-12-07T20:00:00Z info retention.run : [Retention] dropped an empty events_raw partition
{"rows_archived":2000,"bytes_archived":51234,"objects_written":4,"rows_expired":0,"erased_rows_dropped":0,\
"archived_days_deleted":0,"partitions_dropped":["2026-11-18","2026-11-19"],"restores_purged":0,\
"aggregate_rows_deleted":{},"failed_tenants":{}}
"""


def topic_line(stamp, value):
    return f"{stamp}\t{json.dumps(value, separators=(',', ':'), sort_keys=True)}"


REQUEST = {"type": "erasure.requested", "version": 1, "request_id": "r-1", "tenant_id": "bench-year1", "player_id": "p-target"}
OTHER_COMPLETION = {"type": "erasure.completed", "request_id": "r-1", "service": "processor", "status": "completed"}
COMPLETION = {"type": "erasure.completed", "request_id": "r-1", "service": "retention", "status": "completed",
              "deleted": {"archive_objects": 365, "archive_lines": 1825, "restored_events": 0}}


class PassReportTests(unittest.TestCase):
    def test_the_report_is_found_after_log_lines(self):
        record = report.pass_record(report.pass_report(PASS_OUTPUT), phase="archive", rows=2000)
        self.assertEqual(record["rows_archived"], 2000)
        self.assertEqual(record["objects"], 4)
        self.assertEqual(record["partitions_dropped"], 2)
        self.assertEqual(record["phase"], "archive")

    def test_output_without_a_report_is_an_error(self):
        with self.assertRaises(ValueError):
            report.pass_report('starting\n{"not": "a report"}\n')


class ErasureTests(unittest.TestCase):
    def test_only_retentions_completion_of_this_request_counts(self):
        dump = "\n".join([topic_line(1000, REQUEST), topic_line(1500, OTHER_COMPLETION),
                          topic_line(2000, dict(COMPLETION, request_id="r-2")), "garbage line"])
        self.assertEqual(report.erasure_times(dump, "r-1")[1], None)
        self.assertEqual(report.main(["completed", self.write(dump), "r-1"]), 1)
        dump += "\n" + topic_line(61000, COMPLETION)
        request_ms, completion_ms, completion = report.erasure_times(dump, "r-1")
        self.assertEqual((request_ms, completion_ms), (1000, 61000))
        self.assertEqual(completion["service"], "retention")
        self.assertEqual(report.main(["completed", self.write(dump), "r-1"]), 0)

    def test_a_request_not_on_the_topic_is_an_error(self):
        with self.assertRaises(ValueError):
            report.erasure_times(topic_line(1, COMPLETION), "r-1")

    def test_the_record_gives_seconds_per_object_and_the_probe_within_the_erasure(self):
        dump = "\n".join([topic_line(100_000, REQUEST), topic_line(173_000, COMPLETION)])
        probe = "\n".join(["60000 52000", "99000 5", "120000 52000", "172000 4", "180000 2"])
        record = report.erasure_record(dump, "r-1", probe, tenant="bench-year1", rows_before=730000)
        self.assertEqual(record["seconds"], 73.0)
        self.assertEqual(record["ms_per_object"], 200.0)
        # 60000 (an earlier erasure's wait) is before the 1 s lead-in, 180000 after the completion.
        self.assertEqual(record["probe"], {"samples": 3, "max_ms": 52000, "median_ms": 5})

    def test_the_per_object_model_goes_through_both_sizes(self):
        small = {"seconds": 73.0, "rows_before": 730_000, "deleted": {"archive_objects": 365}}  # 2,000 rows: 200 ms
        big = {"seconds": 22.0, "rows_before": 500_000, "deleted": {"archive_objects": 10}}  # 50,000 rows: 2,200 ms
        model = report.per_object_model([small, big])
        self.assertAlmostEqual(model["ms_per_row"], 2000 / 48_000)
        self.assertAlmostEqual(model["fixed_ms"] + model["ms_per_row"] * 2000, 200)
        self.assertIsNone(report.per_object_model([small]))

    def write(self, text):
        path = os.path.join(self.tmp, "dump.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def setUp(self):
        import tempfile
        self.tmp = tempfile.mkdtemp()


class ReportTests(unittest.TestCase):
    RECORDS = [
        {"phase": "baseline", "round": 1, "part_rows": 100000, "rows": 1000, "seconds": 1.0, "raw_bytes": 700_000, "gzip_bytes": 90_000},
        {"phase": "archive", "round": 1, "part_rows": 100000, "rows": 1000, "seconds": 4.0, "raw_bytes": 700_000, "rows_archived": 1000,
         "bytes_archived": 100_000, "objects": 40, "partitions_dropped": 10, "failed_tenants": {}, "rows_left": 0},
        {"phase": "baseline", "round": 1, "part_rows": 10000, "rows": 1000, "seconds": 2.0, "raw_bytes": 700_000, "gzip_bytes": 90_000},
        {"phase": "archive", "round": 1, "part_rows": 10000, "rows": 1000, "seconds": 10.0, "raw_bytes": 700_000, "rows_archived": 990,
         "bytes_archived": 100_000, "objects": 400, "partitions_dropped": 10, "failed_tenants": {"bench-t2": "boom"}, "rows_left": 10},
        {"phase": "processor", "round": 1, "mode": "alone", "events_per_s": 40000, "pass_running_at_end": None},
        {"phase": "processor", "round": 1, "mode": "with-pass", "events_per_s": 30000, "pass_running_at_end": True},
        {"phase": "processor", "round": 2, "mode": "alone", "events_per_s": 50000, "pass_running_at_end": None},
        {"phase": "processor", "round": 2, "mode": "with-pass", "events_per_s": 25000, "pass_running_at_end": False},
    ]

    def test_each_pass_is_compared_with_the_baseline_of_its_own_rows(self):
        table = report.archive_rows(self.RECORDS)
        self.assertEqual(table[100000]["ratio"], [0.25])  # 250 rows/s against 1,000
        self.assertEqual(table[10000]["ratio"], [0.198])  # 99 rows/s against 500
        self.assertAlmostEqual(table[100000]["raw_mb_per_s"][0], 0.175)
        self.assertEqual(table[100000]["problems"], [])
        self.assertEqual(len(table[10000]["problems"]), 1)

    def test_the_processor_ratio_is_per_round_and_overlap_is_reported(self):
        proc = report.processor_rows(self.RECORDS)
        self.assertEqual(proc["ratio"], [0.75, 0.5])
        text = report.render(self.RECORDS, {"stamp": "t"})
        self.assertIn("0.62 (0.50–0.75)", text)
        self.assertIn("the pass ended before the processor in some rounds", text)
        self.assertIn("**problem** (part rows 10,000)", text)

    def test_spread_is_median_min_max(self):
        self.assertEqual(report.spread([3.0, 1.0, 2.0]), "2 (1–3)")
        self.assertEqual(report.spread([12345.6, 23456.7]), "17,901 (12,346–23,457)")
        self.assertEqual(report.spread([]), "—")


if __name__ == "__main__":
    unittest.main()
