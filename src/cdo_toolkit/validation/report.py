"""The validation report, in the shape of a Frictionless report.

``valid``, ``stats``, ``tasks[].errors[]`` with ``type``, ``title``, ``description``,
``message``, ``tags``, ``note`` and the keys of the error's scope (``rowNumber``,
``fieldName``, ``fieldNumber``, ``cell``, ``cells``; ``label``, ``labels``,
``rowNumbers``). Beyond Frictionless: ``stats.errors`` counts every error even past the
listing limit, ``summary`` counts them per type and field, and ``warnings`` holds the
findings of warning-severity checks in the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdo_toolkit.validation.catalogue import CATALOGUE, ROW_ORDER, readable_note


@dataclass
class ReportError:
    """One error (or warning) of a table."""

    type: str
    note: str = ""
    row_number: int | None = None
    field_name: str | None = None
    field_number: int | None = None
    cell: str | None = None
    cells: list[str] | None = None
    label: str | None = None
    labels: list[str] | None = None

    @property
    def message(self) -> str:
        return CATALOGUE[self.type].message(
            rowNumber=self.row_number,
            fieldName=self.field_name or "",
            fieldNumber=self.field_number,
            cell=self.cell if self.cell is not None else "",
            label=self.label if self.label is not None else "",
            note=readable_note(self.note),
        )

    def sort_key(self) -> tuple[int, int, int, str]:
        return (
            self.row_number or 0,
            ROW_ORDER.get(self.type, 99),
            self.field_number or 0,
            self.note,
        )

    def to_dict(self) -> dict[str, Any]:
        kind = CATALOGUE[self.type]
        data: dict[str, Any] = {
            "type": kind.type,
            "title": kind.title,
            "description": kind.description,
            "message": self.message,
            "tags": list(kind.tags),
            "note": self.note,
        }
        if kind.scope == "label":
            data.update(
                labels=self.labels or [],
                rowNumbers=[1],
                label=self.label or "",
                fieldName=self.field_name or "",
                fieldNumber=self.field_number,
            )
        elif kind.scope == "row":
            data.update(cells=self.cells or [], rowNumber=self.row_number)
        elif kind.scope == "cell":
            data.update(
                cells=self.cells or [],
                rowNumber=self.row_number,
                cell=self.cell or "",
                fieldName=self.field_name or "",
                fieldNumber=self.field_number,
            )
        elif kind.scope == "field":
            data.update(fieldName=self.field_name or "", fieldNumber=self.field_number)
        return data


@dataclass
class Task:
    """The validation of one table."""

    name: str
    place: str
    labels: list[str] = field(default_factory=list)
    errors: list[ReportError] = field(default_factory=list)
    """The listed errors, in row order, at most the listing limit."""
    warnings: list[ReportError] = field(default_factory=list)
    error_count: int = 0
    """Every error, also those past the listing limit."""
    error_rows: int = 0
    """Rows with at least one error (a row with several errors counts once)."""
    warning_count: int = 0
    summary: dict[tuple[str, str], int] = field(default_factory=dict)
    """Errors per (type, field name); warnings are counted under their own type."""
    warning_summary: dict[tuple[str, str], int] = field(default_factory=dict)
    """How many of ``summary``'s counts are warnings (checks of severity warning)."""
    rows: int = 0
    fields: int = 0
    bytes: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """What was not checked and why (a foreign key without its reference data…)."""
    trailing_blank: tuple[int, str] | None = None
    """How many columns close the header without a label or values, and the note on them
    (among ``notes``)."""
    assertions: list[dict[str, Any]] = field(default_factory=list)
    """Each rule checked, with its column, severity and how many rows failed it."""
    missing: dict[str, int] = field(default_factory=dict)
    """Missing cells per field."""
    schema_fields: list[tuple[str, str]] = field(default_factory=list)
    """The (name, Table Schema type) of each field the table was validated against."""

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": "table",
            "valid": self.valid,
            "place": self.place,
            "labels": self.labels,
            "stats": {
                "errors": self.error_count,
                "warnings": self.warning_count,
                "seconds": round(self.seconds, 3),
                "bytes": self.bytes,
                "fields": self.fields,
                "rows": self.rows,
            },
            "warnings": [w.to_dict() for w in self.warnings],
            "errors": [e.to_dict() for e in self.errors],
            "summary": [
                {
                    "type": kind,
                    "fieldName": name,
                    "count": count,
                    "warnings": self.warning_summary.get((kind, name), 0),
                }
                for (kind, name), count in sorted(self.summary.items(), key=lambda i: (-i[1], i[0]))
            ],
            "notes": self.notes,
            "assertions": self.assertions,
        }


@dataclass
class Report:
    tasks: list[Task] = field(default_factory=list)
    errors: list[ReportError] = field(default_factory=list)
    """Errors of the whole run (an unreadable package descriptor)."""
    seconds: float = 0.0

    @classmethod
    def combine(cls, reports: list[Report]) -> Report:
        """One report of several runs (``cdo validate a.csv b.csv``): their tasks in turn."""
        return cls(
            tasks=[task for report in reports for task in report.tasks],
            errors=[error for report in reports for error in report.errors],
            seconds=sum(report.seconds for report in reports),
        )

    @property
    def valid(self) -> bool:
        return not self.errors and all(task.valid for task in self.tasks)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(task.error_count for task in self.tasks)

    @property
    def warning_count(self) -> int:
        return sum(task.warning_count for task in self.tasks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "stats": {
                "tasks": len(self.tasks),
                "errors": self.error_count,
                "warnings": self.warning_count,
                "seconds": round(self.seconds, 3),
            },
            "warnings": [],
            "errors": [e.to_dict() for e in self.errors],
            "tasks": [task.to_dict() for task in self.tasks],
        }

    def flatten(self) -> list[tuple[str, int | None, str | None]]:
        """(type, rowNumber, fieldName) of every listed error: what parity tests compare."""
        return [
            (e.type, e.row_number, e.field_name or None) for task in self.tasks for e in task.errors
        ]
