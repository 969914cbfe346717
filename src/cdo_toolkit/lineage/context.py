"""Lineage for the commands: the emitter of the settings, and the datasets of a source."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cdo_toolkit.lineage.emitter import Emitter
from cdo_toolkit.lineage.events import Dataset
from cdo_toolkit.lineage.naming import file_dataset, table_dataset

if TYPE_CHECKING:
    from cdo_toolkit.config import Settings
    from cdo_toolkit.registry import Registry, SourceEntry
    from cdo_toolkit.validation.report import Task
    from cdo_toolkit.warehouse.url import WarehouseUrl


def emitter_for(settings: Settings) -> Emitter | None:
    """The emitter of these settings; None when OPENLINEAGE_DISABLED=true."""
    if os.getenv("OPENLINEAGE_DISABLED", "").lower().strip() == "true":
        return None
    return Emitter(lineage_folder(settings), settings.lineage)


def lineage_folder(settings: Settings) -> Path:
    """Where the local lineage log and spool live: beside the warehouse in a project,
    else in the user's state folder (no ``warehouse/`` beside a guarantor's download)."""
    if settings.in_project:
        from cdo_toolkit.warehouse.url import parse_url

        return parse_url(settings.warehouse, settings.root).folder / "lineage"
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "cdo" / "lineage"


def _fields(entry: SourceEntry | None) -> list[tuple[str, str]]:
    if entry is None or entry.schema is None:
        return []
    return [(f["name"], f.get("type", "string")) for f in entry.schema.get("fields", [])]


def _personal(entry: SourceEntry | None) -> frozenset[str]:
    return frozenset(entry.source.personal_data.columns) if entry is not None else frozenset()


def _owner(registry: Registry | None, entry: SourceEntry | None) -> str | None:
    if registry is None or entry is None:
        return None
    guarantor = registry.guarantors.get(entry.source.guarantor)
    return f"{guarantor.name} <{guarantor.email}>" if guarantor else entry.source.guarantor


def _described(
    namespace: str, name: str, registry: Registry | None, entry: SourceEntry | None
) -> Dataset:
    """A dataset with what the registry says of its source: fields, description, owner."""
    return Dataset(
        namespace,
        name,
        fields=_fields(entry),
        description=entry.source.description if entry else None,
        owner=_owner(registry, entry),
        personal=_personal(entry),
    )


def file_input(
    path: Path, registry: Registry | None = None, entry: SourceEntry | None = None
) -> Dataset:
    dataset = _described(*file_dataset(path), registry, entry)
    dataset.source_uri = path.resolve().as_uri()
    return dataset


def with_report(dataset: Dataset, task: Task) -> Dataset:
    """The dataset with the metrics and assertions of its validation."""
    dataset.rows = task.rows
    dataset.bytes = task.bytes
    dataset.null_counts = dict(task.missing)
    dataset.assertions = [a for a in task.assertions if a.get("assertion")]
    if not dataset.fields:
        dataset.fields = task.schema_fields or [(label, "string") for label in task.labels]
    return dataset


def table_output(
    url: WarehouseUrl,
    table: str,
    registry: Registry | None,
    entry: SourceEntry | None,
    rows: int | None = None,
    schema: str = "raw",
) -> Dataset:
    namespace, name = table_dataset(url, schema, table)
    dataset = _described(namespace, name, registry, entry)
    dataset.source_uri = url.safe if url.kind == "postgres" else namespace
    dataset.rows = rows
    return dataset
