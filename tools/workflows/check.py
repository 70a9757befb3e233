"""Offline checks of the GitHub Actions workflows (.github/workflows) and the Dockerfiles.

  .venv-charts/bin/python tools/workflows/check.py

One FAIL line per problem and exit 1, or a one-line summary. The rules, each shown to catch its
defect by test_check.py on a bad fixture in fixtures/ (those tests run first, as a self-test):
  schema          every workflow validates against GitHub's workflow schema, every local action
                  against the action schema (check-jsonschema's vendored copies: offline)
  pin             every `uses:` names a full 40-hex commit with a `# v...` comment naming the
                  version (local `./` actions and `docker://...@sha256:` images excepted); the
                  local composite actions (.github/actions) too
  permissions     every job declares `permissions:` (least privilege is read in review; the
                  absence of the key means the repository's default token scope)
  pr-checkout     a pull_request_target or workflow_run workflow never checks out or fetches
                  pull-request code (it runs with the base repository's secrets and token)
  fork-secrets    no `secrets.` in a job that a fork's pull request can trigger: pull_request,
                  pull_request_target, pull_request_review(_comment), issue_comment, and
                  workflow_run after any of those (or after a workflow not found here).
                  secrets.GITHUB_TOKEN is allowed: its scope is the job's `permissions:` (the
                  permissions rule makes that explicit), and GitHub makes it read-only for a
                  fork's pull_request; `secrets: inherit` is refused like a reference
  identity        the workflow named by the admission policy's signature subject
                  (charts/platform-policies/values.yaml) exists, runs on pushes to that branch
                  and is the only workflow that runs `cosign sign`
  mirror-list     each line of .github/mirror-images.txt is registry/repository:tag[@sha256:...]
  shellcheck      every bash `run:` block passes shellcheck (a `${{ }}` expression is replaced
                  by a variable first)
  checkov         checkov's github_actions checks on the workflows and its dockerfile checks on
                  Dockerfile and tools/images/base.Dockerfile: every failed check is listed in
                  checkov-skips.yaml (file, resource, check, reason), every skip still needed
"""
from __future__ import annotations

import argparse
import io
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV_BIN = pathlib.Path(sys.executable).parent
SKIPS = HERE / "checkov-skips.yaml"
DOCKERFILES = ("Dockerfile", "tools/images/base.Dockerfile")
POLICY_VALUES = ROOT / "charts/platform-policies/values.yaml"

SHA_PIN = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
DOCKER_PIN = re.compile(r"^docker://[^@\s]+@sha256:[0-9a-f]{64}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?P<comment>#.*)?$")
FORK_TRIGGERS = {"pull_request", "pull_request_target", "pull_request_review",
                 "pull_request_review_comment", "issue_comment"}
PR_CODE = re.compile(
    r"pull_request\.(head|merge_commit_sha|number)|github\.head_ref|"
    r"workflow_run\.(head_sha|head_branch|head_commit|head_repository|pull_requests)|refs/pull/")
FETCH_COMMAND = re.compile(r"\bgit\s+(fetch|checkout|switch|pull|clone)\b|\bgh\s+pr\s+checkout\b")
SECRET_REF = re.compile(r"\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[)")
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)
MIRROR_LINE = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}(:[0-9]+)?/[a-z0-9._/-]+:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}"
                         r"(@sha256:[0-9a-f]{64})?$")
SUBJECT = re.compile(r"^https://github\.com/[^/]+/[^/]+/\.github/workflows/(?P<file>[^@/]+)@refs/heads/(?P<branch>.+)$")


# -- loading ------------------------------------------------------------------------------------

def load_yaml(path: pathlib.Path) -> dict:
    """A workflow as a dict; PyYAML reads the key `on` as True (YAML 1.1), put back here."""
    document = yaml.safe_load(path.read_text()) or {}
    if isinstance(document, dict) and True in document:
        document["on"] = document.pop(True)
    return document


def triggers(workflow: dict) -> dict:
    on = workflow.get("on") or {}
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    return dict(on)


def jobs(workflow: dict) -> dict:
    return workflow.get("jobs") or {}


def steps(job: dict) -> list[dict]:
    return [s for s in job.get("steps") or [] if isinstance(s, dict)]


