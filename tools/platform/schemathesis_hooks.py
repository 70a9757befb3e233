"""schemathesis hooks for make test's API contract checks (loaded through SCHEMATHESIS_HOOKS by
GameMetricsTesting/APIContract.swift). Each covers a rule of ingestion's that JSON Schema cannot
state; both are in the document's descriptions.

Ingestion accepts an event's `occurred_at` only within a window around its own clock: at most
5 minutes ahead and at most 7 days old (its document says so). JSON Schema can state the format
of a timestamp but not a bound that moves with the clock, so a generated or example timestamp
that is well formed is moved to a minute ago; timestamps that are not well formed, and every
other field, stay as generated, so the server's refusals are still checked.

An amount's `minor` must be written as a JSON integer: 250.0 or 2.5e2 is refused (`not_integer`),
while JSON Schema's "integer" holds every number with no fractional part, however written, so
schemathesis sends 250.0 as a valid integer. A generated float with an integral value is sent as
the integer it equals.
"""

import re
from datetime import datetime, timedelta, timezone

import schemathesis

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _recent(event):
    if not isinstance(event, dict):
        return event
    if isinstance(event.get("occurred_at"), str) and RFC3339.match(event["occurred_at"]):
        minute_ago = datetime.now(timezone.utc) - timedelta(minutes=1)
        event["occurred_at"] = minute_ago.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    amount = event.get("amount")
    if isinstance(amount, dict) and isinstance(amount.get("minor"), float) and amount["minor"].is_integer():
        amount["minor"] = int(amount["minor"])
    return event


@schemathesis.hook
def map_case(context, case):
    # map_case sees every phase's cases (examples, coverage, fuzzing), map_body only fuzzing's.
    if case.operation.path != "/v1/events":
        return case
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        body["events"] = [_recent(event) for event in body["events"]]
    else:
        _recent(body)
    return case
