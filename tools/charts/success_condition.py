"""Argo Rollouts' verdict on one measurement, for the successCondition forms our templates use.

Argo evaluates `successCondition` with expr-lang, `result` being the Prometheus provider's
result: for a vector, the list of its sample values in order (NaN kept as NaN). With only a
successCondition, a measurement is Successful when it is true and Failed when it is false; an
evaluation error (such as `result[0]` of an empty vector) makes it Error, which counts towards
consecutiveErrorLimit instead of failureLimit.

This is not a general expr-lang interpreter: it accepts exactly the forms below and refuses any
other loudly (UnsupportedCondition), so that a new form cannot pass untested.
"""
from __future__ import annotations

import math
import re

SUCCESSFUL, FAILED, ERROR = "Successful", "Failed", "Error"

# An expr-lang number literal as the charts write thresholds (integers, decimals, exponents).
_NUMBER = r"([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)"
_AT_MOST = re.compile(rf"result\[0\] <= {_NUMBER}")
_NAN_OR_AT_MOST = re.compile(rf"isNaN\(result\[0\]\) \|\| result\[0\] <= {_NUMBER}")


class UnsupportedCondition(ValueError):
    """A successCondition form this evaluator does not know."""


def threshold(condition: str) -> float:
    """N in `result[0] <= N` or `isNaN(result[0]) || result[0] <= N`."""
    match = _AT_MOST.fullmatch(condition.strip()) or _NAN_OR_AT_MOST.fullmatch(condition.strip())
    if not match:
        raise UnsupportedCondition(
            f"successCondition {condition!r}: only `result[0] <= N` and `isNaN(result[0]) || result[0] <= N` "
            "are evaluated here (tools/charts/success_condition.py)")
    return float(match.group(1))


def evaluate(condition: str, result: list[float]) -> str:
    """The measurement's phase: SUCCESSFUL, FAILED or ERROR."""
    limit = threshold(condition)
    if not result:
        return ERROR  # result[0]: index out of range
    value = result[0]
    nan_passes = _NAN_OR_AT_MOST.fullmatch(condition.strip()) is not None
    if nan_passes and math.isnan(value):
        return SUCCESSFUL
    # Go's float comparison, as expr-lang's: anything compared with NaN is false.
    return SUCCESSFUL if value <= limit else FAILED
