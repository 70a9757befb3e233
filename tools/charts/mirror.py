"""The images the platform's values name, against .github/mirror-images.txt (what the release
workflow's mirror job copies to ghcr.io/gamemetrics/mirror/<path without the registry> and
signs, the only third-party images charts/platform-policies admits):
- every image a values file names under ghcr.io/gamemetrics/mirror/ is a line of the list (same
  path and tag, or the line's digest), and names its tag (a chart's default tag is invisible here);
- every line of the list is named by some values file (no stale entry, nothing mirrored for no one);
- no values file names an image (or an image registry) outside ghcr.io/gamemetrics unless
  EXCEPTIONS holds it with its reason.

Values files: argocd/platform/<app>/values.yaml, argocd/environments/<env>/*.yaml (each merged
over the values it overrides, as Argo CD passes them), argocd/bootstrap/values.yaml,
charts/*/values.yaml and charts/*/ci/*.yaml (over charts/platform-values.yaml, whose
global.imageRegistry a bare `repository` falls under).

An image is recognised in the shapes the charts use: a mapping with `repository` (plus
`registry`, `tag`, `digest` or kube-prometheus-stack's `sha`); a string under a key ending in
`image`/`imageName` (`registry/path:tag@sha256:...`); a registry for a chart's whole image set,
with the tag its images share: Istio's `hub` + `tag` and Strimzi's `defaultImageRegistry` +
`defaultImageRepository` + `defaultImageTag` (Strimzi tags Kafka's images
<tag>-kafka-<Kafka version>, so a prefix covers the tag and <tag>-*); and a string under a key
ending in `imageRegistry`. Images an upstream chart runs by default, without its values naming
them, are not visible here: docs/platform.md lists them per chart."""
from __future__ import annotations

import dataclasses
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
MIRROR_LIST = pathlib.Path(".github/mirror-images.txt")
OURS = "ghcr.io/gamemetrics/"
MIRROR = OURS + "mirror/"

# (values file, image path without tag) -> why it may name a registry outside ghcr.io/gamemetrics.
EXCEPTIONS: dict[tuple[str, str], str] = {}

LINE = re.compile(r"^(?P<registry>[a-z0-9.-]+\.[a-z]{2,}(?::[0-9]+)?)/(?P<path>[a-z0-9._/-]+):(?P<tag>[A-Za-z0-9_][A-Za-z0-9._-]{0,127})"
                  r"(?:@(?P<digest>sha256:[0-9a-f]{64}))?$")
STRING_IMAGE = re.compile(r"^[a-z0-9][A-Za-z0-9._/:@-]*$")
PATH = re.compile(r"^[a-z0-9.-]+(?::[0-9]+)?(?:/[a-z0-9._-]+)+$|^[a-z0-9._-]+$")
DIGEST = re.compile(r"@(sha256:[0-9a-f]{64})$")
TAG = re.compile(r":([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$")


@dataclasses.dataclass(frozen=True)
class Line:
    number: int
    source: str  # registry/path
    tag: str
    digest: str

    @property
    def target(self) -> str:
        """Where the mirror job puts it: the path without its registry, under MIRROR."""
        return MIRROR + self.source.split("/", 1)[1]


@dataclasses.dataclass(frozen=True)
class Ref:
    file: str
    where: str  # dotted key of the value
    path: str  # registry/path, no tag
    tag: str
    digest: str
    prefix: bool = False  # a registry/repository its images sit under (hub, defaultImage*)

    def shown(self) -> str:
        name = self.path + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")
        return f"{name} (for every image under it)" if self.prefix else name


def load(path: pathlib.Path):
    return yaml.safe_load(path.read_text()) or {}


def merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base.get(key), value) if key in base else value
        return merged
    return override


def has_host(path: str) -> bool:
    first = path.split("/", 1)[0]
    return "/" in path and ("." in first or ":" in first or first == "localhost")


def qualified(path: str, registry: str) -> str:
    """A repository as the container runtime resolves it: a bare one under the chart's
    registry, or Docker Hub's."""
    path = path.strip("/")
    if has_host(path):
        return path
    return f"{registry.strip('/')}/{path}" if registry else f"docker.io/{path}"


