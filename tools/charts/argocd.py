"""The Argo CD app-of-apps of each environment (argocd/root with
argocd/environments/<env>/root-values.yaml), checked offline: the root renders, every
Application and the AppProject match their schemas, each Application names a chart and value
files that exist, the AppProject comes in an earlier wave than the applications and the
namespace's defaults before the services, and each Application's chart, rendered with exactly
its value files, passes the schemas and the platform's policies."""
from __future__ import annotations


import helm_python

import policy
import render
import validate

ARGOCD = render.ROOT / "argocd"
ENVIRONMENTS = ("dev", "staging", "prod")


def wave(manifest: dict) -> int:
    return int(manifest["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-wave", "0"))


def root_manifests(environment: str) -> list[dict]:
    values = render.load(ARGOCD / "environments" / environment / "root-values.yaml")
    output = helm_python.Chart.load(ARGOCD / "root").render(values=values, name="root", namespace="argocd")
    return render.documents(output)


def check_environment(environment: str) -> tuple[list[str], list[render.Rendering]]:
    """The environment's problems, and what its applications render (for checkov, scan.py)."""
    problems, renderings = [], []
    manifests = root_manifests(environment)
    for manifest in manifests:
        problems += [f"{environment} root {manifest['kind']}/{manifest['metadata']['name']}: {e}" for e in validate.errors(manifest)]
    projects = [m for m in manifests if m["kind"] == "AppProject"]
    applications = [m for m in manifests if m["kind"] == "Application"]
    if len(projects) != 1 or not applications:
        return problems + [f"{environment}: expected one AppProject and applications"], renderings
    project = projects[0]
    services_wave = min((wave(a) for a in applications if a["spec"]["source"]["path"].removeprefix("charts/") in policy_services()), default=0)
    for application in applications:
        name = application["metadata"]["name"]
        source = application["spec"]["source"]
        if wave(application) <= wave(project):
            problems.append(f"{environment} {name}: syncs in wave {wave(application)}, not after its AppProject")
        allowed = {(d["server"], d["namespace"]) for d in project["spec"]["destinations"]}
        destination = application["spec"]["destination"]
        if (destination["server"], destination["namespace"]) not in allowed:
            problems.append(f"{environment} {name}: deploys to {destination['namespace']}, which the AppProject does not allow")
        if source["repoURL"] not in project["spec"]["sourceRepos"]:
            problems.append(f"{environment} {name}: its repository is not one the AppProject allows")
        chart = render.ROOT / source["path"]
        if not (chart / "Chart.yaml").exists():
            problems.append(f"{environment} {name}: {source['path']} is not a chart of this repository")
            continue
        if chart.name.startswith("platform-") and wave(application) >= services_wave:
            problems.append(f"{environment} {name}: the namespace's defaults must sync before the services")
        values: dict = {}
        for value_file in source["helm"]["valueFiles"]:
            path = (chart / value_file).resolve()
            if not path.is_file():
                problems.append(f"{environment} {name}: value file {value_file} does not exist ({path})")
                continue
            values = render.merge(values, render.load(path))
        rendered_manifests = render.render(chart, values)
        renderings.append(render.Rendering(name, f"argocd-{environment}", rendered_manifests))
        for manifest in rendered_manifests:
            problems += [f"{environment} {name} {manifest['kind']}/{manifest['metadata']['name']}: {e}" for e in validate.errors(manifest)]
        full = render.merge(render.load(chart / "values.yaml"), values)
        if "global" in full and "mesh" in full["global"] and "ingress" in full["global"]:
            problems += [f"{environment} {name}: {p}" for p in policy.all_problems(rendered_manifests, full)]
    return problems, renderings


def policy_services() -> set[str]:
    return set(render.load(render.PLATFORM_VALUES)["global"]["callGraph"]["services"])


def check() -> tuple[list[str], list[render.Rendering]]:
    problems, renderings = [], []
    for environment in ENVIRONMENTS:
        found, rendered = check_environment(environment)
        problems += found
        renderings += rendered
    total = sum(len(r.manifests) for r in renderings)
    print(f"argocd: {len(ENVIRONMENTS)} environments, their applications' charts rendered with their value files ({total} manifests)")
    return problems, renderings


if __name__ == "__main__":
    import sys
    found, _ = check()
    for problem in found:
        print(f"  FAIL {problem}")
    sys.exit(1 if found else 0)
