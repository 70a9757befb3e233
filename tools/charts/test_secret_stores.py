"""secret_stores.py catches what it claims to: each test breaks the rendered Vault stores the way a
careless change would, and expects a named problem."""
from __future__ import annotations

import copy
import unittest

import secret_stores
import validate


def broken(change) -> str:
    manifests, values = secret_stores.rendered("prod")
    manifests = copy.deepcopy(manifests)
    change(next(m for m in manifests if m["kind"] == "ClusterSecretStore"))
    return "\n".join(secret_stores.store_problems(manifests, values, "gamemetrics"))


def vault(store: dict) -> dict:
    return store["spec"]["provider"]["vault"]


class VaultStoreChecksCatchBreakage(unittest.TestCase):
    def test_the_stores_as_rendered_hold(self):
        for environment in (None, "dev", "staging", "prod"):
            manifests, values = secret_stores.rendered(environment)
            self.assertEqual(secret_stores.store_problems(manifests, values, "gamemetrics"), [])
            self.assertEqual([e for m in manifests for e in validate.errors(m)], [])

    def test_a_store_any_namespace_may_use_is_refused(self):
        self.assertIn("must name the namespaces", broken(lambda s: s["spec"].pop("conditions")))
        self.assertIn("may not use it", broken(lambda s: s["spec"].update(conditions=[{"namespaces": ["other"]}])))

    def test_plain_http_kv1_or_no_ca_is_refused(self):
        def change(store):
            vault(store).update(server="http://vault.vault.svc:8200", version="v1")
            vault(store).pop("caProvider")
        found = broken(change)
        self.assertIn("KV version 2 over https", found)
        self.assertIn("no CA", found)

    def test_a_login_as_an_account_the_chart_does_not_make_is_refused(self):
        def change(store):
            vault(store)["auth"]["kubernetes"]["serviceAccountRef"] = {"name": "default", "namespace": "gamemetrics"}
        found = broken(change)
        self.assertIn("which the chart does not create", found)
        self.assertIn("audience", found)

    def test_the_schema_refuses_unknown_fields(self):
        manifests, _ = secret_stores.rendered("dev")
        store = copy.deepcopy(next(m for m in manifests if m["kind"] == "ClusterSecretStore"))
        vault(store)["auth"]["kubernetes"]["rol"] = "typo"
        self.assertTrue(validate.errors(store))
