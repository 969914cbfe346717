"""``cdo submit``: store, validate, load or quarantine, reconcile, record. Nothing lost.

1. The file is stored first in the landing zone, by its SHA-256, read-only.
2. The same bytes accepted before are recognised and not loaded twice.
3. It is validated against its source; error-severity findings reject it.
4. Rejected: a copy and the report go to quarantine; the status says rejected.
5. Accepted: one transaction loads it, reconciles it and records it accepted.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.files import require_file
from cdo_toolkit.i18n import _, active, decimal, every_language, in_every_language, stored
from cdo_toolkit.warehouse import meta
from cdo_toolkit.warehouse.connection import Warehouse
from cdo_toolkit.warehouse.keys import stored_keys
from cdo_toolkit.warehouse.landing import land, quarantine

if TYPE_CHECKING:
    from collections.abc import Callable

    from cdo_toolkit.registry import Registry
    from cdo_toolkit.validation.report import Report
    from cdo_toolkit.warehouse.url import WarehouseUrl


@dataclass
class SubmitResult:
    submission_id: int
    source: str
    status: str
    """accepted, rejected or duplicate."""
    sha256: str
    landing_path: str
    rows: int = 0
    table: str | None = None
    report: Report | None = None
    quarantine_path: str | None = None
    reconciliation: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    duplicate_of: int | None = None
    reason: str | None = None
    """Why a rejected file was rejected: the standard's limit it broke."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission_id,
            "source": self.source,
            "status": self.status,
            "sha256": self.sha256,
            "landing": self.landing_path,
            "rows": self.rows,
            "table": self.table,
            "quarantine": self.quarantine_path,
            "reconciliation": self.reconciliation,
            "warnings": self.warnings,
            "duplicate_of": self.duplicate_of,
            "reason": self.reason,
            "report": self.report.to_dict() if self.report else None,
        }


def submit(
    registry: Registry,
    url: WarehouseUrl,
    source_id: str,
    file: Path,
    *,
    guarantor: str | None = None,
    folder: Path | None = None,
    wait_seconds: float = 30.0,
    on_wait: Callable[[str], None] | None = None,
    references: dict[str, Path] | None = None,
    emitter: Any = None,
    namespace: str = "liberecky-kraj",
    accept_volume_change: bool = False,
    piped: bool = False,
) -> SubmitResult:
    """Submit ``file`` as the source ``source_id``. See the module docstring.

    ``piped``: ``file`` is a temporary copy of standard input, no dataset of lineage (the
    load's input, the landed copy, is).

    ``accept_volume_change`` lets a file through whose row count differs from the last
    accepted one by more than the standard's ``max_volume_change`` (or that would empty a
    replaced table): a change the guarantor confirms is real.

    With an ``emitter``, the run is recorded as OpenLineage events: ``submit.<source>``
    and, for an accepted file, its child run ``load.<source>``.
    """
    from cdo_toolkit.lineage.context import file_input, table_output
    from cdo_toolkit.lineage.events import run

    entry = registry.sources.get(source_id)
    named = entry is not None and file.is_file() and not piped
    inputs = [file_input(file, registry, entry)] if named else []
    with run(emitter, namespace, f"submit.{source_id}", "SUBMIT", inputs=inputs) as current:
        result = _submit(
            registry,
            url,
            source_id,
            file,
            guarantor=guarantor,
            folder=folder,
            wait_seconds=wait_seconds,
            on_wait=on_wait,
            references=references,
            lineage=current,
            accept_volume_change=accept_volume_change,
        )
        if current is not None and result.report is not None and result.report.tasks:
            from cdo_toolkit.lineage.context import with_report

            if current.inputs:
                with_report(current.inputs[0], result.report.tasks[0])
            if result.status == "accepted" and result.table:
                current.outputs = [
                    table_output(url, result.table.split(".", 1)[1], registry, entry, result.rows)
                ]
    if result.report is not None and entry is not None:
        # The stored report keeps the cells (it is as protected as the data); what the
        # caller prints or passes on does not.
        from cdo_toolkit.masking import mask_report

        mask_report(result.report, entry.source.personal_data.columns)
    return result


