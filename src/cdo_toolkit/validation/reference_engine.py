"""``--engine frictionless``: Frictionless's own validation, end to end, in our report shape.

The reference the vectorised engine is held to: the parity tests run both on the same
inputs and compare the errors they find.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _
from cdo_toolkit.validation.catalogue import CATALOGUE
from cdo_toolkit.validation.report import Report, ReportError, Task

if TYPE_CHECKING:
    from cdo_toolkit.registry import Registry
    from cdo_toolkit.validation.api import Options


def _resource(path: Path, options: Options, registry: Registry | None) -> tuple[Any, list[str]]:
    """Frictionless's resource of the file, and notes on what it is not told (what a CSVW
    description says that a Table Schema cannot)."""
    from frictionless import Resource, Schema

    from cdo_toolkit.validation.infer import frictionless_dialect
    from cdo_toolkit.validation.reader import Dialect

    kwargs: dict[str, Any] = {}
    notes: list[str] = []
    dialect = Dialect(delimiter=options.delimiter, sheet=options.sheet)
    encoding = options.encoding
    if options.source and registry is not None:
        from cdo_toolkit.validation.api import dialect_of

        entry = registry.sources[options.source]
        # Outside a package Frictionless cannot follow a foreign key to another source.
        schema = dict(entry.schema or {})
        schema["foreignKeys"] = [
            fk for fk in schema.get("foreignKeys", []) if not fk["reference"].get("resource")
        ]
        kwargs["schema"] = Schema.from_descriptor(schema)
        dialect = dialect_of(entry, options)
        encoding = encoding or entry.source.encoding
    elif options.schema is not None:
        from cdo_toolkit.validation.api import schema_of, written_as

        descriptor, described = schema_of(options.schema)
        kwargs["schema"] = Schema.from_descriptor(descriptor)
        if described is not None:
            dialect = written_as(described, options)
            encoding = encoding or described.encoding
            notes = list(described.notes)
    if encoding:
        kwargs["encoding"] = "utf-8" if encoding == "utf-8-sig" else encoding
    kwargs["dialect"] = frictionless_dialect(dialect, dialect.delimiter)
    declared = (
        registry.sources[options.source].source.format if options.source and registry else None
    )
    if path.name.lower().endswith(".json") or declared == "json":
        # A .json file is data to Frictionless unless told it holds a table's rows.
        kwargs.update(format="json", datatype="table")
    elif path.name.lower().endswith((".jsonl", ".ndjson")):
        kwargs.update(format="jsonl", datatype="table")
    elif path.name.lower().endswith(".xlsm"):  # Frictionless would take it for a plain file
        kwargs.update(format="xlsx")
    return Resource(path=path.name, basepath=str(path.parent.resolve()), **kwargs), notes


def _need_ods_reader() -> None:
    """Frictionless reads .ods only with ezodf (its ``ods`` extra, no longer maintained,
    so not installed with the toolkit, whose own engine reads .ods with python-calamine)."""
    import importlib.util

    if importlib.util.find_spec("ezodf") is None:
        from cdo_toolkit.errors import CdoError

        raise CdoError(
            _("--engine frictionless reads .ods files only with its ods extra, not installed"),
            hint=_(
                "install it (pip install 'frictionless[ods]'), or validate with the default "
                "engine, which reads .ods"
            ),
        )


def _error(error: Any) -> ReportError:
    kind = error.type if error.type in CATALOGUE else "source-error"
    return ReportError(
        kind,
        note=getattr(error, "note", "") or "",
        row_number=getattr(error, "row_number", None),
        field_name=getattr(error, "field_name", None) or None,
        field_number=getattr(error, "field_number", None),
        cell=getattr(error, "cell", None),
        cells=getattr(error, "cells", None),
        label=getattr(error, "label", None),
        labels=getattr(error, "labels", None),
    )


def frictionless_validate(
    path: Path, options: Options, *, registry: Registry | None = None
) -> Report:
    from frictionless import Checklist

    started = time.perf_counter()
    if path.name.lower().endswith(".ods"):
        _need_ods_reader()
    resource, notes = _resource(path, options, registry)
    checklist = Checklist(
        pick_errors=sorted(options.limits.pick) if options.limits.pick else [],
        skip_errors=sorted(options.limits.skip),
    )
    try:
        report = resource.validate(checklist, limit_errors=max(options.limits.errors, 1))
    except (EOFError, OSError, ValueError) as exc:
        # Frictionless reports most unreadable files as a source-error, but lets a few
        # escape (a gzip cut off deep inside raises EOFError): reported the same way.
        task = Task(name=path.name.split(".")[0], place=display_path(path))
        task.errors = [ReportError("source-error", note=str(exc) or type(exc).__name__)]
        task.error_count = 1
        task.summary = {("source-error", ""): 1}
        return Report(tasks=[task], seconds=time.perf_counter() - started)
    tasks = []
    for item in report.tasks:
        task = Task(name=item.name, place=display_path(path), labels=list(item.labels or []))
        task.errors = [_error(e) for e in item.errors][: options.limits.errors]
        task.error_count = len(item.errors)
        for e in task.errors:
            key = (e.type, e.field_name or "")
            task.summary[key] = task.summary.get(key, 0) + 1
        task.rows = item.stats.get("rows") or 0
        task.fields = item.stats.get("fields") or 0
        task.bytes = item.stats.get("bytes") or 0
        task.seconds = item.stats.get("seconds") or 0.0
        task.notes.extend(notes)
        if options.source and registry is not None:
            checks = sorted({c.type for c in registry.sources[options.source].source.checks})
            if checks:
                task.notes.append(
                    _(
                        "the registry's checks of this source ({checks}) are not run by "
                        "--engine frictionless, which knows Table Schema only"
                    ).format(checks=", ".join(checks))
                )
        tasks.append(task)
    return Report(
        tasks=tasks,
        errors=[_error(e) for e in report.errors],
        seconds=time.perf_counter() - started,
    )
