"""Judges event documents by a JSON Schema of docs/schemas/ with PyPI's `jsonschema` (draft
2020-12), for the agreement test against ingestion's validator (EventSchemaAgreementTests).

Usage: validate_events.py SCHEMA DIRECTORY
Every file of DIRECTORY is one document (raw bytes, as a client would send them). One JSON line
per file, in name order, on stdout:
  {"name", "verdict": "accepted" | "rejected" | "not_json", "errors": [...],
   "depth": deepest nesting of objects and arrays (the document itself is 1),
   "duplicates": keys given twice in the top-level object or in its "amount" object,
   "integral_notation": amount.minor is a whole number written with a fraction or exponent,
   "nul_hidden_by_duplicate": U+0000 only in a value that a later duplicate key replaced}
The last three are facts about the input, reported so that the test can tell the validator's
rules that JSON Schema cannot express (docs/schemas/README.md) from a real disagreement.

Reading the text is RFC 8259, strictly: UTF-8 without a byte-order mark, no NaN or Infinity, no
lone surrogate escapes. Numbers are read exactly (integers as int, others as Decimal), since
JSON Schema judges values: a whole Decimal counts as an integer, as the specification says.
Exit 2 when the schema itself is not a valid draft 2020-12 schema.
"""
from __future__ import annotations

import decimal
import json
import pathlib
import sys
import threading

import jsonschema

# Deep documents must be read and validated, not crash the interpreter: the validator's own
# limit (64 levels) is one of the differences the test must see.
sys.setrecursionlimit(60_000)
sys.set_int_max_str_digits(0)


class NotJSON(Exception):
    pass


def _constant(name: str):
    raise NotJSON(f"{name} is not JSON")


def _pairs(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen, twice = set(), []
        for key, _ in pairs:
            if key in seen:
                twice.append(key)
            seen.add(key)
        result = _Duplicated(result)
        result.twice = twice
    return result


class _Duplicated(dict):
    """An object in which a key was given twice (the last value wins, as in jsonb)."""
    twice: list


def _contains_nul(value) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\0" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def _every_member(text: str) -> list:
    """The document read again keeping every member: a key given twice loses its first value in
    a dict, not here. Lone surrogate escapes are refused (str that UTF-8 cannot encode)."""
    members = json.loads(text, object_pairs_hook=list, parse_float=str, parse_int=str, parse_constant=_constant)
    stack = [members]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            item.encode("utf-8")
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return members


def _number(text: str):
    """Exactly, as Decimal; beyond Decimal's exponent range (10^18) as float (inf or 0): no
    rule of the schema reads such a number's value (amount.minor is refused for its exponent
    either way)."""
    try:
        return decimal.Decimal(text)
    except decimal.InvalidOperation:
        return float(text)


def read(raw: bytes):
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_pairs, parse_float=_number,
                           parse_int=int, parse_constant=_constant)
        return value, _every_member(text)
    except (UnicodeError, ValueError, NotJSON, RecursionError) as error:
        raise NotJSON(str(error)[:200]) from None


def depth(text: str) -> int:
    """The deepest nesting as written: a key given twice keeps only its last value once read,
    while the validator refuses a deep first one."""
    deepest = level = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            level += 1
            deepest = max(deepest, level)
        elif character in "]}":
            level -= 1
    return deepest


def is_integer(checker, instance) -> bool:
    if jsonschema.Draft202012Validator.TYPE_CHECKER.is_type(instance, "integer"):
        return True
    return isinstance(instance, decimal.Decimal) and instance.is_finite() and instance == instance.to_integral_value()


def validator_for(schema: dict):
    cls = jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", is_integer))
    return cls(schema)


def judge(validator, name: str, raw: bytes) -> dict:
    line = {"name": name, "verdict": "accepted", "errors": [], "depth": 0, "duplicates": [], "integral_notation": False,
            "nul_hidden_by_duplicate": False}
    try:
        value, members = read(raw)
    except NotJSON as error:
        return {**line, "verdict": "not_json", "errors": [str(error)]}
    # U+0000 in a value that a later duplicate key replaced: the validator saw it, the schema cannot.
    line["nul_hidden_by_duplicate"] = _contains_nul(members) and not _contains_nul(value)
    line["depth"] = depth(raw.decode("utf-8"))
    if isinstance(value, dict):
        line["duplicates"] = list(getattr(value, "twice", []))
        amount = value.get("amount")
        if isinstance(amount, dict):
            line["duplicates"] += [f"amount.{k}" for k in getattr(amount, "twice", [])]
            minor = amount.get("minor")
            line["integral_notation"] = isinstance(minor, decimal.Decimal) and is_integer(None, minor)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        line["verdict"] = "rejected"
        line["errors"] = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.validator}" for e in errors][:10]
    return line


def main(schema_path: str, directory: str) -> int:
    # Numbers keep every digit and exponents up to decimal's limits (the default context stops
    # at 10^999999; PostgreSQL numeric and the validator go further).
    decimal.setcontext(decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN))
    schema = json.loads(pathlib.Path(schema_path).read_text())
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        print(f"{schema_path} is not a valid draft 2020-12 schema: {error.message}", file=sys.stderr)
        return 2
    validator = validator_for(schema)
    for path in sorted(pathlib.Path(directory).iterdir()):
        print(json.dumps(judge(validator, path.name, path.read_bytes())), flush=False)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    # A big stack for the deep documents of the corpus (thousands of levels).
    threading.stack_size(1 << 29)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(main(sys.argv[1], sys.argv[2])))
    worker.start()
    worker.join()
    sys.exit(outcome[0] if outcome else 1)
