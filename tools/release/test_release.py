"""Tests of tools/release/release.py, each on a throwaway git repository in a temp dir.

Run: .venv-charts/bin/python -m unittest discover -s tools/release -p 'test_*.py'
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import release  # noqa: E402

TOOL = HERE / "release.py"
SERVICES = ["admin", "analytics-api", "ingestion", "notification", "processor", "recommendation", "retention", "user"]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Release Test", "GIT_AUTHOR_EMAIL": "release-test@example.invalid",
    "GIT_COMMITTER_NAME": "Release Test", "GIT_COMMITTER_EMAIL": "release-test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def digest(n: int) -> str:
    return "sha256:" + hashlib.sha256(str(n).encode()).hexdigest()


class Repo:
    """A git repository shaped like ours: services/<svc>/, the three release.yaml files."""

    def __init__(self, path: Path):
        self.path = path
        self.env = {**os.environ, **GIT_ENV}
        path.mkdir(parents=True)
        self.git("init", "--quiet", "--initial-branch=main")
        for svc in SERVICES:
            (path / "services" / svc).mkdir(parents=True)
            (path / "services" / svc / "README.md").write_text(f"# {svc}\n")
        for env in release.ENVIRONMENTS:
            folder = path / "argocd" / "environments" / env
            folder.mkdir(parents=True)
            # The committed files of this repository are the contract's shape: start from them.
            shutil.copy(HERE.parents[1] / "argocd" / "environments" / env / "release.yaml", folder / "release.yaml")
        self.git("add", "-A")
        self.git("commit", "--quiet", "-m", "Initial layout")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.path, env=self.env, check=True,
                              capture_output=True, text=True).stdout.strip()

    def commit(self, message: str, *paths: str) -> str:
        for relative in paths:
            file = self.path / relative
            file.parent.mkdir(parents=True, exist_ok=True)
            with file.open("a") as handle:
                handle.write(f"{message}\n")
        self.git("add", "-A")
        self.git("commit", "--quiet", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def tool(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(TOOL), *args], cwd=self.path, env=self.env,
                              capture_output=True, text=True)

    def parsed(self, env: str) -> dict:
        return yaml.safe_load((self.path / "argocd" / "environments" / env / "release.yaml").read_text())

    def text(self, env: str) -> str:
        return (self.path / "argocd" / "environments" / env / "release.yaml").read_text()

    def fingerprint(self, env: str) -> str:
        result = self.tool("fingerprint", "--env", env)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def record_all(self, revision: str, base: int) -> None:
        images = [arg for i, svc in enumerate(SERVICES) for arg in ("--image", f"{svc}={digest(base + i)}")]
        result = self.tool("record", "--env", "dev", "--revision", revision, *images)
        assert result.returncode == 0, result.stderr

    def smoke(self, env: str, passed: bool = True, fingerprint: str | None = None) -> str:
        path = self.path.parent / f"smoke-{env}.json"
        path.write_text(json.dumps({
            "environment": env, "fingerprint": fingerprint or self.fingerprint(env), "passed": passed,
            "checks": [{"name": "event-accepted", "passed": passed, "detail": "", "seconds": 0.1}]}))
        return str(path)


class ReleaseToolTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.repo = Repo(Path(self.tmp.name) / "repo")

    def tearDown(self):
        self.tmp.cleanup()

    # --- record -------------------------------------------------------------------------------

    def test_record_sets_digests_and_revision_and_commits(self):
        repo = self.repo
        sha = repo.commit("Ingestion: faster", "services/ingestion/a.swift")
        result = repo.tool("record", "--env", "dev", "--revision", sha,
                           "--image", f"user={digest(2)}", "--image", f"ingestion={digest(1)}")
        self.assertEqual(result.returncode, 0, result.stderr)
        data = repo.parsed("dev")
        self.assertEqual(data["revision"], sha)
        self.assertEqual(data["images"]["ingestion"], {"digest": digest(1), "revision": sha})
        self.assertEqual(data["images"]["user"], {"digest": digest(2), "revision": sha})
        self.assertEqual(data["images"]["processor"], {"digest": "", "revision": ""})
        self.assertEqual(list(data["images"]), sorted(SERVICES))
        self.assertEqual(repo.git("log", "-1", "--format=%s"), f"Release dev: ingestion, user at {sha[:12]}")
        self.assertEqual(repo.git("show", "--name-only", "--format=", "HEAD"), "argocd/environments/dev/release.yaml")
        self.assertTrue(repo.text("dev").startswith("# What dev runs. Written by tools/release/release.py"))
        # The same record again changes nothing and commits nothing.
        again = repo.tool("record", "--env", "dev", "--revision", sha, "--image", f"user={digest(2)}")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("nothing to record", again.stdout)
        self.assertEqual(repo.git("rev-list", "--count", "HEAD"), "3")

    def test_record_output_is_deterministic(self):
        repo = self.repo
        sha = repo.commit("User: x", "services/user/a.swift")
        repo.tool("record", "--env", "dev", "--revision", sha, "--image", f"user={digest(5)}")
        first = repo.text("dev")
        parsed = release.parse_release(first, SERVICES, "dev")
        self.assertEqual(release.render_release("dev", parsed), first)

    # --- promote ------------------------------------------------------------------------------

    def test_promote_copies_release_exactly_and_writes_notes_per_service(self):
        repo = self.repo
        c1 = repo.commit("Ingestion: batch limits", "services/ingestion/Sources/a.swift")
        c2 = repo.commit("User: erasure status", "services/user/Sources/b.swift")
        repo.record_all(c2, 100)
        first = repo.tool("promote", "--from", "dev", "--to", "staging", "--smoke-result", repo.smoke("dev"))
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(repo.parsed("staging"), repo.parsed("dev"))
        self.assertIn("First release of staging", repo.git("log", "-1", "--format=%B"))

        c3 = repo.commit("Shared: new clock", "shared/Sources/clock.swift")
        c4 = repo.commit("Ingestion chart: more replicas", "charts/ingestion/values.yaml")
        c5 = repo.commit("Docs: typo", "docs/readme.md")
        c6 = repo.commit("Processor: lanes", "services/processor/Sources/c.swift")
        record = repo.tool("record", "--env", "dev", "--revision", c6,
                           "--image", f"ingestion={digest(900)}", "--image", f"processor={digest(901)}")
        self.assertEqual(record.returncode, 0, record.stderr)
        notes_file = Path(self.tmp.name) / "notes.md"
        preview = repo.tool("notes", "--from", "dev", "--to", "staging")
        self.assertEqual(preview.returncode, 0, preview.stderr)
        promote = repo.tool("promote", "--from", "dev", "--to", "staging", "--smoke-result", repo.smoke("dev"),
                            "--notes", str(notes_file))
        self.assertEqual(promote.returncode, 0, promote.stderr)
        dev, staging = repo.parsed("dev"), repo.parsed("staging")
        self.assertEqual(staging, dev)
        self.assertEqual(staging["revision"], c6)
        self.assertEqual(staging["images"]["ingestion"], {"digest": digest(900), "revision": c6})
        self.assertEqual(staging["images"]["user"], {"digest": digest(100 + SERVICES.index("user")), "revision": c2})
        self.assertTrue(repo.text("staging").startswith("# What staging runs."))

        notes = notes_file.read_text()
        self.assertEqual(preview.stdout, notes)
        sections = self._sections(notes)
        self.assertEqual(sections["ingestion"], [f"{c4[:12]} Ingestion chart: more replicas", f"{c3[:12]} Shared: new clock"])
        self.assertEqual(sections["processor"], [f"{c6[:12]} Processor: lanes", f"{c3[:12]} Shared: new clock"])
        self.assertEqual(sections["user"], [f"{c3[:12]} Shared: new clock"])
        self.assertEqual(sections["other (no service image or chart)"], [f"{c5[:12]} Docs: typo"])
        self.assertIn(f"Commits from {c2[:12]} (running in staging) to {c6[:12]}", notes)
        self.assertNotIn(c1[:12], notes)
        listed = [entry for entries in sections.values() for entry in entries]
        self.assertFalse([entry for entry in listed if entry.startswith((c2[:12], "Release dev", "Promote"))])
        self.assertFalse([entry for entry in listed if "Release dev" in entry or "Promote dev" in entry])
        self.assertIn(f"| ingestion | `{digest(100 + SERVICES.index('ingestion'))[:19]}` | `{digest(900)[:19]}` |", notes)
        self.assertIn("| processor |", notes)
        self.assertNotIn("| user |", notes)
        # The commit: subject, notes in the body, only staging's file.
        self.assertEqual(repo.git("log", "-1", "--format=%s"), f"Promote dev → staging: {c6[:12]}")
        self.assertIn(f"{c4[:12]} Ingestion chart: more replicas", repo.git("log", "-1", "--format=%b"))
        self.assertEqual(repo.git("show", "--name-only", "--format=", "HEAD"), "argocd/environments/staging/release.yaml")
        self.assertIn("staging already runs this release", repo.tool("notes", "--from", "dev", "--to", "staging").stdout)
        same = repo.tool("promote", "--from", "dev", "--to", "staging", "--smoke-result", repo.smoke("dev"))
        self.assertEqual(same.returncode, 0, same.stderr)
        self.assertIn("nothing to promote", same.stdout)
        self.assertEqual(repo.git("log", "-1", "--format=%s"), f"Promote dev → staging: {c6[:12]}")

    @staticmethod
    def _sections(notes: str) -> dict[str, list[str]]:
        sections: dict[str, list[str]] = {}
        current = None
        for line in notes.splitlines():
            if line.startswith("### "):
                current = line[4:]
                sections[current] = []
            elif current and line.startswith("- "):
                sections[current].append(line[2:])
            elif not line.strip():
                current = None
        return sections

    def _promote_refused(self, smoke_path: str, expected: str) -> None:
        repo = self.repo
        head, staging = repo.head(), repo.text("staging")
        result = repo.tool("promote", "--from", "dev", "--to", "staging", "--smoke-result", smoke_path)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(expected, result.stderr)
        self.assertEqual(repo.head(), head)
        self.assertEqual(repo.text("staging"), staging)

    def test_failed_smoke_blocks_promotion(self):
        repo = self.repo
        repo.record_all(repo.commit("Ingestion: x", "services/ingestion/a.swift"), 1)
        self._promote_refused(repo.smoke("dev", passed=False), "did not pass (failed: event-accepted)")

    def test_stale_fingerprint_blocks_promotion(self):
        repo = self.repo
        repo.record_all(repo.commit("Ingestion: x", "services/ingestion/a.swift"), 1)
        stale = repo.smoke("dev")
        sha = repo.commit("Ingestion: y", "services/ingestion/b.swift")
        self.assertEqual(repo.tool("record", "--env", "dev", "--revision", sha, "--image", f"ingestion={digest(77)}").returncode, 0)
        self._promote_refused(stale, "smoke-test the current release first")

    def test_smoke_result_missing_or_for_another_environment_blocks(self):
        repo = self.repo
        repo.record_all(repo.commit("Ingestion: x", "services/ingestion/a.swift"), 1)
        self._promote_refused(str(Path(self.tmp.name) / "absent.json"), "is missing")
        other = Path(self.tmp.name) / "other.json"
        other.write_text(json.dumps({"environment": "staging", "fingerprint": repo.fingerprint("dev"), "passed": True, "checks": []}))
        self._promote_refused(str(other), "is for environment 'staging'")
        broken = Path(self.tmp.name) / "broken.json"
        broken.write_text("{not json")
        self._promote_refused(str(broken), "is not JSON")

    def test_source_with_an_unbuilt_service_cannot_be_promoted(self):
        repo = self.repo
        sha = repo.commit("Ingestion: x", "services/ingestion/a.swift")
        repo.tool("record", "--env", "dev", "--revision", sha, "--image", f"ingestion={digest(1)}")
        self._promote_refused(repo.smoke("dev"), "dev has no image for admin, analytics-api")

    def test_promotion_skips_no_step(self):
        repo = self.repo
        repo.record_all(repo.commit("Ingestion: x", "services/ingestion/a.swift"), 1)
        result = repo.tool("promote", "--from", "dev", "--to", "prod", "--smoke-result", repo.smoke("dev"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("one step at a time", result.stderr)

    # --- rollback -----------------------------------------------------------------------------

    def test_rollback_restores_previous_digests_exactly(self):
        repo = self.repo
        repo.record_all(repo.commit("Ingestion: x", "services/ingestion/a.swift"), 1)
        first = repo.parsed("dev")
        sha = repo.commit("Ingestion: y", "services/ingestion/b.swift")
        repo.tool("record", "--env", "dev", "--revision", sha, "--image", f"ingestion={digest(50)}", "--image", f"user={digest(51)}")
        self.assertNotEqual(repo.parsed("dev"), first)
        result = repo.tool("rollback", "--env", "dev")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(repo.parsed("dev"), first)
        self.assertTrue(repo.git("log", "-1", "--format=%s").startswith('Revert "Release dev: ingestion, user at'))
        # Rolling back again goes one more release back (the rollback itself is not undone) ...
        second = repo.tool("rollback", "--env", "dev")
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(repo.parsed("dev")["revision"], "")
        self.assertEqual({svc: image["digest"] for svc, image in repo.parsed("dev")["images"].items()}, dict.fromkeys(SERVICES, ""))
        # ... and then there is no earlier release.
        head = repo.head()
        third = repo.tool("rollback", "--env", "dev")
        self.assertEqual(third.returncode, 1)
        self.assertIn("no earlier release", third.stderr)
        self.assertEqual(repo.head(), head)

    def test_rollback_without_history_refuses(self):
        repo = self.repo
        head = repo.head()
        result = repo.tool("rollback", "--env", "prod")
        self.assertEqual(result.returncode, 1)
        self.assertIn("no earlier release", result.stderr)
        self.assertEqual(repo.head(), head)
        # A repository whose history never held the file.
        empty = Repo.__new__(Repo)
        empty.path = Path(self.tmp.name) / "empty"
        empty.path.mkdir()
        empty.env = repo.env
        empty.git("init", "--quiet")
        (empty.path / "services" / "user").mkdir(parents=True)
        (empty.path / "services" / "user" / "README.md").write_text("x\n")
        empty.git("add", "-A")
        empty.git("commit", "--quiet", "-m", "start")
        result = empty.tool("rollback", "--env", "prod")
        self.assertEqual(result.returncode, 1)
        self.assertIn("nothing to roll back", result.stderr)

    def test_rollback_refuses_a_commit_that_changed_more_than_the_release(self):
        repo = self.repo
        repo.record_all(repo.commit("Ingestion: x", "services/ingestion/a.swift"), 1)
        path = repo.path / "argocd" / "environments" / "dev" / "release.yaml"
        path.write_text(path.read_text().replace(digest(1), digest(2)))
        (repo.path / "docs.md").write_text("hand edit\n")
        repo.git("add", "-A")
        repo.git("commit", "--quiet", "-m", "Hand edit of dev and docs")
        head = repo.head()
        result = repo.tool("rollback", "--env", "dev")
        self.assertEqual(result.returncode, 1)
        self.assertIn("revert by hand", result.stderr)
        self.assertEqual(repo.head(), head)

    def test_rollback_refuses_with_local_changes(self):
        repo = self.repo
        repo.record_all(repo.commit("Ingestion: x", "services/ingestion/a.swift"), 1)
        path = repo.path / "argocd" / "environments" / "dev" / "release.yaml"
        path.write_text(path.read_text() + "# edited\n")
        result = repo.tool("rollback", "--env", "dev")
        self.assertEqual(result.returncode, 1)
        self.assertIn("uncommitted changes", result.stderr)

    # --- changed-services ---------------------------------------------------------------------

    def changed(self, base: str, head: str) -> list[str]:
        result = self.repo.tool("changed-services", "--base", base, "--head", head)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_changed_services(self):
        repo = self.repo
        start = repo.head()
        shared = repo.commit("Shared: x", "shared/Sources/a.swift")
        self.assertEqual(self.changed(start, shared), SERVICES)
        one = repo.commit("User: x", "services/user/Sources/b.swift")
        self.assertEqual(self.changed(shared, one), ["user"])
        docs = repo.commit("Docs", "docs/x.md", "README.md", "charts/user/values.yaml")
        self.assertEqual(self.changed(one, docs), [])
        self.assertEqual(self.changed(shared, docs), ["user"])
        for path in ("Package.swift", "Package.resolved", "Dockerfile", "tools/images/base.Dockerfile"):
            sha = repo.commit(f"Touch {path}", path)
            self.assertEqual(self.changed(docs, sha), SERVICES, path)
            docs = sha
        self.assertEqual(self.changed("0" * 40, one), SERVICES)

    # --- bad input ----------------------------------------------------------------------------

    def test_bad_input_exits_2(self):
        repo = self.repo
        sha = repo.commit("User: x", "services/user/a.swift")
        head = repo.head()
        cases = [
            (["record", "--env", "dev", "--revision", sha, "--image", "user=sha256:abc"], "digest must be"),
            (["record", "--env", "dev", "--revision", sha, "--image", f"user={digest(1).upper()}"], "digest must be"),
            (["record", "--env", "dev", "--revision", sha, "--image", f"billing={digest(1)}"], "unknown service 'billing'"),
            (["record", "--env", "dev", "--revision", sha, "--image", digest(1)], "expected SERVICE=sha256"),
            (["record", "--env", "qa", "--revision", sha, "--image", f"user={digest(1)}"], "unknown environment 'qa'"),
            (["record", "--env", "dev", "--revision", sha[:12], "--image", f"user={digest(1)}"], "40 lowercase hex"),
            (["record", "--env", "dev", "--revision", "f" * 40, "--image", f"user={digest(1)}"], "is not a commit"),
            (["record", "--env", "dev", "--revision", sha], "at least one --image"),
            (["promote", "--from", "prod", "--to", "dev", "--smoke-result", "x.json"], "one step at a time"),
            (["fingerprint", "--env", "production"], "unknown environment"),
            (["changed-services", "--base", "HEAD~1", "--head", sha], "40 lowercase hex"),
            (["changed-services", "--base", "e" * 40, "--head", sha], "is not a commit"),
            (["rollback"], "required"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = repo.tool(*args)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn(message, result.stderr)
        self.assertEqual(repo.head(), head)

    def test_malformed_release_file_is_refused(self):
        repo = self.repo
        path = repo.path / "argocd" / "environments" / "dev" / "release.yaml"
        for text, message in [
            ('revision: "abc"\nimages: {}\n', "revision must be"),
            (f'revision: ""\nimages:\n  user: {{digest: "{digest(1)}", revision: ""}}\n', "both set or both"),
            ('revision: ""\nimages:\n  billing: {digest: "", revision: ""}\n', "not directories of services/"),
            ('revision: ""\n', "exactly the keys"),
        ]:
            with self.subTest(text=text):
                path.write_text(text)
                result = repo.tool("fingerprint", "--env", "dev")
                self.assertEqual(result.returncode, 1)
                self.assertIn(message, result.stderr)

    def test_fingerprint_covers_revision_and_every_digest(self):
        base = release.Release("a" * 40, {svc: release.Image(digest(i), "a" * 40) for i, svc in enumerate(SERVICES)})
        same = release.Release("a" * 40, {svc: release.Image(digest(i), "b" * 40) for i, svc in enumerate(SERVICES)})
        self.assertEqual(release.fingerprint(base), release.fingerprint(same))
        other_revision = release.Release("c" * 40, dict(base.images))
        other_digest = release.Release("a" * 40, {**base.images, "user": release.Image(digest(99), "a" * 40)})
        self.assertNotEqual(release.fingerprint(base), release.fingerprint(other_revision))
        self.assertNotEqual(release.fingerprint(base), release.fingerprint(other_digest))
        self.assertRegex(self.repo.fingerprint("dev"), r"^[0-9a-f]{64}$")


if __name__ == "__main__":
    unittest.main()
