"""What every rendered service chart must hold beyond its schemas and checkov's checks (scan.py):
startup probes, secrets only from ExternalSecrets, a NetworkPolicy and mesh policy around every pod,
one autoscaler per Rollout, canaries of 10% and 50% with their analysis and Istio routing.
Each function returns a list of problems (empty when the rendering holds)."""
from __future__ import annotations

import re

SECRET_LIKE = re.compile(r"(SECRET|PASSWORD|TOKEN|_KEY|PG_URL|MIGRATION_URL|REDIS_URL|CLIENT_ID)$")
WORKLOAD_KINDS = ("Rollout", "Job", "CronJob")


def pod_spec(manifest: dict) -> dict:
    if manifest["kind"] == "CronJob":
        return manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return manifest["spec"]["template"]["spec"]


def pod_labels(manifest: dict) -> dict:
    if manifest["kind"] == "CronJob":
        return manifest["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return manifest["spec"]["template"]["metadata"]["labels"]


def name_of(manifest: dict) -> str:
    return f"{manifest['kind']}/{manifest['metadata']['name']}"


def pods(manifests: list[dict]) -> list[str]:
    """What checkov cannot say about pods. The restricted security context (non-root, seccomp,
    read-only root, no escalation, capabilities dropped, no service account token), CPU and
    memory requests and limits, liveness and readiness probes are checkov's (scan.py, and
    admission.py for the Kyverno policies among them), on every rendering and never baselined."""
    problems = []
    for m in manifests:
        if m["kind"] not in WORKLOAD_KINDS:
            continue
        where = name_of(m)
        spec = pod_spec(m)
        for container in spec["containers"]:
            if m["kind"] == "Rollout" and "startupProbe" not in container:
                problems.append(f"{where}: no startupProbe")
            for variable in container.get("env", []):
                if "valueFrom" in variable:
                    problems.append(f"{where}: {variable['name']} comes from a Secret as a variable; mount it as a file")
                elif SECRET_LIKE.search(variable["name"]):
                    problems.append(f"{where}: {variable['name']} looks like a secret but has a literal value")
        if m["kind"] == "Rollout":
            grace = next((int(v["value"]) for c in spec["containers"] for v in c.get("env", []) if v["name"] == "GM_SHUTDOWN_GRACE_MS"), None)
            if grace is None or spec.get("terminationGracePeriodSeconds", 30) * 1000 <= grace:
                problems.append(f"{where}: terminationGracePeriodSeconds must exceed GM_SHUTDOWN_GRACE_MS")
    for account in (m for m in manifests if m["kind"] == "ServiceAccount"):
        if account.get("automountServiceAccountToken") is not False:
            problems.append(f"{name_of(account)}: must not automount its token")
    return problems


def secret_sources(manifests: list[dict], store: dict) -> list[str]:
    """Every secret a workload reads is a file of a Secret that an ExternalSecret of the chart
    writes from the platform's store (global.secretStore, the Vault ClusterSecretStore of
    charts/platform-secrets): no Secret in the chart, no Secret mounted that no ExternalSecret
    writes, every key listed (so each file is known), no `envFrom` a Secret, no `subPath` (the
    kubelet never updates it, so a rotation would need a restart), and every `<VAR>_FILE`
    naming a file of such a mount. Secrets as variable values are pods()'s concern."""
    problems = [f"{name_of(m)}: Secrets come only from ExternalSecrets" for m in manifests if m["kind"] == "Secret"]
    written: dict[str, set[str]] = {}
    for external in (m for m in manifests if m["kind"] == "ExternalSecret"):
        spec = external["spec"]
        ref = spec["secretStoreRef"]
        if (ref.get("kind", "SecretStore"), ref["name"]) != (store["kind"], store["name"]):
            problems.append(f"{name_of(external)}: reads from {ref.get('kind', 'SecretStore')}/{ref['name']}, "
                            f"not the platform's store {store['kind']}/{store['name']}")
        if "dataFrom" in spec:
            problems.append(f"{name_of(external)}: list each key under data (dataFrom hides which secrets a pod gets)")
        target = spec.get("target", {}).get("name", external["metadata"]["name"])
        written[target] = {item["secretKey"] for item in spec.get("data", [])}
    # cert-manager writes a Certificate's key pair and its CA (no secret material from the store).
    for certificate in (m for m in manifests if m["kind"] == "Certificate"):
        written[certificate["spec"]["secretName"]] = {"tls.crt", "tls.key", "ca.crt"}
    for workload in (m for m in manifests if m["kind"] in WORKLOAD_KINDS):
        where = name_of(workload)
        spec = pod_spec(workload)
        files: dict[str, set[str]] = {}
        for volume in spec.get("volumes", []):
            for source in [volume] + volume.get("projected", {}).get("sources", []):
                if "secret" not in source:
                    continue
                secret = source["secret"]
                name = secret.get("secretName", secret.get("name"))
                if name not in written:
                    problems.append(f"{where}: volume {volume['name']} mounts Secret {name}, which no ExternalSecret or Certificate of the chart writes")
                    continue
                if not secret.get("items"):
                    problems.append(f"{where}: volume {volume['name']} must list the keys it mounts (items)")
                    continue
                for item in secret["items"]:
                    if item["key"] not in written[name]:
                        problems.append(f"{where}: volume {volume['name']} mounts key {item['key']}, which ExternalSecret {name} does not write")
                files.setdefault(volume["name"], set()).update(item["path"] for item in secret["items"])
        for container in spec["containers"] + spec.get("initContainers", []):
            if any("secretRef" in source for source in container.get("envFrom", [])):
                problems.append(f"{where}: container {container['name']} takes variables from a Secret (envFrom); mount it as files")
            readable = set()
            for mount in (m for m in container.get("volumeMounts", []) if m["name"] in files):
                if "subPath" in mount:
                    problems.append(f"{where}: container {container['name']} mounts secret volume {mount['name']} with subPath, "
                                    "which the kubelet never updates (a rotation would need a restart)")
                readable |= {f"{mount['mountPath'].rstrip('/')}/{path}" for path in files[mount["name"]]}
            for variable in container.get("env", []):
                if variable["name"].endswith("_FILE") and variable.get("value") not in readable:
                    problems.append(f"{where}: {variable['name']} names {variable.get('value')}, "
                                    "not a file of a Secret an ExternalSecret writes")
    return problems


def selects(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def fencing(manifests: list[dict], mesh: bool) -> list[str]:
    problems = []
    policies = [m for m in manifests if m["kind"] == "NetworkPolicy"]
    for workload in (m for m in manifests if m["kind"] in WORKLOAD_KINDS):
        labels = pod_labels(workload)
        covering = [p for p in policies if selects(p["spec"]["podSelector"], labels)]
        if not any(set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"} for p in covering):
            problems.append(f"{name_of(workload)}: no NetworkPolicy fences both its ingress and egress")
        if mesh and workload["kind"] == "Rollout":
            for kind in ("PeerAuthentication", "AuthorizationPolicy"):
                found = [m for m in manifests if m["kind"] == kind and selects(m["spec"].get("selector", {}), labels)]
                if not found:
                    problems.append(f"{name_of(workload)}: no {kind}")
                elif kind == "PeerAuthentication" and found[0]["spec"]["mtls"]["mode"] != "STRICT":
                    problems.append(f"{name_of(workload)}: mTLS is not STRICT")
    return problems


def autoscaling(manifests: list[dict]) -> list[str]:
    problems = []
    for rollout in (m for m in manifests if m["kind"] == "Rollout"):
        name = rollout["metadata"]["name"]
        scalers = [m for m in manifests if m["kind"] in ("HorizontalPodAutoscaler", "ScaledObject")
                   and m["spec"]["scaleTargetRef"]["name"] == name and m["spec"]["scaleTargetRef"]["kind"] == "Rollout"]
        if "replicas" in rollout["spec"]:
            if scalers:
                problems.append(f"{name_of(rollout)}: fixed replicas and an autoscaler")
            continue
        if len(scalers) != 1:
            problems.append(f"{name_of(rollout)}: {len(scalers)} autoscalers, exactly one expected (two HPAs fight)")
            continue
        scaler = scalers[0]
        if scaler["kind"] == "HorizontalPodAutoscaler":
            cpu = [x for x in scaler["spec"]["metrics"] if x["type"] == "Resource" and x["resource"]["name"] == "cpu"]
            if not cpu or cpu[0]["resource"]["target"]["averageUtilization"] != 70:
                problems.append(f"{name_of(scaler)}: must scale on CPU 70%")
        else:
            triggers = scaler["spec"]["triggers"]
            if not any(t["type"] == "cpu" and t["metadata"]["value"] == "70" for t in triggers):
                problems.append(f"{name_of(scaler)}: must scale on CPU 70%")
            if not any(t["type"] != "cpu" for t in triggers):
                problems.append(f"{name_of(scaler)}: KEDA without the signal that limits the service")
    return problems


def rollouts(manifests: list[dict], mesh: bool) -> list[str]:
    problems = []
    by_kind_name = {(m["kind"], m["metadata"]["name"]): m for m in manifests}
    for rollout in (m for m in manifests if m["kind"] == "Rollout"):
        strategy = rollout["spec"]["strategy"]
        if "blueGreen" in strategy:
            blue_green = strategy["blueGreen"]
            analysis = blue_green.get("prePromotionAnalysis", {}).get("templates", [])
            if ("Service", blue_green["previewService"]) not in by_kind_name or ("Service", blue_green["activeService"]) not in by_kind_name:
                problems.append(f"{name_of(rollout)}: blue-green needs its active and preview Services")
        else:
            canary = strategy["canary"]
            weights = [s["setWeight"] for s in canary["steps"] if "setWeight" in s]
            if weights != [10, 50]:
                problems.append(f"{name_of(rollout)}: canary weights {weights}, expected 10 then 50 (then 100)")
            if not all("pause" in s for s in canary["steps"][1::2]):
                problems.append(f"{name_of(rollout)}: each weight must be followed by a pause")
            analysis = canary.get("analysis", {}).get("templates", [])
            istio = canary.get("trafficRouting", {}).get("istio")
            if istio:
                service = istio["virtualService"]
                vs = by_kind_name.get(("VirtualService", service["name"]))
                if not vs or not any(r.get("name") in service["routes"] for r in vs["spec"]["http"]):
                    problems.append(f"{name_of(rollout)}: its VirtualService route is missing")
                dr = by_kind_name.get(("DestinationRule", istio["destinationRule"]["name"]))
                if not dr or {s["name"] for s in dr["spec"]["subsets"]} != {"stable", "canary"}:
                    problems.append(f"{name_of(rollout)}: its DestinationRule needs the stable and canary subsets")
        for template in analysis:
            if ("AnalysisTemplate", template["templateName"]) not in by_kind_name:
                problems.append(f"{name_of(rollout)}: AnalysisTemplate {template['templateName']} is not rendered")
        if not analysis:
            problems.append(f"{name_of(rollout)}: no analysis")
    return problems


def hooks(manifests: list[dict]) -> list[str]:
    """A Job runs as an Argo CD hook: a migration (<service>-migrate) before the sync, anything
    else before or after it. A PreSync Job runs before the chart's other resources exist, so its
    own ServiceAccount, NetworkPolicy and ExternalSecret are PreSync hooks of an earlier wave; a
    PostSync Job's may also be ordinary resources of the chart (synced before it runs)."""
    problems = []
    jobs = [m for m in manifests if m["kind"] == "Job"]
    for job in jobs:
        annotations = job["metadata"].get("annotations", {})
        name = job["metadata"]["name"]
        phase = annotations.get("argocd.argoproj.io/hook")
        if name.endswith("-migrate") and phase != "PreSync":
            problems.append(f"{name_of(job)}: a migration Job must be an Argo CD PreSync hook")
        elif phase not in ("PreSync", "PostSync"):
            problems.append(f"{name_of(job)}: a Job must be an Argo CD PreSync or PostSync hook")
        wave = int(annotations.get("argocd.argoproj.io/sync-wave", "0"))
        mounts_secrets = any("secret" in volume for volume in pod_spec(job).get("volumes", []))
        for kind in ("ServiceAccount", "NetworkPolicy") + (("ExternalSecret",) if mounts_secrets else ()):
            found = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
            companion = found[0]["metadata"].get("annotations", {}) if found else {}
            ordinary = phase == "PostSync" and found and "argocd.argoproj.io/hook" not in companion
            if not ordinary and (not found or int(companion.get("argocd.argoproj.io/sync-wave", "0")) >= wave
                                 or companion.get("argocd.argoproj.io/hook") != phase):
                problems.append(f"{name_of(job)}: its {kind} must be a {phase} hook of an earlier wave")
    return problems


def trusted_proxies(manifests: list[dict], hops: int) -> list[str]:
    problems = []
    for rollout in (m for m in manifests if m["kind"] == "Rollout"):
        for container in pod_spec(rollout)["containers"]:
            for variable in container.get("env", []):
                if variable["name"].endswith("TRUSTED_PROXIES") and variable.get("value") != str(hops):
                    problems.append(f"{name_of(rollout)}: {variable['name']}={variable.get('value')} but the ingress adds {hops} hop(s)")
    return problems


def all_problems(manifests: list[dict], values: dict) -> list[str]:
    mesh = values["global"]["mesh"]["enabled"]
    return (pods(manifests) + secret_sources(manifests, values["global"]["secretStore"]) + fencing(manifests, mesh) + autoscaling(manifests) + rollouts(manifests, mesh)
            + hooks(manifests) + trusted_proxies(manifests, values["global"]["ingress"]["trustedProxyHops"]))
