"""Plain-data views of registry entries, shared by the CLI's JSON and table outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdo_toolkit.findings import Finding
from cdo_toolkit.registry.registry import Registry, SourceEntry


@dataclass(frozen=True)
class LintResult:
    """What ``cdo registry lint`` found."""

    registry: str
    findings: list[Finding] = field(default_factory=list)
    sources: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity.value == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "valid": self.errors == 0,
            "sources": self.sources,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.to_dict() for f in self.findings],
        }


def source_summary(registry: Registry, entry: SourceEntry) -> dict[str, Any]:
    source = entry.source
    guarantor = registry.guarantors.get(source.guarantor)
    publisher = registry.organisations.get(source.publisher)
    return {
        "id": source.id,
        "title": source.title,
        "theme": source.theme.value,
        "guarantor": source.guarantor,
        "guarantor_name": guarantor.name if guarantor else None,
        "publisher": source.publisher,
        "publisher_name": publisher.name if publisher else None,
        "standard": source.standard,
        "update_frequency": source.update_frequency.value,
        "personal_data": source.personal_data.contains,
        "table": f"raw.{source.warehouse.table}",
    }


def list_sources(
    registry: Registry, *, theme: str | None = None, guarantor: str | None = None
) -> list[dict[str, Any]]:
    """Summaries of the sources, filtered by theme and guarantor, ordered by id."""
    rows = []
    for entry in (registry.sources[i] for i in registry.source_ids()):
        if theme and entry.source.theme.value != theme:
            continue
        if guarantor and entry.source.guarantor != guarantor:
            continue
        rows.append(source_summary(registry, entry))
    return rows


def source_details(registry: Registry, source_id: str) -> dict[str, Any]:
    """Everything the registry says of one source, references resolved.

    Raises:
        CdoError: no source has that id.
    """
    entry = registry.source(source_id)
    source = entry.source
    details = source.model_dump(mode="json", by_alias=True, exclude_none=True)
    details["schema"] = entry.schema
    details["schema_file"] = (
        entry.schema_file.relative_to(registry.root.resolve()).as_posix()
        if entry.schema_file
        else None
    )
    details["file"] = entry.document.file
    guarantor = registry.guarantors.get(source.guarantor)
    publisher = registry.organisations.get(source.publisher)
    standard = registry.standards.get(source.standard)
    details["guarantor_entry"] = (
        guarantor.model_dump(mode="json", exclude_none=True) if guarantor else None
    )
    details["publisher_entry"] = (
        publisher.model_dump(mode="json", exclude_none=True) if publisher else None
    )
    details["standard_entry"] = (
        standard.model_dump(mode="json", exclude_none=True) if standard else None
    )
    return details
