"""The vectorised validation of one table.

Flow: detect what the file is → read the header and check its labels → for each batch
of rows: parse every field (Frictionless's semantics, vectorised), run the row-level
rules through Pandera, count every failure and keep the first ones for the listing, and
keep the columns that table-wide checks need (keys, unique fields, foreign keys,
statistics) → check ragged rows the same way → run the table-wide checks → a
:class:`~cdo_toolkit.validation.report.Task`.

Memory is bounded by the batch size plus the columns kept for table-wide checks (a few
bytes per row and key), so a file of any length streams.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import _, ngettext
from cdo_toolkit.validation.fields import ForeignKey, SchemaSpec, missing_expr, parse_expr
from cdo_toolkit.validation.reader import Dialect, TableText, located, open_csv, row_numbers
from cdo_toolkit.validation.report import ReportError, Task
from cdo_toolkit.validation.rules import Rule, col, described, polars_ok, schema_rules
from cdo_toolkit.validation.source import (
    JSON_FORMATS,
    WORKBOOK_FORMATS,
    Opened,
    SourceProblem,
    detect,
    open_binary,
)
from cdo_toolkit.validation.workbook import (
    NATIVE_MARK,
    SHEETS_READ_HERE,
    open_sheet,
    open_workbook,
)

if TYPE_CHECKING:
    import polars as pl

Progress = Callable[[int, int], None]


@dataclass
class Limits:
    errors: int = 1000
    """How many errors are listed; all are counted."""
    pick: frozenset[str] | None = None
    skip: frozenset[str] = frozenset()

    def wants(self, error_type: str) -> bool:
        if self.pick is not None and error_type not in self.pick:
            return False
        return error_type not in self.skip


@dataclass
class Reference:
    """Rows of another table that a foreign key or code list points at."""

    name: str
    keys: dict[tuple[str, ...], set[tuple[Any, ...]]] = field(default_factory=dict)
    """Reference field names → the set of their value tuples (as text)."""


@dataclass
class TableInput:
    path: Path
    name: str
    place: str
    schema: SchemaSpec | None = None
    dialect: Dialect = field(default_factory=Dialect)
    encoding: str | None = None
    format: str | None = None
    extra_rules: list[Rule] = field(default_factory=list)
    references: dict[str, Reference] = field(default_factory=dict)
    """Foreign-key targets by resource name; "" is the table itself."""
    notes: list[str] = field(default_factory=list)
    """What will not be checked and why, carried into the task."""
    parts: tuple[Path, ...] = ()
    """Further files of a multipart resource, read after ``path``."""


class _Collector:
    """Counts every error and keeps the first ones for the listing."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.errors: list[ReportError] = []
        self.warnings: list[ReportError] = []
        self.error_count = 0
        self.warning_count = 0
        self.summary: dict[tuple[str, str], int] = {}
        self.warning_summary: dict[tuple[str, str], int] = {}

    def count(self, error_type: str, field_name: str, n: int, *, warning: bool = False) -> bool:
        """Count ``n`` errors; whether more may still be listed."""
        if n <= 0 or not self.limits.wants(error_type):
            return False
        key = (error_type, field_name)
        self.summary[key] = self.summary.get(key, 0) + n
        if warning:
            self.warning_summary[key] = self.warning_summary.get(key, 0) + n
            self.warning_count += n
            return len(self.warnings) < self.limits.errors
        self.error_count += n
        return len(self.errors) < self.limits.errors

    def add(self, error: ReportError, *, warning: bool = False) -> None:
        target = self.warnings if warning else self.errors
        if len(target) < self.limits.errors:
            target.append(error)


def _label_errors(labels: list[str], schema: SchemaSpec, has_header: bool) -> list[ReportError]:
    """Frictionless's header checks, fields matched by position ("exact")."""
    if not has_header:
        return []
    errors = []
    fields = schema.fields
    for number, label in enumerate(labels[len(fields) :], start=len(fields) + 1):
        errors.append(
            ReportError(
                "extra-label", label=label, labels=labels, field_number=number, field_name=""
            )
        )
    for spec in fields[len(labels) :]:
        errors.append(
            ReportError(
                "missing-label",
                label="",
                labels=labels,
                field_name=spec.name,
                field_number=spec.number,
            )
        )
    positions: dict[str, list[int]] = {}  # a label's positions: linear, for 10,000 columns
    for number, seen in enumerate(labels, start=1):
        positions.setdefault(seen, []).append(number)
    for spec, label in zip(fields, labels, strict=False):
        if not label:
            errors.append(
                ReportError(
                    "blank-label",
                    label="",
                    labels=labels,
                    field_name=spec.name,
                    field_number=spec.number,
                )
            )
            continue
        earlier = [str(i) for i in positions.get(label, []) if i < spec.number]
        if earlier:
            errors.append(
                ReportError(
                    "duplicate-label",
                    note=f'at position "{", ".join(earlier)}"',
                    label=label,
                    labels=labels,
                    field_name=spec.name,
                    field_number=spec.number,
                )
            )
            continue
        if label != spec.name:
            errors.append(
                ReportError(
                    "incorrect-label",
                    label=label,
                    labels=labels,
                    field_name=spec.name,
                    field_number=spec.number,
                )
            )
    return errors


