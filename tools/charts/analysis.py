"""Checks the charts' canary analyses (docs/canary-analysis.md), offline and against a real Prometheus.

    .venv-charts/bin/python tools/charts/analysis.py                 # every check below
    .venv-charts/bin/python tools/charts/analysis.py --write-series  # regenerate analysis-series.json

1. Each AnalysisTemplate metric of each rendered chart and scenario: its query, with the
   Rollout's arguments substituted as Argo does, parses (`promtool check rules` on a generated
   rule file); its successCondition is a form tools/charts/success_condition.py evaluates; its
   (failureLimit + 1) x interval, the time from a failing canary to the rollback, is at most
   ROLLBACK_LIMIT_SECONDS; the labels the queries select pods by are set by the chart's
   ServiceMonitor.
2. The series each service's analysis reads (metric names and the labels the queries rely on,
   taken from the PromQL syntax tree) are those in tools/charts/analysis-series.json, which the
   Swift tests compare with the /metrics scraped from each real service
   (AnalysisSeriesTests in IntegrationTests and ProcessorTests).
3. Against a local Prometheus holding synthetic series (tools/charts/analysis_scenarios.py): each
   analysis passes below its threshold, with no traffic and before any scrape, fails above it,
   and ignores another pod-template-hash's bad series.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import analysis_scenarios  # noqa: E402
import local_prometheus  # noqa: E402
import promql_series  # noqa: E402
import render  # noqa: E402
import success_condition  # noqa: E402
from analysis_templates import AnalysisMetric, analysis_metrics, service_monitors  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
SERIES_FILE = HERE / "analysis-series.json"
ROLLBACK_LIMIT_SECONDS = 120
# Labels the ServiceMonitor puts on every scraped series (the Prometheus Operator adds
# `namespace`; podTargetLabels copies the pod's rollouts-pod-template-hash; a relabeling sets
# `service`): the service does not export them itself.
TARGET_LABELS = {"namespace", "service", "rollouts_pod_template_hash"}


class CheckFailed(Exception):
    pass


def log(message: str) -> None:
    print(message, flush=True)


def check_unit_tests() -> None:
    suite = unittest.defaultTestLoader.discover(str(HERE), pattern="test_analysis.py", top_level_dir=str(HERE))
    outcome = unittest.TextTestRunner(stream=sys.stdout, verbosity=1).run(suite)
    if not outcome.wasSuccessful() or outcome.testsRun == 0:
        raise CheckFailed("the extractor's and evaluator's unit tests failed")


def check_promtool(metrics: list[AnalysisMetric]) -> None:
    """Every query, arguments substituted, as a recording rule: `promtool check rules` parses it."""
    rules = []
    for index, metric in enumerate(metrics):
        record = re.sub(r"[^a-zA-Z0-9_]", "_", f"analysis:{metric.chart}_{metric.scenario}_{metric.name}_{index}")
        rules.append({"record": record, "expr": metric.query()})
    with tempfile.NamedTemporaryFile("w", suffix=".rules.yml", prefix="gm-analysis-") as rule_file:
        json.dump({"groups": [{"name": "canary-analysis", "rules": rules}]}, rule_file)  # JSON is YAML
        rule_file.flush()
        checked = subprocess.run(["promtool", "check", "rules", rule_file.name], capture_output=True, text=True)
    if checked.returncode != 0 or f"SUCCESS: {len(rules)} rules found" not in checked.stdout:
        raise CheckFailed(f"promtool check rules:\n{checked.stdout}{checked.stderr}")
    log(f"promtool: {len(rules)} analysis queries parse")


def check_conditions_and_timing(metrics: list[AnalysisMetric]) -> None:
    problems = []
    for metric in metrics:
        try:
            success_condition.threshold(metric.success_condition)
        except success_condition.UnsupportedCondition as error:
            problems.append(f"{metric.chart} [{metric.scenario}] {metric.name}: {error}")
        try:
            seconds = metric.rollback_seconds
        except ValueError as error:
            problems.append(f"{metric.chart} [{metric.scenario}] {metric.name}: interval: {error}")
            continue
        if seconds > ROLLBACK_LIMIT_SECONDS:
            problems.append(f"{metric.chart} [{metric.scenario}] {metric.name}: (failureLimit {metric.failure_limit} + 1) x "
                            f"interval {metric.interval} = {seconds:g} s from a failing canary to the rollback, "
                            f"more than {ROLLBACK_LIMIT_SECONDS} s")
    if problems:
        raise CheckFailed("\n".join(problems))
    slowest = max(metrics, key=lambda m: m.rollback_seconds)
    log(f"successConditions: {len(metrics)} evaluable; slowest rollback {slowest.rollback_seconds:g} s "
        f"({slowest.chart} {slowest.name}), limit {ROLLBACK_LIMIT_SECONDS} s")


def check_target_labels(metrics: list[AnalysisMetric], renderings: list[render.Rendering]) -> None:
    """The labels the queries select the canary by exist on the scraped series: the chart's
    ServiceMonitor copies the pod's hash and sets `service` to what the Rollout passes."""
    monitors = service_monitors(renderings)
    problems = []
    for metric in metrics:
        selected = set()
        for labels in promql_series.requirements(metric.query()).values():
            selected |= labels
        service = dict(metric.rollout_args).get("service")
        found = monitors.get((metric.chart, metric.scenario), [])
        if len(found) != 1:
            problems.append(f"{metric.chart} [{metric.scenario}]: {len(found)} ServiceMonitors, expected 1")
            continue
        spec = found[0]["spec"]
        pod_labels = {label.replace("-", "_") for label in spec.get("podTargetLabels", [])}
        services = {r.get("replacement") for e in spec["endpoints"] for r in e.get("relabelings", [])
                    if r.get("targetLabel") == "service"}
        if "rollouts_pod_template_hash" in selected and "rollouts_pod_template_hash" not in pod_labels:
            problems.append(f"{metric.chart} [{metric.scenario}] {metric.name}: selects rollouts_pod_template_hash, "
                            "which the ServiceMonitor's podTargetLabels do not copy")
        if "service" in selected and services != {service}:
            problems.append(f"{metric.chart} [{metric.scenario}] {metric.name}: selects service={service!r}, "
                            f"the ServiceMonitor sets service to {sorted(map(str, services))}")
    if problems:
        raise CheckFailed("\n".join(problems))
    log("target labels: every query selects pods by labels its ServiceMonitor sets")


