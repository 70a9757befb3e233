#!/usr/bin/env python3
"""Checks that each service's ports are declared once and that everything else agrees.

The one declaration is shared/Sources/GameMetricsKit/Configuration/PlatformService.swift. This
check (run by `make test` among the static checks) fails when:
  - tools/platform/lib.sh derives a different table from it than the Swift file holds;
  - a Swift file other than PlatformService.swift spells one of the ports as a literal;
  - a service chart's `ports` or the call graph's `services` (charts/platform-values.yaml)
    differ from it;
  - a README, doc, runbook, script or OpenAPI document names a port that is not the port of the
    service it is written next to (a service name or its GM_<SERVICE>_URL variable before it on
    the same line, else after it, or, in services/<svc>/, that service), or a range such as 8080-8087 that is
    not the range of the declared ports.
Usage: python3 tools/platform/check-ports.py   (exit status 1 with one line per disagreement)
"""
import fnmatch
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / "shared/Sources/GameMetricsKit/Configuration/PlatformService.swift"
DECLARATION = re.compile(
    r'^ *public static let \w+ = PlatformService\(name: "([a-z-]+)", port: (\d+), internalPort: (\d+)\)', re.M)
# Generated or third-party text, and alert-rule test fixtures whose instance labels are examples.
SKIPPED_PREFIXES = ("charts/", "fuzz/")
NEAR = 40  # characters between a service's name and the port it states


def declared():
    table = {name: (int(port), int(internal)) for name, port, internal in DECLARATION.findall(SOURCE.read_text())}
    if len(table) != 8:
        sys.exit(f"check-ports: expected 8 services in {SOURCE.relative_to(ROOT)}, found {len(table)}")
    return table


def from_scripts():
    script = ('source tools/platform/lib.sh && for s in "${GM_SERVICES[@]}"; do '
              'echo "$s ${GM_SERVICE_PORT[$s]} ${GM_SERVICE_INTERNAL_PORT[$s]}"; done')
    out = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {name: (int(port), int(internal)) for name, port, internal in (line.split() for line in out.splitlines())}


def tracked(*patterns):
    """The files git tracks that match `patterns`; where git cannot read the checkout (a worktree
    mounted elsewhere, as `gm-in` does), the files below ROOT outside build and state folders."""
    listing = subprocess.run(["git", "ls-files", "-z", "--", *patterns], cwd=ROOT, capture_output=True, text=True)
    if listing.returncode == 0:
        paths = listing.stdout.split("\0")
    else:
        paths = []
        for folder, subfolders, files in os.walk(ROOT):
            subfolders[:] = [d for d in subfolders if not d.startswith((".build", ".git", ".gm", ".venv", ".swiftpm"))]
            for name in files:
                path = os.path.relpath(os.path.join(folder, name), ROOT)
                if any(fnmatch.fnmatch(name, pattern) or path == pattern for pattern in patterns):
                    paths.append(path)
    return sorted(p for p in paths if p and not p.startswith(SKIPPED_PREFIXES))


def main():
    table = declared()
    problems = []
    scripts = from_scripts()
    if scripts != table:
        problems.append(f"tools/platform/lib.sh derives {scripts}, PlatformService.swift declares {table}")

    problems += charts_disagree(table)

    ports = {port: name for name, pair in table.items() for port in pair}
    # The declared ports and anything else in their blocks (808x, 908x), so that a stale port is
    # caught too.
    port_pattern = re.compile(r"(?<![\d.])(" + "|".join(str(p) for p in sorted(ports)) + r"|808\d|908\d)(?![\d])")
    public = sorted(p for p, _ in table.values())
    internal = sorted(i for _, i in table.values())
    ranges = {f"{public[0]}-{public[-1]}", f"{internal[0]}-{internal[-1]}"}
    range_pattern = re.compile(r"\b(8\d{3}|9\d{3})\s*[-–]\s*(8\d{3}|9\d{3})\b")
    mention = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(table, key=len, reverse=True)) + r")(?![\w])"
        r"|GM_(" + "|".join(n.upper().replace("-", "_") for n in table) + r")_(?:INTERNAL_)?URL")

    for path in tracked("*.swift"):
        if ROOT / path == SOURCE:
            continue
        for number, line in enumerate((ROOT / path).read_text().splitlines(), 1):
            for match in port_pattern.finditer(line):
                problems.append(f"{path}:{number}: port {match.group(1)} spelled out; use PlatformService's table")

    for path in tracked("*.md", "*.sh", "*.json", "*.yml", "*.yaml", "Makefile", ".ci/run"):
        own = path.split("/")[1] if path.startswith("services/") else None
        for number, line in enumerate((ROOT / path).read_text(errors="replace").splitlines(), 1):
            spans = []
            for match in range_pattern.finditer(line):
                text = f"{match.group(1)}-{match.group(2)}"
                if int(match.group(1)) in ports or int(match.group(2)) in ports:
                    spans.append(match.span())
                    if text not in ranges:
                        problems.append(f"{path}:{number}: range {text} is not the declared {' or '.join(sorted(ranges))}")
            for match in port_pattern.finditer(line):
                if any(start <= match.start() < end for start, end in spans):
                    continue
                port = int(match.group(1))
                before = [m for m in mention.finditer(line, 0, match.start()) if match.start() - m.end() <= NEAR]
                after = [m for m in mention.finditer(line, match.end()) if m.start() - match.end() <= NEAR]
                nearest = before[-1] if before else (after[0] if after else None)
                if own and re.search(r"GM_(?:INTERNAL_)?HTTP_PORT\W{0,6}$", line[:match.start()]):
                    service = own
                elif nearest:
                    service = nearest.group(1) or nearest.group(2).lower().replace("_", "-")
                elif own:
                    service = own
                else:
                    problems.append(f"{path}:{number}: port {port} with no service named near it on the line")
                    continue
                if port not in table[service]:
                    problems.append(f"{path}:{number}: port {port} next to {service}, whose ports are {table[service][0]} and {table[service][1]}")

    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check-ports: {len(problems)} disagreement(s) with {SOURCE.relative_to(ROOT)}", file=sys.stderr)
        return 1
    print(f"check-ports: every stated port agrees with {SOURCE.relative_to(ROOT)}")
    return 0


def charts_disagree(table):
    import yaml
    problems = []
    graph = yaml.safe_load((ROOT / "charts/platform-values.yaml").read_text())["global"]["callGraph"]["services"]
    if {name: (p["http"], p["internal"]) for name, p in graph.items()} != table:
        problems.append(f"charts/platform-values.yaml callGraph.services is {graph}, PlatformService.swift declares {table}")
    for name, pair in table.items():
        values = ROOT / "charts" / name / "values.yaml"
        if not values.exists():
            problems.append(f"charts/{name}: no chart for service {name}")
            continue
        ports = yaml.safe_load(values.read_text())["ports"]
        if (ports["http"], ports["internal"]) != pair:
            problems.append(f"charts/{name}/values.yaml ports {ports}, PlatformService.swift declares {pair}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
