"""Synthetic traffic for each kind of analysis metric, around the metric's own threshold.

Every scenario lives in a namespace of its own, with the labels the ServiceMonitor gives real
series (namespace, service, rollouts_pod_template_hash, job, instance) plus the service's own
(route, status, le, topic, partition). A scenario names the phase Argo must reach for the
canary, and, where it adds bad series of another pod-template-hash, the phase that hash's own
analysis must reach (so the bad series are proven bad, not merely ignored).
"""
from __future__ import annotations

import dataclasses

from analysis_templates import AnalysisMetric
from local_prometheus import Series
from success_condition import FAILED, SUCCESSFUL, threshold

CANARY_HASH = "6b7f9c4d8a"
STABLE_HASH = "7c5d8e9f1b"
# Bucket bounds of the services' request-duration histogram, as they export them
# (shared/Sources/GameMetricsHTTP/Observability/Observability.swift; `le="1.0"`).
LATENCY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0]
API_ROUTE = "/v1/things/{id}"
HEALTH_ROUTE = "/health/ready"
REQUESTS_PER_SECOND = 20.0


@dataclasses.dataclass
class Scenario:
    metric: AnalysisMetric
    case: str
    namespace: str
    series: list[Series]
    expected: str
    # The phase the other pod-template-hash's analysis must reach, when the scenario has one.
    other_hash_expected: str | None = None

    def query(self, pod_template_hash: str = CANARY_HASH) -> str:
        return self.metric.query(namespace=self.namespace, pod_template_hash=pod_template_hash)


def scenarios(metric: AnalysisMetric) -> list[Scenario]:
    builders = {"error-rate": _error_rate, "latency-p99": _latency, "consumer-lag": _consumer_lag,
                "store-failures": _store_failures}
    if metric.name not in builders:
        raise ValueError(f"{metric.chart}: no synthetic scenarios for analysis metric {metric.name!r} "
                         "(add them to tools/charts/analysis_scenarios.py)")
    limit = threshold(metric.success_condition)
    built = []
    for case, series_for, expected, other_expected in builders[metric.name](limit):
        # Unique per analysis: two ci/ scenarios of one chart may differ in thresholds.
        namespace = f"{metric.chart}-{metric.scenario}-{metric.name}-{case}"
        service = dict(metric.rollout_args).get("service") or metric.chart

        def labels(pod_hash: str, **own: str) -> dict[str, str]:
            return {"namespace": namespace, "service": service, "rollouts_pod_template_hash": pod_hash,
                    "job": service, "instance": f"10.0.{len(pod_hash)}.{sum(map(ord, pod_hash)) % 250}:9090", **own}

        built.append(Scenario(metric, case, namespace, series_for(labels), expected, other_expected))
    return built


def _counter(rate: float, stop_after: float | None = None):
    """A counter rising by `rate` per second (until `stop_after` seconds, when given)."""
    return lambda t: rate * (t if stop_after is None else min(t, stop_after))


def _gauge(value: float):
    return lambda t: value


def _requests(labels, pod_hash: str, error_share: float, route: str = API_ROUTE, rate: float = REQUESTS_PER_SECOND,
              stop_after: float | None = None) -> list[Series]:
    return [
        Series("gm_http_requests_total", labels(pod_hash, method="GET", route=route, status="200"),
               _counter(rate * (1 - error_share), stop_after)),
        Series("gm_http_requests_total", labels(pod_hash, method="GET", route=route, status="503"),
               _counter(rate * error_share, stop_after)),
    ]


def _error_rate(limit: float):
    below = limit / 2
    above = min(1.0, max(2 * limit, 0.05))
    return [
        ("below", lambda labels: _requests(labels, CANARY_HASH, below), SUCCESSFUL, None),
        ("above", lambda labels: _requests(labels, CANARY_HASH, above), FAILED, None),
        # Failing health checks are the kubelet's business, not the canary's traffic.
        ("failing-health-checks", lambda labels: _requests(labels, CANARY_HASH, 0.0)
         + _requests(labels, CANARY_HASH, 1.0, route=HEALTH_ROUTE), SUCCESSFUL, None),
        ("no-traffic", lambda labels: _requests(labels, CANARY_HASH, above, stop_after=0), SUCCESSFUL, None),
        ("not-scraped-yet", lambda labels: [], SUCCESSFUL, None),
        ("bad-stable-pods", lambda labels: _requests(labels, CANARY_HASH, below) + _requests(labels, STABLE_HASH, 0.5),
         SUCCESSFUL, FAILED),
    ]


