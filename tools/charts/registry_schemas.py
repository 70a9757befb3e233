"""charts/schema-registry-schemas, checked offline for each environment (after
charts/platform-values.yaml and argocd/environments/<env>/schema-registry-schemas.yaml, as its
Application passes them): every manifest against its Kubernetes schema, the platform's pod and
network rules (policy.py), checkov with nothing accepted, and the registration itself — each
schema of docs/schemas a valid draft 2020-12 schema with a unique $id, registered under a
subject, the request body carrying the file's exact text (the chart reaches docs/schemas
through a symlink, which Helm follows: no second copy can drift), compatibility BACKWARD or
stricter and the same in every environment, the Job a PostSync hook whose script passes shellcheck as POSIX sh, no Namespace."""
from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import tempfile

import helm_python
import jsonschema
import yaml

import policy
import render
import validate

CHART = render.CHARTS / "schema-registry-schemas"
SCHEMAS = render.ROOT / "docs" / "schemas"
ENVIRONMENTS = ("dev", "staging", "prod")
NAMESPACE = "kafka"
# BACKWARD or stricter: a consumer with the new schema must read what the old ones wrote.
ACCEPTED_COMPATIBILITY = {"BACKWARD", "BACKWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"}


def values_for(environment: str) -> dict:
    values = render.load(render.PLATFORM_VALUES)
    return render.merge(values, render.load(render.ROOT / "argocd" / "environments" / environment / f"{CHART.name}.yaml"))


def rendered(values: dict) -> list[dict]:
    # The checkout itself, not render.workspace()'s copy: the symlink must resolve from here.
    output = helm_python.Chart.load(str(CHART)).render(values=values, name=CHART.name, namespace=NAMESPACE)
    return render.documents(output)


def schema_problems(directory: pathlib.Path = SCHEMAS) -> list[str]:
    problems, ids = [], {}
    for path in sorted(directory.glob("*.schema.json")):
        try:
            schema = json.loads(path.read_text())
            jsonschema.Draft202012Validator.check_schema(schema)
        except (ValueError, jsonschema.SchemaError) as error:
            problems.append(f"docs/schemas/{path.name}: not a valid draft 2020-12 schema: {str(error)[:300]}")
            continue
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            problems.append(f"docs/schemas/{path.name}: $schema must name draft 2020-12")
        if not schema.get("$id") or schema["$id"] in ids:
            problems.append(f"docs/schemas/{path.name}: needs an $id of its own (also used by {ids.get(schema.get('$id'))})")
        ids[schema.get("$id")] = path.name
    return problems


def registration_problems(environment: str, manifests: list[dict], values: dict) -> list[str]:
    problems = []
    full = render.merge(render.load(CHART / "values.yaml"), values)
    if full["compatibility"] not in ACCEPTED_COMPATIBILITY:
        problems.append(f"{environment}: compatibility {full['compatibility']} is looser than BACKWARD")
    config = next((m for m in manifests if m["kind"] == "ConfigMap"), None)
    if config is None:
        return problems + [f"{environment}: no ConfigMap of registration requests"]
    problems += script_problems(environment, config["data"]["register.sh"])
    registered = set()
    for subject in full["subjects"]:
        body = json.loads(config["data"][f"{subject['subject']}.json"])
        source = (SCHEMAS / subject["schema"]).read_text()
        if body != {"schemaType": "JSON", "schema": source}:
            problems.append(f"{environment}: the request for {subject['subject']} does not carry docs/schemas/{subject['schema']} exactly")
        registered.add(subject["schema"])
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        if path.name not in registered:
            problems.append(f"{environment}: docs/schemas/{path.name} is registered under no subject")
    for job in (m for m in manifests if m["kind"] == "Job"):
        annotations = job["metadata"].get("annotations", {})
        if annotations.get("argocd.argoproj.io/hook") != "PostSync":
            problems.append(f"{environment}: Job/{job['metadata']['name']} must be a PostSync hook (after the registry's wave and its own ConfigMap)")
    problems += [f"{environment}: renders a Namespace; namespaces are the platform's" for m in manifests if m["kind"] == "Namespace"]
    problems += [f"{environment}: {m['kind']}/{m['metadata']['name']} is not in namespace {NAMESPACE}"
                 for m in manifests if m["metadata"].get("namespace") != NAMESPACE]
    return problems


def script_problems(environment: str, script: str) -> list[str]:
    """The Job's script runs under the image's POSIX sh (busybox): shellcheck it as sh."""
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        return [f"{environment}: shellcheck is not installed (tools/platform/install-deps.sh installs it)"]
    result = subprocess.run([shellcheck, "--shell=sh", "--format=gcc", "-"], input=script, capture_output=True, text=True)
    return [f"{environment}: register.sh: {line}" for line in result.stdout.splitlines()]


def checkov_problems(renderings: dict[str, list[dict]], checkov: str) -> list[str]:
    """checkov over every environment's rendering; no finding is accepted for this chart."""
    with tempfile.TemporaryDirectory() as directory:
        for environment, manifests in renderings.items():
            (pathlib.Path(directory) / f"{CHART.name}--{environment}.yaml").write_text(yaml.safe_dump_all(manifests, sort_keys=False))
        result = subprocess.run([checkov, "-d", directory, "--framework", "kubernetes", "--quiet", "--compact",
                                 "--skip-download", "-o", "json"], capture_output=True, text=True)
    if not result.stdout.strip():
        return [f"checkov produced no report (exit {result.returncode}): {result.stderr[-2000:]}"]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    problems = [f"checkov {f['check_id']} ({f['check_name']}): {f['resource']} in {f['file_path'].lstrip('/')}"
                for report in reports for f in report.get("results", {}).get("failed_checks", [])]
    if not any(report.get("summary", {}).get("passed", 0) for report in reports):
        problems.append("checkov passed no check at all: it scanned nothing")
    return problems


def problems(checkov: str) -> list[str]:
    found = schema_problems()
    renderings = {}
    for environment in ENVIRONMENTS:
        values = values_for(environment)
        lint = helm_python.lint(str(CHART), values=values, strict=True, namespace=NAMESPACE, kube_version="1.30.0")
        found += [f"{CHART.name} [{environment}] helm lint {m['path']}: {m['error']}" for m in lint["messages"]
                  if m["severity"] > 1 and "icon is recommended" not in m["error"]]
        found += [f"{CHART.name} [{environment}] helm lint: {e}" for e in lint["errors"]]
        manifests = rendered(values)
        renderings[environment] = manifests
        for manifest in manifests:
            found += [f"{CHART.name} [{environment}] {manifest['kind']}/{manifest['metadata']['name']}: {e}" for e in validate.errors(manifest)]
        found += [f"{CHART.name} [{environment}] {p}" for p in policy.pods(manifests) + policy.fencing(manifests, mesh=False)]
        found += [f"{CHART.name} {p}" for p in registration_problems(environment, manifests, values)]
    levels = {e: render.merge(render.load(CHART / "values.yaml"), values_for(e))["compatibility"] for e in ENVIRONMENTS}
    if len(set(levels.values())) != 1:
        found.append(f"{CHART.name}: compatibility differs between environments {levels}: a schema dev accepts must be one prod accepts")
    found += [f"{CHART.name} {p}" for p in checkov_problems(renderings, checkov)]
    print(f"{CHART.name}: {len(ENVIRONMENTS)} environments rendered, {len(list(SCHEMAS.glob('*.schema.json')))} schema(s) of docs/schemas checked")
    return found


if __name__ == "__main__":
    import sys
    checkov = str(pathlib.Path(sys.executable).parent / "checkov")
    sys.exit(render.report(problems(checkov)))
