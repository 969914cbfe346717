"""Helpers that run Frictionless itself and the vectorised engine on the same input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdo_toolkit.validation.api import Options, validate
from cdo_toolkit.validation.engine import Limits

Triple = tuple[str, int | None, str | None]


def frictionless_errors(
    path: Path,
    *,
    schema: dict[str, Any] | str | None = None,
    dialect: dict[str, Any] | None = None,
    encoding: str | None = None,
) -> set[Triple]:
    """(type, rowNumber, fieldName) of every error Frictionless reports."""
    from frictionless import Dialect, Package, Resource, Schema

    if path.name.endswith("datapackage.json"):
        report = Package(str(path.name), basepath=str(path.parent)).validate(limit_errors=10**7)
    else:
        options: dict[str, Any] = {}
        if schema is not None:
            options["schema"] = (
                Schema.from_descriptor(schema, basepath=str(path.parent))
                if isinstance(schema, str)
                else Schema.from_descriptor(schema)
            )
        if dialect is not None:
            options["dialect"] = Dialect.from_descriptor(dialect)
        if encoding is not None:
            options["encoding"] = encoding
        if path.name.endswith(".json"):
            # Frictionless reads a .json file as data, not as a table's rows, unless told.
            options.update(format="json", datatype="table")
        elif path.name.endswith(".jsonl"):
            options.update(format="jsonl", datatype="table")
        report = Resource(path=path.name, basepath=str(path.parent), **options).validate(
            limit_errors=10**7
        )
    return (
        {
            (e.type, getattr(e, "row_number", None), getattr(e, "field_name", None) or None)
            for e in report.flatten_errors()
        }
        if hasattr(report, "flatten_errors")
        else {
            (e.type, getattr(e, "row_number", None), getattr(e, "field_name", None) or None)
            for task in report.tasks
            for e in task.errors
        }
        | {(e.type, None, None) for e in report.errors}
    )


def engine_errors(path: Path, options: Options | None = None) -> set[Triple]:
    options = options or Options()
    options.limits = Limits(errors=10**7)
    report = validate(str(path), options)
    return {(t, r, f) for t, r, f in report.flatten()} | {
        (e.type, None, None) for e in report.errors
    }


def agreed_errors(package: Path) -> set[Triple]:
    """The errors of a data package, asserted the same from Frictionless and the engine."""
    ours = engine_errors(package)
    theirs = frictionless_errors(package)
    assert ours == theirs, sorted(ours ^ theirs, key=str)[:10]
    return ours