class TableValidation:
    """The state of one table's validation while its batches stream by."""

    def __init__(
        self, source: TableInput, schema: SchemaSpec, text: TableText, limits: Limits
    ) -> None:
        self.source = source
        self.schema = schema
        self.text = text
        self.limits = limits
        self.collector = _Collector(limits)
        # As Frictionless: fields without a label are not expected in the data (a
        # missing-label error says so once); labels without a field read as "any".
        self.fields_present = [f for f in schema.fields if f.number <= text.width]
        self.any_columns = list(range(len(schema.fields) + 1, text.width + 1))
        present = {f.name for f in self.fields_present}
        # A rule on a field the file lacks is not run: its missing-label error says so.
        self.rules = [
            r
            for r in schema_rules(schema) + source.extra_rules
            if (r.field is None or r.field.name in present) and r.fields_named <= present
        ]
        self.row_rules = [r for r in self.rules if r.row_level]
        self.rules_by_id = {r.id: r for r in self.rules}
        self.fallback_fields = [f for f in self.fields_present if not f.native]
        self.fallback_constraints: dict[int, list[str]] = {
            f.number: [] for f in self.fallback_fields
        }
        """Per field read by Frictionless's reader: the constraints it tells broken."""
        fallback = {f.number: f for f in self.fallback_fields}
        for rule in self.rules:
            spec = rule.field
            if spec is None or rule.kind in ("type", "required"):
                continue
            if fallback.get(spec.number) is spec:
                self.fallback_constraints[spec.number].append(rule.kind)
        self.kept: list[pl.DataFrame] = []
        """Per batch: row index, blank flag and the typed key, unique and statistics columns."""
        self.kept_columns = self._kept_columns()
        self.missing_counts: dict[int, int] = {}
        self.count_missing = (
            True  # missing cells per field feed null-share checks and lineage metrics
        )
        self.rule_failures: dict[str, int] = {}
        self.checked_foreign_keys: list[ForeignKey] = []
        """Those whose reference data was at hand: only they are asserted in lineage."""
        self.error_rows = 0
        """Rows with at least one row-level value error (several errors of a row count once)."""
        from cdo_toolkit.validation.pandera_bridge import pandera_schema

        self.stages = self._prepare_stages()
        self.pandera = pandera_schema(self.row_rules, self._prepare, self._blank())

    def _refuse_unusable_rule(self, frame: pl.DataFrame) -> None:
        """Raise for the registry row rule that cannot be evaluated on ``frame``.

        Pandera reports a check that raises as a failure case of no row, so such a rule
        would pass every row. Rules are checked against the fields' declared types before
        a file is read (:mod:`checks`); this names one that raised all the same.
        """
        import polars as pl

        from cdo_toolkit.validation.expressions import unusable_rule

        prepared = self.prepare(frame)
        for rule in self.row_rules:
            if rule.kind != "row-rule":
                continue
            try:
                prepared.select(polars_ok(rule))
            except pl.exceptions.PolarsError as error:
                params = rule.params
                raise CdoError(
                    unusable_rule(params["name"], params["expression"], str(error).splitlines()[0])
                ) from None

    # --- preparation ---------------------------------------------------------------

    def _kept_columns(self) -> list[str]:
        present = {f.name for f in self.fields_present}
        names: set[str] = (
            set(self.schema.primary_key) if set(self.schema.primary_key) <= present else set()
        )
        for spec in self.schema.fields:
            if spec.constraints.get("unique"):
                names.add(spec.name)
        for fk in self.schema.foreign_keys:
            names.update(fk.fields)
            if fk.resource == "":
                names.update(fk.reference_fields)
        for rule in self.rules:
            if not rule.row_level and rule.field is not None:
                names.add(rule.field.name)
        return [col("v", self.schema.field(n)) for n in sorted(names) if n in present]

    def _blank(self) -> pl.Expr:
        import polars as pl

        missing = list(self.schema.fields[0].missing_values) if self.schema.fields else [""]
        return pl.all_horizontal(
            [pl.col(col("m", s)) for s in self.fields_present]
            + [
                pl.col(f"c{n - 1}").is_null() | pl.col(f"c{n - 1}").is_in(missing)
                for n in self.any_columns
            ]
        )

    def _prepare_stages(self) -> tuple[list[pl.Expr], list[pl.Expr], list[str]]:
        """Raw text to typed (``v``), raw (``r``), missing (``m``) and parsed (``p``) columns.

        In two stages: the first parses each cell once into a scratch value (``t``) and
        shape (``s``) column, the second derives ``v`` and ``p`` from them; the scratch
        columns (the third item) are dropped. Fast-path parsing only; fields parsed by
        Frictionless's reader get their columns from :meth:`_with_fallbacks` first.
        """
        import polars as pl

        parse: list[pl.Expr] = []
        derive: list[pl.Expr] = []
        scratch: list[str] = []
        for spec in self.fields_present:
            if not spec.native:
                continue
            raw = pl.col(f"c{spec.number - 1}")
            missing = (
                raw.is_null() | (raw.str.len_bytes() == 0)
                if spec.missing_values == ("",)
                else raw.is_null() | missing_expr(spec, raw)
            )
            derive += [raw.alias(col("r", spec)), missing.alias(col("m", spec))]
            # A workbook's native value that the field refuses is a type error.
            accepted = ~raw.str.starts_with(NATIVE_MARK).fill_null(False)
            if spec.type == "string":
                if self.text.marks_native:
                    derive += [
                        pl.when(~missing & accepted).then(raw).alias(col("v", spec)),
                        accepted.alias(col("p", spec)),
                    ]
                else:
                    derive += [
                        pl.when(~missing).then(raw).alias(col("v", spec)),
                        pl.lit(True).alias(col("p", spec)),
                    ]
                continue
            value, shape = parse_expr(spec, raw)
            parse += [value.alias(col("t", spec)), shape.alias(col("s", spec))]
            scratch += [col("t", spec), col("s", spec)]
            parsed = pl.col(col("s", spec)) & pl.col(col("t", spec)).is_not_null()
            if self.text.marks_native:
                parsed = parsed & accepted
            derive += [
                pl.when(parsed & ~missing).then(pl.col(col("t", spec))).alias(col("v", spec)),
                parsed.fill_null(False).alias(col("p", spec)),
            ]
        return parse, derive, scratch

    def _prepare(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        parse, derive, scratch = self.stages
        return frame.with_columns(parse).with_columns(derive).drop(scratch)

    def _with_fallbacks(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Columns of the fields that Frictionless's reader parses, per distinct value."""
        import polars as pl

        from cdo_toolkit.validation.fallback import fallback_columns, fallback_dtype

        added: list[pl.Series | pl.Expr] = []
        for spec in self.fallback_fields:
            raw = frame.get_column(f"c{spec.number - 1}")
            missing = raw.is_null() | raw.is_in(list(spec.missing_values))
            names = self.fallback_constraints[spec.number]
            added += [raw.alias(col("r", spec)), missing.alias(col("m", spec))]
            if missing.all():  # nothing to read: a blank column (a sheet's formatted width)
                added += [
                    pl.lit(None, dtype=fallback_dtype(spec)).alias(col("v", spec)),
                    pl.lit(False).alias(col("p", spec)),
                    *[pl.lit(None, pl.Boolean).alias(f"k{spec.number}:{name}") for name in names],
                ]
                continue
            columns = fallback_columns(spec, raw, names)
            added += [
                pl.when(~missing).then(columns["v"]).alias(col("v", spec)),
                columns["p"].fill_null(False).alias(col("p", spec)),
                *[columns[f"k:{name}"].alias(f"k{spec.number}:{name}") for name in names],
            ]
        # At once: a frame widened column by column is copied as often (a sheet of
        # thousands of blank columns, all of type any).
        return frame.with_columns(added) if added else frame

    def _residuals(self, prepared: pl.DataFrame) -> pl.DataFrame:
        """Parse again, fully, the cells the fast path refused."""
        import polars as pl

        from cdo_toolkit.validation.fields import residual_expr

        for spec in self.fields_present:
            if not spec.native:
                continue
            residual = residual_expr(spec, pl.col(col("r", spec)))
            if residual is None:
                continue
            again = ~pl.col(col("p", spec)) & ~pl.col(col("m", spec))
            if self.text.marks_native:
                again = again & ~pl.col(col("r", spec)).str.starts_with(NATIVE_MARK)
            rows = prepared.select(again).to_series().arg_true()
            if rows.len() == 0:
                continue
            value, parsed = residual
            redo = prepared[rows].select(value.alias("v"), parsed.fill_null(False).alias("p"))
            current = prepared.get_column(col("v", spec))
            values = current.cast(redo.get_column("v").dtype).scatter(rows, redo.get_column("v"))
            oks = prepared.get_column(col("p", spec)).scatter(rows, redo.get_column("p"))
            prepared = prepared.with_columns(
                pl.when(oks).then(values).alias(col("v", spec)), oks.alias(col("p", spec))
            )
        return prepared

    def prepare(self, frame: pl.DataFrame) -> pl.DataFrame:
        """All prepared columns of ``frame``, residual cells parsed fully (for failing rows)."""
        # Eager, as :meth:`_prepare` is lazy: collecting the lazy plan here held 170 MB more
        # while a 5M-row submission was staged.
        parse, derive, scratch = self.stages
        prepared = (
            self._with_fallbacks(frame).with_columns(parse).with_columns(derive).drop(scratch)
        )
        return self._residuals(prepared)

    # --- per batch -------------------------------------------------------------------

    def check_batch(
        self, frame: pl.DataFrame, offset: int | None, row_numbers: pl.Series | None = None
    ) -> None:
        """Check a batch of regular rows (``offset``: valid-row index of its first row) or ragged rows."""
        import polars as pl

        from cdo_toolkit.validation.pandera_bridge import CheckRaised, broken_rules, failing_rows

        frame = self._with_fallbacks(frame)
        summary = [self._blank().alias("blank"), *[pl.col(c) for c in self.kept_columns]]
        if self.count_missing:
            summary += [pl.col(col("m", s)).alias(f"miss{s.number}") for s in self.fields_present]
        keep = self._prepare(frame.lazy()).select(summary).collect()
        blank = keep.get_column("blank")
        if self.count_missing:
            for spec in self.fields_present:
                self.missing_counts[spec.number] = self.missing_counts.get(spec.number, 0) + int(
                    keep.get_column(f"miss{spec.number}").sum()
                )
            keep = keep.select("blank", *self.kept_columns)
        index = (
            pl.int_range(offset, offset + frame.height, eager=True, dtype=pl.UInt32)
            if offset is not None
            else None
        )
        try:
            rows = (
                failing_rows(self.pandera, frame) if self.row_rules else pl.Series(dtype=pl.Int64)
            )
        except CheckRaised as error:
            self._refuse_unusable_rule(frame)
            raise CdoError(str(error)) from None
        if rows.len():
            subset = self.prepare(frame[rows])
            broken = broken_rules(self.row_rules, subset)
            self._report_failures(broken, rows, subset, frame, index, row_numbers)
            if self.kept_columns:
                # The fast path left cells it refused null; the full parse of these rows decides.
                patched = keep.select(self.kept_columns).with_columns(
                    [
                        keep.get_column(c)
                        .cast(subset.get_column(c).dtype)
                        .scatter(rows, subset.get_column(c))
                        .alias(c)
                        for c in self.kept_columns
                    ]
                )
                keep = keep.with_columns(patched)
        self._report_blank_rows(blank, frame, index, row_numbers)
        if index is not None:
            keep = keep.with_columns(index.alias("index"))
        else:
            assert row_numbers is not None
            keep = keep.with_columns(row_numbers.cast(pl.Int64).alias("row"))
        if self.kept_columns:  # without table-wide checks nothing need outlive the batch
            self.kept.append(keep)

    def _raw_columns(self) -> list[str]:
        return [f"c{i}" for i in range(self.text.width)]

    def _row_label(
        self, position: int, index: pl.Series | None, row_numbers: pl.Series | None
    ) -> int:
        # Listed errors carry the valid-row index until row numbers are known (finish()).
        if index is not None:
            return -1 - int(index[position])
        assert row_numbers is not None
        return int(row_numbers[position])

    def _report_failures(
        self,
        broken: dict[str, pl.Series],
        rows: pl.Series,
        subset: pl.DataFrame,
        frame: pl.DataFrame,
        index: pl.Series | None,
        row_numbers: pl.Series | None,
    ) -> None:
        import polars as pl

        erring = [
            within
            for rule_id, within in broken.items()
            if self.rules_by_id[rule_id].severity != "warning"
            and self.limits.wants(self.rules_by_id[rule_id].error_type)
            and within.len()
        ]
        if erring:
            self.error_rows += pl.concat(erring).n_unique()
        listed: list[tuple[Rule, list[int]]] = []
        for rule_id, within in broken.items():
            rule = self.rules_by_id[rule_id]
            self.rule_failures[rule_id] = self.rule_failures.get(rule_id, 0) + within.len()
            warning = rule.severity == "warning"
            field_name = rule.field.name if rule.field else ""
            if not self.collector.count(rule.error_type, field_name, within.len(), warning=warning):
                continue
            room = self.limits.errors - len(
                self.collector.warnings if warning else self.collector.errors
            )
            listed.append((rule, within.head(max(room, 0)).to_list()))
        wanted = sorted({local for _, locals_ in listed for local in locals_})
        if not wanted:
            return
        # One gather for all the rows that will be listed, not one lookup per error.
        cells = dict(zip(wanted, subset[wanted].select(self._raw_columns()).rows(), strict=True))
        for rule, locals_ in listed:
            warning = rule.severity == "warning"
            spec = rule.field
            note = (
                (rule.params.get("message") or rule.note) if rule.kind == "row-rule" else rule.note
            )
            for local in locals_:
                row_cells = [
                    "" if v is None else str(v).removeprefix(NATIVE_MARK) for v in cells[local]
                ]
                self.collector.add(
                    ReportError(
                        rule.error_type,
                        note=note,
                        row_number=self._row_label(int(rows[local]), index, row_numbers),
                        field_name=spec.name if spec else None,
                        field_number=spec.number if spec else None,
                        cell=row_cells[spec.number - 1] if spec else "",
                        cells=row_cells,
                    ),
                    warning=warning,
                )

    def _report_blank_rows(
        self,
        blank: pl.Series,
        frame: pl.DataFrame,
        index: pl.Series | None,
        row_numbers: pl.Series | None,
    ) -> None:
        positions = blank.arg_true()
        if not self.collector.count("blank-row", "", len(positions)):
            return
        listed = positions.head(self.limits.errors)
        for position, values in zip(
            listed.to_list(), frame[listed].select(self._raw_columns()).rows(), strict=True
        ):
            cells = ["" if v is None else str(v) for v in values]
            self.collector.add(
                ReportError(
                    "blank-row",
                    row_number=self._row_label(position, index, row_numbers),
                    cells=cells,
                )
            )

    # --- ragged rows --------------------------------------------------------------------

    def check_ragged(self) -> None:
        import polars as pl

        ragged = self.text.ragged
        if not ragged:
            return
        width = self.text.width
        rows = [(list[str | None](r.cells) + [None] * width)[:width] for r in ragged]
        frame = pl.DataFrame(rows, schema={f"c{i}": pl.String for i in range(width)}, orient="row")
        numbers = pl.Series([r.row_number for r in ragged], dtype=pl.Int64)
        self.check_batch(frame, None, numbers)
        names = [f.name for f in self.fields_present] + [
            self.text.labels[n - 1] if n - 1 < len(self.text.labels) else f"field{n}"
            for n in self.any_columns
        ]
        missing_values = set(self.schema.fields[0].missing_values) if self.schema.fields else {""}
        for r in ragged:
            cells = r.cells
            if all(c in missing_values for c in cells[:width]):
                continue  # a blank row reports nothing else
            for number in range(len(cells) + 1, width + 1):
                if self.collector.count("missing-cell", names[number - 1], 1):
                    self.collector.add(
                        ReportError(
                            "missing-cell",
                            row_number=r.row_number,
                            field_name=names[number - 1],
                            field_number=number,
                            cell="",
                            cells=cells,
                        )
                    )
            for number in range(width + 1, len(cells) + 1):
                if self.collector.count("extra-cell", "", 1):
                    self.collector.add(
                        ReportError(
                            "extra-cell",
                            row_number=r.row_number,
                            field_name="",
                            field_number=number,
                            cell=cells[number - 1],
                            cells=cells,
                        )
                    )

    # --- table-wide -------------------------------------------------------------------

    def finish(self, task: Task) -> None:
        import polars as pl

        gaps = self.text.gaps()
        first = self.text.first_row
        frames = []
        while self.kept:
            keep = self.kept.pop(0)  # freed as it is converted: the peak is one copy, not two
            if "index" in keep.columns:
                keep = keep.with_columns(
                    row_numbers(keep.get_column("index"), first, gaps).alias("row")
                ).drop("index")
            frames.append(keep)
        table = (
            pl.concat(frames, how="vertical_relaxed", rechunk=False) if frames else pl.DataFrame()
        )
        del frames
        if self.text.ragged and table.height:
            table = table.sort("row")  # ragged rows were checked last; regular ones are in order
        listed = [
            e
            for e in self.collector.errors + self.collector.warnings
            if e.row_number is not None and e.row_number < 0
        ]
        if listed:
            numbers = row_numbers(
                pl.Series([-1 - (e.row_number or 0) for e in listed], dtype=pl.Int64),
                first,
                gaps,
            )
            for error, number in zip(listed, numbers.to_list(), strict=True):
                error.row_number = int(number)
        if table.height:
            from cdo_toolkit.validation.tablewide import table_checks

            table_checks(self, table, task)

    def to_task(self, task: Task) -> None:
        c = self.collector
        task.missing = {f.name: self.missing_counts.get(f.number, 0) for f in self.fields_present}
        by_type: dict[tuple[str, str], int] = c.summary
        task.assertions = [
            {
                "assertion": rule.kind,
                "column": rule.field.name if rule.field else None,
                **described(rule),
                "severity": rule.severity,
                "failures": self.rule_failures.get(rule.id, 0)
                if rule.row_level
                else by_type.get((rule.error_type, rule.field.name if rule.field else ""), 0),
            }
            for rule in self.rules
        ]
        keys = {
            "primaryKey": ", ".join(self.schema.primary_key),
            "foreignKey": "; ".join(
                f"{', '.join(k.fields)} → "
                + (f"{k.resource}." if k.resource else "")  # "": the table's own rows
                + ", ".join(k.reference_fields)
                for k in self.checked_foreign_keys
            ),
        }
        for kind, error_type in (("primaryKey", "primary-key"), ("foreignKey", "foreign-key")):
            if keys[kind]:
                task.assertions.append(
                    {
                        "assertion": kind,
                        "column": None,
                        "expected": keys[kind],
                        "severity": "error",
                        "failures": by_type.get((error_type, ""), 0),
                    }
                )
        task.errors = sorted(c.errors, key=ReportError.sort_key)[: self.limits.errors]
        task.warnings = sorted(c.warnings, key=ReportError.sort_key)[: self.limits.errors]
        task.error_count = c.error_count
        task.warning_count = c.warning_count
        task.summary = c.summary
        task.warning_summary = c.warning_summary
        row_level = {r.error_type for r in self.rules if r.row_level}
        # Table-wide errors (keys, code lists) are counted a row each: an upper bound.
        # Warnings make no row erring.
        task.error_rows = self.error_rows + sum(
            n - c.warning_summary.get(key, 0)
            for key, n in c.summary.items()
            if key[0] not in row_level
        )


class Prefetch:
    """Read batches in a thread, from now on, while the caller prepares and checks.

    pyarrow parses and polars checks outside the GIL, so on two cores reading and
    checking overlap; reading starts at once, so the first batch is parsed while the
    checks are still being built (Pandera's import among them). ``depth`` batches wait
    at most, which bounds the memory. Leaving the ``with`` block stops the thread.
    """

    def __init__(self, batches: Iterator[pl.DataFrame], depth: int = 1) -> None:
        self._slots: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._batches = batches
        self._thread = threading.Thread(target=self._produce, name="cdo-reader", daemon=True)
        self._thread.start()

    def _produce(self) -> None:
        try:
            for batch in self._batches:
                while not self._stop.is_set():
                    try:
                        self._slots.put(("batch", batch), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._slots.put(("end", None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._slots.put(("error", exc))

    def __enter__(self) -> Iterator[pl.DataFrame]:
        return self._consume()

    def _consume(self) -> Iterator[pl.DataFrame]:
        while True:
            kind, item = self._slots.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        # A producer blocked on a full queue sees the stop within its put timeout.
        self._thread.join(timeout=5)


def _source_error(task: Task, problem: SourceProblem, limits: Limits) -> Task:
    if limits.wants(problem.kind):
        task.errors = [ReportError(problem.kind, note=problem.note)]
        task.error_count = 1
        task.summary = {(problem.kind, ""): 1}
    return task


def validate_table(
    source: TableInput, limits: Limits | None = None, progress: Progress | None = None
) -> Task:
    """Validate one table file; bad data and unreadable files become report errors, never exceptions."""
    limits = limits or Limits()
    started = time.perf_counter()
    task = Task(name=source.name, place=source.place, notes=list(source.notes))
    try:
        opened = detect(
            source.path,
            declared_format=source.format,
            parts=source.parts,
            header=source.dialect.header,
        )
    except SourceProblem as problem:
        task.seconds = time.perf_counter() - started
        return _source_error(task, problem, limits)
    task.bytes = opened.size
    if opened.note:
        task.notes.append(opened.note)
    try:
        _validate(source, opened, limits, progress, task, full_scan=False)
    except SourceProblem as problem:
        if problem.kind == "encoding-error" and source.encoding is None:
            # The encoding was guessed from the start of the file, and a later part
            # disagrees: guess again from the whole file and start over.
            try:
                _validate(source, opened, limits, progress, task, full_scan=True)
            except SourceProblem as again:
                _source_error(task, again, limits)
        else:
            _source_error(task, problem, limits)
    task.seconds = time.perf_counter() - started
    return task


def _validate(
    source: TableInput,
    opened: Opened,
    limits: Limits,
    progress: Progress | None,
    task: Task,
    *,
    full_scan: bool,
) -> None:
    text, schema = _open(source, opened, full_scan=full_scan)
    from cdo_toolkit.validation.sniff import is_unicode

    if not source.encoding and text.encoding and not is_unicode(text.encoding):
        # Any byte reads as some letter in a single-byte encoding: a wrong guess reads
        # without an error, so the guess is said, with a word of the file as read.
        word = next((cell for row in text.head for cell in row if not cell.isascii()), None)
        if word is not None:
            task.notes.append(
                _(
                    "the file was read as {encoding}, as detected from its bytes: it reads "
                    '"{word}"; if that is not what the file says, declare its real encoding '
                    "(--encoding, or encoding: in the source's entry)"
                ).format(encoding=text.encoding, word=word.strip()[:40])
            )
    task.labels = text.labels
    task.fields = len(schema.fields)
    task.schema_fields = [(f.name, f.type) for f in schema.fields]
    with Prefetch(text.batches) as frames:
        validation = TableValidation(source, schema, text, limits)
        for error in _label_errors(text.labels, schema, text.has_header):
            if validation.collector.count(error.type, error.field_name or "", 1):
                validation.collector.add(error)
        warm = _warm_up_pandera()
        offset = 0
        for frame in frames:
            warm.join()
            validation.check_batch(frame, offset)
            offset += frame.height
            if progress:
                progress(text.bytes_read, opened.size)
    validation.check_ragged()
    task.rows = offset + len(text.ragged)
    among = _among_the_data(sorted(text.passed_over), text.first_row)
    if among:
        task.notes.append(_passed_over_note(among))
    validation.finish(task)
    validation.to_task(task)
    from cdo_toolkit.validation import hints

    if hints.report_layout(task, text, source.dialect):
        return  # the header and the cells were read from the wrong rows: nothing else applies
    hints.blank_last_columns(task, text)
    hints.rows_under_the_table(task, text)
    hints.mostly_blank(task)
    hints.end_of_file_mark(task)
    hints.repeated_header(task)
    hints.formula_errors(task)
    if source.schema is None:
        hints.guessed_types(task, schema)
    else:
        # Cells checked as the wrong fields share no format worth naming.
        if not (
            hints.wrong_delimiter(task, schema, text)
            or hints.shifted_columns(task, schema, text)
            or hints.labels_written_otherwise(task, schema)
        ):
            hints.field_formats(task, schema)
            if text.marks_native:
                hints.native_numbers(task, schema, opened.format)


def _among_the_data(numbers: list[int], first_row: int) -> list[int]:
    """The rows left out, less those at the top of a file read without a header: a
    report's title and header, which its entry leaves out on purpose, go without saying."""
    top = 0
    while first_row == 1 and top < len(numbers) and numbers[top] == top + 1:
        top += 1
    return numbers[top:]


def _passed_over_note(numbers: list[int]) -> str:
    return ngettext(
        "{count} row was left out, as the dialect says (a comment row, or a blank row): {rows}",
        "{count} rows were left out, as the dialect says (comment rows, or blank rows): {rows}",
        len(numbers),
    ).format(count=len(numbers), rows=_spans(sorted(numbers)))


def _spans(numbers: list[int], shown: int = 10) -> str:
    """Sorted numbers as runs: ``1–14, 20, 31–33``, the first ``shown`` runs."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in runs[:shown])
    return text + (", …" if len(runs) > shown else "")


def _warm_up_pandera() -> Any:
    """Register Pandera's polars backends in a thread while the first chunk is read.

    Registration is Python work (a few hundred milliseconds) that would otherwise wait
    in line before the first check; the reader meanwhile works outside the GIL.
    """

    def register() -> None:
        from pandera.backends.polars.register import register_polars_backends

        register_polars_backends()

    thread = threading.Thread(target=register, name="cdo-pandera", daemon=True)
    thread.start()
    return thread


def _open(
    source: TableInput, opened: Opened, *, full_scan: bool = True
) -> tuple[TableText, SchemaSpec]:
    """Start reading the table: the encoding, delimiter and schema decided, the header read."""
    from cdo_toolkit.validation.sniff import SAMPLE_BYTES, detect_delimiter, detect_encoding

    if opened.format in (*WORKBOOK_FORMATS, *JSON_FORMATS):
        # Opened first: a damaged workbook gets our error, before Frictionless's inference
        # says less of it (and prints xlrd's warnings).
        schema = source.schema
        if opened.format in JSON_FORMATS:
            from cdo_toolkit.validation.jsontable import infer_json_schema, open_json_table

            sheet = open_json_table(opened)
            if schema is None:
                # Inferred from the rows as read here, so that a broken file gets our
                # error, not Frictionless's "unsupported inline data".
                sheet, schema = infer_json_schema(sheet)
        else:
            sheet = open_sheet(opened, source.dialect)
            if schema is None and opened.format in SHEETS_READ_HERE:
                from cdo_toolkit.validation.infer import infer_sheet_schema

                sheet, schema = infer_sheet_schema(sheet, source.dialect)
        if schema is None:
            from cdo_toolkit.validation.infer import infer_schema

            try:
                schema = infer_schema(source.path, None, source.dialect, None, opened)
            except BaseException:
                sheet.close()
                raise
        text = open_workbook(
            opened,
            sheet,
            source.dialect,
            len(schema.fields),
            schema.fields,
            sheet_rows=opened.format not in JSON_FORMATS,
        )
        return text, schema
    encoding = source.encoding or detect_encoding(
        source.path, lambda: open_binary(opened), limit=None if full_scan else GUESS_BYTES
    )
    from cdo_toolkit.validation.reader import check_codec

    check_codec(encoding)
    delimiter = source.dialect.delimiter
    if delimiter is None and opened.format == "tsv":
        delimiter = "\t"
    if source.encoding or delimiter is None:
        # The file's start, read once for both the encoding's check and the delimiter.
        with open_binary(opened) as stream:
            sample = stream.read(SAMPLE_BYTES)
        if source.encoding:
            _refuse_misread(sample, encoding)
        if delimiter is None:
            delimiter = detect_delimiter(sample.decode(encoding, errors="replace"))
    schema = source.schema
    if schema is None:
        from cdo_toolkit.validation.infer import infer_schema

        try:
            schema = infer_schema(source.path, encoding, source.dialect, delimiter, opened)
        except SourceProblem as problem:
            raise located(problem, opened, encoding) from None
    text = open_csv(opened, source.dialect, encoding, delimiter, len(schema.fields))
    return text, schema


def _refuse_misread(sample: bytes, encoding: str) -> None:
    """A UTF-8 file declared in windows-1250 (or another single-byte encoding) is an
    encoding error: read as declared it raises none, and its letters would be loaded
    wrong. Frictionless reads it as declared; this is where cdo is stricter."""
    from cdo_toolkit.validation.render import visible
    from cdo_toolkit.validation.sniff import misread_single_byte, misread_utf8

    found = misread_utf8(sample, encoding)
    if found is None:
        other = misread_single_byte(sample, encoding)
        if other is None:
            return
        written, found = other
        said = {"encoding": encoding, "written": written, "line": found.line}
        said |= {"word": visible(found.word), "misread": visible(found.misread)}
        raise SourceProblem(
            "encoding-error",
            _(
                "the file is {written}, but its encoding is declared as {encoding}: read so, "
                '"{word}" (line {line}) would become "{misread}", and every other accented '
                "letter would be garbled too; save the file in {encoding}, or, if the source "
                "now delivers {written}, declare its encoding as {written}"
            ).format(**said),
        )

    if found.word:
        what = _(
            "the file is UTF-8, but its encoding is declared as {encoding}: read so, "
            '"{word}" (line {line}) would become "{misread}", and every other accented letter '
            "would be garbled too"
        )
    else:
        what = _(
            "the file opens with UTF-8's byte order mark, but its encoding is declared as "
            '{encoding}: read so, its first label would start with "{misread}"'
        )
    to_do = _(
        "save the file in {encoding}, or, if the source now delivers UTF-8, declare its "
        "encoding as utf-8 (the registry entry's encoding, or --encoding utf-8)"
    )
    said = {"encoding": encoding, "line": found.line}
    said |= {"word": visible(found.word), "misread": visible(found.misread)}
    raise SourceProblem("encoding-error", what.format(**said) + "; " + to_do.format(**said))


GUESS_BYTES = 16 * 1024 * 1024
"""The encoding is guessed from this much of a file; the reader checks the rest as it parses."""


__all__ = ["Limits", "Reference", "TableInput", "_", "validate_table"]
