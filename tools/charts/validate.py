"""Validates rendered manifests against their schemas, offline.

Built-in kinds: kubernetes-validate's OpenAPI schemas of KUBERNETES_VERSION (strict: unknown
fields are errors). Custom resources: the CRD schemas in tools/charts/schemas/crds
(<group>/<kind>_<version>.json); a kind without a schema there is an error, not a pass.
"""
from __future__ import annotations

import functools
import json
import pathlib

import jsonschema
import kubernetes_validate

KUBERNETES_VERSION = "1.30.0"
CRD_SCHEMAS = pathlib.Path(__file__).resolve().parent / "schemas" / "crds"


def is_builtin(group: str) -> bool:
    return group == "" or group.endswith(".k8s.io") or "." not in group


@functools.cache
def crd_schema(group: str, kind: str, version: str) -> dict | None:
    path = CRD_SCHEMAS / group / f"{kind.lower()}_{version}.json"
    return json.loads(path.read_text()) if path.exists() else None


def errors(manifest: dict) -> list[str]:
    api_version = manifest.get("apiVersion", "")
    kind = manifest.get("kind", "")
    group, _, version = api_version.rpartition("/")
    if is_builtin(group):
        try:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            return [f"{error.message} at {'.'.join(str(p) for p in error.path)}"]
        except kubernetes_validate.SchemaNotFoundError:
            return [f"no Kubernetes {KUBERNETES_VERSION} schema for {api_version} {kind}"]
        return []
    schema = crd_schema(group, kind, version)
    if schema is None:
        return [f"no schema for {api_version} {kind} in {CRD_SCHEMAS} (copy it from the CRD catalog)"]
    validator = jsonschema.Draft7Validator(schema)
    return [f"{e.message} at {'.'.join(str(p) for p in e.absolute_path)}" for e in validator.iter_errors(manifest)]
