"""Validation of OpenLineage events against the official JSON Schemas in ../shared."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tests.conftest import SHARED

SPEC = SHARED / "openlineage-spec"
KINDS = ("RunFacet", "JobFacet", "DatasetFacet", "InputDatasetFacet", "OutputDatasetFacet")


@cache
def _spec() -> tuple[dict[str, Any], dict[str, dict[str, Any]], Any]:
    from referencing import Registry, Resource

    core = json.loads((SPEC / "OpenLineage.json").read_text("utf-8"))
    facets = {
        p.stem: json.loads(p.read_text("utf-8")) for p in sorted((SPEC / "facets").glob("*.json"))
    }
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in [core, *facets.values()]
    )
    return core, facets, registry


def _kinds(schema: dict[str, Any]) -> set[str]:
    text = json.dumps(schema)
    return {k for k in KINDS if f'OpenLineage.json#/$defs/{k}"' in text}


def event_errors(event: dict[str, Any], event_type: str = "RunEvent") -> list[str]:
    """Every violation of the core schema and of each facet's own schema (formats checked)."""
    from jsonschema import Draft202012Validator, FormatChecker

    core, facets, registry = _spec()

    def validator(schema: dict[str, Any]) -> Draft202012Validator:
        return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())

    found = [
        e.message
        for e in validator({"$ref": core["$id"] + "#/$defs/" + event_type}).iter_errors(event)
    ]

    def check(obj: dict[str, Any], key: str, kind: str) -> None:
        for name, value in (obj.get(key) or {}).items():
            schemas = [
                s for s in facets.values() if name in s.get("properties", {}) and kind in _kinds(s)
            ]
            if not schemas:
                found.append(f"{key}.{name}: no {kind} of that name in the spec")
            for schema in schemas:
                found.extend(
                    f"{key}.{name}: {e.message}"
                    for e in validator(schema).iter_errors({name: value})
                )

    check(event["run"], "facets", "RunFacet")
    check(event["job"], "facets", "JobFacet")
    for dataset in event.get("inputs") or []:
        check(dataset, "facets", "DatasetFacet")
        check(dataset, "inputFacets", "InputDatasetFacet")
    for dataset in event.get("outputs") or []:
        check(dataset, "facets", "DatasetFacet")
        check(dataset, "outputFacets", "OutputDatasetFacet")
    return found


def format_checks_active() -> bool:
    """Whether uri and date-time are really checked (their validators are installed)."""
    from jsonschema import FormatChecker

    checker = FormatChecker()
    return not checker.conforms("not a date", "date-time") and not checker.conforms("no uri", "uri")


def read_events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
