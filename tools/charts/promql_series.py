"""The series a PromQL query reads: metric names and the label names it relies on.

Built on promql-parser's AST (the same grammar as Prometheus 2.45), never on regular
expressions over the text: a function name, a label name inside `{...}` or a `by (...)` list is
never taken for a metric name. Only the node kinds and functions listed here are accepted; any
other form is refused with an error naming it, so that a new query shape cannot slip past the
checks that use this (the scraped /metrics of each service, tools/charts/analysis.py).
"""
from __future__ import annotations

import dataclasses

try:
    import promql_parser as promql
except ImportError as missing:  # pragma: no cover - an install step, not code, is missing
    raise SystemExit("promql-parser is not installed in .venv-charts: tools/platform/install-deps.sh installs it "
                     "(CHARTS_PACKAGES)") from missing

# Functions whose result keeps the labels of the series they read (or makes a constant): a
# label named in an enclosing `by (...)` must therefore exist on those series. A function that
# makes labels of its own (label_replace, label_join, ...) would break that reasoning: it is
# not listed, so a query using it is refused until this module handles it.
KNOWN_FUNCTIONS = frozenset({
    "rate", "irate", "increase", "delta", "idelta",
    "histogram_quantile", "clamp_min", "clamp_max", "abs", "vector", "scalar",
})


class UnsupportedQuery(ValueError):
    """A query form this module does not analyse (so nothing may be concluded from it)."""


@dataclasses.dataclass
class SeriesRequirement:
    """One metric a query reads, and the label names that must exist on its series."""
    metric: str
    labels: set[str] = dataclasses.field(default_factory=set)


def requirements(query: str) -> dict[str, set[str]]:
    """{metric name: label names the query matches on or groups by}, for every metric read."""
    found: list[SeriesRequirement] = []
    _visit(promql.parse(query), found)
    merged: dict[str, set[str]] = {}
    for requirement in found:
        merged.setdefault(requirement.metric, set()).update(requirement.labels)
    return merged


def _visit(node, found: list[SeriesRequirement]) -> list[SeriesRequirement]:
    """Collects the selectors under `node` into `found`; returns those of this subtree."""
    if isinstance(node, promql.VectorSelector):
        requirement = _selector(node)
        found.append(requirement)
        return [requirement]
    if isinstance(node, promql.MatrixSelector):
        return _visit(node.vector_selector, found)
    if isinstance(node, (promql.NumberLiteral, promql.StringLiteral)):
        return []
    if isinstance(node, (promql.ParenExpr, promql.UnaryExpr)):
        return _visit(node.expr, found)
    if isinstance(node, promql.Call):
        name = node.func.name
        if name not in KNOWN_FUNCTIONS:
            raise UnsupportedQuery(f"function {name}() is not analysed (tools/charts/promql_series.py KNOWN_FUNCTIONS)")
        below: list[SeriesRequirement] = []
        for argument in node.args:
            below += _visit(argument, found)
        return below
    if isinstance(node, promql.AggregateExpr):
        if node.param is not None:
            raise UnsupportedQuery(f"aggregation with a parameter ({node}) is not analysed")
        below = _visit(node.expr, found)
        modifier = node.modifier
        if modifier is not None and modifier.type == promql.AggModifierType.By:
            # `sum by (le) (x)`: without `le` on x the result is one series, and a
            # histogram_quantile over it is empty, which `or vector(0)` would turn into a pass.
            for requirement in below:
                requirement.labels.update(modifier.labels)
        return below
    if isinstance(node, promql.BinaryExpr):
        modifier = node.modifier
        if modifier is not None and (modifier.matching is not None or modifier.group_labels):
            raise UnsupportedQuery(f"vector matching with on/ignoring/group_* ({node}) is not analysed")
        return _visit(node.lhs, found) + _visit(node.rhs, found)
    raise UnsupportedQuery(f"{type(node).__name__} ({node}) is not analysed")


def _selector(selector) -> SeriesRequirement:
    if selector.offset is not None or selector.at is not None:
        raise UnsupportedQuery(f"offset/@ modifiers ({selector}) are not analysed")
    if selector.matchers.or_matchers:
        raise UnsupportedQuery(f"`or` inside a selector ({selector}) is not analysed")
    name = selector.name
    labels = set()
    for matcher in selector.matchers.matchers:
        if matcher.name == "__name__":
            if matcher.op != promql.MatchOp.Equal:
                raise UnsupportedQuery(f"a metric name chosen by a regular expression ({selector}) cannot be checked")
            if name is not None and name != matcher.value:
                raise UnsupportedQuery(f"two metric names in one selector ({selector})")
            name = matcher.value
        else:
            labels.add(matcher.name)
    if not name:
        raise UnsupportedQuery(f"a selector without a metric name ({selector}) cannot be checked")
    return SeriesRequirement(name, labels)
