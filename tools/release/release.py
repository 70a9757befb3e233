#!/usr/bin/env python3
"""What each environment runs, and how a release moves: record, promote, rollback.

The state of an environment is argocd/environments/<env>/release.yaml (the format is in
tools/release/README.md): the commit whose charts Argo CD renders and each service's image
digest. Every change to it is a git commit made here, so a commit on main is a deployment and
reverting it is the rollback.

  release.py record --env dev --revision SHA --image SERVICE=sha256:... [--image ...]
  release.py promote --from dev --to staging --smoke-result smoke.json [--notes notes.md]
  release.py notes --from dev --to staging
  release.py rollback --env prod
  release.py fingerprint --env dev
  release.py changed-services --base SHA --head SHA

Run from the repository root (or pass --root). Exit codes: 0 done (or nothing to do), 1 refused,
2 usage error. Python 3.11 standard library plus PyYAML; git through subprocess argument lists.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ENVIRONMENTS = ("dev", "staging", "prod")
# The order a release moves in: promote only ever goes one step to the right.
PROMOTIONS = {("dev", "staging"), ("staging", "prod")}
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
REVISION_RE = re.compile(r"^[0-9a-f]{40}$")
SERVICE_RE = re.compile(r"^[a-z][a-z0-9-]*$")
ZERO_REVISION = "0" * 40
RELEASE_FILE_RE = re.compile(r"argocd/environments/[^/]+/release\.yaml")

HEADER = """\
# What {env} runs. Written by tools/release/release.py (record, promote, rollback); never by hand.
# revision: the commit whose charts and values Argo CD renders for this environment ("" until the
#   first release: the applications then follow root-values.yaml's targetRevision).
# images: each service's image in ghcr.io/gamemetrics/gamemetrics-<service>, by digest, and the
#   commit it was built from ("" until the service's first build).
"""

# Paths whose change can affect every service's image (the main workflow's build matrix).
IMAGE_SHARED_PREFIXES = ("shared/", "tools/images/")
IMAGE_SHARED_FILES = ("Package.swift", "Package.resolved", "Dockerfile")
# For release notes, also what every service's chart is rendered from.
NOTES_SHARED_PREFIXES = IMAGE_SHARED_PREFIXES + ("charts/gamemetrics-lib/",)
NOTES_SHARED_FILES = ("Dockerfile", "charts/platform-values.yaml")


class Refused(Exception):
    """The command understood its input and will not do it (exit 1)."""


class Usage(Exception):
    """Bad input: a malformed argument, an unknown environment or service (exit 2)."""


# --- git --------------------------------------------------------------------------------------

def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=root, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise Refused(f"git {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def is_commit(root: Path, rev: str) -> bool:
    return git(root, "cat-file", "-e", f"{rev}^{{commit}}", check=False).returncode == 0


def repo_root(start: Path) -> Path:
    result = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, text=True)
    if result.returncode != 0:
        raise Usage(f"{start} is not inside a git repository")
    return Path(result.stdout.strip())


# --- the release file -------------------------------------------------------------------------

@dataclass
class Image:
    digest: str = ""
    revision: str = ""


@dataclass
class Release:
    revision: str = ""
    images: dict[str, Image] = field(default_factory=dict)

    def key(self) -> tuple:
        return (self.revision, tuple(sorted((s, i.digest, i.revision) for s, i in self.images.items())))


def services(root: Path) -> list[str]:
    """The services: the directories of services/ (the same list as GM_SERVICES in lib.sh)."""
    folder = root / "services"
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    if not names:
        raise Usage(f"no service directories under {folder}: run from the repository root or pass --root")
    return names


def release_path(root: Path, env: str) -> Path:
    return root / "argocd" / "environments" / env / "release.yaml"


def rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def check_env(env: str) -> str:
    if env not in ENVIRONMENTS:
        raise Usage(f"unknown environment {env!r}: one of {', '.join(ENVIRONMENTS)}")
    return env


def check_revision(value: str, what: str) -> str:
    if not REVISION_RE.fullmatch(value):
        raise Usage(f"{what} must be a full commit id (40 lowercase hex digits), not {value!r}")
    return value


def parse_release(text: str, known: list[str], where: str) -> Release:
    """Parses and validates a release.yaml; a known service it does not list counts as unbuilt."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise Refused(f"{where}: not YAML: {error}") from error
    if not isinstance(data, dict) or set(data) != {"revision", "images"}:
        raise Refused(f"{where}: expected exactly the keys revision and images")
    revision = data["revision"]
    if revision is None:
        revision = ""
    if not isinstance(revision, str) or (revision and not REVISION_RE.fullmatch(revision)):
        raise Refused(f"{where}: revision must be \"\" or 40 lowercase hex digits, not {revision!r}")
    images = data["images"] or {}
    if not isinstance(images, dict):
        raise Refused(f"{where}: images must be a mapping of service to {{digest, revision}}")
    unknown = sorted(set(images) - set(known))
    if unknown:
        raise Refused(f"{where}: images lists {', '.join(map(str, unknown))}, which are not directories of services/")
    release = Release(revision=revision, images={svc: Image() for svc in known})
    for svc, entry in images.items():
        if not isinstance(entry, dict) or set(entry) != {"digest", "revision"}:
            raise Refused(f"{where}: images.{svc} must be {{digest: ..., revision: ...}}")
        digest, built = entry["digest"] or "", entry["revision"] or ""
        if not isinstance(digest, str) or (digest and not DIGEST_RE.fullmatch(digest)):
            raise Refused(f"{where}: images.{svc}.digest must be \"\" or sha256: + 64 lowercase hex, not {digest!r}")
        if not isinstance(built, str) or (built and not REVISION_RE.fullmatch(built)):
            raise Refused(f"{where}: images.{svc}.revision must be \"\" or 40 lowercase hex, not {built!r}")
        if bool(digest) != bool(built):
            raise Refused(f"{where}: images.{svc}: digest and revision must be both set or both \"\"")
        release.images[svc] = Image(digest, built)
    return release


