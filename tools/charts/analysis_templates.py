"""The canary analyses of the rendered charts: each AnalysisTemplate metric with the arguments
its Rollout passes, its query with those arguments substituted as Argo Rollouts does."""
from __future__ import annotations

import dataclasses
import re

import render

# Argo Rollouts substitutes `{{args.NAME}}` (spaces allowed inside the braces) before querying.
_ARG = re.compile(r"\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}")
# What a pod-template-hash looks like (10 characters of Kubernetes' safe alphabet).
SAMPLE_POD_TEMPLATE_HASH = "5d8f7c9b6d"


@dataclasses.dataclass(frozen=True)
class AnalysisMetric:
    chart: str
    scenario: str
    name: str
    interval: str
    failure_limit: int
    success_condition: str
    query_template: str
    # Argument values the Rollout passes; podTemplateHashValue ones are None (known at run time).
    rollout_args: tuple[tuple[str, str | None], ...]

    def query(self, **overrides: str) -> str:
        """The query as Argo sends it, with the Rollout's arguments (a sample pod-template-hash)
        unless `overrides` (argument name with `-` as `_`) say otherwise."""
        values = {name: value for name, value in self.rollout_args}
        values["pod-template-hash"] = values.get("pod-template-hash") or SAMPLE_POD_TEMPLATE_HASH
        for key, value in overrides.items():
            values[key.replace("_", "-")] = value

        def substitute(match: re.Match) -> str:
            if match.group(1) not in values:
                raise ValueError(f"{self.chart}/{self.name}: the query uses args.{match.group(1)}, which the Rollout does not pass")
            return values[match.group(1)]

        query = _ARG.sub(substitute, self.query_template)
        if "{{" in query:
            raise ValueError(f"{self.chart}/{self.name}: unsubstituted template text left in {query!r}")
        return query

    @property
    def rollback_seconds(self) -> float:
        """From the first failed measurement to the aborted rollout: failureLimit + 1 failures."""
        return (self.failure_limit + 1) * duration_seconds(self.interval)


def duration_seconds(text: str) -> float:
    """A Go duration as Argo's interval takes it (`30s`, `1m`, `1m30s`, `500ms`)."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        raise ValueError(f"not a duration: {text!r}")
    return sum(float(amount) * units[unit] for amount, unit in parts)


def rollout_analysis_args(rollout: dict) -> list[dict] | None:
    strategy = rollout["spec"]["strategy"]
    if "canary" in strategy:
        return (strategy["canary"].get("analysis") or {}).get("args")
    if "blueGreen" in strategy:
        return (strategy["blueGreen"].get("prePromotionAnalysis") or {}).get("args")
    return None


def analysis_metrics(renderings: list[render.Rendering] | None = None) -> list[AnalysisMetric]:
    """Every metric of every AnalysisTemplate, per chart and scenario."""
    found = []
    for rendering in renderings if renderings is not None else render.render_all():
        by_kind: dict[str, list[dict]] = {}
        for manifest in rendering.manifests:
            by_kind.setdefault(manifest["kind"], []).append(manifest)
        templates = by_kind.get("AnalysisTemplate", [])
        if not templates:
            continue
        rollouts = by_kind.get("Rollout", [])
        if len(rollouts) != 1 or len(templates) != 1:
            raise ValueError(f"{rendering.chart} [{rendering.scenario}]: expected one Rollout and one AnalysisTemplate, "
                             f"found {len(rollouts)} and {len(templates)}")
        args = rollout_analysis_args(rollouts[0])
        if args is None:
            raise ValueError(f"{rendering.chart} [{rendering.scenario}]: an AnalysisTemplate that the Rollout does not use")
        passed = tuple((arg["name"], arg.get("value")) for arg in args)
        declared = {arg["name"] for arg in templates[0]["spec"].get("args", [])}
        if declared != {name for name, _ in passed}:
            raise ValueError(f"{rendering.chart} [{rendering.scenario}]: the template declares args {sorted(declared)}, "
                             f"the Rollout passes {sorted(name for name, _ in passed)}")
        for metric in templates[0]["spec"]["metrics"]:
            provider = metric["provider"]
            if set(provider) != {"prometheus"}:
                raise ValueError(f"{rendering.chart}/{metric['name']}: provider {sorted(provider)} is not checked here")
            if "failureCondition" in metric:
                raise ValueError(f"{rendering.chart}/{metric['name']}: failureCondition is not evaluated here")
            found.append(AnalysisMetric(
                chart=rendering.chart, scenario=rendering.scenario, name=metric["name"],
                interval=str(metric.get("interval", "")), failure_limit=int(metric.get("failureLimit", 0)),
                success_condition=metric["successCondition"], query_template=provider["prometheus"]["query"],
                rollout_args=passed))
    return found


def service_monitors(renderings: list[render.Rendering]) -> dict[tuple[str, str], list[dict]]:
    """(chart, scenario) -> its ServiceMonitors."""
    found: dict[tuple[str, str], list[dict]] = {}
    for rendering in renderings:
        found[(rendering.chart, rendering.scenario)] = [m for m in rendering.manifests if m["kind"] == "ServiceMonitor"]
    return found
