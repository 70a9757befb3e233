"""The Kyverno policies hold to their schema and their offline counterparts catch what they
claim to: every deliberately bad manifest (policies/bad/) fires exactly the policies it names,
for a Pod, a Rollout and a CronJob, and the good ones (policies/good.yaml) fire none."""
from __future__ import annotations

import collections
import contextlib
import copy
import io
import functools
import pathlib
import sys
import unittest
from unittest import mock

import yaml

import admission
import scan
import validate

POLICIES = pathlib.Path(__file__).resolve().parent / "policies"
CHECKOV = str(pathlib.Path(sys.executable).parent / "checkov")
VIOLATES = "policies.gamemetrics.dev/violates"


def documents(path: pathlib.Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def samples() -> dict[str, list[dict]]:
    found = {f"bad--{path.stem}": documents(path) for path in sorted((POLICIES / "bad").glob("*.yaml"))}
    found["good"] = documents(POLICIES / "good.yaml")
    return found


@functools.cache
def fired() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per manifest name: the policies whose offline checks failed, and those whose checks ran."""
    failed, passed = scan.run_checkov(samples(), CHECKOV, admission.policy_checks())
    policy = admission.policy_of_check()
    failures, evaluated = collections.defaultdict(set), collections.defaultdict(set)
    for result in failed:
        failures[result["resource"].split(".")[-1]].add(policy[result["check_id"]])
    for result in failed + passed:
        evaluated[result["resource"].split(".")[-1]].add(policy[result["check_id"]])
    return failures, evaluated


class OfflineChecksEnforceTheKyvernoPolicies(unittest.TestCase):
    def test_each_bad_manifest_fires_exactly_the_policies_it_names(self):
        failures, _ = fired()
        for name, manifests in samples().items():
            if name == "good":
                continue
            for manifest in manifests:
                expected = set(manifest["metadata"]["annotations"][VIOLATES].split(","))
                self.assertEqual(failures.get(manifest["metadata"]["name"], set()), expected, manifest["metadata"]["name"])

    def test_every_policy_has_a_bad_pod_rollout_and_cronjob(self):
        kinds = collections.defaultdict(set)
        for name, manifests in samples().items():
            for manifest in manifests:
                for policy in manifest["metadata"]["annotations"].get(VIOLATES, "").split(","):
                    if policy and name == f"bad--{policy}":
                        kinds[policy].add(manifest["kind"])
        for entry in admission.mapping():
            self.assertEqual(kinds[entry["policy"]], {"Pod", "Rollout", "CronJob"}, entry["policy"])

    def test_good_manifests_of_every_kind_pass_every_policy_that_ran_on_them(self):
        failures, evaluated = fired()
        every_policy = {entry["policy"] for entry in admission.mapping()}
        for manifest in samples()["good"]:
            name = manifest["metadata"]["name"]
            self.assertEqual(failures.get(name, set()), set(), name)
            self.assertEqual(evaluated[name], every_policy, f"{name}: not every policy's check ran")

    def test_bad_and_good_manifests_are_valid_kubernetes(self):
        for manifests in samples().values():
            for manifest in manifests:
                self.assertEqual(validate.errors(manifest), [], manifest["metadata"]["name"])

    def test_checkov_alone_does_not_look_into_a_rollout(self):
        rollout = next(m for m in documents(POLICIES / "bad" / "require-read-only-root-filesystem.yaml") if m["kind"] == "Rollout")
        failed, passed = scan.run_checkov({"rollout": [rollout]}, CHECKOV, admission.policy_checks(), scannable=False)
        self.assertEqual(failed + passed, [], "checkov now knows Rollouts: as_scannable may be unnecessary")
        failures, evaluated = fired()  # the same Rollout, seen as the Deployment of its pod template
        self.assertEqual(failures[rollout["metadata"]["name"]], {"require-read-only-root-filesystem"})
        self.assertEqual(len(evaluated[rollout["metadata"]["name"]]), len(admission.mapping()))


class TheBaselineCannotWeakenThem(unittest.TestCase):
    def test_no_policy_check_but_the_digest_can_be_accepted_in_the_baseline(self):
        for check in admission.policy_checks():
            accepted = not scan.NEVER_ACCEPTED.search(scan.check_name(check))
            self.assertEqual(accepted, check == "CKV_K8S_43", f"{check} ({scan.check_name(check)})")

    def test_what_policy_py_left_to_checkov_can_never_be_accepted(self):
        # seccomp, no escalation, capabilities, token, requests, liveness, readiness
        for check in ("CKV_K8S_31", "CKV_K8S_20", "CKV_K8S_37", "CKV_K8S_38", "CKV_K8S_10", "CKV_K8S_12", "CKV_K8S_8", "CKV_K8S_9"):
            self.assertTrue(scan.NEVER_ACCEPTED.search(scan.check_name(check)), check)


class KyvernoPoliciesMatchTheirCounterparts(unittest.TestCase):
    def test_every_environments_policies_validate_strictly_and_map_one_to_one(self):
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(admission.check(), [])
        for environment in admission.ENVIRONMENTS:
            manifests = admission.rendered(environment)
            self.assertEqual(len(manifests), len(admission.mapping()))
            for manifest in manifests:
                self.assertEqual(validate.errors(manifest), [], manifest["metadata"]["name"])
            broken = copy.deepcopy(manifests[0])
            broken["spec"]["rules"][0]["validate"]["unknownField"] = 1
            self.assertTrue(validate.errors(broken))

    def test_a_rule_without_counterpart_or_a_counterpart_without_rule_is_refused(self):
        manifests = copy.deepcopy(admission.rendered("prod"))
        policy = next(m for m in manifests if m["metadata"]["name"] == "require-resource-limits")
        extra = copy.deepcopy(policy["spec"]["rules"][0])
        extra["name"] = "ephemeral-storage-limit"
        policy["spec"]["rules"].append(extra)
        found = "\n".join(admission.problems(manifests, "prod"))
        self.assertIn("require-resource-limits/ephemeral-storage-limit has no offline counterpart", found)
        trimmed = tuple(e for e in admission.mapping() if e["policy"] != "disallow-privileged-containers")
        with mock.patch.object(admission, "mapping", return_value=trimmed):
            found = "\n".join(admission.problems(admission.rendered("prod"), "prod"))
        self.assertIn("disallow-privileged-containers/privileged-containers has no offline counterpart", found)
        without_registry = tuple(e for e in admission.mapping() if e["policy"] != "restrict-image-registries")
        with mock.patch.object(admission, "mapping", return_value=without_registry):
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertIn("CKV_GM_2 has no Kyverno rule", "\n".join(admission.check()))
        renamed = tuple(dict(e, checks=["CKV_K8S_999"]) if e["policy"] == "disallow-latest-tag" else e for e in admission.mapping())
        with mock.patch.object(admission, "mapping", return_value=renamed):
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertIn("CKV_K8S_999 is no checkov check", "\n".join(admission.check()))

    def test_a_policy_without_its_rollout_rule_is_refused(self):
        manifests = copy.deepcopy(admission.rendered("staging"))
        policy = next(m for m in manifests if m["metadata"]["name"] == "require-read-only-root-filesystem")
        policy["spec"]["rules"] = [r for r in policy["spec"]["rules"] if not r["name"].endswith("-rollout")]
        found = "\n".join(admission.problems(manifests, "staging"))
        self.assertIn("require-read-only-root-filesystem must have rules over Pod (autogen: the controllers) and argoproj.io/v1alpha1/Rollout", found)

    def test_the_registry_is_the_same_on_both_sides(self):
        manifests = copy.deepcopy(admission.rendered("dev"))
        policy = next(m for m in manifests if m["metadata"]["name"] == "verify-image-signatures")
        policy["spec"]["rules"][0]["verifyImages"][0]["imageReferences"] = ["ghcr.io/*"]
        self.assertIn("allows ['ghcr.io/*']", "\n".join(admission.problems(manifests, "dev")))

    def test_every_environment_enforces_and_staging_and_prod_require_the_digest(self):
        for environment in admission.ENVIRONMENTS:
            for manifest in admission.rendered(environment):
                for rule in manifest["spec"]["rules"]:
                    actions = [rule["validate"]["failureAction"]] if "validate" in rule else [v["failureAction"] for v in rule["verifyImages"]]
                    self.assertEqual(actions, ["Enforce"] * len(actions), f"{environment} {rule['name']}")
                    for verify in rule.get("verifyImages", []):
                        self.assertEqual(verify["mutateDigest"], environment == "dev", f"{environment} {rule['name']}")
                        self.assertTrue(verify["verifyDigest"] and verify["required"])


if __name__ == "__main__":
    unittest.main()