def load_release(root: Path, env: str) -> Release:
    path = release_path(root, env)
    if not path.is_file():
        raise Refused(f"{rel(root, path)} does not exist")
    return parse_release(path.read_text(encoding="utf-8"), services(root), rel(root, path))


def render_release(env: str, release: Release) -> str:
    lines = [HEADER.format(env=env), f'revision: "{release.revision}"\n', "images:\n"]
    for svc in sorted(release.images):
        image = release.images[svc]
        lines.append(f'  {svc}: {{digest: "{image.digest}", revision: "{image.revision}"}}\n')
    return "".join(lines)


def write_release(root: Path, env: str, release: Release) -> Path:
    path = release_path(root, env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_release(env, release), encoding="utf-8")
    return path


def fingerprint(release: Release) -> str:
    """sha256 (hex) over the revision and the digests sorted by service, one line each:
    "revision <sha>\\n" then "<service> <digest>\\n" per service."""
    text = f"revision {release.revision}\n" + "".join(
        f"{svc} {release.images[svc].digest}\n" for svc in sorted(release.images))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def commit_file(root: Path, path: Path, message: str) -> str:
    relative = rel(root, path)
    git(root, "add", "--", relative)
    git(root, "commit", "--quiet", "-m", message, "--", relative)
    return git(root, "rev-parse", "HEAD").stdout.strip()


def ensure_unmodified(root: Path, path: Path) -> None:
    relative = rel(root, path)
    if git(root, "status", "--porcelain", "--", relative).stdout.strip():
        raise Refused(f"{relative} has uncommitted changes; it is written by this tool only")


# --- which services a path belongs to ---------------------------------------------------------

def image_services(path: str, known: list[str]) -> set[str]:
    """Services whose image a change to PATH can affect."""
    if path in IMAGE_SHARED_FILES or path.startswith(IMAGE_SHARED_PREFIXES):
        return set(known)
    parts = path.split("/")
    if len(parts) > 2 and parts[0] == "services" and parts[1] in known:
        return {parts[1]}
    return set()


def note_services(path: str, known: list[str]) -> set[str]:
    """Services a commit touching PATH belongs to in release notes (image or chart)."""
    if path.startswith("Package.") and "/" not in path:
        return set(known)
    if path in NOTES_SHARED_FILES or path.startswith(NOTES_SHARED_PREFIXES):
        return set(known)
    parts = path.split("/")
    if len(parts) > 2 and parts[0] in ("services", "charts") and parts[1] in known:
        return {parts[1]}
    return set()


# --- commands ---------------------------------------------------------------------------------