def strings(value) -> list[str]:
    """Every string in a YAML value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


# -- rules on one file ----------------------------------------------------------------------------

def check_schema(paths: list[pathlib.Path], schema: str = "vendor.github-workflows") -> list[str]:
    if not paths:
        return []
    result = subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema", schema, "-o", "json",
                             *map(str, paths)], capture_output=True, text=True)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return [f"check-jsonschema failed (exit {result.returncode}): {result.stderr.strip()[-500:]}"]
    problems = []
    for error in report.get("errors", []):
        best = error.get("best_deep_match") or error
        problems.append(f"{rel(error['filename'])}: schema ({schema}): {best['path']}: {best['message']}")
    for error in report.get("parse_errors", []):
        problems.append(f"{rel(error.get('filename', '?'))}: schema: does not parse: {error.get('message', error)}")
    return problems


def check_pins(path: pathlib.Path) -> list[str]:
    """On the text, to see the version comment beside each pin."""
    problems = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = USES_LINE.match(line)
        if not match:
            continue
        ref = match["ref"].strip("'\"")
        if ref.startswith("./") or DOCKER_PIN.match(ref):
            continue
        if not SHA_PIN.match(ref):
            problems.append(f"{rel(path)}:{number}: uses {ref}: not pinned to a full 40-hex commit")
        elif not re.match(r"#\s*v?\d", match["comment"] or ""):
            problems.append(f"{rel(path)}:{number}: uses {ref}: no `# vX.Y.Z` comment naming the pinned version")
    return problems


def check_permissions(path: pathlib.Path, workflow: dict) -> list[str]:
    return [f"{rel(path)}: job {name}: no `permissions:` (set the least the job needs, {{}} for none)"
            for name, job in jobs(workflow).items() if isinstance(job, dict) and "permissions" not in job]


def check_pr_checkout(path: pathlib.Path, workflow: dict) -> list[str]:
    privileged = {"pull_request_target", "workflow_run"} & set(triggers(workflow))
    if not privileged:
        return []
    problems = []
    for name, job in jobs(workflow).items():
        for index, step in enumerate(steps(job)):
            label = f"{rel(path)}: job {name}, step {step.get('name') or step.get('uses') or index + 1}"
            uses = str(step.get("uses", ""))
            if uses.startswith("actions/checkout@"):
                with_ = step.get("with") or {}
                for key in ("ref", "repository"):
                    if PR_CODE.search(str(with_.get(key, ""))):
                        problems.append(f"{label}: checks out pull-request code ({key}: {with_[key]}) "
                                        f"in a {'/'.join(sorted(privileged))} workflow")
            run = str(step.get("run", ""))
            # The pull request's ref may reach the script through the step's or the job's env.
            context = " ".join([run] + strings(step.get("env") or {}) + strings(job.get("env") or {}))
            if FETCH_COMMAND.search(run) and PR_CODE.search(context) or re.search(r"\bgh\s+pr\s+checkout\b", run):
                problems.append(f"{label}: fetches pull-request code in `run:` in a "
                                f"{'/'.join(sorted(privileged))} workflow")
    return problems


def fork_triggered(workflow: dict, by_name: dict[str, dict]) -> str | None:
    """Why a fork's pull request can start this workflow, or None."""
    on = triggers(workflow)
    direct = FORK_TRIGGERS & set(on)
    if direct:
        return "/".join(sorted(direct))
    if "workflow_run" in on:
        upstream = (on["workflow_run"] or {}).get("workflows") or []
        for name in upstream:
            other = by_name.get(name)
            if other is None:
                return f"workflow_run of {name!r}, a workflow not found here"
            if other is not workflow and fork_triggered(other, {}) is not None:
                return f"workflow_run of {name!r} ({fork_triggered(other, {})})"
    return None


def check_fork_secrets(path: pathlib.Path, workflow: dict, by_name: dict[str, dict]) -> list[str]:
    why = fork_triggered(workflow, by_name)
    if why is None:
        return []
    problems = []

    def secrets_in(value) -> list[str]:
        names = []
        for text in strings(value):
            for match in SECRET_REF.finditer(text):
                if match.group(1) != "GITHUB_TOKEN":
                    names.append(match.group(0) if match.group(1) is None else f"secrets.{match.group(1)}")
        return sorted(set(names))

    for found in secrets_in(workflow.get("env") or {}):
        problems.append(f"{rel(path)}: workflow env uses {found}, and a fork's pull request can trigger it ({why})")
    for name, job in jobs(workflow).items():
        found = secrets_in(job)
        if job.get("secrets") == "inherit":
            found.append("secrets: inherit")
        for item in found:
            problems.append(f"{rel(path)}: job {name} uses {item}, and a fork's pull request can trigger it ({why})")
    return problems


