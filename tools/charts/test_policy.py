"""The chart checks catch what they claim to: each test breaks one rendered chart the way a
careless change would, and expects a named problem."""
from __future__ import annotations

import copy
import functools
import pathlib
import sys
import tempfile
import unittest

import policy
import render
import scan
import validate

CHECKOV = str(pathlib.Path(sys.executable).parent / "checkov")

@functools.cache
def rendered(chart: str) -> tuple[list[dict], dict]:
    path = render.CHARTS / chart
    values = render.merge(render.load(path / "values.yaml"), render.load(render.PLATFORM_VALUES))
    manifests = render.render(path, render.load(render.PLATFORM_VALUES))
    return manifests, values


def broken(chart: str, kind: str, change) -> tuple[list[dict], dict]:
    manifests, values = rendered(chart)
    manifests = copy.deepcopy(manifests)
    change(next(m for m in manifests if m["kind"] == kind))
    return manifests, values


def problems(manifests: list[dict], values: dict) -> str:
    return "\n".join(policy.all_problems(manifests, values))


def container(rollout: dict) -> dict:
    return rollout["spec"]["template"]["spec"]["containers"][0]


class ChartChecksCatchBreakage(unittest.TestCase):
    def test_the_charts_as_rendered_hold(self):
        for chart in ("ingestion", "processor", "user", "admin"):
            self.assertEqual(problems(*rendered(chart)), "")

    def test_a_writable_root_missing_probes_or_limits_are_refused(self):
        """policy.py keeps the startup probe; checkov (scan.py) has the rest, never baselined."""
        def change(rollout):
            container(rollout)["securityContext"]["readOnlyRootFilesystem"] = False
            del container(rollout)["readinessProbe"]
            del container(rollout)["startupProbe"]
            del container(rollout)["resources"]["limits"]
        manifests, values = broken("user", "Rollout", change)
        self.assertIn("Rollout/user: no startupProbe", problems(manifests, values))
        found = "\n".join(scan.scan([render.Rendering("user", "broken", manifests)], CHECKOV))
        for check in ("CKV_K8S_22", "CKV_K8S_9", "CKV_K8S_11", "CKV_K8S_13"):
            self.assertIn(f"checkov {check} ", found)

    def test_a_secret_as_a_variable_or_literal_is_refused(self):
        def change(rollout):
            container(rollout)["env"] += [{"name": "GM_PG_URL", "value": "postgres://u:p@h/d"},
                                          {"name": "GM_X", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]
        found = problems(*broken("processor", "Rollout", change))
        self.assertIn("GM_PG_URL looks like a secret", found)
        self.assertIn("GM_X comes from a Secret as a variable", found)

    def test_secrets_from_anywhere_but_an_external_secret_of_the_store_are_refused(self):
        manifests, values = rendered("user")
        manifests = copy.deepcopy(manifests)
        external = next(m for m in manifests if m["kind"] == "ExternalSecret" and m["metadata"]["name"] == "user-secrets")
        external["spec"]["secretStoreRef"]["name"] = "someone-elses"
        rollout = next(m for m in manifests if m["kind"] == "Rollout")
        pod = rollout["spec"]["template"]["spec"]
        pod["volumes"].append({"name": "extra", "secret": {"secretName": "hand-made"}})
        pod["volumes"][-2]["secret"]["items"].append({"key": "GM_NOT_WRITTEN", "path": "gm_not_written"})
        container(rollout)["volumeMounts"].append({"name": "secret-files", "mountPath": "/x", "subPath": "gm_pg_url"})
        container(rollout)["envFrom"] = [{"secretRef": {"name": "hand-made"}}]
        container(rollout)["env"].append({"name": "GM_OTHER_FILE", "value": "/etc/other"})
        manifests.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "hand-made"}, "stringData": {"k": "v"}})
        found = problems(manifests, values)
        self.assertIn("not the platform's store ClusterSecretStore/gamemetrics", found)
        self.assertIn("mounts Secret hand-made, which no ExternalSecret or Certificate of the chart writes", found)
        self.assertIn("mounts key GM_NOT_WRITTEN, which ExternalSecret user-secrets does not write", found)
        self.assertIn("with subPath", found)
        self.assertIn("(envFrom)", found)
        self.assertIn("GM_OTHER_FILE names /etc/other", found)
        self.assertIn("Secret/hand-made: Secrets come only from ExternalSecrets", found)

    def test_a_pod_without_network_policy_is_refused(self):
        manifests, values = rendered("ingestion")
        found = problems([m for m in manifests if m["kind"] != "NetworkPolicy"], values)
        self.assertIn("no NetworkPolicy fences", found)

    def test_a_second_autoscaler_is_refused(self):
        manifests, values = rendered("ingestion")
        hpa = {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "extra"},
               "spec": {"scaleTargetRef": {"kind": "Rollout", "name": "ingestion"}, "metrics": []}}
        self.assertIn("2 autoscalers", problems(manifests + [hpa], values))

    def test_other_canary_weights_are_refused(self):
        found = problems(*broken("ingestion", "Rollout", lambda r: r["spec"]["strategy"]["canary"]["steps"].__setitem__(0, {"setWeight": 25})))
        self.assertIn("canary weights [25, 50]", found)

    def test_trusted_proxy_hops_must_match_the_ingress(self):
        manifests, values = rendered("user")
        values = render.merge(values, {"global": {"ingress": {"trustedProxyHops": 2}}})
        self.assertIn("GM_TRUSTED_PROXIES=1 but the ingress adds 2", problems(manifests, values))

    def test_schemas_refuse_unknown_fields(self):
        manifests, _ = rendered("ingestion")
        for kind in ("Rollout", "Service", "ScaledObject", "AuthorizationPolicy"):
            manifest = copy.deepcopy(next(m for m in manifests if m["kind"] == kind))
            manifest["spec"]["unknownField"] = 1
            self.assertTrue(validate.errors(manifest), kind)

    def test_checkov_findings_on_probes_cannot_be_accepted_and_unlisted_ones_fail(self):
        manifests, _ = rendered("ingestion")
        manifests = copy.deepcopy(manifests)
        del container(next(m for m in manifests if m["kind"] == "Rollout"))["livenessProbe"]
        with tempfile.TemporaryDirectory() as directory:
            baseline = pathlib.Path(directory) / "baseline.yaml"
            baseline.write_text("- {resource: Deployment.ingestion, check: CKV_K8S_8, reason: probes later}\n")
            original, scan.BASELINE = scan.BASELINE, baseline
            try:
                found = "\n".join(scan.scan([render.Rendering("ingestion", "broken", manifests)], CHECKOV))
            finally:
                scan.BASELINE = original
        self.assertIn("baseline accepts CKV_K8S_8", found)
        self.assertIn("checkov CKV_K8S_43", found)


if __name__ == "__main__":
    unittest.main()
