"""The app-of-apps check catches what it claims to: a missing chart or value file, an
application syncing with or before its AppProject, defaults syncing after the services."""
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
        found = broken(lambda ms: application(ms, "kafka-topics")["spec"]["destination"].update(namespace="kube-system"))
        self.assertIn("deploys to kube-system, which the AppProject does not allow", found)

    def test_waves_must_order_project_defaults_services(self):
        def change(ms):
            application(ms, "platform-network")["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = "5"
            application(ms, "admin")["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = "0"
        found = broken(change)
        self.assertIn("admin-staging: syncs in wave 0, not after its AppProject", found)
        self.assertIn("platform-network-staging: the namespace's defaults must sync before the services", found)


if __name__ == "__main__":
    unittest.main()