def check_identity(workflows: dict[pathlib.Path, dict], subject: str) -> list[str]:
    match = SUBJECT.match(subject)
    if not match:
        return [f"{rel(POLICY_VALUES)}: signature.subject {subject!r} names no workflow file and branch"]
    file, branch = match["file"], match["branch"]
    problems = []
    named = [p for p in workflows if p.name == file]
    if not named:
        problems.append(f".github/workflows/{file}: the admission policy's signing identity ({subject}) names it, "
                        "and it does not exist")
    for path, workflow in workflows.items():
        signs = any("cosign sign" in str(step.get("run", "")) for job in jobs(workflow).values() for step in steps(job))
        if path.name == file:
            push = triggers(workflow).get("push")
            branches = (push or {}).get("branches") if isinstance(push, dict) else None
            if "push" not in triggers(workflow) or (branches is not None and branch not in branches):
                problems.append(f"{rel(path)}: signs as {subject}, so it must run on pushes to {branch}")
            if not signs:
                problems.append(f"{rel(path)}: the admission policy admits only its signatures, and it runs no `cosign sign`")
        elif signs:
            problems.append(f"{rel(path)}: runs `cosign sign`, but the admission policy admits only signatures "
                            f"of {file} on {branch}: sign there")
    return problems


def check_mirror_list(path: pathlib.Path) -> list[str]:
    if not path.exists():
        return [f"{rel(path)}: missing (the release workflow's mirror job reads it)"]
    problems = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#") and not MIRROR_LINE.match(line):
            problems.append(f"{rel(path)}:{number}: {line!r} is not registry/repository:tag[@sha256:<64 hex>]")
    return problems


def run_blocks(workflow: dict) -> list[tuple[str, str]]:
    """(label, script) of every bash `run:` step."""
    default_shell = ((workflow.get("defaults") or {}).get("run") or {}).get("shell", "bash")
    blocks = []
    for name, job in jobs(workflow).items():
        job_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell", default_shell)
        for index, step in enumerate(steps(job)):
            shell = str(step.get("shell", job_shell))
            if "run" in step and shell.split()[0] in ("bash", "sh"):
                blocks.append((f"job {name}, step {step.get('name') or step.get('id') or index + 1}", str(step["run"])))
    # A composite action's steps (each names its shell).
    for index, step in enumerate(((workflow.get("runs") or {}).get("steps")) or []):
        if "run" in step and str(step.get("shell", "")).split()[:1] in (["bash"], ["sh"]):
            blocks.append((f"step {step.get('name') or step.get('id') or index + 1}", str(step["run"])))
    return blocks


def check_shellcheck(path: pathlib.Path, workflow: dict) -> tuple[list[str], int]:
    blocks = run_blocks(workflow)
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        return [f"{rel(path)}: shellcheck is not installed (tools/platform/install-deps.sh installs it)"], 0
    problems = []
    with tempfile.TemporaryDirectory() as directory:
        files = []
        for index, (label, script) in enumerate(blocks):
            # GitHub runs `bash --noprofile --norc -eo pipefail {0}`; an expression becomes text.
            body = EXPRESSION.sub("${GITHUB_EXPRESSION}", script)
            file = pathlib.Path(directory) / f"{index}.sh"
            file.write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + body)
            files.append((file, label))
        if not files:
            return [], 0
        result = subprocess.run([shellcheck, "-s", "bash", "-f", "json1", "-e", "SC2154", *[str(f) for f, _ in files]],
                                capture_output=True, text=True)
        labels = {str(f): label for f, label in files}
        for comment in json.loads(result.stdout or '{"comments": []}')["comments"]:
            problems.append(f"{rel(path)}: {labels[comment['file']]}: shellcheck SC{comment['code']} "
                            f"(line {comment['line'] - 2} of the block): {comment['message']}")
    return problems, len(blocks)


# -- checkov ------------------------------------------------------------------------------------------

def load_skips(path: pathlib.Path = SKIPS) -> tuple[dict[tuple[str, str, str], str], list[str]]:
    skips, problems = {}, []
    for entry in yaml.safe_load(path.read_text()) or []:
        if not {"file", "resource", "check", "reason"} <= set(entry) or not str(entry["reason"]).strip():
            problems.append(f"{rel(path)}: entry {entry}: needs file, resource, check and reason")
            continue
        skips[(entry["file"], entry["resource"], entry["check"])] = entry["reason"]
    return skips, problems


def run_checkov(workflow_files: list[pathlib.Path], dockerfiles: list[pathlib.Path], root: pathlib.Path
                ) -> tuple[list[dict], int, str | None]:
    """checkov (github_actions, dockerfile) over copies of the files, at their paths relative to
    root. Returns (failed checks, number passed, error)."""
    checkov = VENV_BIN / "checkov"
    with tempfile.TemporaryDirectory() as directory:
        for file in workflow_files:
            target = pathlib.Path(directory) / ".github/workflows" / file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
        for file in dockerfiles:
            target = pathlib.Path(directory) / file.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
        result = subprocess.run([str(checkov), "-d", directory, "--framework", "github_actions", "dockerfile",
                                 "--compact", "--skip-download", "-o", "json"], capture_output=True, text=True)
    if not result.stdout.strip():
        return [], 0, f"checkov produced no report (exit {result.returncode}): {result.stderr.strip()[-1000:]}"
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed, passed = [], 0
    for report in reports:
        passed += len(report.get("results", {}).get("passed_checks", []))
        failed += report.get("results", {}).get("failed_checks", [])
    return failed, passed, None