def _submit(
    registry: Registry,
    url: WarehouseUrl,
    source_id: str,
    file: Path,
    *,
    guarantor: str | None,
    folder: Path | None,
    wait_seconds: float,
    on_wait: Callable[[str], None] | None,
    references: dict[str, Path] | None,
    lineage: Any,
    accept_volume_change: bool = False,
) -> SubmitResult:
    from cdo_toolkit.validation.workbook import remembered_sheets

    entry = registry.source(source_id)
    if guarantor is not None and guarantor not in registry.guarantors:
        raise CdoError(_("unknown guarantor {id!r}").format(id=guarantor))
    require_file(file)
    folder = folder or url.folder
    landed = land(file, folder, source_id)
    source = entry.source
    with Warehouse(url, wait_seconds=wait_seconds, on_wait=on_wait) as warehouse:
        meta.ensure(warehouse)
        meta.mark_interrupted(warehouse, source_id)
        submission_id = meta.next_id(warehouse)
        record = {
            "id": submission_id,
            "source": source_id,
            "guarantor": guarantor or source.guarantor,
            "file_name": file.name,
            "sha256": landed.sha256,
            "bytes": landed.bytes,
            "started_at": meta.now(),
            "status": "validating",
            "landing_path": str(landed.path),
        }
        previous = meta.accepted_with_hash(warehouse, source_id, landed.sha256)
        if previous is not None:
            meta.insert(
                warehouse,
                {
                    **record,
                    "status": "duplicate",
                    "finished_at": meta.now(),
                    "message": every_language(
                        lambda: _("the same bytes were accepted as submission {id}").format(
                            id=previous
                        )
                    ),
                },
            )
            return SubmitResult(
                submission_id,
                source_id,
                "duplicate",
                landed.sha256,
                str(landed.path),
                duplicate_of=previous,
            )
        with meta.running(warehouse, submission_id):
            meta.insert(warehouse, record)
            try:
                # A workbook is parsed once, for validation and load (kept in memory up to
                # REMEMBERED_CELLS).
                with remembered_sheets():
                    return _validate_and_load(
                        warehouse,
                        registry,
                        entry,
                        file,
                        landed,
                        submission_id,
                        folder=folder,
                        references=references,
                        lineage=lineage,
                        accept_volume_change=accept_volume_change,
                    )
            except KeyboardInterrupt:
                # Ctrl-C: the load's transaction was rolled back; this submission (not another
                # of the source running beside it) says so at once, not at the next one.
                with contextlib.suppress(Exception):  # else the source's next submission does
                    meta.interrupt(warehouse, submission_id)
                raise KeyboardInterrupt(
                    _(
                        "interrupted: submission {id} was not loaded; the file stays in the "
                        "landing zone, submit it again"
                    ).format(id=submission_id)
                ) from None


def _validate_and_load(
    warehouse: Warehouse,
    registry: Registry,
    entry: Any,
    file: Path,
    landed: Any,
    submission_id: int,
    *,
    folder: Path,
    references: dict[str, Path] | None,
    lineage: Any,
    accept_volume_change: bool,
) -> SubmitResult:
    """Validate the landed file, then quarantine it or load it; the submission is recorded."""
    from cdo_toolkit.validation.api import Options, source_input, typed_frames, validate

    source = entry.source
    source_id = source.id
    url = warehouse.url
    options = Options(
        source=source_id,
        references=references or {},
        stored_keys=lambda other, fields: stored_keys(warehouse, registry, other, fields),
        place=file.name,
    )
    report = validate(str(landed.path), options, registry=registry)
    report_json = json.dumps(report.to_dict(), ensure_ascii=False)
    standard = registry.standards.get(source.standard)
    last = meta.last_accepted(warehouse, source_id)

    def rejection() -> str | None:
        said = acceptable(report, standard)
        if said is None and not accept_volume_change:
            said = volume_verdict(
                last,
                sum(t.rows for t in report.tasks),
                standard.max_volume_change if standard else None,
                replaces=source.warehouse.load_mode.value == "replace",
                table=f"raw.{source.warehouse.table}",
            )
        return said

    verdicts = in_every_language(rejection)  # stored in each, said in the active one
    verdict = verdicts[active()]
    if verdict is not None:
        place = quarantine(landed, folder, source_id, report_json)
        meta.update(
            warehouse,
            submission_id,
            {
                "status": "rejected",
                "finished_at": meta.now(),
                "report": report_json,
                "rows": sum(t.rows for t in report.tasks),
                "message": stored(verdicts),
            },
        )
        return SubmitResult(
            submission_id,
            source_id,
            "rejected",
            landed.sha256,
            str(landed.path),
            rows=sum(t.rows for t in report.tasks),
            report=report,
            quarantine_path=str(place),
            reason=verdict,
        )
    from cdo_toolkit.lineage.context import file_input, table_output
    from cdo_toolkit.lineage.events import run

    emitter = lineage.emitter if lineage is not None else None
    namespace = lineage.namespace if lineage is not None else ""
    with run(
        emitter,
        namespace,
        f"load.{source_id}",
        "LOAD",
        parent=lineage,
        inputs=[file_input(landed.path, registry, entry)],
    ) as load_run:
        result = _accept(
            warehouse,
            registry,
            entry,
            landed,
            submission_id,
            report,
            report_json,
            source_input,
            typed_frames,
        )
        if load_run is not None:
            load_run.outputs = [
                table_output(url, source.warehouse.table, registry, entry, result.rows)
            ]
            load_run.outputs[0].bytes = landed.bytes
        return result


