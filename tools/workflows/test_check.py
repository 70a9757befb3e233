"""Each rule of check.py fails on the fixture made to break it, and the real workflows pass.

  .venv-charts/bin/python -m unittest discover -s tools/workflows -p 'test_*.py'
"""
from __future__ import annotations

import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import check  # noqa: E402

FIXTURES = check.HERE / "fixtures"
RELEASE = check.ROOT / ".github/workflows/release.yml"
SUBJECT = "https://github.com/gamemetrics/gamemetrics-pro/.github/workflows/release.yml@refs/heads/main"


def fixture(name: str) -> tuple[pathlib.Path, dict]:
    path = FIXTURES / name
    return path, check.load_yaml(path)


def fixture_workflows() -> dict[str, dict]:
    return {str(w.get("name")): w for w in (check.load_yaml(p) for p in sorted(FIXTURES.glob("*.yml")))}


class RealWorkflows(unittest.TestCase):
    def test_the_repository_passes_every_rule(self):
        problems, summary = check.check_all()
        self.assertEqual(problems, [])
        self.assertIn("checkov", summary)

    def test_the_policy_subject_names_release_yml_on_main(self):
        self.assertEqual(check.policy_subject(), SUBJECT)


class Schema(unittest.TestCase):
    def test_a_job_without_runs_on_fails(self):
        problems = check.check_schema([FIXTURES / "bad-schema.yml"])
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("bad-schema.yml: schema (vendor.github-workflows): $.jobs.build", problems[0])

    def test_the_fixture_that_passes_everything_is_valid(self):
        self.assertEqual(check.check_schema([FIXTURES / "ok-pull-request.yml"]), [])


class Pins(unittest.TestCase):
    def test_tags_branches_short_shas_and_missing_comments_fail(self):
        problems = check.check_pins(FIXTURES / "bad-unpinned.yml")
        self.assertEqual(len(problems), 5, problems)
        for ref in ("actions/checkout@v7", "docker/login-action@master", "actions/cache@27d5ce7",
                    "docker://alpine:3.20"):
            self.assertTrue(any(f"uses {ref}: not pinned" in p for p in problems), ref)
        self.assertTrue(any("upload-artifact@bbbca2d" in p and "no `# vX.Y.Z` comment" in p for p in problems))

    def test_local_actions_and_docker_digests_pass(self):
        self.assertEqual(check.check_pins(FIXTURES / "ok-pull-request.yml"), [])

    def test_a_composite_action_step_is_checked_too(self):
        problems = check.check_pins(FIXTURES / "bad-composite/action.yml")
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("uses actions/cache@v5: not pinned", problems[0])


class Permissions(unittest.TestCase):
    def test_a_job_without_permissions_fails(self):
        problems = check.check_permissions(*fixture("bad-no-permissions.yml"))
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("job test: no `permissions:`", problems[0])


class PullRequestCheckout(unittest.TestCase):
    def test_pull_request_target_checking_out_the_head_fails(self):
        problems = check.check_pr_checkout(*fixture("bad-pr-target-checkout.yml"))
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("checks out pull-request code (ref: ${{ github.event.pull_request.head.sha }})", problems[0])

    def test_workflow_run_fetching_the_head_in_run_fails(self):
        problems = check.check_pr_checkout(*fixture("bad-workflow-run-checkout.yml"))
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("fetches pull-request code in `run:` in a workflow_run workflow", problems[0])

    def test_pull_request_itself_may_check_out_its_code(self):
        self.assertEqual(check.check_pr_checkout(*fixture("ok-pull-request.yml")), [])


class ForkSecrets(unittest.TestCase):
    def test_a_secret_and_secrets_inherit_in_a_pull_request_workflow_fail(self):
        path, workflow = fixture("bad-pr-secret.yml")
        problems = check.check_fork_secrets(path, workflow, fixture_workflows())
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("job deploy-preview uses secrets.PREVIEW_DEPLOY_KEY", problems[0])
        self.assertIn("job reuse uses secrets: inherit", problems[1])

    def test_a_secret_after_a_pull_request_workflow_fails(self):
        path, workflow = fixture("bad-workflow-run-secret.yml")
        problems = check.check_fork_secrets(path, workflow, fixture_workflows())
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("job comment uses secrets[", problems[0])
        self.assertIn("workflow_run of 'ok pull request' (pull_request)", problems[0])

    def test_github_token_in_a_pull_request_workflow_passes(self):
        path, workflow = fixture("ok-pull-request.yml")
        self.assertEqual(check.check_fork_secrets(path, workflow, fixture_workflows()), [])

    def test_a_push_workflow_may_use_secrets(self):
        workflows = {str(w.get("name")): w for w in [check.load_yaml(RELEASE)]}
        self.assertEqual(check.check_fork_secrets(RELEASE, check.load_yaml(RELEASE), workflows), [])

    def test_workflow_run_of_an_unknown_workflow_counts_as_fork_triggered(self):
        path, workflow = fixture("bad-workflow-run-secret.yml")
        problems = check.check_fork_secrets(path, workflow, {})
        self.assertIn("a workflow not found here", problems[0])


