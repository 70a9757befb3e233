"""The Kyverno policies (charts/platform-policies) and their offline counterparts.

There is no Kyverno here: the ClusterPolicies are validated against their CRD schema like every
rendered manifest (validate.py), and what they enforce is enforced offline by checkov on every
rendered manifest (scan.py), one or more checks per rule as policies/mapping.yaml says. `check()`
holds the mapping to what the chart renders, in each environment: no rule without a check, no
check without a rule, every rule over Pods and Rollouts, one registry on both sides."""
from __future__ import annotations

import functools
import inspect
import pathlib

import helm_python
import yaml

import render
import scan

HERE = pathlib.Path(__file__).resolve().parent
MAPPING = HERE / "policies" / "mapping.yaml"
CHART = render.CHARTS / "platform-policies"
ENVIRONMENTS = ("dev", "staging", "prod")
ROLLOUT = "argoproj.io/v1alpha1/Rollout"


@functools.cache
def mapping() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(MAPPING.read_text()))


def policy_of_check() -> dict[str, str]:
    """checkov check id -> the Kyverno policy it stands for offline."""
    return {check: entry["policy"] for entry in mapping() for check in entry["checks"]}


def policy_checks() -> list[str]:
    return sorted(policy_of_check())


def rendered(environment: str | None = None) -> list[dict]:
    """The chart as Argo CD renders it for the environment (None: platform values only)."""
    values = render.load(render.PLATFORM_VALUES)
    if environment:
        values = render.merge(values, render.load(render.ROOT / "argocd" / "environments" / environment / "platform-policies.yaml"))
    output = helm_python.Chart.load(CHART).render(values=values, name="platform-policies", namespace="gamemetrics")
    return render.documents(output)


def rules(manifests: list[dict]) -> dict[tuple[str, str], dict]:
    """(policy, rule) -> rule, for every ClusterPolicy among the manifests."""
    return {(m["metadata"]["name"], rule["name"]): rule
            for m in manifests if m["kind"] == "ClusterPolicy" for rule in m["spec"]["rules"]}


def kinds(rule: dict) -> set[str]:
    return {kind for block in rule["match"].get("any", []) + rule["match"].get("all", [])
            for kind in block["resources"].get("kinds", [])}


def known_checks() -> dict[str, object]:
    """checkov's checks, built-in and ours, by id."""
    return {check.id: check for checks in scan.checkov_registry().checks.values() for check in checks}


def problems(manifests: list[dict], where: str) -> list[str]:
    found = []
    rendered_rules = rules(manifests)
    mapped = {(entry["policy"], rule) for entry in mapping() for rule in entry["rules"]}
    found += [f"{where}: Kyverno rule {p}/{r} has no offline counterpart in {MAPPING.name}" for p, r in sorted(set(rendered_rules) - mapped)]
    found += [f"{where}: {MAPPING.name} maps {p}/{r}, which the chart does not render" for p, r in sorted(mapped - set(rendered_rules))]
    for entry in mapping():
        covered = set().union(*(kinds(rendered_rules[(entry["policy"], r)]) for r in entry["rules"] if (entry["policy"], r) in rendered_rules))
        if not {"Pod", ROLLOUT} <= covered:
            found.append(f"{where}: {entry['policy']} must have rules over Pod (autogen: the controllers) and {ROLLOUT}, has {sorted(covered)}")
    for manifest in manifests:
        annotation = manifest["metadata"].get("annotations", {}).get("pod-policies.kyverno.io/autogen-controllers", "")
        if not {"Deployment", "Job", "CronJob", "StatefulSet", "DaemonSet"} <= set(annotation.split(",")):
            found.append(f"{where}: {manifest['metadata']['name']} does not extend its Pod rules to every controller (autogen)")
    registry = offline_registry()
    for (policy, name), rule in rendered_rules.items():
        if policy in ("restrict-image-registries", "verify-image-signatures") and set(images_in(rule)) != {f"{registry}/*"}:
            found.append(f"{where}: {policy}/{name} allows {sorted(set(images_in(rule)))}, the offline check {registry}/*")
    return found


def images_in(rule: dict) -> list[str]:
    """The image patterns a rule allows: its patterns' `image` values and verifyImages' references."""
    found = [reference for verify in rule.get("verifyImages", []) for reference in verify["imageReferences"]]

    def walk(node) -> None:
        if isinstance(node, dict):
            found.extend(v for k, v in node.items() if k == "image")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(rule.get("validate", {}))
    return found


def offline_registry() -> str:
    """The registry the offline check (policies/checks/ApprovedRegistry.py) allows."""
    return inspect.getmodule(known_checks()["CKV_GM_2"]).approved_registry()


def check() -> list[str]:
    known = known_checks()
    found = [f"{MAPPING.name}: {check} is no checkov check (built-in or policies/checks/)" for check in policy_checks() if check not in known]
    found += [f"policies/checks: {check} has no Kyverno rule in {MAPPING.name}" for check in sorted(known)
              if check.startswith("CKV_GM_") and check not in policy_checks()]
    found += problems(rendered(), "platform-policies [default]")
    for environment in ENVIRONMENTS:
        found += problems(rendered(environment), f"platform-policies [{environment}]")
    rule_count = sum(len(entry["rules"]) for entry in mapping())
    print(f"admission: {len(mapping())} Kyverno policies ({rule_count} rules) in {len(ENVIRONMENTS)} environments, "
          f"each rule mapped to checkov checks {', '.join(policy_checks())}")
    return found


if __name__ == "__main__":
    import sys
    sys.exit(render.report(check()))
