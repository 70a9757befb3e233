"""The Argo CD app-of-apps of each environment (argocd/root with
argocd/environments/<env>/root-values.yaml and release.yaml), checked offline:
- the root renders; every Application and AppProject matches its schema;
- the root application manages itself from the tracked branch with exactly those value files;
- release.yaml has the release's shape (a commit, sha256 digests, every service) and every
  application renders at its revision, each service with its digest;
- each Application is allowed by its AppProject (repository, destination) and syncs after it;
- a chart of this repository exists with every value file it names, and renders (with exactly
  those files) to manifests that pass the schemas and the platform's policies;
- an upstream chart is pinned to an exact version and its values files exist here;
- every custom resource is provided (installed CRDs) by an application of an earlier wave;
- every namespace an application deploys to is created, with its Pod Security level, by
  platform-namespaces in an earlier wave, and no declared namespace goes unused;
- the services' namespace defaults sync before the services;
- Argo CD's own values (argocd/bootstrap) keep the Application health check the waves rely on,
  the read-only account the workflows use, and no webhook secret in git;
- each environment has the shape it promises (environment_shape): dev one replica and canaries
  that do not wait, staging short pauses, prod full pauses, autoscaling floors, PDBs and
  zone spread that refuses to schedule unevenly;
- settings that several services must hold equal (SHARED_SETTINGS: retention's and
  analytics-api's minute grain) are equal in each environment's rendered services."""
from __future__ import annotations

import copy
import dataclasses
import functools
import json
import re

import helm_python

import policy
import render
import validate

ARGOCD = render.ROOT / "argocd"
ENVIRONMENTS = ("dev", "staging", "prod")
NAMESPACES_APP = "platform-namespaces"
# Namespaces every cluster has, and Argo CD's own (made by the bootstrap, issue 15).
PREEXISTING_NAMESPACES = {"default", "argocd"}
EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$")
ROOT_VALUE_FILES = ("root-values.yaml", "release.yaml")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def wave(manifest: dict) -> int:
    return int(manifest["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-wave", "0"))


def groups(manifest: dict, annotation: str) -> set[str]:
    listed = manifest["metadata"].get("annotations", {}).get(annotation, "")
    return {group for group in listed.split(",") if group}


def api_group(manifest: dict) -> str:
    api_version = manifest["apiVersion"]
    return api_version.split("/")[0] if "/" in api_version else ""


def root_values(environment: str) -> dict:
    values: dict = {}
    for name in ROOT_VALUE_FILES:
        values = render.merge(values, render.load(ARGOCD / "environments" / environment / name))
    return values


def root_manifests(environment: str, values: dict | None = None) -> list[dict]:
    values = root_values(environment) if values is None else values
    output = helm_python.Chart.load(ARGOCD / "root").render(values=values, name="root", namespace="argocd")
    return render.documents(output)


def release_problems(environment: str, release: dict, services: set[str]) -> list[str]:
    """release.yaml as tools/release/release.py writes it."""
    where = f"{environment} release.yaml"
    problems = []
    if set(release) != {"revision", "images"}:
        problems.append(f"{where}: expected exactly revision and images, found {sorted(release)}")
    revision = release.get("revision", "")
    if revision != "" and not COMMIT.match(str(revision)):
        problems.append(f"{where}: revision {revision!r} is not a 40-hex commit")
    images = release.get("images") or {}
    if set(images) != services:
        problems.append(f"{where}: images lists {sorted(images)}, the services are {sorted(services)}")
    for service, image in sorted(images.items()):
        digest, built = (image or {}).get("digest", ""), (image or {}).get("revision", "")
        if (digest == "") != (built == ""):
            problems.append(f"{where}: {service} needs both a digest and the revision it was built from, or neither")
        if digest and not DIGEST.match(str(digest)):
            problems.append(f"{where}: {service} digest {digest!r} is not sha256:<64 hex>")
        if built and not COMMIT.match(str(built)):
            problems.append(f"{where}: {service} revision {built!r} is not a 40-hex commit")
        if digest and not revision:
            problems.append(f"{where}: {service} has a digest but the release has no revision")
    return problems