def _latency_buckets(labels, pod_hash: str, shares: dict[float, float], route: str = API_ROUTE,
                     rate: float = REQUESTS_PER_SECOND, stop_after: float | None = None) -> list[Series]:
    """Cumulative `_bucket` series for requests whose durations fall, by share, at the given
    bucket bounds (`shares`: upper bound -> share of requests in that bucket)."""
    series, cumulative = [], 0.0
    for bound in LATENCY_BUCKETS + [float("inf")]:
        cumulative += shares.get(bound, 0.0)
        le = "+Inf" if bound == float("inf") else repr(bound)
        series.append(Series("gm_http_request_duration_seconds_bucket", labels(pod_hash, method="GET", route=route, le=le),
                             _counter(rate * min(cumulative, 1.0), stop_after)))
    return series


def _latency(limit: float):
    fast_bound = max((b for b in LATENCY_BUCKETS if b <= limit), default=None)
    slow_bound = min((b for b in LATENCY_BUCKETS if b > limit), default=None)
    if fast_bound is None or slow_bound is None or LATENCY_BUCKETS.index(slow_bound) + 1 >= len(LATENCY_BUCKETS):
        raise ValueError(f"latency threshold {limit} s is outside the buckets {LATENCY_BUCKETS}")
    # Above: 5 % of requests in the bucket above the one holding the threshold, so the 99th
    # percentile lies inside that bucket, above the threshold whatever the interpolation.
    slower = LATENCY_BUCKETS[LATENCY_BUCKETS.index(slow_bound) + 1]
    fast = {LATENCY_BUCKETS[0]: 0.9, fast_bound: 0.1}
    slow = {LATENCY_BUCKETS[0]: 0.95, slower: 0.05}
    return [
        ("below", lambda labels: _latency_buckets(labels, CANARY_HASH, fast), SUCCESSFUL, None),
        ("above", lambda labels: _latency_buckets(labels, CANARY_HASH, slow), FAILED, None),
        ("slow-health-checks", lambda labels: _latency_buckets(labels, CANARY_HASH, fast)
         + _latency_buckets(labels, CANARY_HASH, {slower: 1.0}, route=HEALTH_ROUTE), SUCCESSFUL, None),
        # Series exist, no request in the window: histogram_quantile gives NaN.
        ("no-traffic", lambda labels: _latency_buckets(labels, CANARY_HASH, slow, stop_after=0), SUCCESSFUL, None),
        ("not-scraped-yet", lambda labels: [], SUCCESSFUL, None),
        ("bad-stable-pods", lambda labels: _latency_buckets(labels, CANARY_HASH, fast)
         + _latency_buckets(labels, STABLE_HASH, {slower: 1.0}), SUCCESSFUL, FAILED),
    ]


def _lag(labels, pod_hash: str, lags: list[float]) -> list[Series]:
    return [Series("gm_processor_consumer_lag", labels(pod_hash, topic="player.events.raw", partition=str(partition)), _gauge(lag))
            for partition, lag in enumerate(lags)]


def _consumer_lag(limit: float):
    above = max(2 * limit, 1000)
    return [
        ("below", lambda labels: _lag(labels, CANARY_HASH, [limit / 10, limit / 2]), SUCCESSFUL, None),
        # One partition over the limit is enough: the query takes the largest.
        ("above", lambda labels: _lag(labels, CANARY_HASH, [limit / 10, above]), FAILED, None),
        ("caught-up", lambda labels: _lag(labels, CANARY_HASH, [0, 0]), SUCCESSFUL, None),
        ("not-scraped-yet", lambda labels: [], SUCCESSFUL, None),
        ("bad-stable-pods", lambda labels: _lag(labels, CANARY_HASH, [limit / 10]) + _lag(labels, STABLE_HASH, [10 * above]),
         SUCCESSFUL, FAILED),
    ]


def _failures(labels, pod_hash: str, rate: float, stop_after: float | None = None) -> list[Series]:
    return [Series("gm_processor_store_failures_total", labels(pod_hash), _counter(rate, stop_after))]


def _store_failures(limit: float):
    above = max(2 * limit, 0.1)
    # Below: failures at half the allowed rate, or (with none allowed) failures that stopped
    # ten minutes before the evaluation, outside every window the charts use.
    below = (lambda labels: _failures(labels, CANARY_HASH, limit / 2)) if limit > 0 else \
        (lambda labels: _failures(labels, CANARY_HASH, 1.0, stop_after=300))
    return [
        ("below", below, SUCCESSFUL, None),
        ("above", lambda labels: _failures(labels, CANARY_HASH, above), FAILED, None),
        ("no-failures", lambda labels: _failures(labels, CANARY_HASH, 0.0), SUCCESSFUL, None),
        ("not-scraped-yet", lambda labels: [], SUCCESSFUL, None),
        ("bad-stable-pods", lambda labels: _failures(labels, CANARY_HASH, 0.0) + _failures(labels, STABLE_HASH, above),
         SUCCESSFUL, FAILED),
    ]
