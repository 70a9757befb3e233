"""The PostgreSQL role checks fire when the Cluster, the grants or the charts drift apart."""
from __future__ import annotations

import copy
import unittest

import databases


class RoleChecksCatchDrift(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.manifests = databases.rendered("prod")
        texts = databases.sources()
        cls.granted = databases.granted_roles(texts)
        cls.services, cls.owners = databases.chart_secrets()
        cls.publications = {"gm_player_changes"}

    def check(self, manifests=None, granted=None, services=None, owners=None):
        return "\n".join(databases.problems(
            manifests if manifests is not None else self.manifests, granted if granted is not None else self.granted,
            services if services is not None else self.services, owners if owners is not None else self.owners,
            self.publications))

    def cluster(self, manifests):
        return next(m for m in manifests if m["kind"] == "Cluster")["spec"]

    def test_the_rendered_cluster_holds_in_every_environment(self):
        self.assertEqual(databases.all_problems(), [])

    def test_the_roles_are_read_from_the_grants_not_from_a_list(self):
        sql = "GRANT SELECT ON t TO gm_a, gm_b;\n-- GRANT ALL ON t TO gm_commented\nREVOKE ALL ON t FROM gm_c;"
        self.assertEqual(databases.granted_roles([sql]), {"gm_a", "gm_b", "gm_c"})
        self.assertIn("gm_processor", self.granted)
        self.assertIn("gm_cdc", self.granted)

    def test_a_role_granted_but_not_in_the_cluster_or_the_reverse_is_refused(self):
        found = self.check(granted=self.granted | {"gm_billing"})
        self.assertIn("missing ['gm_billing']", found)
        manifests = copy.deepcopy(self.manifests)
        self.cluster(manifests)["managed"]["roles"] = [r for r in self.cluster(manifests)["managed"]["roles"] if r["name"] != "gm_retention"]
        found = self.check(manifests)
        self.assertIn("missing ['gm_retention']", found)
        self.assertIn("retention mounts a GM_PG_URL but the Cluster has no role gm_retention", found)

    def test_a_service_whose_role_reads_another_secret_is_refused(self):
        services = copy.deepcopy(self.services)
        services["processor"]["key"] = "gamemetrics/postgres-processor-old"
        self.assertIn("processor mounts gamemetrics/postgres-processor-old#url, its role gm_processor takes its password elsewhere",
                      self.check(services=services))

    def test_a_migration_job_with_another_owner_url_is_refused(self):
        owners = copy.deepcopy(self.owners)
        owners[0]["key"] = "gamemetrics/postgres-superuser"
        self.assertIn("-migrate connects with gamemetrics/postgres-superuser#url", self.check(owners=owners))

    def test_a_superuser_an_unused_password_or_an_undeclared_replicator_is_refused(self):
        manifests = copy.deepcopy(self.manifests)
        roles = {r["name"]: r for r in self.cluster(manifests)["managed"]["roles"]}
        roles["gm_user"]["superuser"] = True
        roles["gm_notification"].pop("disablePassword")
        roles["gm_notification"]["passwordSecret"] = {"name": "gamemetrics-role-gm-user"}
        roles["gm_analytics_api"]["replication"] = True
        found = self.check(manifests)
        self.assertIn("role gm_user has superuser", found)
        self.assertIn("role gm_notification has a password that no chart mounts", found)
        self.assertIn("role gm_analytics_api may replicate", found)


if __name__ == "__main__":
    unittest.main()
