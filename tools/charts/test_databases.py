"""The PostgreSQL role checks fire when the Cluster, the grants or the charts drift apart; the
backup checks fire when the backups' credentials are half one way, half the other."""
from __future__ import annotations

import copy
import pathlib
import shutil
import tempfile
import unittest
from unittest import mock

import helm_python

import databases
import render
import validate

# AWS's documentation example account: what the chart's ci scenario uses, never a real one.
EXAMPLE_ARN = "arn:aws:iam::123456789012:role/gamemetrics-prod-postgres-backup"


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
        # gm_notification keeps its password, but no chart mounts it any more.
        services = {service: ref for service, ref in copy.deepcopy(self.services).items() if service != "notification"}
        roles["gm_analytics_api"]["replication"] = True
        found = self.check(manifests, services=services)
        self.assertIn("role gm_user has superuser", found)
        self.assertIn("role gm_notification has a password that no chart mounts", found)
        self.assertIn("role gm_analytics_api may replicate", found)



def with_backup(environment: str, **backup) -> dict:
    return render.merge(databases.values_for("postgres", environment), {"backup": backup})


def kinds(manifests: list[dict]) -> dict[str, dict]:
    return {f"{m['kind']}/{m['metadata']['name']}": m for m in manifests}


class BackupCredentialChecks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.identity = databases.terraform_identity("prod")
        cls.keys = databases.rendered("prod")
        cls.irsa = databases.rendered(values=with_backup("prod", auth="workloadIdentity", roleArn=EXAMPLE_ARN))

    def test_terraform_is_read_for_the_role_and_what_it_trusts(self):
        self.assertEqual(self.identity, {"namespace": "databases", "service_account": "gamemetrics", "prefix": "gamemetrics/",
                                         "role": "gamemetrics-prod-postgres-backup"})

    def test_workload_identity_renders_the_role_and_no_key(self):
        manifests = kinds(self.irsa)
        store = manifests["ObjectStore/gamemetrics-backups"]["spec"]["configuration"]["s3Credentials"]
        self.assertEqual(store, {"inheritFromIAMRole": True})
        cluster = manifests["Cluster/gamemetrics"]
        self.assertEqual(cluster["spec"]["serviceAccountTemplate"]["metadata"]["annotations"], {databases.ROLE_ANNOTATION: EXAMPLE_ARN})
        self.assertNotIn("ExternalSecret/gamemetrics-backup-s3", manifests)
        self.assertEqual([e for m in self.irsa for e in validate.errors(m)], [])
        self.assertEqual(databases.backup_problems(self.irsa, self.identity), [])

    def test_keys_render_the_external_secret_and_no_role(self):
        manifests = kinds(self.keys)
        self.assertIn("ExternalSecret/gamemetrics-backup-s3", manifests)
        self.assertNotIn("serviceAccountTemplate", manifests["Cluster/gamemetrics"]["spec"])
        self.assertEqual(databases.backup_problems(self.keys, self.identity), [])

    def test_a_ci_scenario_renders_workload_identity(self):
        stores = [next(m for m in databases.rendered(values=values) if m["kind"] == "ObjectStore")
                  for _, values in databases.scenarios()]
        self.assertTrue(any(s["spec"]["configuration"]["s3Credentials"].get("inheritFromIAMRole") for s in stores))

    def test_workload_identity_with_a_key_left_over_is_refused(self):
        manifests = copy.deepcopy(self.irsa) + [kinds(self.keys)["ExternalSecret/gamemetrics-backup-s3"]]
        self.assertIn("ExternalSecret/gamemetrics-backup-s3 still holds an S3 access key pair",
                      "\n".join(databases.backup_problems(manifests)))
        manifests = copy.deepcopy(self.irsa)
        kinds(manifests)["ObjectStore/gamemetrics-backups"]["spec"]["configuration"]["s3Credentials"]["accessKeyId"] = {"name": "x", "key": "ACCESS_KEY_ID"}
        self.assertIn("inherits the IAM role yet references access keys (accessKeyId)", "\n".join(databases.backup_problems(manifests)))
        plain = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s3"}, "stringData": {"ACCESS_SECRET_KEY": "x"}}
        self.assertIn("Secret/s3 still holds", "\n".join(databases.backup_problems(copy.deepcopy(self.irsa) + [plain])))

    def test_workload_identity_without_the_annotation_is_refused(self):
        manifests = copy.deepcopy(self.irsa)
        kinds(manifests)["Cluster/gamemetrics"]["spec"].pop("serviceAccountTemplate")
        self.assertIn("has no eks.amazonaws.com/role-arn", "\n".join(databases.backup_problems(manifests)))
        kinds(manifests)["Cluster/gamemetrics"]["spec"]["serviceAccountTemplate"] = {"metadata": {"annotations": {databases.ROLE_ANNOTATION: ""}}}
        self.assertIn("'' is not an IAM role ARN", "\n".join(databases.backup_problems(manifests)))

    def test_keys_without_their_external_secret_or_with_a_role_are_refused(self):
        manifests = [m for m in self.keys if m["metadata"]["name"] != "gamemetrics-backup-s3"]
        self.assertIn("accessKeyId is read from Secret gamemetrics-backup-s3, which no ExternalSecret writes",
                      "\n".join(databases.backup_problems(manifests)))
        manifests = copy.deepcopy(self.keys)
        kinds(manifests)["Cluster/gamemetrics"]["spec"]["serviceAccountTemplate"] = {"metadata": {"annotations": {databases.ROLE_ANNOTATION: EXAMPLE_ARN}}}
        self.assertIn("also carries eks.amazonaws.com/role-arn", "\n".join(databases.backup_problems(manifests)))
        manifests = copy.deepcopy(self.keys)
        kinds(manifests)["ObjectStore/gamemetrics-backups"]["spec"]["configuration"]["s3Credentials"] = {}
        self.assertIn("neither inherits an IAM role nor names its access key pair", "\n".join(databases.backup_problems(manifests)))

    def test_a_rendering_terraform_does_not_grant_is_refused(self):
        other = databases.rendered(values=with_backup("prod", auth="workloadIdentity", path="pg/",
                                                      roleArn=EXAMPLE_ARN.replace("prod", "staging")))
        found = "\n".join(databases.backup_problems(other, self.identity))
        self.assertIn("barman writes under pg/gamemetrics/ of the bucket; Terraform's postgres-backup role may write only under gamemetrics/", found)
        self.assertIn("assumes role gamemetrics-staging-postgres-backup; this environment's Terraform creates gamemetrics-prod-postgres-backup", found)
        renamed = databases.rendered(values=render.merge(with_backup("prod", auth="workloadIdentity", roleArn=EXAMPLE_ARN), {"name": "pg"}))
        self.assertIn("trusts service account databases/gamemetrics; the Cluster's pods run as databases/pg",
                      "\n".join(databases.backup_problems(renamed, self.identity)))
        # With keys the role is not used: a PITR cut-over (runbooks/postgres-pitr.md) may rename.
        renamed = databases.rendered(values=render.merge(with_backup("prod", path="pg/"), {"name": "pg"}))
        self.assertEqual(databases.backup_problems(renamed, self.identity), [])

    def test_a_ci_scenario_is_validated_and_checked(self):
        platform = render.load(render.PLATFORM_VALUES)
        bad = [("bad", render.merge(platform, {"instances": "three", "backup": {"auth": "workloadIdentity", "roleArn": EXAMPLE_ARN}}))]
        with mock.patch.object(databases, "scenarios", return_value=bad):
            found = "\n".join(databases.all_problems())
        self.assertIn("postgres [ci/bad] Cluster/gamemetrics: 'three' is not of type 'integer'", found)


