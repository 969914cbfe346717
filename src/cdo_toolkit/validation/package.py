"""Validating a Frictionless Data Package: every resource, and foreign keys between them.

Frictionless judges the descriptor. Each resource path must stay inside the package's
folder (no absolute paths, no ``..``, no symbolic link leading out) and be a local file
unless remote files are allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _
from cdo_toolkit.validation.engine import Reference, TableInput, validate_table
from cdo_toolkit.validation.fields import SchemaSpec, schema_spec
from cdo_toolkit.validation.reader import Dialect
from cdo_toolkit.validation.report import ReportError, Task
from cdo_toolkit.validation.source import is_remote

if TYPE_CHECKING:
    from cdo_toolkit.validation.api import Options, Progress


def _descriptor(path: Path, options: Options) -> dict[str, Any]:
    from cdo_toolkit.yamlpos import YamlProblem, load_yaml

    try:
        data = load_yaml(path, max_bytes=16 * 1024 * 1024).data
    except YamlProblem as problem:
        raise CdoError(problem.render()) from None
    if not isinstance(data, dict):
        raise CdoError(
            _("{file}: a Data Package descriptor must be a JSON object").format(
                file=display_path(path)
            )
        )
    from frictionless import Package

    # Unsafe resource paths are reported per resource, clearer than Frictionless's
    # "not safe"; the rest of the descriptor is judged by Frictionless.
    judged = dict(data)
    if isinstance(data.get("resources"), list):  # else Frictionless says what is wrong
        judged["resources"] = [
            {**r, "path": "placeholder.csv"}
            if isinstance(r, dict)
            and "path" in r
            and _resolve(path.parent, r.get("path"), options)[1]
            else r
            for r in data["resources"]
        ]
    report = Package.validate_descriptor(judged, basepath=str(path.parent))
    if not report.valid:
        raise CdoError(
            _("{file}: not a valid Data Package: {note}").format(
                file=display_path(path), note=report.errors[0].note if report.errors else "invalid"
            )
        )
    return data


def _dialect(resource: dict[str, Any]) -> Dialect:
    dialect = resource.get("dialect") or {}
    csv = dialect.get("csv", dialect)  # Frictionless v2 nests CSV options under "csv"
    header_rows = dialect.get("headerRows")
    return Dialect(
        delimiter=csv.get("delimiter"),
        quote_char=csv.get("quoteChar", '"'),
        double_quote=csv.get("doubleQuote", True),
        escape_char=csv.get("escapeChar"),
        skip_initial_space=csv.get("skipInitialSpace", False),
        header=dialect.get("header"),
        header_rows=tuple(header_rows) if header_rows else None,
        header_join=dialect.get("headerJoin", " "),
        comment_char=dialect.get("commentChar"),
        comment_rows=tuple(dialect.get("commentRows") or ()),
        skip_blank_rows=bool(dialect.get("skipBlankRows", False)),
        sheet=(dialect.get("excel") or {}).get("sheet"),
    )


def _resolve_parts(
    base: Path, value: Any, options: Options
) -> tuple[list[Path] | None, str | None]:
    """The local files of a resource path (several for a multipart resource), or the
    reason they may not be read."""
    paths = value if isinstance(value, list) and value else [value]
    if len(paths) > 1 and any(isinstance(v, str) and is_remote(v) for v in paths):
        return None, _("remote multipart resources are not supported")
    files: list[Path] = []
    for item in paths:
        local, problem = _resolve(base, item, options)
        if problem or local is None:
            return None, problem
        files.append(local)
    return files, None


def _resolve(base: Path, value: Any, options: Options) -> tuple[Path | None, str | None]:
    """The local file of a resource path, or the reason it may not be read."""
    if not isinstance(value, str):
        return None, _("a resource path must be a string or a list of strings")
    if is_remote(value):
        return None, _("the resource is remote ({url}); pass --allow-remote to fetch it").format(
            url=value
        ) if not options.allow_remote else None
    candidate = Path(value)
    if candidate.is_absolute() or ".." in candidate.parts:
        return None, _("the path {path!r} leads outside the data package folder").format(path=value)
    resolved = (base / candidate).resolve()
    if not resolved.is_relative_to(base.resolve()):
        return None, _(
            "the path {path!r} leads outside the data package folder (a symbolic link?)"
        ).format(path=value)
    return resolved, None


def validate_package(path: Path, options: Options, progress: Progress | None = None) -> list[Task]:
    """One task per resource."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cdo-inline-") as scratch:
        return _validate_package(path, options, progress, Path(scratch))


def _inline(resource: dict[str, Any], number: int, scratch: Path) -> Path:
    """A resource's inline ``data`` (rows as arrays, the labels first, or as objects),
    written as the JSON table it is, to be read as one (``format: json``)."""
    import json

    target = scratch / f"resource{number}.json"
    target.write_text(json.dumps(resource["data"], ensure_ascii=False), "utf-8")
    return target


def _validate_package(
    path: Path, options: Options, progress: Progress | None, scratch: Path
) -> list[Task]:
    base = path.parent
    descriptor = _descriptor(path, options)
    resources = descriptor.get("resources", [])
    inputs: dict[str, TableInput] = {}
    tasks: dict[str, Task] = {}
    for number, resource in enumerate(resources, start=1):
        name = resource.get("name") or f"resource{number}"
        files: list[Path] | None
        problem: str | None
        if "path" not in resource and isinstance(resource.get("data"), list):
            files, problem = [_inline(resource, number, scratch)], None
            place = _("{package}, inline data of {name}").format(
                package=display_path(path), name=name
            )
            resource = {**resource, "format": "json"}
        else:
            files, problem = _resolve_parts(base, resource.get("path"), options)
            path_value = resource.get("path")
            place = (
                ", ".join(map(str, path_value)) if isinstance(path_value, list) else str(path_value)
            )
        if problem:
            task = Task(name=name, place=place)
            task.errors = [ReportError("scheme-error", note=problem)]
            task.error_count = 1
            task.summary = {("scheme-error", ""): 1}
            tasks[name] = task
            continue
        assert files is not None
        schema = resource.get("schema")
        if isinstance(schema, str):
            schema_path, schema_problem = _resolve(base, schema, options)
            if schema_problem or schema_path is None:
                raise CdoError(
                    _("resource {name}: {problem}").format(name=name, problem=schema_problem)
                )
            from cdo_toolkit.validation.api import load_schema

            spec: SchemaSpec | None = load_schema(schema_path)
        else:
            spec = schema_spec(schema) if isinstance(schema, dict) else None
        inputs[name] = TableInput(
            path=files[0],
            parts=tuple(files[1:]),
            name=name,
            place=place,
            schema=spec,
            dialect=_dialect(resource),
            encoding=options.encoding or resource.get("encoding"),
            format=resource.get("format"),
        )
    _link_references(inputs)
    for name, table in inputs.items():
        tasks[name] = validate_table(table, options.limits, progress)
    return [tasks[r.get("name") or f"resource{i}"] for i, r in enumerate(resources, start=1)]


def _link_references(inputs: dict[str, TableInput]) -> None:
    """Load the keys each foreign key points at from the resource it names."""
    from cdo_toolkit.validation.api import read_keys

    wanted: dict[str, list[tuple[str, ...]]] = {}
    for table in inputs.values():
        if table.schema is None:
            continue
        for fk in table.schema.foreign_keys:
            if fk.resource and fk.resource in inputs:
                wanted.setdefault(fk.resource, []).append(fk.reference_fields)
    for name, field_sets in wanted.items():
        keys = read_keys(inputs[name], field_sets)
        for table in inputs.values():
            table.references[name] = Reference(name, keys)
