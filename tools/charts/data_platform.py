"""The data platform's charts, offline: charts/postgres, charts/object-storage and charts/redis
rendered with their defaults and with each environment's overrides
(argocd/environments/<env>/<chart>.yaml) and validated against the Kubernetes and CRD schemas;
PostgreSQL's roles held to the grants and the charts (databases.py); the MinIO users and
buckets and the Redis ACL users held to what the service charts mount and name (derived from
their values, not copied); the upstream redis-cluster values checked for what the platform
requires (3 masters + 3 replicas, persistence, a PDB, the secrets charts/redis writes); the
platform's pod and hook policies (policy.py) on everything they render."""
from __future__ import annotations

import re

import helm_python

import databases
import policy
import render
import validate

CHARTS = {"postgres": "databases", "object-storage": "minio", "redis": "redis"}
REDIS_VALUES = render.ROOT / "argocd" / "platform" / "redis-cluster" / "values.yaml"


def rendered(chart: str, environment: str | None = None) -> list[dict]:
    output = helm_python.Chart.load(render.CHARTS / chart).render(
        values=databases.values_for(chart, environment), name=chart, namespace=CHARTS[chart])
    return render.documents(output)


def service_values() -> dict[str, dict]:
    return {chart.name: render.merge(render.load(chart / "values.yaml"), render.load(render.PLATFORM_VALUES))
            for chart in render.service_charts()}