class WorkloadIdentityNeedsARoleArn(unittest.TestCase):
    """Rendering fails rather than annotating an empty or malformed role: through the values
    schema (as Helm and Argo CD render), and through the templates' own required/fail when the
    schema is skipped (a chart copy without values.schema.json)."""

    @classmethod
    def setUpClass(cls):
        cls.unschematic = pathlib.Path(tempfile.mkdtemp(prefix="gm-postgres-")) / "postgres"
        shutil.copytree(render.CHARTS / "postgres", cls.unschematic)
        (cls.unschematic / "values.schema.json").unlink()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.unschematic.parent, ignore_errors=True)

    def failure(self, chart: pathlib.Path, **backup) -> str:
        try:
            helm_python.Chart.load(chart).render(values=with_backup("prod", **backup), name="postgres", namespace="databases")
        except Exception as error:  # helm_python raises HelmValuesError or HelmRenderError
            return str(error)
        self.fail(f"rendered with backup {backup}")

    def test_the_schema_refuses_a_missing_or_malformed_arn(self):
        chart = render.CHARTS / "postgres"
        self.assertIn("/backup/roleArn", self.failure(chart, auth="workloadIdentity"))
        self.assertIn("does not match pattern", self.failure(chart, auth="workloadIdentity", roleArn="arn:aws:iam::0000:role/x"))
        self.assertIn("/backup/auth", self.failure(chart, auth="iam"))
        self.assertIn("/backup/endpointURL", self.failure(chart, auth="workloadIdentity", roleArn=EXAMPLE_ARN, endpointURL="https://minio"))

    def test_the_templates_refuse_it_without_the_schema(self):
        self.assertIn('set backup.roleArn to the Terraform output workload_role_arns["postgres-backup"]',
                      self.failure(self.unschematic, auth="workloadIdentity"))
        self.assertIn("is not an IAM role ARN", self.failure(self.unschematic, auth="workloadIdentity", roleArn="arn:aws:iam::123:role/x"))
        self.assertIn("is not an IAM role ARN", self.failure(self.unschematic, auth="workloadIdentity", roleArn="role/gamemetrics"))
        self.assertIn("needs backup.auth keys", self.failure(self.unschematic, auth="workloadIdentity", roleArn=EXAMPLE_ARN, endpointURL="https://minio"))
        self.assertIn("must be workloadIdentity or keys", self.failure(self.unschematic, auth="iam"))


if __name__ == "__main__":
    unittest.main()
