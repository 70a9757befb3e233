"""charts/platform-secrets, rendered as each environment's Argo CD application would render it
(charts/platform-values.yaml, then argocd/environments/<env>/platform-secrets.yaml) and checked:
its manifests pass their schemas (the ClusterSecretStore's CRD schema, strictly), the store the
services name (global.secretStore) is one of them and admits the services' namespace, and every
store is held to what makes a Vault store safe: KV v2 over https with a CA, Kubernetes auth as a
ServiceAccount of the chart with its own Vault role, usable only from the namespaces its
`spec.conditions` list. That each secret a service reads comes from an ExternalSecret against
that store is policy.secret_sources (run on every service rendering); that they are exactly the
secrets the code reads is the Swift test SecretMountTests, from `mounted()` (`--mounted`)."""
from __future__ import annotations

import json

import argocd
import policy
import render
import validate

CHART = render.CHARTS / "platform-secrets"
NAMESPACE = "external-secrets"


def rendered(environment: str | None) -> tuple[list[dict], dict]:
    """(manifests, values) of the chart for `environment` (None: the chart's defaults)."""
    values = render.load(render.PLATFORM_VALUES)
    if environment:
        values = render.merge(values, render.load(argocd.ARGOCD / "environments" / environment / "platform-secrets.yaml"))
    manifests = render.render(CHART, values, namespace=NAMESPACE)
    return manifests, render.merge(render.load(CHART / "values.yaml"), values)


def store_problems(manifests: list[dict], values: dict, services_namespace: str) -> list[str]:
    problems = []
    accounts = {(m["metadata"]["namespace"], m["metadata"]["name"]) for m in manifests if m["kind"] == "ServiceAccount"}
    stores = [m for m in manifests if m["kind"] == "ClusterSecretStore"]
    wanted = values["global"]["secretStore"]
    named = [s for s in stores if s["metadata"]["name"] == wanted["name"]]
    if wanted["kind"] != "ClusterSecretStore" or not named:
        problems.append(f"the services' store {wanted['kind']}/{wanted['name']} is not a ClusterSecretStore of this chart")
    roles: dict[str, str] = {}
    for store in stores:
        where = f"ClusterSecretStore/{store['metadata']['name']}"
        spec = store["spec"]
        conditions = spec.get("conditions", [])
        if not conditions or any(set(c) != {"namespaces"} or not c["namespaces"] for c in conditions):
            problems.append(f"{where}: must name the namespaces that may use it (spec.conditions[].namespaces only)")
        vault = spec["provider"].get("vault")
        if vault is None:
            problems.append(f"{where}: not a Vault store")
            continue
        if vault.get("version", "v2") != "v2" or not vault["server"].startswith("https://"):
            problems.append(f"{where}: must read KV version 2 over https")
        if "caProvider" not in vault and "caBundle" not in vault:
            problems.append(f"{where}: no CA to verify Vault's certificate")
        kubernetes = vault.get("auth", {}).get("kubernetes")
        if kubernetes is None or "serviceAccountRef" not in kubernetes:
            problems.append(f"{where}: must log in with Kubernetes auth as a ServiceAccount of its own")
            continue
        account = kubernetes["serviceAccountRef"]
        if (account.get("namespace"), account["name"]) not in accounts:
            problems.append(f"{where}: logs in as {account.get('namespace')}/{account['name']}, which the chart does not create")
        if not account.get("audiences"):
            problems.append(f"{where}: its tokens must carry an audience Vault's role requires")
        if kubernetes["role"] in roles:
            problems.append(f"{where}: shares Vault role {kubernetes['role']} with {roles[kubernetes['role']]} (one role per namespace)")
        roles[kubernetes["role"]] = where
    for store in named:
        admitted = {n for c in store["spec"].get("conditions", []) for n in c.get("namespaces", [])}
        if services_namespace not in admitted:
            problems.append(f"ClusterSecretStore/{store['metadata']['name']}: the services' namespace {services_namespace} may not use it")
    return problems


def check() -> list[str]:
    services_namespace = render.load(argocd.ARGOCD / "root" / "values.yaml")["namespace"]
    problems, total = [], 0
    for environment in (None, *argocd.ENVIRONMENTS):
        where = f"platform-secrets [{environment or 'default'}]"
        manifests, values = rendered(environment)
        total += len(manifests)
        for manifest in manifests:
            problems += [f"{where} {manifest['kind']}/{manifest['metadata']['name']}: {e}" for e in validate.errors(manifest)]
        problems += [f"{where} {p}" for p in store_problems(manifests, values, services_namespace)]
    print(f"secrets: platform-secrets for {len(argocd.ENVIRONMENTS)} environments and its defaults ({total} manifests)")
    return problems


def mounted() -> dict[str, list[str]]:
    """The secrets each workload of the service charts gets as files (the X of each `X_FILE`), by
    the name the call graph gives it: a Rollout is its service, a Job or CronJob its own name."""
    result: dict[str, list[str]] = {}
    for chart in render.service_charts():
        for manifest in render.render(chart, render.load(render.PLATFORM_VALUES)):
            if manifest["kind"] in policy.WORKLOAD_KINDS:
                containers = policy.pod_spec(manifest)["containers"]
                result[manifest["metadata"]["name"]] = sorted(
                    v["name"].removesuffix("_FILE") for c in containers for v in c.get("env", []) if v["name"].endswith("_FILE"))
    return result


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--mounted"]:
        print(json.dumps(mounted()))
        sys.exit(0)
    sys.exit(render.report(check()))