def check_checkov(workflow_files: list[pathlib.Path], dockerfiles: list[pathlib.Path], root: pathlib.Path = ROOT,
                  skips_file: pathlib.Path = SKIPS) -> tuple[list[str], int]:
    skips, problems = load_skips(skips_file)
    failed, passed, error = run_checkov(workflow_files, dockerfiles, root)
    if error:
        return problems + [error], 0
    used = set()
    for finding in failed:
        key = (finding["file_path"].lstrip("/"), finding["resource"].lstrip("/"), finding["check_id"])
        if key in skips:
            used.add(key)
            continue
        problems.append(f"{key[0]}: checkov {key[2]} ({finding['check_name']}) on {key[1]}: fix it, or list it "
                        f"with its reason in {rel(skips_file)}")
    if not passed:
        problems.append("checkov passed no check at all: it scanned nothing")
    for key in skips:
        if key not in used:
            problems.append(f"{rel(skips_file)}: skip {key[2]} on {key[1]} in {key[0]} is no longer needed: remove it")
    return problems, passed


# -- all together ----------------------------------------------------------------------------------

def rel(path) -> str:
    path = pathlib.Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def policy_subject(values: pathlib.Path = POLICY_VALUES) -> str:
    return str(((yaml.safe_load(values.read_text()) or {}).get("signature") or {}).get("subject", ""))


def check_all(root: pathlib.Path = ROOT, with_checkov: bool = True) -> tuple[list[str], str]:
    workflow_dir = root / ".github/workflows"
    paths = sorted(workflow_dir.glob("*.yml")) + sorted(workflow_dir.glob("*.yaml"))
    actions = sorted((root / ".github/actions").glob("*/action.y*ml"))
    problems = check_schema(paths) + check_schema(actions, "vendor.github-actions")
    workflows = {}
    for path in paths:
        try:
            workflows[path] = load_yaml(path)
        except yaml.YAMLError as error:
            problems.append(f"{rel(path)}: not YAML: {error}")
    by_name = {str(w.get("name", p.stem)): w for p, w in workflows.items()}
    blocks = 0
    for path in paths + actions:
        problems += check_pins(path)
    for path, workflow in workflows.items():
        problems += check_permissions(path, workflow)
        problems += check_pr_checkout(path, workflow)
        problems += check_fork_secrets(path, workflow, by_name)
        found, count = check_shellcheck(path, workflow)
        problems += found
        blocks += count
    for path in actions:
        found, count = check_shellcheck(path, load_yaml(path))
        problems += found
        blocks += count
    problems += check_identity(workflows, policy_subject(root / "charts/platform-policies/values.yaml"))
    problems += check_mirror_list(root / ".github/mirror-images.txt")
    passed = 0
    if with_checkov:
        found, passed = check_checkov(paths, [root / d for d in DOCKERFILES], root)
        problems += found
    job_count = sum(len(jobs(w)) for w in workflows.values())
    summary = (f"workflows: {len(paths)} workflows ({job_count} jobs), {len(actions)} local actions: schema, pins, "
               f"permissions, pull-request safety, signing identity, mirror list, shellcheck of {blocks} run blocks"
               + (f", checkov ({passed} checks passed on the workflows and {len(DOCKERFILES)} Dockerfiles)"
                  if with_checkov else ", checkov not run"))
    return problems, summary


def self_test() -> list[str]:
    """The rules first show that they catch what they claim to, on the fixtures (test_check.py;
    its test of the real workflows is left out: the run below is that test)."""
    import unittest
    sys.path.insert(0, str(HERE))
    import test_check
    suite = unittest.TestSuite(
        test for case in unittest.defaultTestLoader.loadTestsFromModule(test_check)
        for test in case if not test.id().startswith("test_check.RealWorkflows."))
    output = io.StringIO()
    result = unittest.TextTestRunner(verbosity=0, stream=output).run(suite)
    if not result.wasSuccessful():
        sys.stderr.write(output.getvalue())
    return [f"self-test {test.id()} failed" for test, _ in result.failures + result.errors]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-self-test", action="store_true", help="skip the rules' tests on the fixtures")
    parser.add_argument("--no-checkov", action="store_true", help="leave checkov out (the slowest rule)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    problems = [] if args.no_self_test else self_test()
    found, summary = check_all(with_checkov=not args.no_checkov)
    problems += found
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        return 1
    print(f"{summary}; {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
