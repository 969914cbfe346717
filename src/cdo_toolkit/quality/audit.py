"""``cdo audit``: every source scored, what each guarantor must fix, worst first.

The audit adds to the scores: registry findings (lint) and the governance policies'
findings (``policies/*.yaml``), overdue submissions (the update
frequency against the last accepted submission), and for each guarantor the failing
checks of their sources with sample rows from the last submission's report. Values of
columns marked as personal data are masked in every output.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import NN_, _, decimal, moment, ngettext
from cdo_toolkit.masking import MASK, mask_cells, mask_note
from cdo_toolkit.quality.policy import load_policy
from cdo_toolkit.quality.score import DIMENSION_LABELS, SourceScore, score
from cdo_toolkit.validation.catalogue import readable_note
from cdo_toolkit.validation.render import advice

if TYPE_CHECKING:
    from pathlib import Path

    from cdo_toolkit.registry import Registry
    from cdo_toolkit.warehouse.url import WarehouseUrl

SAMPLE_ROWS = 3


@dataclass
class Audit:
    generated: str
    region: str
    warehouse: str
    scores: list[SourceScore]
    findings: list[dict[str, Any]] = field(default_factory=list)
    to_fix: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """guarantor id → items, worst first."""
    guarantors: dict[str, dict[str, str]] = field(default_factory=dict)
    standards: dict[str, str] = field(default_factory=dict)
    """standard id → its title (Zlatý standard), as the reports name it."""
    guarantor: str | None = None
    """The guarantor the audit is for (``cdo audit --guarantor``); None for all."""
    warehouse_exists: bool = True
    """False: the DuckDB file does not exist, so every source scores as never submitted."""
    history: dict[str, list[tuple[str, float | None]]] = field(default_factory=dict)
    builds: list[dict[str, Any]] = field(default_factory=list)
    policies: str = "policies"
    """The policy folder, as the working folder reaches it."""
    policy_rules: int | None = None
    """How many governance rules were checked; None: the policy folder does not exist."""

    @property
    def unchecked_policies(self) -> str | None:
        """Said where no governance rule was checked, for lack of a policy folder."""
        if self.policy_rules is not None:
            return None
        return _(
            "no governance policy was checked: the policy folder {folder} does not exist "
            "(docs/policies.md shows how to write one)"
        ).format(folder=self.policies)

    def to_dict(self) -> dict[str, Any]:
        return {
            "generated": self.generated,
            "region": self.region,
            "warehouse": self.warehouse,
            "scores": [s.to_dict() for s in self.scores],
            "findings": self.findings,
            "to_fix": self.to_fix,
            "guarantors": self.guarantors,
            "standards": self.standards,
            "guarantor": self.guarantor,
            "warehouse_exists": self.warehouse_exists,
            "history": self.history,
            "builds": self.builds,
            "policy_rules": self.policy_rules,
        }


def _samples(warehouse: Any, registry: Registry, source_id: str) -> list[dict[str, Any]]:
    """Errors with their rows from the newest report of the source, personal data masked."""
    from cdo_toolkit.warehouse import sql

    rows = warehouse.execute(
        sql.for_engine(
            "SELECT report FROM cdo_meta.submissions WHERE source = ? AND report IS NOT NULL ORDER BY id DESC LIMIT 1",
            warehouse.kind,
        ),
        [source_id],
    )
    if not rows or not rows[0][0]:
        return []
    report = json.loads(rows[0][0])
    entry = registry.sources[source_id]
    personal = set(entry.source.personal_data.columns)
    samples = []
    for task in report.get("tasks", []):
        labels = task.get("labels") or []
        for error in task.get("errors", [])[:SAMPLE_ROWS]:
            cell = error.get("cell", "")
            if error.get("fieldName") in personal and cell:
                cell = MASK
            samples.append(
                {
                    "type": error["type"],
                    "row": error.get("rowNumber"),
                    "field": error.get("fieldName"),
                    "cell": cell,
                    "cells": mask_cells(error.get("cells") or [], labels, personal),
                    "note": readable_note(
                        mask_note(error["type"], error.get("note", ""), personal)
                    ),
                    # Said of the constraint or type, never of the cell: nothing to mask.
                    "what_to_do": advice(error["type"], error.get("note", "")),
                }
            )
    return samples


def audit(
    url: WarehouseUrl,
    registry: Registry,
    policies: Path,
    guarantor: str | None = None,
    on_unstored: Callable[[str], None] | None = None,
) -> Audit:
    """Score the sources, gather the registry's and policies' findings, and list what each
    guarantor must fix; with ``guarantor``, only that guarantor's sources, their findings
    and builds (a guarantor's own to-do list).

    Raises:
        CdoError: ``guarantor`` is no guarantor of the registry.
    """
    from cdo_toolkit.quality.score import history
    from cdo_toolkit.registry.lint import lint
    from cdo_toolkit.warehouse import meta
    from cdo_toolkit.warehouse.connection import Warehouse, absent

    now = datetime.now(UTC).replace(tzinfo=None)
    sources = registry.source_ids() if guarantor is None else registry.sources_of(guarantor)
    scores = score(
        url, registry, sources, now=now, policy=load_policy(policies), on_unstored=on_unstored
    )
    result = Audit(
        generated=now.isoformat(timespec="seconds") + "Z",
        region=registry.info.region.name if registry.info else "",
        warehouse=url.safe,
        scores=scores,
        policies=display_path(policies),
        guarantors={
            g.id: {"name": g.name, "email": g.email, "department": g.department or ""}
            for g in registry.guarantors.values()
        },
        standards={s.id: s.title for s in registry.standards.values()},
    )
    result.findings = [f.to_dict() for f in lint(registry.root).findings]
    if policies.is_dir():
        from cdo_toolkit.i18n import active
        from cdo_toolkit.policies.check import check as check_policies
        from cdo_toolkit.policies.check import load_rules

        rules = load_rules(policies)
        found = check_policies(registry, rules, lang=active())
        result.findings += [f.to_dict() for f in found]
        result.policy_rules = len(rules)
    if guarantor is not None:
        result.guarantor = guarantor
        files = _files_of(registry, sources)
        result.findings = [f for f in result.findings if f["location"]["file"] in files]
    # Each source's own findings (in its entry or schema file) go on its guarantor's list.
    owner = {file: source for source in sources for file in _files_of(registry, [source])}
    findings_of: dict[str, list[dict[str, Any]]] = {}
    for finding in result.findings:
        if finding["location"]["file"] in owner:
            findings_of.setdefault(owner[finding["location"]["file"]], []).append(finding)
    result.warehouse_exists = not absent(url)
    # An absent warehouse holds no history and no reports: nothing to read there.
    opened = Warehouse(url) if result.warehouse_exists else contextlib.nullcontext(None)
    with opened as warehouse:
        # An account that may only read finds no history where none was ever stored.
        has_history = warehouse is not None and meta.exists(warehouse, "scores")
        for item in scores:
            result.history[item.source] = (
                [(t.isoformat(timespec="seconds"), s) for t, s in history(warehouse, item.source)]
                if has_history and warehouse is not None
                else []
            )
            todo = _submission_items(item)
            if item.overdue_days:
                todo.append(
                    {
                        "what": _(
                            "overdue by {days} days for an update frequency of {frequency}"
                        ).format(
                            days=decimal(item.overdue_days, "g"),
                            frequency=registry.sources[item.source].source.update_frequency.value,
                        ),
                        "severity": 90,
                    }
                )
            for dimension, met in item.met.items():
                if met is False:
                    todo.append(
                        {
                            "what": _("{dimension} {value} below the standard's {limit}").format(
                                dimension=_(DIMENSION_LABELS[dimension]).lower(),
                                value=_decimal(item.dimensions[dimension]),
                                limit=_decimal(item.thresholds.get(dimension)),
                            ),
                            "severity": 80,
                        }
                    )
            for note in item.notes:
                todo.append({"what": note, "severity": 70})
            todo += [{"what": _failing_check(c), "severity": 50} for c in item.failing_checks]
            todo += [_finding_item(f) for f in findings_of.get(item.source, [])]
            if not todo:
                continue
            entry = {
                "source": item.source,
                "title": item.title,
                "status": item.status,
                "score": item.score,
                "grade": item.grade,
                "items": sorted(todo, key=lambda t: -t["severity"]),
                "samples": _samples(warehouse, registry, item.source) if warehouse else [],
            }
            result.to_fix.setdefault(item.guarantor, []).append(entry)
    for entries in result.to_fix.values():
        entries.sort(key=lambda e: (e["score"] is not None, e["score"] or 0))
    from cdo_toolkit.lineage.sql import source_tables, try_parse_select

    for build in registry.builds.values():
        if guarantor is not None and build.build.guarantor != guarantor:
            continue
        # A build whose SQL does not parse (lint reports it) is listed with why, not fatal.
        query, problem = try_parse_select(build.sql or "")
        inputs = sorted(source_tables(query)) if query is not None else []
        result.builds.append(
            {
                "id": build.id,
                "title": build.build.title,
                "inputs": inputs,
                "table": f"{build.build.schema_name}.{build.build.table}",
                **({"problem": problem.message} if problem else {}),
            }
        )
    return result


# What rows that fail a check have, said to a guarantor rather than by the check's name.
_FAILING = {
    "required": NN_(
        "{rows} row has {column} empty, which is required",
        "{rows} rows have {column} empty, which is required",
    ),
    "minimum": NN_(
        "{rows} row has {column} below its minimum",
        "{rows} rows have {column} below its minimum",
    ),
    "exclusiveMinimum": NN_(
        "{rows} row has {column} below its minimum",
        "{rows} rows have {column} below its minimum",
    ),
    "maximum": NN_(
        "{rows} row has {column} above its maximum",
        "{rows} rows have {column} above its maximum",
    ),
    "exclusiveMaximum": NN_(
        "{rows} row has {column} above its maximum",
        "{rows} rows have {column} above its maximum",
    ),
    "enum": NN_(
        "{rows} row has {column} outside its allowed values",
        "{rows} rows have {column} outside its allowed values",
    ),
    "pattern": NN_(
        "{rows} row has {column} not written as its pattern says",
        "{rows} rows have {column} not written as its pattern says",
    ),
    "minLength": NN_(
        "{rows} row has {column} shorter than its least length",
        "{rows} rows have {column} shorter than its least length",
    ),
    "maxLength": NN_(
        "{rows} row has {column} longer than its greatest length",
        "{rows} rows have {column} longer than its greatest length",
    ),
    "ico": NN_(
        "{rows} row has an invalid IČO in {column}",
        "{rows} rows have an invalid IČO in {column}",
    ),
    "code-list": NN_(
        "{rows} row has a code in {column} its code list lacks",
        "{rows} rows have a code in {column} its code list lacks",
    ),
}


def _failing_check(check: dict[str, Any]) -> str:
    """``2 rows have stav outside its allowed values``; a row rule by its name, a
    repeated key without a column."""
    rows = check["rows"]
    if check.get("rule"):
        what = ngettext(
            "{rows} row breaks the row rule {rule}", "{rows} rows break the row rule {rule}", rows
        )
    elif check["check"] == "primaryKey":
        what = ngettext(
            "{rows} row repeats the primary key of another",
            "{rows} rows repeat the primary key of others",
            rows,
        )
    elif check["column"] and check["check"] in _FAILING:
        singular, plural = _FAILING[check["check"]]
        what = ngettext(singular, plural, rows)
    elif check["column"]:
        what = ngettext(
            "{rows} row breaks {check} on {column}", "{rows} rows break {check} on {column}", rows
        )
    else:
        what = ngettext("{rows} row breaks {check}", "{rows} rows break {check}", rows)
    return what.format(
        rows=rows, check=check["check"], column=check["column"], rule=check.get("rule")
    )


def _finding_item(finding: dict[str, Any]) -> dict[str, Any]:
    """A lint or policy finding in a source's files, as an item of its guarantor's list:
    an error above a failing check, a warning below it."""
    where = finding["location"]
    return {
        "what": _("{message} ({code}, {file}:{line})").format(
            message=finding["message"], code=finding["code"], file=where["file"], line=where["line"]
        ),
        "severity": 60 if finding["severity"] == "error" else 30,
    }


def _submission_items(item: SourceScore) -> list[dict[str, Any]]:
    """What the submissions of a source ask of its guarantor: a first submission, a file
    fixed after a rejection, or a load again after the table was dropped."""
    from cdo_toolkit.warehouse.meta import status_label

    last = item.last_submission
    if item.status == "not submitted" or last is None:
        return [
            {"what": _("nothing submitted yet: submit the source (cdo submit)"), "severity": 100}
        ]
    said = {
        "id": last["id"],
        "file": last["file"],
        "status": status_label(last["status"]),
        "when": moment(last["finished_at"] or "", time=False),
        "why": last["message"] or _("see cdo history"),
    }
    if item.status == "not loaded":
        what = _(
            "the warehouse no longer holds the table its accepted data were loaded into: "
            "submit the source again (cdo submit)"
        )
        return [{"what": what, "severity": 100}]
    if item.status == "empty":
        what = _(
            "the accepted data has no rows (submission #{id}, {file}, {when}): submit the "
            "source's data (cdo submit)"
        )
        return [{"what": what.format(**said), "severity": 100}]
    if item.status == "not accepted":
        what = _(
            "submission #{id} ({file}, {when}) {status}: {why}; fix the file and submit it again"
        )
        return [{"what": what.format(**said), "severity": 100}]
    if item.rejected_since:
        what = _(
            "submission #{id} ({file}, {when}) {status}: {why}; fix the file and submit it "
            "again (the scores are of the data accepted before it)"
        )
        return [{"what": what.format(**said), "severity": 95}]
    return []


def _files_of(registry: Registry, sources: list[str]) -> set[str]:
    """The files (as findings name them) of the entries and schemas of ``sources``."""
    from cdo_toolkit.findings import display_path

    files = set()
    for source_id in sources:
        entry = registry.sources[source_id]
        files.add(entry.document.file)
        if entry.schema_file is not None:
            files.add(display_path(entry.schema_file))
    return files


def _decimal(value: float | None) -> str:
    """A dimension's value or threshold as the active language writes it, "–" for none."""
    return "–" if value is None else decimal(value)