def root_application_problems(environment: str, root: dict, values: dict) -> list[str]:
    """The root manages itself: from the tracked branch, with the environment's value files."""
    where = f"{environment} root application"
    source = root["spec"]["source"]
    expected = [f"../environments/{environment}/{name}" for name in ROOT_VALUE_FILES]
    problems = []
    if source["repoURL"] != values["repoURL"] or source["targetRevision"] != values["targetRevision"]:
        problems.append(f"{where}: must track {values['repoURL']} at {values['targetRevision']}")
    if source.get("helm", {}).get("valueFiles") != expected:
        problems.append(f"{where}: value files {source.get('helm', {}).get('valueFiles')}, expected {expected}")
    for value_file in expected:
        if not (ARGOCD / "root" / value_file).resolve().is_file():
            problems.append(f"{where}: value file {value_file} does not exist")
    return problems


def pinning_problems(environment: str, applications: list[dict], values: dict) -> list[str]:
    """Every application renders at the release's revision; each service gets its digest."""
    revision = values.get("revision") or values["targetRevision"]
    images = values.get("images") or {}
    problems = []
    for application in applications:
        name = application["metadata"]["name"]
        sources = [application["spec"]["source"]] if "source" in application["spec"] else application["spec"]["sources"]
        for source in sources:
            if source["repoURL"] == values["repoURL"] and source["targetRevision"] != revision:
                problems.append(f"{environment} {name}: renders this repository at {source['targetRevision']}, the release is {revision}")
        source = application["spec"].get("source", {})
        service = source.get("path", "").removeprefix("charts/")
        digest = (images.get(service) or {}).get("digest", "")
        parameters = {p["name"]: p["value"] for p in source.get("helm", {}).get("parameters", [])}
        if service in images and parameters.get("image.digest", "") != digest:
            problems.append(f"{environment} {name}: image.digest {parameters.get('image.digest', '')!r}, the release has {digest!r}")
    return problems


@dataclasses.dataclass
class Synced:
    """What one Application puts into the cluster, as far as can be known offline."""
    name: str
    wave: int
    namespace: str
    manifests: list[dict] = dataclasses.field(default_factory=list)
    uses: set[str] = dataclasses.field(default_factory=set)


def values_of(chart, value_files: list[str], environment: str, name: str, problems: list[str]) -> dict:
    values: dict = {}
    for value_file in value_files:
        path = (chart / value_file).resolve()
        if not path.is_file():
            problems.append(f"{environment} {name}: value file {value_file} does not exist ({path})")
            continue
        values = render.merge(values, render.load(path))
    return values


@functools.cache
def checked(chart: str, values: str, namespace: str) -> tuple[list[dict], list[str]]:
    """A chart rendered with these values, and what the schemas and policies find in it. Cached:
    the self-tests check the same applications again."""
    parsed = json.loads(values)
    manifests = render.render(render.pathlib.Path(chart), parsed, namespace=namespace)
    problems = [f"{m['kind']}/{m['metadata']['name']}: {e}" for m in manifests for e in validate.errors(m)]
    full = render.merge(render.load(render.pathlib.Path(chart) / "values.yaml"), parsed)
    if "global" in full and "mesh" in full["global"] and "ingress" in full["global"]:
        problems += policy.all_problems(manifests, full)
    return manifests, problems


def check_repository_chart(environment: str, application: dict, problems: list[str]) -> Synced | None:
    name = application["metadata"]["name"]
    source = application["spec"]["source"]
    chart = render.ROOT / source["path"]
    if not (chart / "Chart.yaml").exists():
        problems.append(f"{environment} {name}: {source['path']} is not a chart of this repository")
        return None
    values = values_of(chart, source["helm"]["valueFiles"], environment, name, problems)
    for parameter in source["helm"].get("parameters", []):
        values = render.merge(values, nested(parameter["name"], parameter["value"]))
    namespace = application["spec"]["destination"]["namespace"]
    manifests, found = checked(str(chart), json.dumps(values, sort_keys=True), namespace)
    problems += [f"{environment} {name} {p}" for p in found]
    manifests = copy.deepcopy(manifests)
    uses = {api_group(m) for m in manifests if not validate.is_builtin(api_group(m))}
    return Synced(name, wave(application), namespace, manifests, uses)


def nested(dotted: str, value) -> dict:
    """Helm's --set name a.b.c as a values dictionary."""
    for key in reversed(dotted.split(".")):
        value = {key: value}
    return value


