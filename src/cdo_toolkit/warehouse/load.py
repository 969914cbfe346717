"""Loading a validated file into ``raw.<table>`` in one transaction, then reconciling.

The rows are typed and staged first (:func:`stage`, batch by batch, into a temporary
table), then moved into the table by :func:`load` inside the caller's transaction.

Load modes: ``replace`` (the table becomes the file), ``append`` (rows added), ``upsert``
(rows whose primary key is in the file are replaced, the others kept). Every row carries
``_cdo_submission_id``, so what a submission loaded can always be found again.

Reconciliation, inside the same transaction: the rows, distinct keys and sums of numeric
columns that the table holds for this submission must equal those of the file; a
mismatch undoes the load. Drift against the previous accepted load (columns added,
removed or retyped; a change in row count beyond the standard's limit) is reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import _, decimal
from cdo_toolkit.warehouse import sql
from cdo_toolkit.warehouse.connection import Warehouse

if TYPE_CHECKING:
    import polars as pl
    from sqlglot import exp

RAW = "raw"
SUBMISSION_COLUMN = "_cdo_submission_id"
NUMERIC = ("integer", "number", "year")


@dataclass
class LoadResult:
    rows: int
    table: str
    reconciliation: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _polars_type(kind: str) -> Any:
    import polars as pl

    from cdo_toolkit.validation.fields import value_dtype

    return pl.Int32 if kind == "year" else value_dtype(kind)


def table_columns(warehouse: Warehouse, schema: str, table: str) -> list[tuple[str, str]] | None:
    """(name, SQL type) of a table's columns, or None if it does not exist."""
    statement = sql.for_engine(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        warehouse.kind,
    )
    rows = warehouse.execute(statement, [schema, table])
    return [(str(n), str(t).upper()) for n, t in rows] or None


def _schema_exists(warehouse: Warehouse, schema: str) -> bool:
    statement = sql.for_engine(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", warehouse.kind
    )
    return bool(warehouse.execute(statement, [schema])[0][0])


def _expected_sql_types(columns: list[tuple[str, str]], kind: str) -> list[tuple[str, str]]:
    rendered = []
    for name, field_type in columns:
        text = sql.data_type(field_type).sql(dialect=sql.DIALECTS[kind]).upper()
        rendered.append((name, text))
    return rendered


def _same_type(declared: str, actual: str) -> bool:
    aliases = {
        "TEXT": {"TEXT", "VARCHAR", "CHARACTER VARYING"},
        "BIGINT": {"BIGINT", "INT8"},
        "DOUBLE": {"DOUBLE", "DOUBLE PRECISION", "FLOAT8"},
        "DOUBLE PRECISION": {"DOUBLE", "DOUBLE PRECISION", "FLOAT8"},
        "INT": {"INT", "INTEGER", "INT4"},
        "INTEGER": {"INT", "INTEGER", "INT4"},
        "TIMESTAMP": {"TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE"},
        "TIME": {"TIME", "TIME WITHOUT TIME ZONE"},
    }
    return actual == declared or actual in aliases.get(declared, set())


@dataclass
class Staged:
    """What :func:`stage` put into the staging table, for the load to reconcile against."""

    columns: list[tuple[str, str]]
    numeric: list[str]
    rows: int = 0
    sums: dict[str, float] = field(default_factory=dict)


def stage(
    warehouse: Warehouse,
    *,
    fields: list[tuple[str, str]],
    frames: Iterator[pl.DataFrame],
    submission_id: int,
) -> Staged:
    """Type the file's rows and stage them, before the load's transaction begins."""
    import polars as pl

    staged = Staged(
        columns=[*fields, (SUBMISSION_COLUMN, "integer")],
        numeric=[name for name, field_type in fields if field_type in NUMERIC],
    )

    def batches() -> Iterator[Any]:
        for frame in frames:
            typed = frame.select(
                [
                    pl.col(name).cast(_polars_type(field_type), strict=False).alias(name)
                    for name, field_type in fields
                ]
            ).with_columns(pl.lit(submission_id, dtype=pl.Int64).alias(SUBMISSION_COLUMN))
            staged.rows += typed.height
            for name in staged.numeric:
                value = typed.get_column(name).cast(pl.Float64).sum()
                staged.sums[name] = staged.sums.get(name, 0.0) + float(value or 0.0)
            yield typed.to_arrow()

    warehouse.stage(batches(), staged.columns)
    return staged


