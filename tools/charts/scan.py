"""checkov over the rendered manifests, against a baseline of accepted findings.

checkov knows no Argo Rollout, so each Rollout is scanned as the Deployment with its pod
template. A baseline entry names one resource (Kind.name) and one check, with its reason; no
entry may accept a finding about security contexts, resources, probes or network policy.
"""
from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

BASELINE = pathlib.Path(__file__).resolve().parent / "checkov-baseline.yaml"
NEVER_ACCEPTED = re.compile(
    r"securityContext|security context|privilege|root|capabilit|NET_RAW|seccomp|AppArmor|CPU|memory|"
    r"[Ll]iveness|[Rr]eadiness|probe|[Nn]etwork ?[Pp]olic|host(Network|PID|IPC|Port)|UID|GID", re.I)


def as_scannable(manifest: dict) -> dict:
    if manifest["kind"] != "Rollout":
        return manifest
    spec = manifest["spec"]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": manifest["metadata"],
            "spec": {"replicas": spec.get("replicas", 1), "selector": spec["selector"], "template": spec["template"]}}


def load_baseline() -> tuple[dict[tuple[str, str], str], list[str]]:
    entries = yaml.safe_load(BASELINE.read_text()) or []
    accepted, problems = {}, []
    for entry in entries:
        if not {"resource", "check", "reason"} <= set(entry) or not str(entry["reason"]).strip():
            problems.append(f"baseline entry {entry}: needs resource, check and reason")
            continue
        accepted[(entry["resource"], entry["check"])] = entry["reason"]
    return accepted, problems


def scan(renderings: list, checkov: str) -> list[str]:
    """Findings not in the baseline, baseline entries that are forbidden or no longer needed."""
    accepted, problems = load_baseline()
    with tempfile.TemporaryDirectory() as directory:
        for rendering in renderings:
            documents = [as_scannable(m) for m in rendering.manifests]
            path = pathlib.Path(directory) / f"{rendering.chart}--{rendering.scenario}.yaml"
            path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
        result = subprocess.run(
            [checkov, "-d", directory, "--framework", "kubernetes", "--quiet", "--compact",
             "--skip-download", "-o", "json"], capture_output=True, text=True)
    if not result.stdout.strip():
        return [f"checkov produced no report (exit {result.returncode}): {result.stderr[-2000:]}"]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    used = set()
    passed = 0
    for report in reports:
        passed += report.get("summary", {}).get("passed", 0)
        for finding in report.get("results", {}).get("failed_checks", []):
            kind, *_, name = finding["resource"].split(".")
            key = (f"{kind}.{name}", finding["check_id"])
            if key in accepted:
                used.add(key)
                continue
            problems.append(f"checkov {finding['check_id']} ({finding['check_name']}): {key[0]} in {finding['file_path'].lstrip('/')}")
    if passed == 0:
        problems.append("checkov passed no check at all: it scanned nothing")
    for key, reason in accepted.items():
        name = check_name(key[1])
        if NEVER_ACCEPTED.search(name or ""):
            problems.append(f"baseline accepts {key[1]} ({name}) for {key[0]}: security context, resources, probes and network policy findings are fixed, never accepted")
        if key not in used:
            problems.append(f"baseline entry {key[0]} {key[1]} is no longer needed: remove it")
    return problems


def check_name(check_id: str) -> str | None:
    from checkov.kubernetes.checks.resource.registry import registry
    for checks in registry.checks.values():
        for check in checks:
            if check.id == check_id:
                return check.name
    return None


if __name__ == "__main__":
    sys.exit("run tools/charts/check.py")