def check_upstream_chart(environment: str, application: dict, root_repo: str, problems: list[str]) -> Synced:
    name = application["metadata"]["name"]
    sources = application["spec"]["sources"]
    charts = [s for s in sources if "chart" in s]
    refs = {s["ref"]: s for s in sources if "ref" in s}
    if len(charts) != 1 or set(refs) != {"values"} or refs["values"]["repoURL"] != root_repo:
        problems.append(f"{environment} {name}: expected one upstream chart and this repository as `$values`")
        return Synced(name, wave(application), application["spec"]["destination"]["namespace"])
    upstream = charts[0]
    if not EXACT_VERSION.match(str(upstream["targetRevision"])):
        problems.append(f"{environment} {name}: {upstream['chart']} is pinned to {upstream['targetRevision']!r}, not an exact version")
    for value_file in upstream["helm"]["valueFiles"]:
        if not value_file.startswith("$values/"):
            problems.append(f"{environment} {name}: value file {value_file} is not from this repository")
        elif not (render.ROOT / value_file.removeprefix("$values/")).is_file():
            problems.append(f"{environment} {name}: value file {value_file} does not exist")
    return Synced(name, wave(application), application["spec"]["destination"]["namespace"], uses=groups(application, "gamemetrics.io/uses"))


def check_ordering(environment: str, applications: list[dict], synced: list[Synced]) -> list[str]:
    """CRDs before their users, namespaces before what goes into them."""
    problems = []
    providers: dict[str, int] = {}
    for application in applications:
        for group in groups(application, "gamemetrics.io/provides"):
            providers[group] = min(providers.get(group, wave(application)), wave(application))
    for item in synced:
        for group in sorted(item.uses):
            if group not in providers:
                problems.append(f"{environment} {item.name}: uses {group}, whose CRDs no application provides")
            elif providers[group] >= item.wave:
                problems.append(f"{environment} {item.name}: uses {group} in wave {item.wave}, but its CRDs come in wave {providers[group]}")
    namespace_app = next((s for s in synced if s.name == f"{NAMESPACES_APP}-{environment}"), None)
    if namespace_app is None:
        return problems + [f"{environment}: no {NAMESPACES_APP} application creates the namespaces"]
    declared = {m["metadata"]["name"] for m in namespace_app.manifests if m["kind"] == "Namespace"}
    used = set()
    for item in synced:
        targets = {item.namespace} | {m["metadata"]["namespace"] for m in item.manifests if m["metadata"].get("namespace")}
        used |= targets
        for namespace in sorted(targets - PREEXISTING_NAMESPACES):
            if namespace not in declared:
                problems.append(f"{environment} {item.name}: deploys to namespace {namespace}, which {NAMESPACES_APP} does not create")
            elif item is not namespace_app and namespace_app.wave >= item.wave:
                problems.append(f"{environment} {item.name}: deploys to {namespace} in wave {item.wave}, not after {NAMESPACES_APP} (wave {namespace_app.wave})")
    stores = {m["metadata"]["name"]: {n for c in m["spec"].get("conditions", []) for n in c.get("namespaces", [])}
              for s in synced for m in s.manifests if m["kind"] == "ClusterSecretStore"}
    for item in synced:
        for external in (m for m in item.manifests if m["kind"] == "ExternalSecret"):
            store = external["spec"]["secretStoreRef"]
            namespace = external["metadata"].get("namespace", item.namespace)
            if store.get("kind") == "ClusterSecretStore" and namespace not in stores.get(store["name"], set()):
                problems.append(f"{environment} {item.name}: ExternalSecret {namespace}/{external['metadata']['name']} reads "
                                f"ClusterSecretStore {store['name']}, which does not admit namespace {namespace}")
    for namespace in sorted(declared - used):
        problems.append(f"{environment}: namespace {namespace} is created but no application deploys to it")
    return problems


def seconds(duration) -> int:
    text = str(duration)
    units = {"s": 1, "m": 60, "h": 3600}
    return int(text[:-1]) * units[text[-1]] if text and text[-1] in units else int(text)


