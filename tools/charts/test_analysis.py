"""Unit tests of the PromQL series extractor and the successCondition evaluator
(run by tools/charts/analysis.py before its checks)."""
from __future__ import annotations

import math
import unittest

import promql_series
import success_condition
from analysis_templates import AnalysisMetric, duration_seconds
from promql_series import UnsupportedQuery, requirements
from success_condition import ERROR, FAILED, SUCCESSFUL, UnsupportedCondition, evaluate


class SeriesExtractionTests(unittest.TestCase):
    def test_error_rate_query_reads_one_metric_with_its_matched_labels(self):
        query = ('(sum(rate(gm_http_requests_total{namespace="ns", service="user", route!~"/health/.*", status=~"5.."}[1m])) '
                 'or vector(0)) / clamp_min((sum(rate(gm_http_requests_total{namespace="ns", route!~"/health/.*"}[1m])) '
                 'or vector(0)), 1e-9)')
        self.assertEqual(requirements(query), {"gm_http_requests_total": {"namespace", "service", "route", "status"}})

    def test_a_label_grouped_by_is_required_of_the_series_under_the_aggregation(self):
        query = 'histogram_quantile(0.99, sum by (le) (rate(x_bucket{route!~"/health/.*"}[1m]))) or vector(0)'
        self.assertEqual(requirements(query), {"x_bucket": {"le", "route"}})

    def test_function_and_label_names_are_not_metrics(self):
        # `rate`, `sum`, `vector`, `le`, `route` all look like metric names to a regular expression.
        query = 'sum by (route) (rate(requests{le="1"}[5m])) + on_time_total + max(vector(1))'
        self.assertEqual(requirements(query), {"requests": {"le", "route"}, "on_time_total": set()})

    def test_bare_names_and_names_given_by_the_name_label_are_metrics(self):
        self.assertEqual(requirements('up'), {"up": set()})
        self.assertEqual(requirements('{__name__="up", job="x"}'), {"up": {"job"}})
        self.assertEqual(requirements('a / b{c="d"}'), {"a": set(), "b": {"c"}})

    def test_a_metric_name_chosen_by_a_regular_expression_is_refused(self):
        with self.assertRaises(UnsupportedQuery):
            requirements('{__name__=~"gm_.*"}')

    def test_forms_that_could_hide_a_missing_label_are_refused(self):
        for query in ['label_replace(up, "le", "1", "", "")', 'a / on (x) b', 'a * ignoring (x) group_left b',
                      'max_over_time(up[5m:1m])', 'up offset 5m', 'topk(1, up)']:
            with self.subTest(query=query), self.assertRaises(UnsupportedQuery):
                requirements(query)

    def test_a_syntax_error_is_an_error(self):
        with self.assertRaises(ValueError):
            requirements('sum(rate(x[1m])')

    def test_known_functions_are_promql_functions(self):
        for name in promql_series.KNOWN_FUNCTIONS:
            arguments = {"histogram_quantile": "0.5, x", "clamp_min": "x, 1", "clamp_max": "x, 1", "vector": "1", "scalar": "x"}
            matrix = name in {"rate", "irate", "increase", "delta", "idelta"}
            with self.subTest(function=name):
                requirements(f"{name}({'x[1m]' if matrix else arguments.get(name, 'x')})")


class SuccessConditionTests(unittest.TestCase):
    def test_at_most(self):
        self.assertEqual(evaluate("result[0] <= 0.01", [0.01]), SUCCESSFUL)
        self.assertEqual(evaluate("result[0] <= 0.01", [0.0100001]), FAILED)
        self.assertEqual(evaluate("result[0] <= 0", [0.0]), SUCCESSFUL)
        self.assertEqual(evaluate("result[0] <= 200000", [200001.0]), FAILED)
        self.assertEqual(evaluate("result[0] <= 1e-3", [0.002]), FAILED)

    def test_only_the_first_sample_counts(self):
        self.assertEqual(evaluate("result[0] <= 1", [0.5, 99.0]), SUCCESSFUL)

    def test_nan_fails_a_plain_comparison_and_passes_where_allowed(self):
        self.assertEqual(evaluate("result[0] <= 0.5", [math.nan]), FAILED)
        self.assertEqual(evaluate("isNaN(result[0]) || result[0] <= 0.5", [math.nan]), SUCCESSFUL)
        self.assertEqual(evaluate("isNaN(result[0]) || result[0] <= 0.5", [0.7]), FAILED)
        self.assertEqual(evaluate("isNaN(result[0]) || result[0] <= 0.5", [math.inf]), FAILED)

    def test_an_empty_result_is_an_error_not_a_pass(self):
        self.assertEqual(evaluate("result[0] <= 1", []), ERROR)

    def test_other_forms_are_refused(self):
        for condition in ["result[0] < 1", "result[0] >= 0.99", "result <= 1", "len(result) == 0 || result[0] <= 1",
                          "result[0] <= 1 && true", "isInf(result[0]) || result[0] <= 1", "result[1] <= 1",
                          "result[0] <= -1", "asFloat(result[0]) <= 1"]:
            with self.subTest(condition=condition), self.assertRaises(UnsupportedCondition):
                success_condition.threshold(condition)


class TemplateTests(unittest.TestCase):
    def metric(self, query: str, interval: str = "30s", failure_limit: int = 2) -> AnalysisMetric:
        return AnalysisMetric("c", "default", "m", interval, failure_limit, "result[0] <= 1", query,
                              (("service", "svc"), ("namespace", "gm"), ("pod-template-hash", None)))

    def test_arguments_are_substituted_as_argo_does(self):
        metric = self.metric('x{service="{{args.service}}", ns="{{ args.namespace }}", h="{{args.pod-template-hash}}"}')
        self.assertEqual(metric.query(pod_template_hash="abc"), 'x{service="svc", ns="gm", h="abc"}')

    def test_an_argument_the_rollout_does_not_pass_is_an_error(self):
        with self.assertRaises(ValueError):
            self.metric('x{a="{{args.missing}}"}').query()

    def test_rollback_time(self):
        self.assertEqual(self.metric("x").rollback_seconds, 90)
        self.assertEqual(self.metric("x", interval="1m30s", failure_limit=0).rollback_seconds, 90)
        self.assertEqual(duration_seconds("500ms"), 0.5)
        with self.assertRaises(ValueError):
            duration_seconds("30")


if __name__ == "__main__":
    unittest.main()
