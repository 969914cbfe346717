"""The loaded registry: typed entries with the files they came from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdo_toolkit.findings import Finding, Severity
from cdo_toolkit.registry.models import (
    Build,
    Guarantor,
    Organisation,
    RegistryInfo,
    Source,
    Standard,
)
from cdo_toolkit.yamlpos import Document

_DIGITS = re.compile(r"(\d+)")


def id_order(identifier: str) -> tuple[tuple[int, str | int], ...]:
    """Sort key that orders ids as people count: ``zdroj-2`` before ``zdroj-10``."""
    return tuple(
        (1, int(part)) if part.isdigit() else (0, part)
        for part in _DIGITS.split(identifier)
        if part
    )


def in_id_order(ids: Iterable[str]) -> list[str]:
    return sorted(ids, key=id_order)


@dataclass(frozen=True)
class SourceEntry:
    """A source with the file it was read from and its resolved Table Schema."""

    source: Source
    document: Document
    schema: dict[str, Any] | None
    """The Table Schema descriptor, inline or read from its file; None when it could not be read."""
    schema_file: Path | None = None

    @property
    def id(self) -> str:
        return self.source.id

    def code_references(self, *, single: bool = False) -> list[tuple[str, str, str]]:
        """(field, source, source field) for each field that refers to another source's
        codes: a field pair of a foreign key into another resource (with ``single``, only
        of keys of one field), or a code-list check."""
        found = []
        for key in (self.schema or {}).get("foreignKeys", []):
            reference = key.get("reference") if isinstance(key, dict) else None
            if not isinstance(reference, dict) or not reference.get("resource"):
                continue  # a key into the table itself, or one lint reports
            own, theirs = key.get("fields"), reference.get("fields")
            own = [own] if isinstance(own, str) else own or []
            theirs = [theirs] if isinstance(theirs, str) else theirs or []
            if single and len(own) != 1:
                continue
            found += [(a, reference["resource"], b) for a, b in zip(own, theirs, strict=False)]
        found += [
            (c.field, c.source, c.source_field) for c in self.source.checks if c.type == "code-list"
        ]
        return found

    @property
    def field_names(self) -> list[str]:
        fields = (self.schema or {}).get("fields", [])
        return [f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


@dataclass(frozen=True)
class BuildEntry:
    """A derived dataset with the file it was read from and its SQL."""

    build: Build
    document: Document
    sql: str | None
    """The SELECT, None when the file could not be read."""

    @property
    def id(self) -> str:
        return self.build.id


@dataclass
class Registry:
    root: Path
    info: RegistryInfo | None = None
    organisations: dict[str, Organisation] = field(default_factory=dict)
    guarantors: dict[str, Guarantor] = field(default_factory=dict)
    standards: dict[str, Standard] = field(default_factory=dict)
    sources: dict[str, SourceEntry] = field(default_factory=dict)
    builds: dict[str, BuildEntry] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    broken: dict[str, set[str]] = field(default_factory=dict)
    """Ids of entries that exist but could not be loaded, by kind; references to them are not
    reported again as unknown, so one mistake yields one finding."""
    unreadable: set[str] = field(default_factory=set)
    """Kinds whose file could not be read at all: nothing can be said of references to them."""
    documents: dict[str, Document] = field(default_factory=dict)
    """The parsed registry.yaml and list files, by name, for placing findings."""
    thorough: bool | frozenset[str] = True
    """Whose entries the checks that need heavy libraries (Frictionless, sqlglot) judged:
    every source's, none, or those of the ids held."""

    def judged(self, source_id: str) -> bool:
        """Whether the heavy checks judge the entry of ``source_id``."""
        return self.thorough is True or (
            isinstance(self.thorough, frozenset) and source_id in self.thorough
        )

    def source(self, source_id: str) -> SourceEntry:
        """The entry of ``source_id``.

        Raises:
            CdoError: no source has that id (with the id probably meant).
        """
        entry = self.sources.get(source_id)
        if entry is not None:
            return entry
        from cdo_toolkit.errors import CdoError, closest
        from cdo_toolkit.i18n import _

        raise CdoError(
            _("unknown source {id!r}").format(id=source_id),
            hint=closest(source_id, self.sources, _("'cdo registry list' shows the sources")),
        )

    def sources_of(self, guarantor: str) -> list[str]:
        """The ids of the sources ``guarantor`` guarantees, sorted (maybe none).

        Raises:
            CdoError: no guarantor has that id (with the id probably meant).
        """
        known = sorted(self.known("guarantors"))
        if guarantor not in known:
            from cdo_toolkit.errors import CdoError, closest
            from cdo_toolkit.i18n import _

            raise CdoError(
                _("unknown guarantor {id!r}").format(id=guarantor),
                hint=closest(guarantor, known, _("known: {names}").format(names=", ".join(known))),
            )
        return in_id_order(i for i, e in self.sources.items() if e.source.guarantor == guarantor)

    def source_ids(self) -> list[str]:
        """The ids of all sources, in the order people count them (``a-2`` before ``a-10``)."""
        return in_id_order(self.sources)

    def known(self, kind: str) -> set[str]:
        """Ids of ``kind`` (organisations, guarantors…) that exist, loaded or not."""
        loaded: dict[str, object] = getattr(self, kind)
        return set(loaded) | self.broken.get(kind, set())

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]