VALUE_ERRORS = frozenset(
    {
        "type-error",
        "constraint-error",
        "ico-checksum",
        "code-list",
        "row-constraint",
        "deviated-value",
        "null-share",
        "foreign-key",
        "unique-error",
    }
)
"""Errors a standard may tolerate up to ``max_error_rows``; any other error rejects."""


def acceptable(report: Report, standard: Any) -> str | None:
    """None when the standard accepts the report, else why it rejects it."""
    if report.valid:
        return None
    tolerance = float(standard.max_error_rows) if standard is not None else 0.0
    for task in report.tasks:
        hard: dict[str, int] = {}
        for (kind, _field), count in task.summary.items():
            if kind not in VALUE_ERRORS:
                hard[kind] = hard.get(kind, 0) + count
        if hard:
            from cdo_toolkit.validation.catalogue import CATALOGUE

            # "2× PrimaryKey Error (primary-key)": the title a person reads, the type to look up.
            types = ", ".join(
                f"{count}× {CATALOGUE[kind].label if kind in CATALOGUE else kind} ({kind})"
                for kind, count in sorted(hard.items())
            )
            return _("errors that always reject: {types}").format(types=types)
        erring, share = _erring(task)
        if task.error_count and share > tolerance:
            return _(
                "{count} of {rows} rows have errors ({share} %), the standard tolerates {limit} %"
            ).format(
                count=erring, rows=task.rows, share=decimal(share), limit=decimal(tolerance, "g")
            )
    return None if report.tasks else _("nothing to load")


def _erring(task: Any) -> tuple[int, float]:
    """Rows with errors and their share: a row with three bad cells is one bad row. Should
    a count be missing, the errors themselves stand in (never fewer than there are)."""
    erring = min(task.error_rows or task.error_count, max(task.rows, 1))
    return erring, 100.0 * erring / max(task.rows, 1)


def tolerated(report: Report, standard: Any) -> list[str]:
    """What an accepted file still holds: the errors its standard tolerates, loaded as
    they are, which the guarantor should fix in the next submission."""
    said = []
    for task in report.tasks:
        if task.error_count:
            erring, share = _erring(task)
            said.append(
                _(
                    "{count} of {rows} rows have errors ({share} %), which the standard "
                    "tolerates (up to {limit} %): a value not of its field's type is loaded "
                    "empty, the others as they are; fix them for the next submission (cdo "
                    "validate lists them)"
                ).format(
                    count=erring,
                    rows=task.rows,
                    share=decimal(share),
                    limit=decimal(
                        float(standard.max_error_rows) if standard is not None else 0.0, "g"
                    ),
                )
            )
    return said


def volume_verdict(
    previous: dict[str, Any] | None,
    rows: int,
    max_change: float | None,
    *,
    replaces: bool,
    table: str,
) -> str | None:
    """None when the file's row count may follow the last accepted load's, else why not.

    A truncated export (10 rows where there were 10,000) validates, and loaded it would
    replace the table; the standard's ``max_volume_change`` and an empty file replacing a
    full table hold it back until the guarantor confirms the change. Files appended or
    upserted are increments, whose sizes vary by nature: their change is only a warning.
    """
    before = int((previous or {}).get("rows") or 0)
    if not before or not replaces:
        return None
    if rows == 0:
        return _(
            "the file has no rows and would empty {table} ({before} rows); submit it with "
            "--accept-volume-change if that is meant"
        ).format(table=table, before=before)
    from cdo_toolkit.warehouse.load import volume_change

    beyond = volume_change(before, rows, max_change)
    if beyond:
        return _(
            "the row count changes by {change} % ({before} → {after}), more than the "
            "standard's {limit} %; if the change is real, submit it with "
            "--accept-volume-change"
        ).format(**beyond)
    return None


