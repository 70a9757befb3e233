#!/usr/bin/env python3
"""The smoke test any environment runs before its release is promoted.

  smoke.py --env-file .gm/demo.env --release-env dev --out smoke.json

Inputs, from --env-file (KEY=VALUE lines, the .gm/demo.env format) and/or the environment,
where GM_SMOKE_<NAME> wins over GM_<NAME> from the file:
  GM_SMOKE_<SERVICE>_URL        public URL of each service to check (only those given are checked;
                                <SERVICE> as in GM_ANALYTICS_API_URL); ingestion's is required
  GM_SMOKE_WRITE_KEY            a tenant write key (required; never printed)
  GM_SMOKE_PROCESSOR_INTERNAL_URL  the processor's internal port (/metrics, /v1/lag), optional:
                                without it the checks that the event was stored do not run
  GM_SMOKE_RELEASE_ENV          the environment whose release.yaml is fingerprinted (--release-env)
  GM_SMOKE_DEADLINE_SECONDS     how long each phase may wait (--deadline, default 60)

Checks, in order: ready:<service> (GET /health/ready answers 200), event-accepted (POST one valid
event to ingestion with the write key answers 202 with accepted 1 and nothing rejected), and,
with the processor's internal URL, event-stored (gm_processor_events_stored_total grows past its
value from before the POST: no public API shows a stored event yet) and processor-caught-up
(/v1/lag: the processor commits past the raw topic's high watermarks as seen after the POST).
Writes {"environment", "fingerprint", "passed", "checks": [{name, passed, detail, seconds}],
"not_run": [{name, reason}]} to --out; exit 0 when passed, 1 when not, 2 on bad input.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import release  # noqa: E402  (the fingerprint of the release under test)

REQUEST_TIMEOUT = 10.0
POLL_INTERVAL = 0.5
STORED_METRIC = "gm_processor_events_stored_total"


class UsageError(Exception):
    pass


def var_name(service: str) -> str:
    return service.upper().replace("-", "_")


def read_env_file(path: str) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read --env-file {path}: {error.strerror}") from error
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        if not sep or not key.replace("_", "").isalnum():
            raise UsageError(f"{path}:{number}: not a KEY=VALUE line")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def settings(file_values: dict[str, str], environ: dict[str, str]) -> dict[str, str]:
    """GM_<NAME> from the file, overridden by GM_SMOKE_<NAME> from the environment."""
    merged = {key[len("GM_"):]: value for key, value in file_values.items() if key.startswith("GM_")}
    for key, value in environ.items():
        if key.startswith("GM_SMOKE_") and value != "":
            merged[key[len("GM_SMOKE_"):]] = value
    return merged


def check_url(name: str, value: str) -> str:
    parsed = urllib.parse.urlsplit(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageError(f"{name} must be an http(s) URL, not {value!r}")
    return value.rstrip("/")


class Client:
    """GETs and POSTs with a timeout on every call, bounded by the phase's deadline."""

    def __init__(self, secret: str):
        self.secret = secret
        self.direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.default = urllib.request.build_opener()

    def scrub(self, text: str) -> str:
        return text.replace(self.secret, "***") if self.secret else text

    def request(self, method: str, url: str, deadline: float, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int | None, str]:
        """(status, body text) or (None, reason) when nothing answered."""
        timeout = max(0.1, min(REQUEST_TIMEOUT, deadline - time.monotonic()))
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        host = urllib.parse.urlsplit(url).hostname or ""
        opener = self.direct if host in ("127.0.0.1", "localhost", "::1") else self.default
        try:
            with opener.open(req, timeout=timeout) as response:
                return response.status, self.scrub(response.read(65536).decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            text = error.read(65536).decode("utf-8", "replace") if error.fp else ""
            return error.code, self.scrub(text)
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return None, self.scrub(f"no answer: {reason}")


def snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


class Run:
    def __init__(self):
        self.checks: list[dict] = []
        self.not_run: list[dict] = []

    def record(self, name: str, passed: bool, detail: str, started: float) -> bool:
        seconds = round(time.monotonic() - started, 3)
        self.checks.append({"name": name, "passed": passed, "detail": detail, "seconds": seconds})
        print(f"{'PASS' if passed else 'FAIL'} {name} ({seconds:.2f} s): {detail}", flush=True)
        return passed

    def skip(self, name: str, reason: str) -> None:
        self.not_run.append({"name": name, "reason": reason})
        print(f"NOT RUN {name}: {reason}", flush=True)


def check_ready(run: Run, client: Client, urls: dict[str, str], phase_seconds: float) -> None:
    """Polls every service's /health/ready until each answered 200 once or the deadline passes."""
    started = time.monotonic()
    deadline = started + phase_seconds
    pending = dict(urls)
    last: dict[str, str] = {}
    while pending:
        for svc, url in list(pending.items()):
            status, text = client.request("GET", f"{url}/health/ready", deadline)
            if status == 200:
                run.record(f"ready:{svc}", True, f"GET {url}/health/ready -> 200", started)
                del pending[svc]
            else:
                last[svc] = f"HTTP {status} {snippet(text)}" if status else snippet(text)
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(min(POLL_INTERVAL, max(0.0, deadline - time.monotonic())))
    for svc, url in pending.items():
        run.record(f"ready:{svc}", False,
                   f"GET {url}/health/ready did not answer 200 within {phase_seconds:g} s; last: {last.get(svc, 'nothing')}",
                   started)


def metric_value(text: str, name: str) -> float | None:
    """The sum of NAME's samples in Prometheus text (None when there is no sample)."""
    total, seen = 0.0, False
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        series = head.split("{", 1)[0].strip()
        if series == name:
            try:
                total += float(value)
                seen = True
            except ValueError:
                continue
    return total if seen else None


def read_stored(client: Client, internal: str, deadline: float) -> tuple[float | None, str]:
    status, text = client.request("GET", f"{internal}/metrics", deadline)
    if status != 200:
        return None, f"GET {internal}/metrics -> {f'HTTP {status}' if status else snippet(text)}"
    value = metric_value(text, STORED_METRIC)
    if value is None:
        # The counter appears with the first stored event; none yet counts as 0.
        value = 0.0
    return value, ""


def event_body(now: datetime, event_id: str) -> bytes:
    event = {
        "event_id": event_id,
        "player_id": f"smoke-{event_id[:8]}",
        "type": "page_view",
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "properties": {"page": "release-smoke", "source": "tools/release/smoke.py"},
    }
    return json.dumps({"events": [event]}).encode("utf-8")


def check_event(run: Run, client: Client, ingestion: str, key: str, internal: str | None, phase_seconds: float,
                retry: bool = True) -> None:
    """POSTs one event; RETRY on 429/503/no answer until the deadline (not when ingestion was not ready)."""
    started = time.monotonic()
    deadline = started + phase_seconds
    stored_before = None
    if internal:
        stored_before, problem = read_stored(client, internal, deadline)
        if stored_before is None:
            run.record("event-stored", False, f"cannot read the processor's counter before sending: {problem}", started)
            run.skip("processor-caught-up", "the processor's internal port did not answer")
            internal = None
    event_id = str(uuid.uuid4())
    body = event_body(datetime.now(timezone.utc), event_id)
    headers = {"Content-Type": "application/json", "X-API-Key": key}
    attempt_detail = ""
    accepted = False
    while True:
        status, text = client.request("POST", f"{ingestion}/v1/events", deadline, body, headers)
        if status == 202:
            try:
                answer = json.loads(text)
            except json.JSONDecodeError:
                answer = {}
            if answer.get("accepted") == 1 and answer.get("rejected") == []:
                accepted = run.record("event-accepted", True, f"POST {ingestion}/v1/events (event {event_id}) -> 202 {snippet(text)}", started)
            else:
                run.record("event-accepted", False, f"POST {ingestion}/v1/events -> 202 but not accepted cleanly: {snippet(text)}", started)
            break
        attempt_detail = f"HTTP {status} {snippet(text)}" if status else snippet(text)
        # 429 and 503 (credentials or Kafka not available yet) are worth a retry with the same body.
        if not retry or status not in (None, 429, 503) or time.monotonic() >= deadline:
            run.record("event-accepted", False, f"POST {ingestion}/v1/events -> {attempt_detail}", started)
            break
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    if not internal:
        if not any(c["name"] == "event-stored" for c in run.checks):
            reason = ("no processor internal URL given (GM_SMOKE_PROCESSOR_INTERNAL_URL or GM_PROCESSOR_INTERNAL_URL); "
                      "no public API shows a stored event yet, so the event was checked only as far as ingestion's 202 "
                      "(acknowledged by Kafka)")
            run.skip("event-stored", reason)
            run.skip("processor-caught-up", reason)
        return
    if not accepted:
        run.skip("event-stored", "the event was not accepted")
        run.skip("processor-caught-up", "the event was not accepted")
        return
    check_stored(run, client, internal, stored_before, phase_seconds)
    check_caught_up(run, client, internal, phase_seconds)


def check_stored(run: Run, client: Client, internal: str, before: float, phase_seconds: float) -> None:
    started = time.monotonic()
    deadline = started + phase_seconds
    last = ""
    while True:
        value, problem = read_stored(client, internal, deadline)
        if value is not None and value > before:
            run.record("event-stored", True, f"{STORED_METRIC} {before:g} -> {value:g} (processor stored the event in PostgreSQL)", started)
            return
        last = problem or f"{STORED_METRIC} still {value:g}"
        if time.monotonic() >= deadline:
            run.record("event-stored", False, f"the processor stored nothing new within {phase_seconds:g} s: {last}", started)
            return
        time.sleep(POLL_INTERVAL)


def check_caught_up(run: Run, client: Client, internal: str, phase_seconds: float) -> None:
    """The processor commits (after storing) past the high watermarks it reports after the event."""
    started = time.monotonic()
    deadline = started + phase_seconds
    targets: dict[tuple[str, int], int] | None = None
    last = ""
    while True:
        status, text = client.request("GET", f"{internal}/v1/lag", deadline)
        if status == 200:
            try:
                answer = json.loads(text)
                partitions = answer["partitions"]
            except (json.JSONDecodeError, KeyError, TypeError):
                run.record("processor-caught-up", False, f"GET {internal}/v1/lag: unexpected answer {snippet(text)}", started)
                return
            if not partitions:
                last = "the processor owns no partitions"
            elif targets is None:
                if all(p.get("high_watermark") is not None for p in partitions):
                    targets = {(p["topic"], p["partition"]): p["high_watermark"] for p in partitions}
                else:
                    last = "watermarks not known yet"
            if targets is not None:
                committed = {(p["topic"], p["partition"]): p.get("committed_offset") for p in partitions}
                behind = [f"{t}/{n}" for (t, n), high in targets.items()
                          if high > 0 and (committed.get((t, n)) is None or committed[(t, n)] < high)]
                if not behind:
                    run.record("processor-caught-up", True,
                               f"GET {internal}/v1/lag: committed up to the high watermarks of {len(targets)} partitions; "
                               f"total_lag {answer.get('total_lag')}", started)
                    return
                last = f"behind on {', '.join(behind[:5])}; total_lag {answer.get('total_lag')}"
        else:
            last = f"GET {internal}/v1/lag -> {f'HTTP {status}' if status else snippet(text)}"
        if time.monotonic() >= deadline:
            run.record("processor-caught-up", False, f"not caught up within {phase_seconds:g} s: {last}", started)
            return
        time.sleep(POLL_INTERVAL)


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    environ = dict(os.environ if environ is None else environ)
    parser = argparse.ArgumentParser(prog="smoke.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--env-file", help="KEY=VALUE lines (.gm/demo.env)")
    parser.add_argument("--release-env", help="environment whose release.yaml is fingerprinted (GM_SMOKE_RELEASE_ENV)")
    parser.add_argument("--out", default="smoke.json", help="result file (default smoke.json)")
    parser.add_argument("--deadline", type=float, help="seconds each phase may wait (GM_SMOKE_DEADLINE_SECONDS, default 60)")
    parser.add_argument("--root", help="repository root holding argocd/environments (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        values = settings(read_env_file(args.env_file) if args.env_file else {}, environ)
        env = args.release_env or values.get("RELEASE_ENV", "")
        if env not in release.ENVIRONMENTS:
            raise UsageError(f"the release environment (--release-env or GM_SMOKE_RELEASE_ENV) must be one of "
                             f"{', '.join(release.ENVIRONMENTS)}, not {env!r}")
        deadline_text = args.deadline if args.deadline is not None else values.get("DEADLINE_SECONDS", "60")
        try:
            phase_seconds = float(deadline_text)
        except ValueError:
            raise UsageError(f"the deadline must be a number of seconds, not {deadline_text!r}") from None
        if not 1 <= phase_seconds <= 3600:
            raise UsageError(f"the deadline must be 1..3600 s, not {phase_seconds:g}")
        root = Path(args.root).resolve() if args.root else Path(__file__).resolve().parents[2]
        try:
            known = release.services(root)
            fingerprint = release.fingerprint(release.load_release(root, env))
        except (release.Refused, release.Usage) as error:
            raise UsageError(f"cannot fingerprint {env}'s release: {error}") from error
        urls = {svc: check_url(f"GM_SMOKE_{var_name(svc)}_URL", values[f"{var_name(svc)}_URL"])
                for svc in known if values.get(f"{var_name(svc)}_URL")}
        if "ingestion" not in urls:
            raise UsageError("no ingestion URL (GM_SMOKE_INGESTION_URL, or GM_INGESTION_URL in --env-file): "
                             "the end-to-end event needs it")
        key = values.get("WRITE_KEY", "")
        if not key:
            raise UsageError("no write key (GM_SMOKE_WRITE_KEY, or GM_WRITE_KEY in --env-file)")
        internal = values.get("PROCESSOR_INTERNAL_URL")
        internal = check_url("GM_SMOKE_PROCESSOR_INTERNAL_URL", internal) if internal else None
    except UsageError as error:
        print(f"smoke.py: error: {error}", file=sys.stderr)
        return 2

    print(f"smoke test of {env} (release {fingerprint[:16]}...): {len(urls)} services, deadline {phase_seconds:g} s per phase", flush=True)
    run = Run()
    client = Client(key)
    check_ready(run, client, urls, phase_seconds)
    ingestion_ready = any(c["name"] == "ready:ingestion" and c["passed"] for c in run.checks)
    check_event(run, client, urls["ingestion"], key, internal, phase_seconds, retry=ingestion_ready)
    passed = bool(run.checks) and all(c["passed"] for c in run.checks)
    result = {"environment": env, "fingerprint": fingerprint, "passed": passed, "checks": run.checks, "not_run": run.not_run}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    failed = [c["name"] for c in run.checks if not c["passed"]]
    print(f"smoke test of {env}: {'passed' if passed else 'FAILED (' + ', '.join(failed) + ')'}; "
          f"{len(run.checks)} checks ran, {len(run.not_run)} not run; result in {args.out}", flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
