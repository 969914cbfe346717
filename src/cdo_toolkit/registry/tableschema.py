"""A source's Frictionless Table Schema: finding it, reading it, checking it.

Frictionless is the judge of a schema descriptor; before it, a few checks of our own
place the common mistakes (an unknown field in the primary key, a duplicate field name,
a pattern that is not a regular expression) at their exact line and column, which
Frictionless cannot do.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from cdo_toolkit.findings import Finding
from cdo_toolkit.i18n import _
from cdo_toolkit.registry.models import Source
from cdo_toolkit.registry.placed import finding, problem_finding
from cdo_toolkit.validation.hints import as_strptime, no_directive
from cdo_toolkit.yamlpos import Document, Path_, YamlProblem, load_json_or_yaml

FIELD_TYPES = frozenset(
    {
        "string", "number", "integer", "boolean", "object", "array", "date", "time",
        "datetime", "year", "yearmonth", "duration", "geopoint", "geojson", "any",
    }
)  # fmt: skip
SCHEMA_SUFFIXES = (".json", ".yaml", ".yml")


class Resolved(NamedTuple):
    """A source's Table Schema as found and checked."""

    descriptor: dict[str, Any] | None
    """None when it cannot be read."""
    file: Path | None
    """None when inline."""
    findings: list[Finding]
    place: tuple[Document, Path_] | None = None
    """Where the descriptor stands, for Frictionless's verdict given later."""


def resolve_schema(
    source: Source, document: Document, root: Path, *, thorough: bool = True
) -> Resolved:
    """Find and check the Table Schema of ``source``. ``thorough`` adds Frictionless's own
    verdict (:func:`frictionless_findings`), which costs importing Frictionless."""
    value = source.table_schema
    if isinstance(value, dict):
        checked = check_schema(value, document, ("schema",), thorough=thorough)
        return Resolved(value, None, checked, (document, ("schema",)))
    root_resolved = root.resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(root_resolved):
        return Resolved(
            None,
            None,
            [
                finding(
                    "REG030",
                    _("the schema path {path!r} leads outside the registry").format(path=value),
                    document,
                    ("schema",),
                    hint=_(
                        "keep schemas inside the registry folder, e.g. schemas/{id}.json"
                    ).format(id=source.id),
                )
            ],
        )
    if path.suffix not in SCHEMA_SUFFIXES or not path.is_file():
        return Resolved(
            None,
            None,
            [
                finding(
                    "REG030",
                    _("schema file {path!r} not found").format(path=value),
                    document,
                    ("schema",),
                    hint=slash_hint(value)
                    or _("the path is relative to the registry folder; a .json or .yaml file"),
                )
            ],
        )
    try:
        # JSON is YAML, so JSON schemas get positions too (when a finding needs one).
        schema_document = load_json_or_yaml(path)
    except YamlProblem as problem:
        return Resolved(None, path, [problem_finding(problem)])
    schema = schema_document.data
    if not isinstance(schema, dict):
        return Resolved(
            None,
            path,
            [finding("REG031", _("a Table Schema must be a JSON object"), schema_document, ())],
        )
    checked = check_schema(schema, schema_document, (), thorough=thorough)
    return Resolved(schema, path, checked, (schema_document, ()))


def slash_hint(path: str) -> str | None:
    """What to do with a path written with Windows's backslashes, which the registry's
    paths do not use (they are the same on every system)."""
    if "\\" not in path:
        return None
    return _("write the path with '/': {path}").format(path=path.replace("\\", "/"))