def environment_shape(environment: str, synced: list[Synced]) -> list[str]:
    """What argocd/environments/<env>/services.yaml promises, read back from the rendered services."""
    problems = []
    for item in synced:
        rollouts = [m for m in item.manifests if m["kind"] == "Rollout"]
        for rollout in rollouts:
            name = rollout["metadata"]["name"]
            spec = rollout["spec"]
            pauses = [seconds(step["pause"].get("duration", 0)) for step in spec["strategy"].get("canary", {}).get("steps", []) if "pause" in step]
            scalers = [m for m in item.manifests if m["kind"] in ("ScaledObject", "HorizontalPodAutoscaler")
                       and m["spec"]["scaleTargetRef"]["name"] == name]
            floor = min([m["spec"].get("minReplicaCount", m["spec"].get("minReplicas", 1)) for m in scalers] or [spec.get("replicas", 1)])
            zones = [c for c in spec["template"]["spec"].get("topologySpreadConstraints", []) if c["topologyKey"] == "topology.kubernetes.io/zone"]
            budgets = [m for m in item.manifests if m["kind"] == "PodDisruptionBudget"]
            where = f"{environment} {item.name} Rollout/{name}"
            if environment == "dev":
                if scalers or spec.get("replicas", 1) != 1:
                    problems.append(f"{where}: dev runs one replica without autoscaling")
                if any(pauses):
                    problems.append(f"{where}: dev's canaries do not wait (pauses {pauses})")
            elif environment == "staging":
                if pauses and not all(0 < p <= 60 for p in pauses):
                    problems.append(f"{where}: staging's canary pauses are short, 1 to 60 s (pauses {pauses})")
            elif environment == "prod":
                if pauses and min(pauses) < 120:
                    problems.append(f"{where}: prod's canary pauses are at least 2 minutes (pauses {pauses})")
                if floor < 2:
                    problems.append(f"{where}: prod keeps at least 2 replicas (floor {floor})")
                if not budgets:
                    problems.append(f"{where}: prod has a PodDisruptionBudget")
                if not any(c["whenUnsatisfiable"] == "DoNotSchedule" for c in zones):
                    problems.append(f"{where}: prod spreads over zones with DoNotSchedule")
    return problems


# Settings several services must hold equal, each as (service, variable, the service's own
# default when its chart leaves the variable out).
SHARED_SETTINGS = {
    # Retention deletes minute buckets older than this; analytics-api answers ranges from minute
    # buckets only this far back (ADR 0036).
    "the minute grain's days": [("analytics-api", "GM_ANALYTICS_MINUTE_GRAIN_DAYS", "30"),
                                ("retention", "GM_RETENTION_MINUTE_GRAIN_DAYS", "30")],
}


def shared_settings(environment: str, synced: list[Synced]) -> list[str]:
    """SHARED_SETTINGS as the environment's services get them, read back from their Rollouts."""
    environments: dict[str, dict[str, str]] = {}
    for rollout in (m for item in synced for m in item.manifests if m["kind"] == "Rollout"):
        name = rollout["metadata"]["name"]
        container = next(c for c in rollout["spec"]["template"]["spec"]["containers"] if c["name"] == name)
        environments[name] = {e["name"]: e.get("value") for e in container.get("env", [])}
    problems = []
    for setting, holders in SHARED_SETTINGS.items():
        held = []
        for service, variable, default in holders:
            if service in environments:
                value = environments[service].get(variable)
                held.append((f"{service} {variable}", default if value is None else value, value is None))
        if len({value for _, value, _ in held}) > 1:
            described = ", ".join(f"{name}={value}" + (" (its default)" if defaulted else "") for name, value, defaulted in held)
            problems.append(f"{environment}: {setting} differ: {described}")
    return problems


