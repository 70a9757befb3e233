"""The object storage and Redis checks fire when the Tenant, the ACL file or the service charts
drift apart."""
from __future__ import annotations

import copy
import unittest

import data_platform
import policy
import render


class DataPlatformChecksCatchDrift(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.services = data_platform.service_values()
        cls.minio = data_platform.rendered("object-storage", "prod")
        cls.redis = data_platform.rendered("redis", "prod")
        cls.upstream = render.load(data_platform.REDIS_VALUES)

    def test_the_rendered_data_platform_holds(self):
        self.assertEqual(data_platform.object_storage_problems(self.minio, self.services), [])
        self.assertEqual(data_platform.redis_problems(self.redis, self.services, self.upstream), [])

    def test_an_s3_credential_bucket_or_endpoint_the_tenant_does_not_serve_is_refused(self):
        services = copy.deepcopy(self.services)
        services["retention"]["secrets"]["files"]["GM_S3_ACCESS_KEY"]["key"] = "gamemetrics/retention-s3-new"
        services["user"]["env"]["GM_AUDIT_ANCHOR_S3_BUCKET"] = "gamemetrics-anchors"
        services["user"]["env"]["GM_AUDIT_ANCHOR_S3_ENDPOINT"] = "https://s3.eu-west-1.amazonaws.com"
        found = "\n".join(data_platform.object_storage_problems(self.minio, services))
        self.assertIn("retention signs with gamemetrics/retention-s3-new, which is no MinIO user", found)
        self.assertIn("MinIO user retention has keys no service mounts", found)
        self.assertIn("user's GM_AUDIT_ANCHOR_S3_BUCKET gamemetrics-anchors is not a bucket", found)
        self.assertIn("user's GM_AUDIT_ANCHOR_S3_ENDPOINT is https://s3.eu-west-1.amazonaws.com", found)

    def test_the_tenant_admits_exactly_the_callers_of_s3(self):
        minio = copy.deepcopy(self.minio)
        fence = next(m for m in minio if m["kind"] == "NetworkPolicy" and "v1.min.io/tenant" in m["spec"]["podSelector"]["matchLabels"])
        fence["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] = "ingestion"
        found = "\n".join(data_platform.object_storage_problems(minio, self.services))
        self.assertIn("the Tenant admits ['ingestion'", found)

    def test_a_hook_job_out_of_phase_with_its_companions_or_a_late_migration_is_refused(self):
        minio = copy.deepcopy(self.minio)
        job = next(m for m in minio if m["kind"] == "Job")
        job["metadata"]["annotations"]["argocd.argoproj.io/hook"] = "PreSync"
        found = "\n".join(policy.hooks(minio))
        self.assertIn("its ExternalSecret must be a PreSync hook of an earlier wave", found)
        job["metadata"]["name"] = "user-migrate"
        job["metadata"]["annotations"]["argocd.argoproj.io/hook"] = "PostSync"
        self.assertIn("a migration Job must be an Argo CD PreSync hook", "\n".join(policy.hooks(minio)))
        self.assertEqual(policy.hooks(self.minio), [])

    def test_a_redis_user_missing_misread_or_unused_is_refused(self):
        services = copy.deepcopy(self.services)
        services["recommendation"]["secrets"]["files"].pop("GM_REDIS_URL")
        services["notification"]["secrets"]["files"] = {"GM_REDIS_URL": {"key": "gamemetrics/redis-notification", "property": "url"}}
        services["processor"]["secrets"]["files"]["GM_REDIS_URL"]["key"] = "gamemetrics/redis-processor-v2"
        found = "\n".join(data_platform.redis_problems(self.redis, services, self.upstream))
        self.assertIn("differ from the services mounting GM_REDIS_URL", found)
        self.assertIn("processor mounts gamemetrics/redis-processor-v2", found)

    def test_a_service_reaching_the_redis_cluster_in_single_mode_is_refused(self):
        services = copy.deepcopy(self.services)
        services["ingestion"]["env"]["GM_REDIS_MODE"] = "single"
        found = "\n".join(data_platform.redis_problems(self.redis, services, self.upstream))
        self.assertIn("ingestion talks to the Redis Cluster in GM_REDIS_MODE single, not cluster", found)

    def test_an_acl_file_without_default_or_a_smaller_cluster_is_refused(self):
        redis = copy.deepcopy(self.redis)
        acl = next(m for m in redis if "users.acl" in m["spec"]["target"].get("template", {}).get("data", {}))
        data = acl["spec"]["target"]["template"]["data"]
        data["users.acl"] = "\n".join(line for line in data["users.acl"].splitlines() if not line.startswith("user default"))
        upstream = copy.deepcopy(self.upstream)
        upstream["cluster"] = {"nodes": 3, "replicas": 0}
        upstream["pdb"] = {"create": False}
        upstream["networkPolicy"]["extraIngress"][0]["from"].pop()
        found = "\n".join(data_platform.redis_problems(redis, self.services, upstream))
        self.assertIn("does not define `default`", found)
        self.assertIn("required 3 masters + 3 replicas", found)
        self.assertIn("needs its PodDisruptionBudget", found)
        self.assertIn("the call graph's callers of redis are ['admin', 'analytics-api', 'ingestion', 'processor', 'recommendation']", found)


if __name__ == "__main__":
    unittest.main()