def cmd_record(root: Path, args) -> int:
    env = check_env(args.env)
    revision = check_revision(args.revision, "--revision")
    known = services(root)
    wanted: dict[str, str] = {}
    for item in args.image:
        svc, sep, digest = item.partition("=")
        if not sep:
            raise Usage(f"--image {item!r}: expected SERVICE=sha256:<64 hex>")
        if svc not in known:
            raise Usage(f"--image {item!r}: unknown service {svc!r} (services: {', '.join(known)})")
        if not DIGEST_RE.fullmatch(digest):
            raise Usage(f"--image {svc}=...: digest must be sha256: + 64 lowercase hex, not {digest!r}")
        if svc in wanted and wanted[svc] != digest:
            raise Usage(f"--image {svc} given twice with different digests")
        wanted[svc] = digest
    if not wanted:
        raise Usage("record needs at least one --image SERVICE=sha256:...")
    if not is_commit(root, revision):
        raise Usage(f"--revision {revision} is not a commit of this repository")
    path = release_path(root, env)
    ensure_unmodified(root, path)
    release = load_release(root, env)
    before = release.key()
    release.revision = revision
    for svc, digest in wanted.items():
        release.images[svc] = Image(digest, revision)
    if release.key() == before:
        print(f"{env} already runs these images at {revision[:12]}: nothing to record")
        return 0
    write_release(root, env, release)
    names = ", ".join(sorted(wanted))
    sha = commit_file(root, path, f"Release {env}: {names} at {revision[:12]}")
    print(f"recorded {names} at {revision[:12]} in {rel(root, path)} (commit {sha[:12]}); fingerprint {fingerprint(release)}")
    return 0


def check_promotion(source: str, target: str) -> None:
    check_env(source)
    check_env(target)
    if (source, target) not in PROMOTIONS:
        raise Usage(f"cannot promote {source} → {target}: releases move dev → staging → prod, one step at a time")


def log_commits(root: Path, old: str, new: str) -> list[tuple[str, str, list[str]]]:
    """(sha, subject, paths) of the non-merge commits in old..new, newest first."""
    out = git(root, "log", "--no-merges", "--format=%x1e%H%x1f%s", "--name-only", f"{old}..{new}").stdout
    commits = []
    for record in out.split("\x1e")[1:]:
        head, _, rest = record.partition("\n")
        sha, _, subject = head.partition("\x1f")
        commits.append((sha, subject, [line for line in rest.splitlines() if line.strip()]))
    return commits


def release_notes(root: Path, source: str, target: str, new: Release, old: Release) -> str:
    known = sorted(new.images)
    lines = [f"Promote {source} → {target}: {new.revision[:12]}", ""]
    if not old.revision:
        lines += [f"First release of {target}: it runs no revision yet, so there are no earlier commits to compare with.", ""]
    elif old.key() == new.key():
        lines += [f"{target} already runs this release: nothing to promote.", ""]
    elif old.revision == new.revision:
        lines += [f"{target} already runs revision {new.revision[:12]}; only image digests change.", ""]
    else:
        if not is_commit(root, old.revision):
            raise Refused(f"{target} runs {old.revision[:12]}, which this clone does not have: fetch the full "
                          "history (actions/checkout fetch-depth: 0) to write the release notes")
        if git(root, "merge-base", "--is-ancestor", new.revision, old.revision, check=False).returncode == 0:
            lines += [f"{new.revision[:12]} is older than what {target} runs ({old.revision[:12]}): this promotion "
                      "goes back; the commits it takes out:", ""]
            commits = log_commits(root, new.revision, old.revision)
        else:
            lines += [f"Commits from {old.revision[:12]} (running in {target}) to {new.revision[:12]}:", ""]
            commits = log_commits(root, old.revision, new.revision)
        per_service: dict[str, list[str]] = {svc: [] for svc in known}
        other: list[str] = []
        # The release bookkeeping itself (record, promote, rollback commits) is not news.
        commits = [c for c in commits if not c[2] or not all(RELEASE_FILE_RE.fullmatch(p) for p in c[2])]
        for sha, subject, paths in commits:
            owners: set[str] = set()
            for path in paths:
                owners |= note_services(path, known)
            entry = f"- {sha[:12]} {subject}"
            for svc in sorted(owners):
                per_service[svc].append(entry)
            if not owners:
                other.append(entry)
        if not commits:
            lines += ["(no commits)", ""]
        for svc in known:
            if per_service[svc]:
                lines += [f"### {svc}", *per_service[svc], ""]
        if other:
            lines += ["### other (no service image or chart)", *other, ""]
    lines += ["| service | running | promoted |", "|---|---|---|"]
    changed = 0
    for svc in known:
        a, b = old.images.get(svc, Image()).digest, new.images[svc].digest
        if a != b:
            changed += 1
            lines.append(f"| {svc} | {short_digest(a)} | {short_digest(b)} |")
    if not changed:
        lines.append("| (no digest changes) | | |")
    lines += ["", f"Fingerprint {fingerprint(new)}"]
    return "\n".join(lines) + "\n"