def parse_string(text: str) -> tuple[str, str, str] | None:
    """(path, tag, digest) of an image string, or None when it is not one ("auto", a policy)."""
    if not STRING_IMAGE.match(text):
        return None
    digest = ""
    if found := DIGEST.search(text):
        digest, text = found.group(1), text[:found.start()]
    tag = ""
    if (found := TAG.search(text)) and "/" not in found.group(1):
        tag, text = found.group(1), text[:found.start()]
    if not PATH.match(text) or ("/" not in text and not (tag or digest)):
        return None
    return text, tag, digest


def text(value) -> str:
    return "" if value is None else str(value)


def references(tree, file: str) -> list[Ref]:
    """Every image reference in a values tree (see the module's docstring for the shapes)."""
    default_registry = text(((tree or {}).get("global") or {}).get("imageRegistry")) if isinstance(tree, dict) else ""
    found: list[Ref] = []

    def walk(node, keys: list[str]):
        where = ".".join(keys) or "(top)"
        if isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, keys + [str(index)])
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("hub"), str):
            found.append(Ref(file, f"{where}.hub", node["hub"].strip("/"), text(node.get("tag")), "", prefix=True))
        if node.get("defaultImageRegistry") or node.get("defaultImageRepository"):
            path = "/".join(p for p in (text(node.get("defaultImageRegistry")), text(node.get("defaultImageRepository"))) if p)
            found.append(Ref(file, f"{where}.defaultImageRegistry", qualified(path, ""), text(node.get("defaultImageTag")), "", prefix=True))
        repository = node.get("repository")
        if isinstance(repository, str) and repository and "://" not in repository:
            registry = text(node.get("registry")) or default_registry
            digest = text(node.get("digest")) or (f"sha256:{node['sha']}" if node.get("sha") else "")
            found.append(Ref(file, f"{where}.repository", qualified(repository, registry), text(node.get("tag")), digest))
        for key, value in node.items():
            lowered = str(key).lower()
            if lowered in ("defaultimageregistry", "defaultimagerepository"):
                continue
            if isinstance(value, str) and lowered.endswith("imageregistry") and value:
                found.append(Ref(file, ".".join(keys + [key]), value.strip("/"), "", "", prefix=True))
            elif isinstance(value, str) and (lowered.endswith("image") or lowered.endswith("imagename")):
                if parsed := parse_string(value):
                    path, tag, digest = parsed
                    found.append(Ref(file, ".".join(keys + [key]), qualified(path, ""), tag, digest))
            else:
                walk(value, keys + [str(key)])

    walk(tree, [])
    return found


