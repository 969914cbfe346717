"""Checks across registry entries: references, tables, personal-data columns, unused entries."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from cdo_toolkit.findings import Finding, Severity
from cdo_toolkit.i18n import _
from cdo_toolkit.registry.placed import finding
from cdo_toolkit.registry.registry import Registry, SourceEntry
from cdo_toolkit.yamlpos import Document, Path_

# (finding code, registry attribute) of each kind of reference.
REFERENCE_CODES = {
    "guarantors": "REG020",
    "standards": "REG021",
    "organisations": "REG022",
    "sources": "REG033",
}


def _reference(
    registry: Registry, kind: str, label: str, value: str, document: Document, path: Path_
) -> Iterator[Finding]:
    """A finding if ``value`` names no entry of ``kind``.

    An entry that exists but is broken was reported where it stands; a reference to it is
    not reported again, so one mistake yields one finding.
    """
    if kind in registry.unreadable or value in registry.known(kind):
        return
    choices = sorted(getattr(registry, kind))
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    hint = (
        _("did you mean {id!r}?").format(id=close[0])
        if close
        else _("known: {ids}").format(ids=", ".join(choices) or "-")
    )
    yield finding(
        REFERENCE_CODES[kind],
        _("unknown {kind} {id!r}").format(kind=label, id=value),
        document,
        path,
        hint=hint,
    )


def check_references(registry: Registry) -> list[Finding]:
    """Every reference resolves, every table is unique, every marked column exists."""
    findings: list[Finding] = []
    findings.extend(_guarantor_organisations(registry))
    findings.extend(_defaults(registry))
    tables: dict[str, SourceEntry] = {}
    for entry in registry.sources.values():
        findings.extend(_source_references(registry, entry))
        table = entry.source.warehouse.table
        if table in tables:
            findings.append(
                finding(
                    "REG041",
                    _("warehouse table {table!r} is already used by source {other!r}").format(
                        table=table, other=tables[table].id
                    ),
                    entry.document,
                    ("warehouse", "table"),
                    hint=_("each source loads into its own table"),
                )
            )
        tables.setdefault(table, entry)
    findings.extend(_unused(registry))
    return findings


def _guarantor_organisations(registry: Registry) -> Iterator[Finding]:
    document = registry.documents.get("guarantors")
    if document is None:
        return
    for index, item in enumerate(document.data["guarantors"]):
        if isinstance(item, dict) and item.get("id") in registry.guarantors:
            guarantor = registry.guarantors[item["id"]]
            yield from _reference(
                registry,
                "organisations",
                _("organisation"),
                guarantor.organisation,
                document,
                ("guarantors", index, "organisation"),
            )


def _defaults(registry: Registry) -> Iterator[Finding]:
    document = registry.documents.get("registry")
    if registry.info is None or document is None:
        return
    defaults = registry.info.defaults
    for kind, label, value in (
        ("guarantors", "guarantor", defaults.guarantor),
        ("standards", "standard", defaults.standard),
        ("organisations", "publisher", defaults.publisher),
    ):
        if value is not None:
            yield from _reference(registry, kind, _(label), value, document, ("defaults", label))


def _source_references(registry: Registry, entry: SourceEntry) -> Iterator[Finding]:
    source, document = entry.source, entry.document
    yield from _reference(
        registry, "guarantors", _("guarantor"), source.guarantor, document, ("guarantor",)
    )
    yield from _reference(
        registry, "standards", _("standard"), source.standard, document, ("standard",)
    )
    yield from _reference(
        registry, "organisations", _("organisation"), source.publisher, document, ("publisher",)
    )
    if entry.schema is None:
        return
    names = set(entry.field_names)
    for index, column in enumerate(source.personal_data.columns):
        if column not in names:
            yield finding(
                "REG032",
                _("personal-data column {name!r} is not a field of the schema").format(name=column),
                document,
                ("personal_data", "columns", index),
                hint=_("use a field name of the Table Schema"),
            )
    yield from _source_checks(registry, entry, names)
    foreign_keys = entry.schema.get("foreignKeys")
    if not isinstance(foreign_keys, list):
        return
    for foreign in foreign_keys:
        reference = foreign.get("reference") if isinstance(foreign, dict) else None
        resource = reference.get("resource", "") if isinstance(reference, dict) else ""
        if resource:
            # Inline schemas point at the key; a schema file's findings stand in the source file.
            yield from _reference(
                registry,
                "sources",
                _("source in a foreign key"),
                str(resource),
                document,
                ("schema",),
            )


def _source_checks(registry: Registry, entry: SourceEntry, names: set[str]) -> Iterator[Finding]:
    """The registry checks of a source name fields of its schema and sources that exist."""
    for index, check in enumerate(entry.source.checks):
        here = ("checks", index)
        field = getattr(check, "field", None)
        if field is not None and field not in names:
            yield finding(
                "REG034",
                _("the check names an unknown field {name!r}").format(name=field),
                entry.document,
                (*here, "field"),
                hint=_("use a field name of the Table Schema"),
            )
        if check.type == "code-list":
            yield from _reference(
                registry,
                "sources",
                _("source in a code-list check"),
                check.source,
                entry.document,
                (*here, "source"),
            )
            target = registry.sources.get(check.source)
            if (
                target is not None
                and target.schema is not None
                and check.source_field not in target.field_names
            ):
                yield finding(
                    "REG034",
                    _("source {id!r} has no field {name!r}").format(
                        id=check.source, name=check.source_field
                    ),
                    entry.document,
                    (*here, "source_field"),
                )
        if check.type == "row-rule" and registry.judged(entry.id):
            from cdo_toolkit.validation.expressions import (
                ExpressionError,
                mistyped,
                unknown_columns,
            )

            try:
                unknown = unknown_columns(check.expression, names)
            except ExpressionError as error:
                yield finding("REG035", str(error), entry.document, (*here, "expression"))
                continue
            if unknown:
                yield finding(
                    "REG035",
                    _("the row rule names unknown fields: {names}").format(
                        names=", ".join(unknown)
                    ),
                    entry.document,
                    (*here, "expression"),
                )
                continue
            fields = (entry.schema or {}).get("fields", [])
            types = {
                str(f["name"]): str(f.get("type", "string"))
                for f in fields
                if isinstance(f, dict) and "name" in f
            }
            said = mistyped(check.name, check.expression, types)
            if said:
                yield finding("REG035", said, entry.document, (*here, "expression"))


def _unused(registry: Registry) -> Iterator[Finding]:
    if registry.broken.get("sources"):
        return  # a source that could not be read may be the one that uses the entry
    for kind in ("guarantors", "standards"):
        document = registry.documents.get(kind)
        if document is None:
            continue
        used = {getattr(e.source, kind[:-1]) for e in registry.sources.values()}
        for index, item in enumerate(document.data[kind]):
            entry_id = item.get("id") if isinstance(item, dict) else None
            if entry_id in getattr(registry, kind) and entry_id not in used:
                yield finding(
                    "REG050",
                    _("{id!r} is not used by any source").format(id=entry_id),
                    document,
                    (kind, index, "id"),
                    severity=Severity.WARNING,
                    hint=_("assign it to a source or remove it"),
                )