def check_schema(
    schema: Any, document: Document, at: Path_, *, thorough: bool = True
) -> list[Finding]:
    """Check a Table Schema descriptor standing at ``at`` in ``document``."""
    if not isinstance(schema, dict):
        return [finding("REG031", _("a Table Schema must be a mapping"), document, at)]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [
            finding(
                "REG031",
                _("the Table Schema has no 'fields' list"),
                document,
                at,
                hint=_("list the columns under 'fields', each with a name and a type"),
            )
        ]
    findings: list[Finding] = []
    names: dict[str, int] = {}
    for index, field in enumerate(fields):
        here = (*at, "fields", index)
        if (
            not isinstance(field, dict)
            or not isinstance(field.get("name"), str)
            or not field["name"]
        ):
            findings.append(finding("REG031", _("a field needs a name"), document, here))
            continue
        name = field["name"]
        if name in names:
            findings.append(
                finding(
                    "REG031",
                    _("duplicate field name {name!r}").format(name=name),
                    document,
                    (*here, "name"),
                )
            )
        names.setdefault(name, index)
        field_type = field.get("type", "string")
        if field_type not in FIELD_TYPES:
            close = [t for t in FIELD_TYPES if t.startswith(str(field_type)[:3])]
            findings.append(
                finding(
                    "REG031",
                    _("field {name!r}: unknown type {type!r}").format(name=name, type=field_type),
                    document,
                    (*here, "type"),
                    hint=_("did you mean {type!r}?").format(type=close[0])
                    if close
                    else _("types: {types}").format(types=", ".join(sorted(FIELD_TYPES))),
                )
            )
        written = field.get("format")
        if field_type in ("date", "datetime", "time") and no_directive(written):
            proposed = as_strptime(str(written), field_type)
            findings.append(
                finding(
                    "REG031",
                    _(
                        "field {name!r}: the format {format!r} names no part of a date or time "
                        "(strptime writes them as %d, %m, %Y, %H, %M), so no value can match it"
                    ).format(name=name, format=written),
                    document,
                    (*here, "format"),
                    hint=_("did you mean {format!r}?").format(format=proposed)
                    if proposed
                    else _("formats are written as Python's strptime, e.g. '%d.%m.%Y'"),
                )
            )
        constraints = field.get("constraints") or {}
        pattern = constraints.get("pattern") if isinstance(constraints, dict) else None
        if pattern is not None:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                findings.append(
                    finding(
                        "REG031",
                        _(
                            "field {name!r}: the pattern is not a regular expression: {reason}"
                        ).format(name=name, reason=exc),
                        document,
                        (*here, "constraints", "pattern"),
                    )
                )
    findings.extend(_check_keys(schema, names, document, at))
    if thorough and not findings:
        findings.extend(frictionless_findings(schema, document, at))
    return findings


def as_list(value: Any) -> list[Any]:
    """A Table Schema key's fields, written as one name or as a list of names."""
    return value if isinstance(value, list) else [value]


def _check_keys(
    schema: dict[str, Any], names: dict[str, int], document: Document, at: Path_
) -> list[Finding]:
    findings = []
    for key in ("primaryKey",):
        if key in schema:
            for column in as_list(schema[key]):
                if column not in names:
                    findings.append(
                        finding(
                            "REG031",
                            _("the primary key names an unknown field {name!r}").format(
                                name=column
                            ),
                            document,
                            (*at, key),
                        )
                    )
    for index, foreign in enumerate(as_list(schema.get("foreignKeys", []))):
        here = (*at, "foreignKeys", index)
        if not isinstance(foreign, dict) or not isinstance(foreign.get("reference"), dict):
            findings.append(
                finding("REG031", _("a foreign key needs 'fields' and 'reference'"), document, here)
            )
            continue
        for column in as_list(foreign.get("fields")):
            if column not in names:
                findings.append(
                    finding(
                        "REG031",
                        _("the foreign key names an unknown field {name!r}").format(name=column),
                        document,
                        (*here, "fields"),
                    )
                )
        if len(as_list(foreign.get("fields"))) != len(as_list(foreign["reference"].get("fields"))):
            findings.append(
                finding(
                    "REG031",
                    _("the foreign key and its reference have different numbers of fields"),
                    document,
                    (*here, "reference"),
                )
            )
    return findings


def frictionless_findings(schema: dict[str, Any], document: Document, at: Path_) -> list[Finding]:
    """Frictionless's own verdict on the descriptor, for what our checks do not cover."""
    from frictionless import Schema

    report = Schema.validate_descriptor(schema)
    return [
        finding(
            "REG031",
            _("invalid Table Schema: {note}").format(note=error.note),
            document,
            at,
            hint=_("see https://specs.frictionlessdata.io/table-schema/"),
        )
        for error in report.errors
    ]
