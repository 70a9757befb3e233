"""`make test`'s chart checks: every service chart rendered with its defaults and each ci/
scenario (after charts/platform-values.yaml), each environment's app-of-apps (argocd.py), every manifest validated against the Kubernetes
or CRD schema, the platform's policies (policy.py), checkov against its baseline on all of them
(scan.py; it enforces the Kyverno policies offline, admission.py), and each chart's
values.schema.json current (values_schema.py). Exit 1 with every problem."""
from __future__ import annotations

import pathlib
import sys
import unittest

import admission
import argocd
import data_platform
import edges
import helm_python
import kafka
import mirror
import policy
import registry_schemas
import render
import scan
import secret_stores
import topics
import validate
import values_schema


def self_test() -> list[str]:
    """The checks first show that they catch what they claim to (test_policy.py)."""
    result = unittest.TextTestRunner(verbosity=0, stream=sys.stderr).run(
        unittest.defaultTestLoader.loadTestsFromNames(["test_policy", "test_argocd", "test_topics", "test_admission", "test_registry_schemas",
                                                       "test_databases", "test_data_platform", "test_kafka",
                                                       "test_secret_stores", "test_mirror", "test_edges"]))
    return [f"self-test {test.id()} failed" for test, _ in result.failures + result.errors]


def lint() -> list[str]:
    """helm lint, strict, as Kubernetes 1.30 would see it; an icon is only a recommendation."""
    problems = []
    for chart in render.service_charts():
        result = helm_python.lint(render.built(chart), values=render.load(render.PLATFORM_VALUES), strict=True,
                                  namespace="gamemetrics", kube_version="1.30.0")
        for message in result["messages"]:
            if message["severity"] > 1 and "icon is recommended" not in message["error"]:
                problems.append(f"helm lint {chart.name}/{message['path']}: {message['error']}")
        problems += [f"helm lint {chart.name}: {error}" for error in result["errors"]]
    return problems


def main() -> int:
    checkov = str(pathlib.Path(sys.executable).parent / "checkov")
    problems = self_test() + values_schema.stale()
    problems += lint()
    renderings = render.render_all()
    manifests = 0
    for rendering in renderings:
        where = f"{rendering.chart} [{rendering.scenario}]"
        values = render.merge(render.load(render.CHARTS / rendering.chart / "values.yaml"),
                              dict(render.scenarios(render.CHARTS / rendering.chart))[rendering.scenario])
        for manifest in rendering.manifests:
            manifests += 1
            for error in validate.errors(manifest):
                problems.append(f"{where} {manifest['kind']}/{manifest['metadata']['name']}: {error}")
        problems += [f"{where} {p}" for p in policy.all_problems(rendering.manifests, values)]
    argocd_problems, environments = argocd.check()
    problems += argocd_problems
    problems += scan.scan(renderings + environments, checkov)
    problems += admission.check()
    problems += secret_stores.check()
    problems += topics.problems(topics.rendered())
    problems += registry_schemas.problems(checkov)
    problems += data_platform.problems()
    problems += kafka.problems()
    problems += mirror.problems()
    problems += [f"edge {e['from']} -> {e['to']} ({e['port']}) is open on one side only" for e in edges.allowed()["halfOpen"]]
    charts = sorted({r.chart for r in renderings})
    print(f"charts: {len(charts)} charts, {len(renderings)} renderings, {manifests} manifests validated "
          f"(Kubernetes {validate.KUBERNETES_VERSION} + CRD schemas), policies and checkov checked")
    return render.report(problems)


if __name__ == "__main__":
    sys.exit(main())