def load(
    warehouse: Warehouse,
    staged: Staged,
    *,
    table: str,
    primary_key: list[str],
    mode: str,
    submission_id: int,
) -> LoadResult:
    """Move the staged rows into ``raw.<table>`` and reconcile, inside the caller's transaction."""
    from sqlglot import exp

    kind = warehouse.kind
    columns = staged.columns
    target = sql.table(RAW, table)
    # Concurrent loads of a table wait for each other; the first ones, for whoever creates
    # the schema. Loads of different tables into an existing schema do not wait.
    if not _schema_exists(warehouse, RAW):
        warehouse.lock("schema " + RAW)
    warehouse.lock(f"table {RAW}.{table}")
    warehouse.execute(sql.create_schema(RAW, kind))
    existing = table_columns(warehouse, RAW, table)
    expected = _expected_sql_types(columns, kind)
    if mode == "replace" and existing is not None:
        warehouse.execute(sql.drop_table(RAW, table, kind))
        existing = None
    if existing is None:
        warehouse.execute(sql.create_table(RAW, table, columns, kind))
    elif [n for n, _t in existing] != [n for n, _t in expected] or not all(
        _same_type(e, a) for (_n, e), (_m, a) in zip(expected, existing, strict=True)
    ):
        raise CdoError(
            _("raw.{table} has other columns than the source's Table Schema").format(table=table),
            hint=_("the schema changed: submit with load_mode replace, or migrate the table"),
        )
    source = warehouse.staging_table()
    names = [name for name, _type in columns]
    replaced = None
    if mode == "upsert" and primary_key:
        keys = _null_safe_key(primary_key)
        inner = sql.select(keys, source)
        delete = exp.Delete(
            this=target,
            where=exp.Where(
                this=exp.In(this=exp.Tuple(expressions=keys), query=exp.Subquery(this=inner))
            ),
        )
        replaced = warehouse.execute_count(sql.render(delete, kind))
    insert = exp.Insert(
        this=exp.Schema(this=target, expressions=[sql.ident(n) for n in names]),
        expression=sql.select([sql.column(n) for n in names], source),
    )
    warehouse.execute(sql.render(insert, kind))
    reconciliation = _reconcile(
        warehouse, table, primary_key, staged.numeric, staged.rows, staged.sums, submission_id, mode
    )
    if replaced is not None:
        reconciliation["replaced_rows"] = replaced
    return LoadResult(staged.rows, f"{RAW}.{table}", reconciliation)


def _null_safe_key(primary_key: list[str]) -> list[exp.Expression]:
    """The key as values that compare equal when both are missing.

    Frictionless lets a key's cells be empty as long as not all of them are (RÚIAN's
    municipality parts are keyed by code, postcode, city district and Prague district, the
    last two mostly empty), and counts empty cells as equal when it looks for repeated keys.
    Plain ``=`` never matches NULL, so an upserted row whose key has an empty cell would be
    added beside the row it replaces. Each cell becomes its text (empty for NULL) and whether
    it is NULL: plain equalities still, which both engines match by hashing, where
    ``IS NOT DISTINCT FROM`` makes PostgreSQL compare every pair of rows.
    """
    from sqlglot import exp

    values: list[exp.Expression] = []
    for name in primary_key:
        text = exp.Cast(this=sql.column(name), to=exp.DataType.build("TEXT"))
        values.append(exp.Coalesce(this=text, expressions=[exp.Literal.string("")]))
        values.append(exp.Is(this=sql.column(name), expression=exp.Null()))
    return values


