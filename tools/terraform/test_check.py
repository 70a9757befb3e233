"""Each rule of check.py catches its defect in a small bad fixture, and the real tree passes.

Run: .venv-charts/bin/python -m unittest tools/terraform/test_check.py (from the repository root)
or .venv-charts/bin/python tools/terraform/test_check.py.
"""
from __future__ import annotations

import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import check  # noqa: E402

FIXTURES = check.HERE / "fixtures"


def problems_of(fixture: str) -> list[str]:
    problems, _ = check.check(FIXTURES / fixture, checkov=False, with_terraform=False)
    return problems


class RuleFixtures(unittest.TestCase):
    """Rules 1-5 on the fixtures, without checkov."""

    def assert_one_problem(self, fixture: str, *fragments: str) -> None:
        problems = problems_of(fixture)
        self.assertEqual(len(problems), 1, problems)
        for fragment in fragments:
            self.assertIn(fragment, problems[0])

    def test_good_fixture_passes(self):
        # The bad fixtures are this one with one defect each: no other problem may hide in them.
        self.assertEqual(problems_of("good"), [])

    def test_unparsable_file(self):
        self.assert_one_problem("unparsable", "broken.tf", "cannot parse")

    def test_unknown_argument(self):
        self.assert_one_problem("unknown-argument", 'module "bucket" passes "colour"', "does not declare")

    def test_missing_required_variable(self):
        self.assert_one_problem("missing-required", 'module "bucket" does not set "name"', "requires (no default)")

    def test_missing_output(self):
        self.assert_one_problem("missing-output", "module.bucket.id", 'declares no output "id"')

    def test_reference_to_undeclared_module(self):
        self.assert_one_problem("missing-module", "module.buckets.arn", 'no module "buckets"')

    def test_untyped_variable(self):
        self.assert_one_problem("untyped-variable", 'variable "name" has no type')

    def test_undescribed_variable(self):
        self.assert_one_problem("undescribed-variable", 'variable "name" has no description')

    def test_tfvars_sets_undeclared_variable(self):
        self.assert_one_problem("tfvars-unknown", 'sets "nmae"', "does not declare")

    def test_environment_roots_each_call_the_shared_module(self):
        self.assertEqual(problems_of("env-roots"), [])

    def test_a_root_named_for_another_environment(self):
        self.assert_one_problem("env-wrong-name", 'environment = "dev" in the root of prod')

    def test_a_root_with_a_resource_of_its_own(self):
        self.assert_one_problem("env-own-resource", "resource aws_s3_bucket.extra in a root")

    def test_a_root_that_does_not_call_the_shared_module_once(self):
        self.assert_one_problem("env-no-call", "must call modules/environment exactly once")

    def test_meta_arguments_are_not_variables(self):
        tree = check.Tree(FIXTURES / "good")
        body = next(iter(tree.modules(FIXTURES / "good").values()))[1]
        body = dict(body, count=["${1}"], depends_on=[[]], providers=[{}])
        tree.files[FIXTURES / "good" / "main.tf"] = {"module": [{"bucket": body}]}
        self.assertEqual(check.check_module_calls(tree), [])


def finding(check_id: str, resource: str, file: str = "terraform/modules/object-storage/main.tf") -> dict:
    return {"check_id": check_id, "check_name": check_id, "resource": resource,
            "file_abs_path": str(check.REPO / file), "file_path": "/" + file, "file_line_range": [1, 2]}


class Skips(unittest.TestCase):
    """Rule 6's bookkeeping on synthetic checkov results."""

    def test_skip_matches_the_resource_whichever_root_calls_the_module(self):
        skips = {("terraform/modules/object-storage/main.tf", 'aws_s3_bucket.this["audit"]', "CKV_AWS_144"): "reason"}
        failed = [finding("CKV_AWS_144", 'module.storage.aws_s3_bucket.this["audit"]')]
        problems, skipped = check.compare_with_skips(failed, [finding("CKV_AWS_21", "x")], {}, skips)
        self.assertEqual((problems, skipped), ([], 1))

    def test_unlisted_finding_fails(self):
        failed = [finding("CKV_AWS_144", 'module.storage.aws_s3_bucket.this["audit"]')]
        problems, _ = check.compare_with_skips(failed, [finding("CKV_AWS_21", "x")], {}, {})
        self.assertEqual(len(problems), 1)
        self.assertIn('CKV_AWS_144', problems[0])
        self.assertIn('aws_s3_bucket.this["audit"] in terraform/modules/object-storage/main.tf:1', problems[0])

    def test_stale_skip_fails(self):
        skips = {("terraform/modules/object-storage/main.tf", "aws_s3_bucket.gone", "CKV_AWS_144"): "reason"}
        problems, _ = check.compare_with_skips([], [finding("CKV_AWS_21", "x")], {}, skips)
        self.assertEqual(len(problems), 1)
        self.assertIn("matches no failed check", problems[0])

    def test_nothing_scanned_fails(self):
        problems, _ = check.compare_with_skips([], [], {}, {})
        self.assertIn("scanned nothing", problems[0])

    def test_bad_skip_entries_fail(self):
        skips, problems = check.load_skips(FIXTURES / "bad-skips.yaml")
        self.assertEqual(len(problems), 3, problems)
        self.assertIn("needs file, resource, check and a reason", problems[0])
        self.assertIn("CKV_AWS_21 (S3 versioning)", problems[1])
        self.assertIn("never skipped", problems[1])
        self.assertIn("listed twice", problems[2])


class TerraformItself(unittest.TestCase):
    """Rule 7: the bundled Terraform CLI formats and loads the tree."""

    def test_good_fixture_passes(self):
        problems, summary = check.check_with_terraform(FIXTURES / "good")
        self.assertEqual(problems, [])
        self.assertIn(f"terraform {check.TERRAFORM_VERSION} fmt and get in 1 roots", summary)

    def test_unformatted_file(self):
        problems, _ = check.check_with_terraform(FIXTURES / "unformatted")
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("main.tf: not formatted as `terraform fmt` writes it", problems[0])

    def test_duplicate_variable_the_parser_lets_through(self):
        # bc-python-hcl2 keeps both declarations; Terraform refuses the module.
        self.assertEqual(problems_of("duplicate-variable"), [])
        problems, _ = check.check_with_terraform(FIXTURES / "duplicate-variable")
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("terraform get: ", problems[0])
        self.assertIn("Duplicate variable declaration", problems[0])


class WithCheckov(unittest.TestCase):
    """Rule 6 end to end (checkov runs: a few seconds each)."""

    def test_checkov_finding_and_stale_skip_in_fixture(self):
        root = FIXTURES / "checkov-finding"
        problems, _ = check.check(root, root / "skips.yaml", with_terraform=False)
        unlisted = [p for p in problems if p.startswith("checkov CKV")]
        stale = [p for p in problems if "matches no failed check" in p]
        # The bare bucket fails versioning, public access block, logging...; CKV2_AWS_62 is skipped.
        self.assertTrue(any("CKV_AWS_21" in p and "aws_s3_bucket.bare" in p for p in unlisted), problems)
        self.assertFalse(any("CKV2_AWS_62" in p for p in unlisted), problems)
        self.assertEqual(len(stale), 1, problems)
        self.assertIn("aws_s3_bucket.gone", stale[0])

    def test_real_tree_passes(self):
        # check.py's own run covers this; here for `python -m unittest` on its own.
        problems, summary = check.check()
        self.assertEqual(problems, [])
        self.assertIn("checkov", summary)


if __name__ == "__main__":
    unittest.main()