class Identity(unittest.TestCase):
    def test_signing_in_another_workflow_fails(self):
        workflows = {RELEASE: check.load_yaml(RELEASE), FIXTURES / "bad-signs-elsewhere.yml":
                     check.load_yaml(FIXTURES / "bad-signs-elsewhere.yml")}
        problems = check.check_identity(workflows, SUBJECT)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("bad-signs-elsewhere.yml: runs `cosign sign`, but the admission policy admits only signatures of release.yml", problems[0])

    def test_a_missing_signing_workflow_fails(self):
        problems = check.check_identity({FIXTURES / "ok-pull-request.yml": check.load_yaml(FIXTURES / "ok-pull-request.yml")}, SUBJECT)
        self.assertEqual(problems, [f".github/workflows/release.yml: the admission policy's signing identity ({SUBJECT}) names it, and it does not exist"])

    def test_the_named_workflow_must_run_on_pushes_to_the_branch_and_sign(self):
        subject = SUBJECT.replace("release.yml", "ok-pull-request.yml")
        problems = check.check_identity({FIXTURES / "ok-pull-request.yml": check.load_yaml(FIXTURES / "ok-pull-request.yml")}, subject)
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("must run on pushes to main", problems[0])
        self.assertIn("runs no `cosign sign`", problems[1])


class MirrorList(unittest.TestCase):
    def test_lines_without_tag_registry_or_full_digest_fail(self):
        problems = check.check_mirror_list(FIXTURES / "bad-mirror-images.txt")
        self.assertEqual([p.split(": ")[0].rsplit(":", 1)[1] for p in problems], ["2", "3", "4"], problems)

    def test_the_real_list_passes(self):
        self.assertEqual(check.check_mirror_list(check.ROOT / ".github/mirror-images.txt"), [])


class ShellCheck(unittest.TestCase):
    def test_a_bad_run_block_fails_and_python_blocks_are_left_alone(self):
        problems, blocks = check.check_shellcheck(*fixture("bad-shellcheck.yml"))
        self.assertEqual(blocks, 1)
        self.assertTrue(any("shellcheck SC2115" in p for p in problems), problems)
        self.assertTrue(all("job clean, step 1" in p for p in problems), problems)

    def test_a_composite_actions_run_step_is_checked_too(self):
        problems, blocks = check.check_shellcheck(*fixture("bad-composite-shell/action.yml"))
        self.assertEqual(blocks, 1)
        self.assertTrue(any("step 1: shellcheck SC2086" in p for p in problems), problems)


class Checkov(unittest.TestCase):
    def test_unlisted_findings_stale_skips_and_skips_without_reason_fail(self):
        problems, passed = check.check_checkov([FIXTURES / "bad-checkov.yml"], [FIXTURES / "bad.Dockerfile"],
                                               root=FIXTURES, skips_file=FIXTURES / "checkov-skips-stale.yaml")
        self.assertGreater(passed, 0)
        text = "\n".join(problems)
        self.assertIn("checkov-skips-stale.yaml: entry", text)  # the skip without a reason
        self.assertIn(".github/workflows/bad-checkov.yml: checkov CKV_GHA_2", text)
        self.assertIn("bad.Dockerfile: checkov CKV_DOCKER_7", text)
        self.assertIn("bad.Dockerfile: checkov CKV_DOCKER_3", text)  # its skip had no reason
        self.assertNotIn("checkov CKV_DOCKER_2", text)  # listed, with a reason
        self.assertIn("skip CKV_GHA_3 on jobs(greet) in .github/workflows/bad-checkov.yml is no longer needed", text)


if __name__ == "__main__":
    unittest.main()
