"""schemathesis hooks for make test's API contract checks (loaded through SCHEMATHESIS_HOOKS by
GameMetricsTesting/APIContract.swift).

Ingestion accepts an event's `occurred_at` only within a window around its own clock: at most
5 minutes ahead and at most 7 days old (its document says so). JSON Schema can state the format
of a timestamp but not a bound that moves with the clock, so a generated or example timestamp
that is well formed is moved to a minute ago; timestamps that are not well formed, and every
other field, stay as generated, so the server's refusals are still checked.
"""

import re
from datetime import datetime, timedelta, timezone

import schemathesis

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _recent(event):
    if isinstance(event, dict) and isinstance(event.get("occurred_at"), str) and RFC3339.match(event["occurred_at"]):
        minute_ago = datetime.now(timezone.utc) - timedelta(minutes=1)
        event["occurred_at"] = minute_ago.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return event


@schemathesis.hook
def map_body(context, body):
    if context.operation is None or context.operation.path != "/v1/events":
        return body
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        body["events"] = [_recent(event) for event in body["events"]]
        return body
    return _recent(body)
