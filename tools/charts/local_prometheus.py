"""A throwaway Prometheus (Debian's `prometheus`) holding synthetic series.

The series are written as OpenMetrics, backfilled into a fresh TSDB with
`promtool tsdb create-blocks-from openmetrics`, and served by a Prometheus started on that
storage with no scrape target; queries go through its HTTP API, as Argo Rollouts' do.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from typing import Callable, Iterator

STEP_SECONDS = 15  # the ServiceMonitors' scrape interval


@dataclasses.dataclass
class Series:
    metric: str
    labels: dict[str, str]
    # Value at `t` seconds after the first sample.
    value_at: Callable[[float], float]


def openmetrics(series: list[Series], start: int, end: int) -> str:
    """Every series sampled each STEP_SECONDS from `start` to `end` (Unix seconds), in time order
    (the backfill refuses a sample older than the one before it in the same series)."""
    lines = []
    for timestamp in range(start, end + 1, STEP_SECONDS):
        for one in series:
            labels = ",".join(f'{key}="{_escape(value)}"' for key, value in sorted(one.labels.items()))
            lines.append(f"{one.metric}{{{labels}}} {_number(one.value_at(timestamp - start))} {timestamp}")
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalPrometheus:
    def __init__(self, url: str):
        self.url = url

    def query(self, query: str, at: float) -> tuple[str, list[float]]:
        """(result type, sample values in the order Prometheus returned them)."""
        address = f"{self.url}/api/v1/query?" + urllib.parse.urlencode({"query": query, "time": f"{at:.3f}"})
        with urllib.request.urlopen(address, timeout=30) as response:
            body = json.load(response)
        if body.get("status") != "success":
            raise RuntimeError(f"query failed: {body}")
        data = body["data"]
        if data["resultType"] == "vector":
            return "vector", [float(sample["value"][1]) for sample in data["result"]]
        if data["resultType"] == "scalar":
            return "scalar", [float(data["result"][1])]
        return data["resultType"], []


@contextlib.contextmanager
def running(series: list[Series], start: int, end: int, log: Callable[[str], None] = print) -> Iterator[LocalPrometheus]:
    """A Prometheus serving `series` between `start` and `end`, stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="gm-analysis-prometheus-") as folder:
        root = pathlib.Path(folder)
        source = root / "series.om"
        source.write_text(openmetrics(series, start, end))
        storage = root / "data"
        backfill = subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", str(source), str(storage)],
                                  capture_output=True, text=True)
        if backfill.returncode != 0:
            raise RuntimeError(f"promtool backfill failed:\n{backfill.stdout}\n{backfill.stderr}")
        config = root / "prometheus.yml"
        config.write_text("global:\n  scrape_interval: 15s\nscrape_configs: []\n")
        port = free_port()
        logfile = (root / "prometheus.log").open("w")
        process = subprocess.Popen(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={storage}",
             f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=30d"],
            stdout=logfile, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"prometheus exited with {process.returncode}:\n{(root / 'prometheus.log').read_text()[-3000:]}")
                try:
                    with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("prometheus was not ready within 60 s")
                time.sleep(0.2)
            log(f"prometheus on {url}, {len(series)} synthetic series backfilled")
            yield LocalPrometheus(url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            logfile.close()