def short_digest(digest: str) -> str:
    return f"`{digest[:19]}`" if digest else "(none)"


def prepare_promotion(root: Path, source: str, target: str) -> tuple[Release, Release]:
    check_promotion(source, target)
    new = load_release(root, source)
    old = load_release(root, target)
    if not new.revision:
        raise Refused(f"{source} has no release yet (revision is empty): nothing to promote")
    missing = sorted(svc for svc, image in new.images.items() if not image.digest)
    if missing:
        raise Refused(f"{source} has no image for {', '.join(missing)}: every service needs a digest before promotion")
    return new, old


def cmd_notes(root: Path, args) -> int:
    new, old = prepare_promotion(root, args.source, args.target)
    sys.stdout.write(release_notes(root, args.source, args.target, new, old))
    return 0


def read_smoke(path: str | None, source: str, expected: str) -> None:
    if not path:
        raise Refused("no smoke result given (--smoke-result smoke.json from tools/release/smoke.py)")
    file = Path(path)
    if not file.is_file():
        raise Refused(f"smoke result {path} is missing: run tools/release/smoke.py against {source} first")
    try:
        result = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Refused(f"smoke result {path} is not JSON: {error}") from error
    if not isinstance(result, dict):
        raise Refused(f"smoke result {path} is not a JSON object")
    if result.get("environment") != source:
        raise Refused(f"smoke result {path} is for environment {result.get('environment')!r}, not {source!r}")
    if result.get("passed") is not True:
        failed = [c.get("name", "?") for c in result.get("checks", []) if isinstance(c, dict) and not c.get("passed")]
        raise Refused(f"smoke test of {source} did not pass" + (f" (failed: {', '.join(failed)})" if failed else ""))
    if result.get("fingerprint") != expected:
        raise Refused(f"smoke result {path} is for release {str(result.get('fingerprint'))[:16]}..., but {source} "
                      f"now runs {expected[:16]}...: smoke-test the current release first")


def cmd_promote(root: Path, args) -> int:
    new, old = prepare_promotion(root, args.source, args.target)
    if new.key() == old.key():
        print(f"{args.target} already runs {args.source}'s release ({new.revision[:12]}, fingerprint "
              f"{fingerprint(new)[:16]}...): nothing to promote")
        return 0
    read_smoke(args.smoke_result, args.source, fingerprint(new))
    path = release_path(root, args.target)
    ensure_unmodified(root, path)
    notes = release_notes(root, args.source, args.target, new, old)
    if args.notes:
        Path(args.notes).write_text(notes, encoding="utf-8")
    write_release(root, args.target, Release(new.revision, {s: Image(i.digest, i.revision) for s, i in new.images.items()}))
    body = notes.split("\n", 2)[2]
    sha = commit_file(root, path, f"Promote {args.source} → {args.target}: {new.revision[:12]}\n\n{body}")
    print(f"promoted {args.source} → {args.target} at {new.revision[:12]} (commit {sha[:12]})")
    return 0


REVERTS_RE = re.compile(r"^This reverts commit ([0-9a-f]{40})", re.MULTILINE)


