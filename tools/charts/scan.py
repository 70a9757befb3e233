"""checkov over the rendered manifests, against a baseline of accepted findings.

checkov's built-in checks and ours (policies/checks/, the offline counterparts of the Kyverno
policies, admission.py) run together. checkov knows no Argo Rollout, so each Rollout is scanned
as the Deployment with its pod template. A baseline entry names one resource (Kind.name) and one
check, with its reason; no entry may accept a finding about security contexts, resources,
probes, network policy, service account tokens, the image registry or the latest tag.
"""
from __future__ import annotations

import functools
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

BASELINE = pathlib.Path(__file__).resolve().parent / "checkov-baseline.yaml"
EXTERNAL_CHECKS = pathlib.Path(__file__).resolve().parent / "policies" / "checks"
NEVER_ACCEPTED = re.compile(
    r"securityContext|security context|privilege|root|capabilit|NET_RAW|seccomp|AppArmor|CPU|memory|"
    r"[Ll]iveness|[Rr]eadiness|probe|[Nn]etwork ?[Pp]olic|host(Network|PID|IPC|Port)|UID|GID|"
    r"filesystem|latest|registry|service account token", re.I)


def as_scannable(manifest: dict) -> dict:
    """A Rollout as the Deployment of its pod template (a Rollout with a workloadRef instead has
    none: the Deployment it references is scanned)."""
    if manifest["kind"] != "Rollout" or "template" not in manifest["spec"]:
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


def run_checkov(files: dict[str, list[dict]], checkov: str, checks: list[str] | None = None,
                scannable: bool = True) -> tuple[list[dict], list[dict]]:
    """checkov over {file name: manifests} (Rollouts made scannable unless told not to), with our
    checks; only `checks` when given. Returns (failed, passed) results; raises when checkov
    reports nothing."""
    with tempfile.TemporaryDirectory() as directory:
        for name, manifests in files.items():
            documents = [as_scannable(m) if scannable else m for m in manifests]
            (pathlib.Path(directory) / f"{name}.yaml").write_text(yaml.safe_dump_all(documents, sort_keys=False))
        # Not --quiet: that leaves the passed checks out of the report.
        command = [checkov, "-d", directory, "--framework", "kubernetes", "--compact",
                   "--skip-download", "--external-checks-dir", str(EXTERNAL_CHECKS), "-o", "json"]
        result = subprocess.run(command + (["--check", ",".join(checks)] if checks else []), capture_output=True, text=True)
    if not result.stdout.strip():
        raise RuntimeError(f"checkov produced no report (exit {result.returncode}): {result.stderr[-2000:]}")
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed, passed = [], []
    for report in reports:
        passed += report.get("results", {}).get("passed_checks", [])
        failed += report.get("results", {}).get("failed_checks", [])
    return failed, passed


def scan(renderings: list, checkov: str) -> list[str]:
    """Findings not in the baseline, baseline entries that are forbidden or no longer needed."""
    accepted, problems = load_baseline()
    try:
        findings, passed = run_checkov({f"{r.chart}--{r.scenario}": r.manifests for r in renderings}, checkov)
    except RuntimeError as error:
        return [str(error)]
    used = set()
    for finding in findings:
        kind, *_, name = finding["resource"].split(".")
        key = (f"{kind}.{name}", finding["check_id"])
        if key in accepted:
            used.add(key)
            continue
        problems.append(f"checkov {finding['check_id']} ({finding['check_name']}): {key[0]} in {finding['file_path'].lstrip('/')}")
    if not passed:
        problems.append("checkov passed no check at all: it scanned nothing")
    for key, reason in accepted.items():
        name = check_name(key[1])
        if NEVER_ACCEPTED.search(name or ""):
            problems.append(f"baseline accepts {key[1]} ({name}) for {key[0]}: security context, resources, probes, network policy, token, registry and latest-tag findings are fixed, never accepted")
        if key not in used:
            problems.append(f"baseline entry {key[0]} {key[1]} is no longer needed: remove it")
    return problems


@functools.cache
def checkov_registry():
    """checkov's registry of Kubernetes checks, ours (policies/checks/) loaded into it."""
    from checkov.kubernetes.checks.resource.registry import registry
    registry.load_external_checks(str(EXTERNAL_CHECKS))
    return registry


def check_name(check_id: str) -> str | None:
    registry = checkov_registry()
    for checks in registry.checks.values():
        for check in checks:
            if check.id == check_id:
                return check.name
    return None


if __name__ == "__main__":
    sys.exit("run tools/charts/check.py")