def object_storage_problems(manifests: list[dict], services: dict[str, dict]) -> list[str]:
    """Each S3 credential a service mounts is a MinIO user of this Tenant, its bucket one of the
    Tenant's, its endpoint the Tenant's Service; no user nobody mounts."""
    found = []
    tenant = next(m for m in manifests if m["kind"] == "Tenant")
    namespace = tenant["metadata"]["namespace"]
    buckets = {b["name"] for b in tenant["spec"].get("buckets", [])}
    job = next((m for m in manifests if m["kind"] == "Job"), None)
    credentials = next((m for m in manifests if m["kind"] == "ExternalSecret" and job and m["metadata"]["name"] == job["metadata"]["name"]), None)
    refs = {d["secretKey"]: (d["remoteRef"]["key"], d["remoteRef"]["property"]) for d in (credentials or {"spec": {"data": []}})["spec"]["data"]}
    users = {key.removesuffix("-access-key"): (refs[key], refs.get(key.removesuffix("-access-key") + "-secret-key"))
             for key in refs if key.endswith("-access-key")}
    script = job["spec"]["template"]["spec"]["containers"][0]["args"][0] if job else ""
    policies = next((m["data"] for m in manifests if m["kind"] == "ConfigMap"), {})
    endpoint = f"https://minio.{namespace}.svc.cluster.local"
    mounted = set()
    for service, values in sorted(services.items()):
        env, files = values.get("env") or {}, (values.get("secrets") or {}).get("files") or {}
        for prefix in ("GM_S3_", "GM_AUDIT_ANCHOR_S3_"):
            if f"{prefix}ENDPOINT" not in env:
                continue
            access, secret = files.get(f"{prefix}ACCESS_KEY"), files.get(f"{prefix}SECRET_KEY")
            pair = ((access or {}).get("key"), (access or {}).get("property")), ((secret or {}).get("key"), (secret or {}).get("property"))
            user = next((name for name, keys in users.items() if keys == pair), None)
            if user is None:
                found.append(f"{service} signs with {pair[0][0]}, which is no MinIO user of the Tenant")
            else:
                mounted.add(user)
                if f"/policies/{user}.json" not in script or f"{user}.json" not in policies:
                    found.append(f"MinIO user {user} gets no policy of its own")
                elif env.get(f"{prefix}BUCKET") not in policies[f"{user}.json"]:
                    found.append(f"MinIO user {user}'s policy does not name {service}'s bucket {env.get(f'{prefix}BUCKET')}")
            if env.get(f"{prefix}BUCKET") not in buckets:
                found.append(f"{service}'s {prefix}BUCKET {env.get(f'{prefix}BUCKET')} is not a bucket of the Tenant ({sorted(buckets)})")
            if env[f"{prefix}ENDPOINT"] != endpoint:
                found.append(f"{service}'s {prefix}ENDPOINT is {env[f'{prefix}ENDPOINT']}, the Tenant serves {endpoint}")
    found += [f"MinIO user {user} has keys no service mounts" for user in sorted(set(users) - mounted)]
    callers = {e["from"] for e in render.load(render.PLATFORM_VALUES)["global"]["callGraph"]["edges"] if e["to"] == "s3"}
    fence = next((m for m in manifests if m["kind"] == "NetworkPolicy" and m["spec"]["podSelector"]["matchLabels"].get("v1.min.io/tenant")), None)
    admitted = {peer["podSelector"]["matchLabels"].get("app.kubernetes.io/name") for rule in (fence or {"spec": {}})["spec"].get("ingress", [])
                for peer in rule["from"] if peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name") == "gamemetrics"}
    if admitted != callers:
        found.append(f"the Tenant admits {sorted(admitted - {None})} from the services' namespace; the call graph's callers of s3 are {sorted(callers)}")
    if tenant["spec"].get("users"):
        found.append("Tenant spec.users get consoleAdmin: workload users come from the provisioning Job")
    return found


def redis_problems(manifests: list[dict], services: dict[str, dict], upstream: dict) -> list[str]:
    """The ACL file has exactly one user per service mounting a GM_REDIS_URL, each reading its
    password from that service's secret-store entry, each such service in cluster mode; the
    upstream values run 3 masters with a
    replica each, persist, keep a PDB and read the secrets this chart writes."""
    found = []
    acl = next(m for m in manifests if m["kind"] == "ExternalSecret" and "users.acl" in m["spec"]["target"].get("template", {}).get("data", {}))
    refs = {d["secretKey"]: (d["remoteRef"]["key"], d["remoteRef"]["property"]) for d in acl["spec"]["data"]}
    users = {}
    for line in acl["spec"]["target"]["template"]["data"]["users.acl"].splitlines():
        match = re.match(r'user (\S+) on #\{\{ (?:\(urlParse \.(\w+)\)\.userinfo \| trimPrefix "([^"]+)"|\.(\w+)) \| sha256sum \}\}', line)
        if not match:
            found.append(f"users.acl line without a hashed password from the store: {line[:60]}")
            continue
        name, url_key, prefix, plain_key = match.groups()
        if url_key and prefix != f"{name}:":
            found.append(f"Redis user {name} reads the password of {prefix.rstrip(':')} from its URL")
        users[name] = refs.get(url_key or plain_key)
    wanted = {service: (v["secrets"]["files"]["GM_REDIS_URL"]["key"], v["secrets"]["files"]["GM_REDIS_URL"]["property"])
              for service, v in services.items() if "GM_REDIS_URL" in ((v.get("secrets") or {}).get("files") or {})}
    if "default" not in users:
        found.append("users.acl does not define `default`: it would load passwordless")
    auth = next(m for m in manifests if m["kind"] == "ExternalSecret" and m["spec"]["target"]["name"] == upstream.get("existingSecret"))
    if users.get("default") != (auth["spec"]["data"][0]["remoteRef"]["key"], auth["spec"]["data"][0]["remoteRef"]["property"]):
        found.append("the ACL file's default user and the chart's password come from different entries")
    service_users = {u: k for u, k in users.items() if u != "default"}
    if set(service_users) != set(wanted):
        found.append(f"Redis ACL users {sorted(service_users)} differ from the services mounting GM_REDIS_URL {sorted(wanted)}")
    for service in sorted(set(wanted) & set(service_users)):
        if service_users[service] != wanted[service]:
            found.append(f"{service} mounts {wanted[service][0]}, its Redis user reads {service_users[service]}")
    # The platform's Redis is a Redis Cluster: a client in single mode gets MOVED for most keys.
    for service in sorted(wanted):
        mode = (services[service].get("env") or {}).get("GM_REDIS_MODE", "single")
        if mode != "cluster":
            found.append(f"{service} talks to the Redis Cluster in GM_REDIS_MODE {mode}, not cluster")
    callers = {e["from"] for e in render.load(render.PLATFORM_VALUES)["global"]["callGraph"]["edges"] if e["to"] == "redis"}
    admitted = {peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name")
                for rule in upstream.get("networkPolicy", {}).get("extraIngress", []) if {"port": 6379, "protocol": "TCP"} in rule.get("ports", [])
                for peer in rule.get("from", []) if peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name") == "gamemetrics"}
    network = upstream.get("networkPolicy", {})
    if not network.get("enabled") or network.get("allowExternal") is not False or network.get("ingressNSMatchLabels") or network.get("ingressNSPodMatchLabels"):
        found.append("redis-cluster's NetworkPolicy must be on and admit only the listed callers")
    if admitted != callers:
        found.append(f"redis-cluster admits {sorted(a for a in admitted if a)} from the services' namespace; the call graph's callers of redis are {sorted(callers)}")
    cluster = upstream.get("cluster", {})
    if cluster.get("nodes") != 6 or cluster.get("replicas") != 1:
        found.append(f"redis-cluster runs {cluster.get('nodes')} nodes with {cluster.get('replicas')} replica(s) per master; required 3 masters + 3 replicas")
    if not upstream.get("persistence", {}).get("enabled") or upstream.get("persistence", {}).get("storageClass") != "standard":
        found.append("redis-cluster must persist on storage class standard")
    if not upstream.get("pdb", {}).get("create"):
        found.append("redis-cluster needs its PodDisruptionBudget")
    volumes = {v["secret"]["secretName"] for v in upstream.get("redis", {}).get("extraVolumes", []) if "secret" in v}
    if acl["spec"]["target"]["name"] not in volumes or "aclfile" not in upstream.get("redis", {}).get("configmap", ""):
        found.append("redis-cluster does not load the ACL file charts/redis writes")
    return found


def problems() -> list[str]:
    found, total = [], 0
    services = service_values()
    for chart in CHARTS:
        for environment in databases.environments():
            where = f"{chart} [{environment or 'default'}]"
            manifests = rendered(chart, environment)
            total += len(manifests)
            for manifest in manifests:
                found += [f"{where} {manifest['kind']}/{manifest['metadata']['name']}: {e}" for e in validate.errors(manifest)]
            full = render.merge(render.load(render.CHARTS / chart / "values.yaml"), databases.values_for(chart, environment))
            found += [f"{where} {p}" for p in policy.all_problems(manifests, full)]
            if chart == "object-storage":
                found += [f"{where} {p}" for p in object_storage_problems(manifests, services)]
            if chart == "redis":
                upstream = render.load(REDIS_VALUES)
                if environment in ("staging", "prod"):
                    upstream = render.merge(upstream, render.load(REDIS_VALUES.parents[2] / "environments" / environment / "redis-cluster.yaml"))
                found += [f"{where} {p}" for p in redis_problems(manifests, services, upstream)]
    found += databases.all_problems()
    print(f"data platform: {len(CHARTS)} charts x {len(databases.environments())} renderings ({total} manifests), "
          "PostgreSQL roles, MinIO users and Redis ACL users held to the service charts")
    return found


if __name__ == "__main__":
    import sys
    sys.exit(render.report(problems()))
