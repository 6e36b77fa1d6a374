"""The CDS Hooks 2.0 JSON Schemas in `schemas/`, loaded once and checked with `jsonschema`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_NAMES = ("common", "discovery", "request", "response", "feedback")


@cache
def _registry() -> Registry:
    resources = []
    for name in SCHEMA_NAMES:
        contents = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one schema (`discovery`, `request`, `response` or `feedback`)."""
    registry = _registry()
    schema = registry.contents(f"urn:upright:cds-hooks:2.0:{name}")
    return Draft202012Validator(schema, registry=registry)


def first_error(name: str, document: object) -> str | None:
    """Where and why a document breaks the schema, in a line safe to log; None when valid."""
    error = best_match(validator(name).iter_errors(document))
    if error is None:
        return None
    place = "/".join(str(part) for part in error.absolute_path) or "(top level)"
    if error.validator == "required":
        # Names a property from the schema, never a value the client sent.
        return f"{place}: {error.message}"
    # Other messages quote the offending value, which may be patient data: name the rule only.
    return f"{place}: fails '{error.validator}'"
