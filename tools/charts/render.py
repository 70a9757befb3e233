"""Renders the service charts offline (helm-python-sdk, no helm binary).

`render_all()` renders every chart under charts/ that depends on the library chart, once per
scenario: its values.yaml alone, and each ci/*-values.yaml on top, always after
charts/platform-values.yaml (as Argo CD passes them). Returns a list of Rendering.
"""
from __future__ import annotations

import atexit
import copy
import dataclasses
import functools
import pathlib
import shutil
import sys
import tempfile

import yaml
import helm_python

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHARTS = ROOT / "charts"
PLATFORM_VALUES = CHARTS / "platform-values.yaml"
LIBRARY = "gamemetrics-lib"


@dataclasses.dataclass
class Rendering:
    chart: str
    scenario: str
    manifests: list[dict]


def service_charts() -> list[pathlib.Path]:
    charts = []
    for chart_yaml in sorted(CHARTS.glob("*/Chart.yaml")):
        meta = yaml.safe_load(chart_yaml.read_text())
        if any(d.get("name") == LIBRARY for d in meta.get("dependencies") or []):
            charts.append(chart_yaml.parent)
    return charts


def merge(base: dict, override: dict) -> dict:
    """Helm's merge of values files: maps merge key by key, everything else is replaced."""
    result = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def load(path: pathlib.Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def scenarios(chart: pathlib.Path) -> list[tuple[str, dict]]:
    """(name, values given on top of the chart's values.yaml), the chart's defaults first."""
    platform = load(PLATFORM_VALUES)
    found = [("default", platform)]
    for scenario in sorted((chart / "ci").glob("*-values.yaml")):
        found.append((scenario.name.removesuffix("-values.yaml"), merge(platform, load(scenario))))
    return found


@functools.cache
def workspace() -> pathlib.Path:
    """A private copy of charts/ with every chart's dependencies built: Helm's dependency build
    writes into the chart's folder, so two processes building in the checkout collide."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="gm-charts-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    copy_of = root / "charts"
    shutil.copytree(CHARTS, copy_of, ignore=shutil.ignore_patterns("charts", "Chart.lock", "tmpcharts*"))
    for chart in service_charts():
        helm_python.dependency_build(copy_of / chart.name, skip_refresh=True)
    return copy_of


def built(chart: pathlib.Path) -> pathlib.Path:
    """The chart, ready to render or lint (in the private copy)."""
    return workspace() / chart.name


def render(chart: pathlib.Path, values: dict, namespace: str = "gamemetrics") -> list[dict]:
    loaded = helm_python.Chart.load(built(chart))
    return documents(loaded.render(values=values, name=chart.name, namespace=namespace, is_install=True))


def documents(output: dict[str, str]) -> list[dict]:
    """The manifests of Helm's output ({template: text}), in template order."""
    return [document for path, text in sorted(output.items()) if not path.endswith("NOTES.txt")
            for document in yaml.safe_load_all(text) if document]


def render_all() -> list[Rendering]:
    renderings = []
    for chart in service_charts():
        for name, values in scenarios(chart):
            renderings.append(Rendering(chart.name, name, render(chart, values)))
    return renderings



def report(problems: list[str]) -> int:
    """Prints each problem as a FAIL line; the exit status of a check run on its own."""
    for problem in problems:
        print(f"  FAIL {problem}")
    return 1 if problems else 0

if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else None
    for rendering in render_all():
        text = yaml.safe_dump_all(rendering.manifests, sort_keys=False)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{rendering.chart}--{rendering.scenario}.yaml").write_text(text)
        print(f"{rendering.chart} [{rendering.scenario}]: {len(rendering.manifests)} manifests")