def read_list(root: pathlib.Path) -> tuple[list[Line], list[str]]:
    path = root / MIRROR_LIST
    if not path.is_file():
        return [], [f"{MIRROR_LIST}: missing"]
    lines, problems, seen = [], [], {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        match = LINE.match(entry)
        if not match:
            problems.append(f"{MIRROR_LIST}:{number}: {entry!r} is not registry/repository:tag[@sha256:...]")
            continue
        line = Line(number, f"{match['registry']}/{match['path']}", match["tag"], match["digest"] or "")
        if (line.target, line.tag) in seen:
            problems.append(f"{MIRROR_LIST}:{number}: {line.target}:{line.tag} is mirrored twice "
                            f"(line {seen[(line.target, line.tag)]})")
        seen[(line.target, line.tag)] = number
        lines.append(line)
    return lines, problems


def values_files(root: pathlib.Path) -> list[tuple[str, object, object]]:
    """(name, tree, base) of every values file: an environment file merged over the values it
    overrides, a chart's ci/ scenario over the chart's values (base: what it was merged over,
    whose references are that file's, not this one's)."""
    platform_values = root / "charts/platform-values.yaml"
    chart_base = load(platform_values) if platform_values.is_file() else {}
    files: list[tuple[str, object, object]] = []
    for path in sorted((root / "argocd/platform").glob("*/values.yaml")):
        files.append((str(path.relative_to(root)), load(path), None))
    for path in sorted((root / "argocd/bootstrap").glob("*.yaml")):
        files.append((str(path.relative_to(root)), load(path), None))
    for path in sorted((root / "argocd/environments").glob("*/*.yaml")):
        app = path.stem
        if (root / "argocd/platform" / app / "values.yaml").is_file():
            base = load(root / "argocd/platform" / app / "values.yaml")
        elif (root / "charts" / app / "values.yaml").is_file():
            base = merge(chart_base, load(root / "charts" / app / "values.yaml"))
        else:
            base = {}
        files.append((str(path.relative_to(root)), merge(base, load(path)), base))
    if platform_values.is_file():
        files.append(("charts/platform-values.yaml", chart_base, None))
    for path in sorted((root / "charts").glob("*/values.yaml")):
        files.append((str(path.relative_to(root)), merge(chart_base, load(path)), None))
    for path in sorted((root / "charts").glob("*/ci/*.yaml")):
        base = merge(chart_base, load(path.parent.parent / "values.yaml"))
        files.append((str(path.relative_to(root)), merge(base, load(path)), base))
    return files


def own_references(name: str, tree, base) -> list[Ref]:
    """The references of `tree` that `base` does not already make."""
    inherited = {dataclasses.replace(ref, file="") for ref in references(base, "")} if base is not None else set()
    return [ref for ref in references(tree, name) if dataclasses.replace(ref, file="") not in inherited]


def covers(ref: Ref, line: Line) -> bool:
    """Whether `ref` names the mirrored copy of `line`."""
    if ref.prefix:
        rest = line.target.removeprefix(ref.path + "/")
        return (rest != line.target and "/" not in rest and bool(ref.tag)
                and (line.tag == ref.tag or line.tag.startswith(ref.tag + "-")))
    return ref.path == line.target and (ref.tag == line.tag if ref.tag else bool(ref.digest) and ref.digest == line.digest)


def excepted(ref: Ref) -> str | None:
    return EXCEPTIONS.get((ref.file, ref.path))


def problems(root: pathlib.Path = ROOT) -> list[str]:
    lines, found = read_list(root)
    refs = [ref for name, tree, base in values_files(root) for ref in own_references(name, tree, base)]
    for ref in refs:
        at = f"{ref.file}: {ref.where}"
        if ref.path + "/" == MIRROR or ref.path.startswith(MIRROR):
            if not (ref.tag or ref.digest):
                found.append(f"{at} names {ref.shown()} without a tag: the chart's default tag is not "
                             f"checked against {MIRROR_LIST}; state it")
            elif not any(covers(ref, line) for line in lines):
                found.append(f"{at} names {ref.shown()}, which {MIRROR_LIST} does not mirror")
            else:
                for line in lines:
                    if covers(ref, line) and not ref.prefix and ref.digest and line.digest and ref.digest != line.digest:
                        found.append(f"{at} pins {ref.digest}, {MIRROR_LIST}:{line.number} pins {line.digest}")
        elif not (ref.path + "/").startswith(OURS) and not excepted(ref):
            found.append(f"{at} names {ref.shown()}, outside {OURS} (Kyverno refuses it): add it to "
                         f"{MIRROR_LIST} and name {MIRROR}..., or add an exception with its reason to tools/charts/mirror.py")
    for line in lines:
        named = any(covers(ref, line) for ref in refs)
        # A line an excepted reference still names by its source waits for that reference to move.
        waiting = any(excepted(ref) and ref.path == line.source and ref.tag == line.tag for ref in refs)
        if not (named or waiting):
            found.append(f"{MIRROR_LIST}:{line.number}: {line.source}:{line.tag} is mirrored, but no values file "
                         f"names {line.target}:{line.tag}: stale")
    for (file, path), reason in sorted(EXCEPTIONS.items()):
        if not any(ref.file == file and ref.path == path for ref in refs):
            found.append(f"tools/charts/mirror.py: the exception for {path} in {file} is no longer needed ({reason[:40]}...)")
    return sorted(dict.fromkeys(found))


def main() -> int:
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    lines, _ = read_list(ROOT)
    print(f"mirror: {len(lines)} mirrored images, every one named and every third-party image mirrored"
          if not found else f"mirror: {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