def _accept(
    warehouse: Warehouse,
    registry: Registry,
    entry: Any,
    landed: Any,
    submission_id: int,
    report: Report,
    report_json: str,
    source_input: Any,
    typed_frames: Any,
) -> SubmitResult:
    from cdo_toolkit.validation.api import Options
    from cdo_toolkit.warehouse.load import drift, load, stage

    source = entry.source
    schema = entry.schema or {}
    fields = [(f["name"], f.get("type", "string")) for f in schema.get("fields", [])]
    primary_key = schema.get("primaryKey") or []
    primary_key = [primary_key] if isinstance(primary_key, str) else list(primary_key)
    standard = registry.standards.get(source.standard)
    previous = meta.last_accepted(warehouse, source.id)
    table_input = source_input(entry, landed.path, Options())
    try:
        meta.update(warehouse, submission_id, {"status": "loading"})
        with warehouse.staging():
            staged = stage(
                warehouse,
                fields=fields,
                frames=typed_frames(table_input),
                submission_id=submission_id,
            )
            with warehouse.transaction():
                result = load(
                    warehouse,
                    staged,
                    table=source.warehouse.table,
                    primary_key=primary_key,
                    mode=source.warehouse.load_mode.value,
                    submission_id=submission_id,
                )
                limit = standard.max_volume_change if standard else None
                said = in_every_language(
                    lambda: (
                        tolerated(report, standard),
                        drift(previous, fields, result.rows, limit),
                    )
                )
                warnings = [*said[active()][0], *said[active()][1]]
                remarks = stored(
                    {
                        lang: "; ".join(kept + drifted) or None
                        for lang, (kept, drifted) in said.items()
                    }
                )
                meta.update(
                    warehouse,
                    submission_id,
                    {
                        "status": "accepted",
                        "finished_at": meta.now(),
                        "rows": result.rows,
                        "report": report_json,
                        # For programs reading the record: in English, whoever submitted.
                        "reconciliation": json.dumps(
                            {
                                **result.reconciliation,
                                "drift": said["en"][1],
                            },
                            ensure_ascii=False,
                        ),
                        "table_schema": json.dumps(fields),
                        "message": remarks,
                    },
                )
    except CdoError as error:
        _record_failure(warehouse, submission_id, str(error))
        raise
    except Exception as error:
        # A driver's message may quote the row it failed on: keep personal values out.
        reason = " ".join(str(error).split())
        if source.personal_data.columns:
            from cdo_toolkit.masking import redact_message

            reason = redact_message(reason)
        _record_failure(warehouse, submission_id, f"{type(error).__name__}: {reason}")
        raise CdoError(
            _("loading into {table} failed: {reason}").format(
                table=source.warehouse.table, reason=reason
            ),
            hint=_(
                "the load was undone and the file stays in the landing zone; fix the cause and submit again"
            ),
        ) from None
    return SubmitResult(
        submission_id,
        source.id,
        "accepted",
        landed.sha256,
        str(landed.path),
        rows=result.rows,
        table=result.table,
        report=report,
        reconciliation=result.reconciliation,
        warnings=warnings,
    )


def _record_failure(warehouse: Warehouse, submission_id: int, message: str) -> None:
    values = {"status": "failed", "finished_at": meta.now(), "message": message[:2000]}
    try:
        meta.update(warehouse, submission_id, values)
        return
    except Exception:  # the connection may be what failed (a server restarted mid-load)
        pass
    try:
        from cdo_toolkit.warehouse.connection import Warehouse

        with Warehouse(warehouse.url, wait_seconds=5.0) as fresh:
            meta.update(fresh, submission_id, values)
    except Exception:  # the warehouse itself is gone (read-only, disk full, server down):
        return  # the next submission marks this one interrupted