def cmd_rollback(root: Path, args) -> int:
    env = check_env(args.env)
    path = release_path(root, env)
    relative = rel(root, path)
    ensure_unmodified(root, path)
    out = git(root, "log", "--format=%x1e%H%x1f%B", "--", relative).stdout
    cancelled: set[str] = set()
    target = None
    for record in out.split("\x1e")[1:]:
        sha, _, body = record.partition("\x1f")
        if sha in cancelled:
            continue
        reverted = REVERTS_RE.search(body)
        if reverted:
            # A rollback already undid that commit: roll back what came before it.
            cancelled.add(reverted.group(1))
            continue
        target = sha
        break
    if target is None:
        raise Refused(f"no commit changed {relative}: nothing to roll back")
    subject = git(root, "log", "-1", "--format=%s", target).stdout.strip()
    if git(root, "cat-file", "-e", f"{target}^:{relative}", check=False).returncode != 0:
        raise Refused(f"the newest release of {env} ({target[:12]} {subject}) created {relative}: there is no "
                      "earlier release to go back to")
    touched = [p for p in git(root, "diff-tree", "--no-commit-id", "--name-only", "-r", target).stdout.splitlines() if p]
    others = [p for p in touched if p != relative]
    if others:
        raise Refused(f"{target[:12]} ({subject}) changed {', '.join(others)} as well as {relative}: "
                      "reverting it would change more than the release; revert by hand")
    previous = git(root, "show", f"{target}^:{relative}").stdout
    parse_release(previous, services(root), f"{relative} before {target[:12]}")
    result = git(root, "revert", "--no-edit", target, check=False)
    if result.returncode != 0:
        git(root, "revert", "--abort", check=False)
        raise Refused(f"git revert {target[:12]} does not apply cleanly ({(result.stderr or result.stdout).strip()}); "
                      "nothing was changed")
    sha = git(root, "rev-parse", "HEAD").stdout.strip()
    release = load_release(root, env)
    print(f"rolled back {env}: reverted {target[:12]} ({subject}) in commit {sha[:12]}; {env} runs "
          f"{release.revision[:12] or '(no revision)'} again, fingerprint {fingerprint(release)}")
    return 0


def cmd_fingerprint(root: Path, args) -> int:
    print(fingerprint(load_release(root, check_env(args.env))))
    return 0


def cmd_changed_services(root: Path, args) -> int:
    base = check_revision(args.base, "--base")
    head = check_revision(args.head, "--head")
    known = services(root)
    if not is_commit(root, head):
        raise Usage(f"--head {head} is not a commit of this repository")
    if base == ZERO_REVISION:
        # A new branch (GitHub's "before" of its first push): nothing to compare with.
        print(json.dumps(known))
        return 0
    if not is_commit(root, base):
        raise Usage(f"--base {base} is not a commit of this repository (fetch enough history)")
    paths = git(root, "diff", "--name-only", "--no-renames", base, head).stdout.splitlines()
    changed: set[str] = set()
    for path in paths:
        changed |= image_services(path, known)
    print(json.dumps(sorted(changed)))
    return 0


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 as well; say why in our words
        self.print_usage(sys.stderr)
        print(f"release.py: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="release.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", help="repository root (default: the git top level of the current directory)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    p = sub.add_parser("record", help="set services' image digests (and the revision) of an environment and commit")
    p.add_argument("--env", required=True)
    p.add_argument("--revision", required=True)
    p.add_argument("--image", action="append", default=[], metavar="SERVICE=sha256:...")
    p.set_defaults(func=cmd_record)
    for name, func, text in (("promote", cmd_promote, "copy the source's release to the target after a passed smoke test"),
                             ("notes", cmd_notes, "print the release notes promote would write")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--from", dest="source", required=True)
        p.add_argument("--to", dest="target", required=True)
        if name == "promote":
            p.add_argument("--smoke-result", required=True)
            p.add_argument("--notes", help="also write the release notes to this file")
        p.set_defaults(func=func)
    p = sub.add_parser("rollback", help="revert the newest release commit of an environment")
    p.add_argument("--env", required=True)
    p.set_defaults(func=cmd_rollback)
    p = sub.add_parser("fingerprint", help="print the release fingerprint of an environment")
    p.add_argument("--env", required=True)
    p.set_defaults(func=cmd_fingerprint)
    p = sub.add_parser("changed-services", help="JSON list of services whose image base..head can affect")
    p.add_argument("--base", required=True)
    p.add_argument("--head", required=True)
    p.set_defaults(func=cmd_changed_services)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = Path(args.root).resolve() if args.root else repo_root(Path.cwd())
        return args.func(root, args)
    except Usage as error:
        print(f"release.py: error: {error}", file=sys.stderr)
        return 2
    except Refused as error:
        print(f"release.py: refused: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