def check_environment(environment: str) -> tuple[list[str], list[render.Rendering]]:
    """The environment's problems, and what its applications of this repository render (for
    checkov, scan.py)."""
    problems: list[str] = []
    values = render.merge(render.load(ARGOCD / "root" / "values.yaml"), root_values(environment))
    services = policy_services()
    problems += release_problems(environment, render.load(ARGOCD / "environments" / environment / "release.yaml"), services)
    manifests = root_manifests(environment)
    for manifest in manifests:
        problems += [f"{environment} root {manifest['kind']}/{manifest['metadata']['name']}: {e}" for e in validate.errors(manifest)]
    projects = {m["metadata"]["name"]: m for m in manifests if m["kind"] == "AppProject"}
    roots = [m for m in manifests if m["kind"] == "Application" and m["spec"].get("source", {}).get("path") == "argocd/root"]
    applications = [m for m in manifests if m["kind"] == "Application" and m not in roots]
    if not projects or not applications or len(roots) != 1:
        return problems + [f"{environment}: expected AppProjects, applications and one root application"], []
    problems += root_application_problems(environment, roots[0], values)
    problems += pinning_problems(environment, applications, values)
    root_repo = values["repoURL"]
    services_wave = min((wave(a) for a in applications if a["spec"].get("source", {}).get("path", "").removeprefix("charts/") in services), default=0)
    synced: list[Synced] = []
    for application in applications:
        name = application["metadata"]["name"]
        project = projects.get(application["spec"]["project"])
        if project is None:
            problems.append(f"{environment} {name}: its AppProject {application['spec']['project']} does not exist")
            continue
        if wave(application) <= wave(project):
            problems.append(f"{environment} {name}: syncs in wave {wave(application)}, not after its AppProject")
        allowed = {(d["server"], d["namespace"]) for d in project["spec"]["destinations"]}
        destination = application["spec"]["destination"]
        if (destination["server"], destination["namespace"]) not in allowed:
            problems.append(f"{environment} {name}: deploys to {destination['namespace']}, which the AppProject does not allow")
        sources = [application["spec"]["source"]] if "source" in application["spec"] else application["spec"]["sources"]
        for source in sources:
            if source["repoURL"] not in project["spec"]["sourceRepos"]:
                problems.append(f"{environment} {name}: its repository {source['repoURL']} is not one the AppProject allows")
        if "source" in application["spec"]:
            item = check_repository_chart(environment, application, problems)
            path = application["spec"]["source"]["path"]
            if item and project["metadata"]["name"] == "gamemetrics" and path.startswith("charts/platform-") and wave(application) >= services_wave:
                problems.append(f"{environment} {name}: the namespace's defaults must sync before the services")
        else:
            item = check_upstream_chart(environment, application, root_repo, problems)
        if item:
            synced.append(item)
    problems += check_ordering(environment, applications, synced)
    problems += environment_shape(environment, synced)
    problems += shared_settings(environment, synced)
    return problems, [render.Rendering(s.name, f"argocd-{environment}", s.manifests) for s in synced if s.manifests]


APPLICATION_HEALTH = "resource.customizations.health.argoproj.io_Application"
READ_ONLY_POLICY = {"p, role:ci-readonly, applications, get, */*, allow", "g, ci-readonly, role:ci-readonly"}


def bootstrap_problems(values: dict) -> list[str]:
    """argocd/bootstrap/values.yaml: what the waves and the workflows rely on."""
    where = "argocd/bootstrap/values.yaml"
    configs = values.get("configs") or {}
    cm, rbac, secret = configs.get("cm") or {}, configs.get("rbac") or {}, configs.get("secret") or {}
    problems = []
    if "obj.status.health.status" not in str(cm.get(APPLICATION_HEALTH, "")):
        problems.append(f"{where}: configs.cm needs {APPLICATION_HEALTH} (the root waits for each wave's health)")
    if cm.get("accounts.ci-readonly") != "apiKey":
        problems.append(f"{where}: the workflows' account ci-readonly must exist with apiKey only")
    granted = {line.strip() for line in str(rbac.get("policy.csv", "")).splitlines() if "ci-readonly" in line}
    if granted != READ_ONLY_POLICY:
        problems.append(f"{where}: ci-readonly must get applications and nothing else, found {sorted(granted)}")
    if rbac.get("policy.default", "") != "":
        problems.append(f"{where}: policy.default must grant nothing")
    if secret.get("githubSecret", "") != "":
        problems.append(f"{where}: the webhook secret is set at install, never in git")
    return problems


def policy_services() -> set[str]:
    return set(render.load(render.PLATFORM_VALUES)["global"]["callGraph"]["services"])


def check() -> tuple[list[str], list[render.Rendering]]:
    problems, renderings = bootstrap_problems(render.load(ARGOCD / "bootstrap" / "values.yaml")), []
    for environment in ENVIRONMENTS:
        found, rendered = check_environment(environment)
        problems += found
        renderings += rendered
    total = sum(len(r.manifests) for r in renderings)
    print(f"argocd: {len(ENVIRONMENTS)} environments, their applications' charts rendered with their value files ({total} manifests)")
    return problems, renderings


if __name__ == "__main__":
    import sys
    sys.exit(render.report(check()[0]))