def _reconcile(
    warehouse: Warehouse,
    table: str,
    primary_key: list[str],
    numeric: list[str],
    rows: int,
    sums: dict[str, float],
    submission_id: int,
    mode: str,
) -> dict[str, Any]:
    from sqlglot import exp

    kind = warehouse.kind
    measures: list[exp.Expression] = [exp.Count(this=exp.Star())]
    if primary_key:
        keys = [sql.column(k) for k in primary_key]
        measures.append(
            exp.Count(
                this=exp.Distinct(
                    expressions=[exp.Tuple(expressions=keys)] if len(keys) > 1 else keys
                )
            )
        )
    measures += [
        exp.Sum(this=exp.Cast(this=sql.column(n), to=exp.DataType.build("DOUBLE"))) for n in numeric
    ]
    where = exp.EQ(this=sql.column(SUBMISSION_COLUMN), expression=sql.placeholder())
    query = sql.select(measures, sql.table(RAW, table), where)
    result = warehouse.execute(sql.render(query, kind), [submission_id])[0]
    held_rows = int(result[0])
    report: dict[str, Any] = {"submitted_rows": rows, "table_rows_of_submission": held_rows}
    problems = []
    if held_rows != rows:
        problems.append(
            _("the table holds {held} rows of this submission, the file {rows}").format(
                held=held_rows, rows=rows
            )
        )
    offset = 1
    if primary_key:
        distinct = int(result[1])
        report["distinct_keys"] = distinct
        if distinct != rows:
            problems.append(
                _("{distinct} distinct keys for {rows} rows").format(distinct=distinct, rows=rows)
            )
        offset = 2
    report["sums"] = {}
    for index, name in enumerate(numeric):
        held = float(result[offset + index] or 0.0)
        submitted = sums.get(name, 0.0)
        report["sums"][name] = {"file": submitted, "table": held}
        if not math.isclose(held, submitted, rel_tol=1e-9, abs_tol=1e-6):
            problems.append(
                _("the sum of {column} differs: file {file}, table {table}").format(
                    column=name, file=submitted, table=held
                )
            )
    if mode == "replace":
        total = warehouse.execute(
            sql.render(sql.select([exp.Count(this=exp.Star())], sql.table(RAW, table)), kind)
        )[0][0]
        report["table_rows"] = int(total)
        if int(total) != rows:
            problems.append(
                _("after a replace the table holds {total} rows, the file {rows}").format(
                    total=total, rows=rows
                )
            )
    report["matches"] = not problems
    if problems:
        raise CdoError(
            _("reconciliation failed: {problems}").format(problems="; ".join(problems)),
            hint=_("the load was undone; nothing changed in the warehouse"),
        )
    return report


def drift(
    previous: dict[str, Any] | None,
    fields: list[tuple[str, str]],
    rows: int,
    max_change: float | None,
) -> list[str]:
    """Differences from the previous accepted load, as warnings."""
    if previous is None:
        return []
    warnings = []
    before = dict(previous.get("schema") or [])
    now = dict(fields)
    added = [n for n in now if n not in before]
    removed = [n for n in before if n not in now]
    retyped = [n for n in now if n in before and before[n] != now[n]]
    if added:
        warnings.append(
            _("columns added since the previous load: {names}").format(names=", ".join(added))
        )
    if removed:
        warnings.append(
            _("columns removed since the previous load: {names}").format(names=", ".join(removed))
        )
    if retyped:
        warnings.append(
            _("columns retyped since the previous load: {names}").format(names=", ".join(retyped))
        )
    beyond = volume_change(previous.get("rows") or 0, rows, max_change)
    if beyond:
        warnings.append(
            _(
                "the row count changed by {change} % ({before} → {after}), more than the standard's {limit} %"
            ).format(**beyond)
        )
    return warnings


def volume_change(before: int, after: int, max_change: float | None) -> dict[str, str] | None:
    """The row count's change from ``before`` to ``after`` as a message's fields (change,
    before, after, limit, numbers as the language writes them), when it is more than the
    standard's ``max_change`` per cent; None when it is not, or there was nothing before."""
    if not before or max_change is None:
        return None
    change = 100.0 * (after - before) / before
    if abs(change) <= max_change:
        return None
    # One decimal, or as many more as it takes not to round 16,252 → 4 to "-100.0 %".
    digits = 1
    while digits < 4 and round(change, digits) in (-100.0, 0.0, 100.0) and change != round(change):
        digits += 1
    return {
        "change": decimal(change, f"+.{digits}f"),
        "before": str(before),
        "after": str(after),
        "limit": decimal(max_change, "g"),
    }
