"""The app-of-apps check catches what it claims to: a missing chart or value file, an
application syncing with or before its AppProject, defaults syncing after the services, a custom
resource before its CRDs, a namespace nobody creates, an upstream chart not pinned, a release
file of the wrong shape, an application not at the release's revision or digest, services that
disagree on a setting they share."""
from __future__ import annotations

import copy
import unittest
from unittest import mock

import argocd


def broken(change):
    manifests = copy.deepcopy(argocd.root_manifests("staging"))
    change(manifests)
    with mock.patch.object(argocd, "root_manifests", return_value=manifests):
        return "\n".join(argocd.check_environment("staging")[0])


def application(manifests, name):
    return next(m for m in manifests if m["kind"] == "Application" and m["metadata"]["name"] == f"{name}-staging")


class AppOfAppsChecksCatchBreakage(unittest.TestCase):
    def test_a_missing_chart_is_refused(self):
        found = broken(lambda ms: application(ms, "user")["spec"]["source"].update(path="charts/users"))
        self.assertIn("charts/users is not a chart", found)

    def test_a_missing_value_file_is_refused(self):
        found = broken(lambda ms: application(ms, "ingestion")["spec"]["source"]["helm"]["valueFiles"].append("../../argocd/environments/staging/nope.yaml"))
        self.assertIn("nope.yaml does not exist", found)

    def test_a_namespace_the_project_does_not_allow_is_refused(self):
        found = broken(lambda ms: application(ms, "user")["spec"]["destination"].update(namespace="kube-system"))
        self.assertIn("deploys to kube-system, which the AppProject does not allow", found)

    def test_waves_must_order_project_defaults_services(self):
        def change(ms):
            application(ms, "platform-network")["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = "5"
            application(ms, "admin")["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = "-20"
        found = broken(change)
        self.assertIn("admin-staging: syncs in wave -20, not after its AppProject", found)
        self.assertIn("platform-network-staging: the namespace's defaults must sync before the services", found)

    def test_a_custom_resource_before_its_crds_is_refused(self):
        def change(ms):
            application(ms, "strimzi")["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = "2"
            application(ms, "kube-prometheus-stack")["metadata"]["annotations"]["gamemetrics.io/uses"] = "example.io"
        found = broken(change)
        self.assertIn("kafka-staging: uses kafka.strimzi.io in wave -5, but its CRDs come in wave 2", found)
        self.assertIn("kube-prometheus-stack-staging: uses example.io, whose CRDs no application provides", found)

    def test_a_namespace_must_be_created_first(self):
        def change(ms):
            application(ms, "vault")["spec"]["destination"]["namespace"] = "secrets"
            application(ms, "platform-namespaces")["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = "2"
        found = broken(change)
        self.assertIn("vault-staging: deploys to namespace secrets, which platform-namespaces does not create", found)
        self.assertIn("user-staging: deploys to gamemetrics in wave 2, not after platform-namespaces (wave 2)", found)

    def test_an_upstream_chart_must_be_pinned_with_values_from_here(self):
        def change(ms):
            sources = application(ms, "kyverno")["spec"]["sources"]
            sources[0]["targetRevision"] = "3.x"
            sources[0]["helm"]["valueFiles"].append("$values/argocd/platform/kyverno/nope.yaml")
            application(ms, "keda")["spec"]["sources"][0]["repoURL"] = "https://charts.example.com"
        found = broken(change)
        self.assertIn("kyverno is pinned to '3.x', not an exact version", found)
        self.assertIn("value file $values/argocd/platform/kyverno/nope.yaml does not exist", found)
        self.assertIn("keda-staging: its repository https://charts.example.com is not one the AppProject allows", found)

    def test_each_environment_is_held_to_its_shape(self):
        staging = [argocd.check_repository_chart("staging", application(argocd.root_manifests("staging"), "ingestion"), [])]
        as_prod = "\n".join(argocd.environment_shape("prod", staging))
        as_dev = "\n".join(argocd.environment_shape("dev", staging))
        self.assertIn("prod's canary pauses are at least 2 minutes (pauses [30, 30])", as_prod)
        self.assertIn("dev runs one replica without autoscaling", as_dev)
        self.assertIn("dev's canaries do not wait", as_dev)
        self.assertEqual(argocd.environment_shape("staging", staging), [])

    def test_services_that_share_a_setting_must_agree(self):
        manifests = argocd.root_manifests("staging")
        synced = [argocd.check_repository_chart("staging", application(manifests, name), []) for name in ("analytics-api", "retention")]
        self.assertEqual(argocd.shared_settings("staging", synced), [])
        analytics, retention = ([c for m in item.manifests if m["kind"] == "Rollout" for c in m["spec"]["template"]["spec"]["containers"]][0]
                                for item in synced)
        analytics["env"] = [v for v in analytics["env"] if v["name"] != "GM_ANALYTICS_MINUTE_GRAIN_DAYS"]
        next(v for v in retention["env"] if v["name"] == "GM_RETENTION_MINUTE_GRAIN_DAYS")["value"] = "45"
        found = "\n".join(argocd.shared_settings("staging", synced))
        self.assertIn("staging: the minute grain's days differ: analytics-api GM_ANALYTICS_MINUTE_GRAIN_DAYS=30 (its default), "
                      "retention GM_RETENTION_MINUTE_GRAIN_DAYS=45", found)


COMMIT = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32


def released(environment: str) -> dict:
    values = argocd.root_values(environment)
    values["revision"] = COMMIT
    values["images"]["ingestion"] = {"digest": DIGEST, "revision": COMMIT}
    return values


class ReleasesPinWhatRuns(unittest.TestCase):
    def test_a_release_pins_every_application_and_each_service_digest(self):
        values = argocd.render.merge(argocd.render.load(argocd.ARGOCD / "root" / "values.yaml"), released("prod"))
        manifests = argocd.root_manifests("prod", values)
        applications = [m for m in manifests if m["kind"] == "Application" and m["metadata"]["name"] != "gamemetrics-prod"]
        self.assertEqual(argocd.pinning_problems("prod", applications, values), [])
        ingestion = next(a for a in applications if a["metadata"]["name"] == "ingestion-prod")
        synced = argocd.check_repository_chart("prod", ingestion, [])
        images = {c["image"] for m in synced.manifests if m["kind"] == "Rollout" for c in m["spec"]["template"]["spec"]["containers"]}
        self.assertTrue(images and all(i.endswith("@" + DIGEST) for i in images), images)
        strimzi = next(a for a in applications if a["metadata"]["name"] == "kafka-prod")
        self.assertEqual(strimzi["spec"]["source"]["targetRevision"], COMMIT)

    def test_an_application_off_the_release_is_refused(self):
        values = argocd.render.merge(argocd.render.load(argocd.ARGOCD / "root" / "values.yaml"), released("prod"))
        applications = [m for m in argocd.root_manifests("prod", values) if m["kind"] == "Application"]
        user = next(a for a in applications if a["metadata"]["name"] == "user-prod")
        user["spec"]["source"]["targetRevision"] = "main"
        ingestion = next(a for a in applications if a["metadata"]["name"] == "ingestion-prod")
        ingestion["spec"]["source"]["helm"].pop("parameters")
        found = "\n".join(argocd.pinning_problems("prod", applications, values))
        self.assertIn(f"user-prod: renders this repository at main, the release is {COMMIT}", found)
        self.assertIn(f"ingestion-prod: image.digest '', the release has '{DIGEST}'", found)

    def test_a_release_file_of_the_wrong_shape_is_refused(self):
        release = {"revision": "main", "images": {"ingestion": {"digest": "sha256:abc", "revision": ""}, "user": {"digest": "", "revision": ""}}}
        found = "\n".join(argocd.release_problems("dev", release, {"ingestion", "user", "admin"}))
        self.assertIn("revision 'main' is not a 40-hex commit", found)
        self.assertIn("images lists ['ingestion', 'user'], the services are ['admin', 'ingestion', 'user']", found)
        self.assertIn("ingestion needs both a digest and the revision it was built from, or neither", found)
        self.assertIn("ingestion digest 'sha256:abc' is not sha256:<64 hex>", found)

    def test_the_root_must_manage_itself_with_the_environment_files(self):
        def change(ms):
            root = next(m for m in ms if m["metadata"]["name"] == "gamemetrics-staging")
            root["spec"]["source"]["helm"]["valueFiles"].pop()
            root["spec"]["source"]["targetRevision"] = "release/staging"
        found = broken(change)
        self.assertIn("staging root application: must track", found)
        self.assertIn("value files ['../environments/staging/root-values.yaml'], expected", found)


class ArgoCDItself(unittest.TestCase):
    def test_the_bootstrap_values_pass(self):
        self.assertEqual(argocd.bootstrap_problems(argocd.render.load(argocd.ARGOCD / "bootstrap" / "values.yaml")), [])

    def test_a_bootstrap_without_health_check_or_with_a_wider_account_is_refused(self):
        values = copy.deepcopy(argocd.render.load(argocd.ARGOCD / "bootstrap" / "values.yaml"))
        del values["configs"]["cm"][argocd.APPLICATION_HEALTH]
        values["configs"]["rbac"]["policy.csv"] += "p, role:ci-readonly, applications, sync, */*, allow\n"
        values["configs"]["rbac"]["policy.default"] = "role:readonly"
        values["configs"]["secret"]["githubSecret"] = "written-in-git"
        found = "\n".join(argocd.bootstrap_problems(values))
        self.assertIn("configs.cm needs resource.customizations.health.argoproj.io_Application", found)
        self.assertIn("ci-readonly must get applications and nothing else", found)
        self.assertIn("policy.default must grant nothing", found)
        self.assertIn("the webhook secret is set at install, never in git", found)


if __name__ == "__main__":
    unittest.main()