def required_series(metrics: list[AnalysisMetric]) -> dict:
    services: dict[str, dict[str, set[str]]] = {}
    for metric in metrics:
        service = dict(metric.rollout_args).get("service") or metric.chart
        for name, labels in promql_series.requirements(metric.query()).items():
            services.setdefault(service, {}).setdefault(name, set()).update(labels - TARGET_LABELS)
    return {
        "about": "Generated by tools/charts/analysis.py --write-series from the rendered AnalysisTemplates: per "
                 "service, each metric its canary analysis reads and the labels the queries rely on besides the "
                 "target labels. The Swift tests AnalysisSeriesTests check each against the service's scraped /metrics.",
        "target_labels": sorted(TARGET_LABELS),
        "services": {service: {name: sorted(labels) for name, labels in sorted(metrics_.items())}
                     for service, metrics_ in sorted(services.items())},
    }


def check_series_file(metrics: list[AnalysisMetric]) -> None:
    expected = required_series(metrics)
    current = json.loads(SERIES_FILE.read_text()) if SERIES_FILE.exists() else None
    if current != expected:
        raise CheckFailed(f"{SERIES_FILE.relative_to(render.ROOT)} is not what the charts query: run "
                          f"`.venv-charts/bin/python tools/charts/analysis.py --write-series` and commit it")
    count = sum(len(m) for m in expected["services"].values())
    log(f"series: {count} (service, metric) pairs in {SERIES_FILE.name}, as the charts query them")


def check_against_prometheus(metrics: list[AnalysisMetric]) -> None:
    # One run per distinct analysis (the scenarios of a chart usually share theirs).
    distinct: dict[tuple, AnalysisMetric] = {}
    for metric in metrics:
        distinct.setdefault((metric.chart, metric.name, metric.query_template, metric.success_condition), metric)
    built = [s for metric in distinct.values() for s in analysis_scenarios.scenarios(metric)]
    end = int(time.time()) // 60 * 60 - 120
    start = end - 900
    problems, evaluated = [], 0
    with local_prometheus.running([series for s in built for series in s.series], start, end, log) as prometheus:
        for scenario in built:
            checks = [(analysis_scenarios.CANARY_HASH, scenario.expected)]
            if scenario.other_hash_expected:
                checks.append((analysis_scenarios.STABLE_HASH, scenario.other_hash_expected))
            for pod_hash, expected in checks:
                query = scenario.query(pod_hash)
                kind, values = prometheus.query(query, end)
                phase = success_condition.evaluate(scenario.metric.success_condition, values)
                evaluated += 1
                where = f"{scenario.metric.chart} {scenario.metric.name} [{scenario.case}, hash {pod_hash}]"
                if kind != "vector" or len(values) != 1:
                    problems.append(f"{where}: {kind} of {len(values)} samples {values}; Argo reads result[0] of one sample")
                if phase != expected:
                    problems.append(f"{where}: {phase} with result {values}, expected {expected}\n    query: {query}")
    if problems:
        raise CheckFailed("against the local Prometheus:\n" + "\n".join(problems))
    log(f"prometheus: {evaluated} measurements of {len(distinct)} analyses in {len(built)} scenarios reached the expected phase")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-series", action="store_true", help=f"regenerate {SERIES_FILE.name} and stop")
    arguments = parser.parse_args()
    renderings = render.render_all()
    metrics = analysis_metrics(renderings)
    if not metrics:
        log("error: no AnalysisTemplate in any chart")
        return 1
    if arguments.write_series:
        SERIES_FILE.write_text(json.dumps(required_series(metrics), indent=2) + "\n")
        log(f"wrote {SERIES_FILE}")
        return 0
    try:
        check_unit_tests()
        check_promtool(metrics)
        check_conditions_and_timing(metrics)
        check_target_labels(metrics, renderings)
        check_series_file(metrics)
        check_against_prometheus(metrics)
    except (CheckFailed, promql_series.UnsupportedQuery, success_condition.UnsupportedCondition, ValueError) as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
