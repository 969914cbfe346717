"""Quality scores per source and dimension, computed inside the warehouse.

One aggregate query per table (built as sqlglot expressions, so it runs on DuckDB and
PostgreSQL and transpiles to Spark and Trino) measures completeness, validity, uniqueness
and the reference part of consistency (foreign keys, code lists) in a single pass.
Timeliness and reconciliation come from ``cdo_meta.submissions``; metadata from the
registry (``metadata.py``).
``docs/quality.md`` defines each dimension.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cdo_toolkit.i18n import N_, _
from cdo_toolkit.quality.policy import DEFAULT_POLICY, DIMENSIONS, Policy
from cdo_toolkit.warehouse import sql

if TYPE_CHECKING:
    from cdo_toolkit.registry import Registry, SourceEntry
    from cdo_toolkit.warehouse.connection import Warehouse

# The dimensions' names, translated where they are shown.
DIMENSION_LABELS = {
    "completeness": N_("Completeness"),
    "validity": N_("Validity"),
    "uniqueness": N_("Uniqueness"),
    "timeliness": N_("Timeliness"),
    "consistency": N_("Consistency"),
    "metadata": N_("Metadata"),
}


STATUS_LABELS = {
    "scored": N_("scored"),
    "not submitted": N_("not submitted"),
    "not accepted": N_("not accepted"),
    "not loaded": N_("not loaded"),
    "empty": N_("empty table"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


@dataclass
class SourceScore:
    source: str
    title: str
    guarantor: str
    standard: str
    status: str
    """scored; not accepted (submitted, but no submission accepted); not submitted; not
    loaded (its table dropped since); or empty (the accepted data has no rows)."""
    rows: int | None = None
    dimensions: dict[str, float | None] = field(default_factory=dict)
    thresholds: dict[str, float | None] = field(default_factory=dict)
    met: dict[str, bool | None] = field(default_factory=dict)
    score: float | None = None
    grade: str = "–"
    previous: float | None = None
    failing_checks: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    last_accepted: str | None = None
    overdue_days: float | None = None
    notes: list[str] = field(default_factory=list)
    """What could not be measured, and why (a referenced source not loaded yet)."""
    last_submission: dict[str, Any] | None = None
    """The newest submission whatever its status (id, file, status, finished_at, message):
    a rejected one newer than the scored data is something to fix."""

    @property
    def rejected_since(self) -> bool:
        """The newest submission was not accepted (rejected, failed, interrupted)."""
        from cdo_toolkit.warehouse.meta import VALID

        return self.last_submission is not None and self.last_submission["status"] not in VALID

    @property
    def passes(self) -> bool:
        return self.status == "scored" and all(v is not False for v in self.met.values())

    @property
    def trend(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round(self.score - self.previous, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "guarantor": self.guarantor,
            "standard": self.standard,
            "status": self.status,
            "rows": self.rows,
            "score": self.score,
            "grade": self.grade,
            "passes_standard": self.passes,
            "previous": self.previous,
            "trend": self.trend,
            "dimensions": self.dimensions,
            "thresholds": self.thresholds,
            "met": self.met,
            "failing_checks": self.failing_checks,
            "metadata": self.metadata,
            "last_accepted": self.last_accepted,
            "overdue_days": self.overdue_days,
            "notes": self.notes,
            "last_submission": self.last_submission,
        }


def _rules(registry: Registry, entry: SourceEntry) -> list[Any]:
    """Error-severity row rules of the source (Table Schema constraints and registry checks)."""
    from cdo_toolkit.validation.checks import registry_rules
    from cdo_toolkit.validation.fields import schema_spec
    from cdo_toolkit.validation.rules import schema_rules

    spec = schema_spec(entry.schema or {"fields": []})
    # Code lists run as SQL subqueries in the warehouse, so no codes are read here.
    codes: dict[tuple[str, str], list[str]] = {
        (c.source, c.source_field): [] for c in entry.source.checks if c.type == "code-list"
    }
    extra, _notes = registry_rules(entry.source.checks, spec, codes)
    return [
        r
        for r in schema_rules(spec) + extra
        if r.row_level and r.kind != "type" and r.severity == "error"
    ]


def table_measures(warehouse: Warehouse, registry: Registry, entry: SourceEntry) -> dict[str, Any]:
    """The one aggregate query over ``raw.<table>``: counts for every data dimension."""
    from sqlglot import exp

    from cdo_toolkit.i18n import _
    from cdo_toolkit.quality.sqlrules import breaks, condition, member
    from cdo_toolkit.registry.tableschema import as_list
    from cdo_toolkit.warehouse.load import table_columns

    table = entry.source.warehouse.table
    schema = entry.schema or {}
    fields = [f["name"] for f in schema.get("fields", [])]
    notes: list[str] = []

    have = dict(table_columns(warehouse, "raw", table) or [])

    def loaded(source_id: str, column: str, own: str) -> tuple[Any, bool] | None:
        """The table of a referenced source, if the warehouse holds it with ``column``, and
        whether ``column`` differs in type from the source's ``own`` column."""
        other = registry.sources[source_id].source.warehouse.table
        types = dict(table_columns(warehouse, "raw", other) or [])
        if column in types:
            return sql.table("raw", other), types[column] != have.get(own)
        notes.append(
            _(
                "{this} refers to {source}, which the warehouse does not hold yet: not "
                "measured (submit {source})"
            ).format(this=entry.id, source=source_id)
        )
        return None

    missing = [f for f in schema.get("fields", []) if f["name"] not in have]
    for spec in missing:
        notes.append(
            _(
                "raw.{table} has no column {column}, which the registry's schema names: it "
                "counts as empty (submit the source again to load it)"
            ).format(table=table, column=spec["name"])
        )

    def scanned() -> Any:
        """``raw.<table>``, with a typed empty column for each schema field it lacks (the
        schema gained a field since the last load), so that the score says so, not fails."""
        if not missing:
            return sql.table("raw", table)
        padded = exp.select(
            exp.Star(),
            *[
                exp.alias_(
                    exp.Cast(
                        this=exp.Null(),
                        to=exp.DataType.build(sql.TYPES.get(f.get("type", "string"), "TEXT")),
                    ),
                    sql.ident(f["name"]),
                )
                for f in missing
            ],
        ).from_(sql.table("raw", table))
        return exp.Subquery(this=padded, alias=exp.TableAlias(this=sql.ident(table)))

    primary_key = as_list(schema.get("primaryKey") or [])
    measures: list[Any] = [exp.alias_(exp.Count(this=exp.Star()), "n")]
    measures += [
        exp.alias_(exp.Count(this=sql.column(name)), f"c{i}") for i, name in enumerate(fields)
    ]
    conditions: list[tuple[str, str | None, Any]] = []
    for rule in _rules(registry, entry):
        target = None
        if rule.kind == "code-list" and rule.field is not None:
            field_name = rule.field.name
            check = next(
                c for c in entry.source.checks if c.type == "code-list" and c.field == field_name
            )
            if check.source not in registry.sources:
                continue
            codes = loaded(check.source, check.source_field, field_name)
            if codes is None:
                continue
            target = (codes[0], check.source_field, codes[1])
        cond = condition(rule, target)
        if cond is not None:
            # A row rule has no column; it is known by its name, as the registry names it.
            label = rule.field.name if rule.field else rule.params.get("name")
            conditions.append((rule.kind, label, cond))
    for index, (_kind, _column, cond) in enumerate(conditions):
        measures.append(exp.alias_(exp.Sum(this=breaks(cond)), f"r{index}"))
    if conditions:
        everything = exp.and_(
            *[
                exp.Coalesce(this=exp.Paren(this=c.copy()), expressions=[exp.Boolean(this=True)])
                for _k, _c, c in conditions
            ]
        )
        measures.append(
            exp.alias_(
                exp.Sum(
                    this=exp.Case(
                        ifs=[
                            exp.If(
                                this=exp.Not(this=exp.Paren(this=everything)),
                                true=exp.Literal.number(1),
                            )
                        ],
                        default=exp.Literal.number(0),
                    )
                ),
                "invalid",
            )
        )
    source_table: Any = scanned()
    if primary_key:
        # Rows whose key repeats: the sizes of the key groups larger than one (a hash
        # aggregate; a window over the table costs three times as much).
        copies = exp.alias_(exp.Count(this=exp.Star()), "copies")
        groups = (
            exp.select(copies)
            .from_(scanned())
            .group_by(*[sql.column(k) for k in primary_key])
            .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
        )
        repeated = exp.select(
            exp.Coalesce(
                this=exp.Sum(this=sql.column("copies")), expressions=[exp.Literal.number(0)]
            )
        ).from_(exp.Subquery(this=groups, alias=exp.TableAlias(this=sql.ident("g"))))
        measures.append(exp.alias_(exp.Max(this=exp.Subquery(this=repeated)), "dup"))
    # Consistency: the share of each reference's values found where it points, for the
    # schema's foreign keys into other sources and the code lists the registry checks
    # against them (of any severity: a warning keeps a file loadable, not consistent).
    references: list[tuple[str, str, str]] = []
    for fk in schema.get("foreignKeys", []):
        resource = fk.get("reference", {}).get("resource")
        columns, targets = as_list(fk["fields"]), as_list(fk["reference"]["fields"])
        if resource in registry.sources and len(columns) == 1:
            references.append((columns[0], resource, targets[0]))
    for listed in entry.source.checks:
        if listed.type == "code-list" and listed.source in registry.sources:
            references.append((listed.field, listed.source, listed.source_field))
    foreign: list[str] = []
    one, zero = exp.Literal.number(1), exp.Literal.number(0)
    for index, (column, resource, codes_field) in enumerate(dict.fromkeys(references)):
        referenced = loaded(resource, codes_field, column)
        if referenced is None:
            continue
        present = exp.Not(this=exp.Is(this=sql.column(column), expression=exp.Null()))
        found = exp.and_(
            present,
            member(
                sql.column(column), sql.column(codes_field), referenced[0], as_text=referenced[1]
            ),
        )
        for suffix, condition_ in (("n", present), ("found", found)):
            counted = exp.Sum(this=exp.Case(ifs=[exp.If(this=condition_, true=one)], default=zero))
            measures.append(exp.alias_(counted, f"ref{index}_{suffix}"))
        foreign.append(f"ref{index}")
    query = exp.select(*measures).from_(source_table)
    row = warehouse.execute(sql.render(query, warehouse.kind))[0]
    names = [m.alias for m in measures]
    values = dict(zip(names, row, strict=True))
    return {
        "values": values,
        "fields": fields,
        "required": {
            f["name"]
            for f in schema.get("fields", [])
            if (f.get("constraints") or {}).get("required")
        }
        | set(primary_key),
        "conditions": [(k, c) for k, c, _e in conditions],
        "has_key": bool(primary_key),
        "foreign": foreign,
        "notes": list(dict.fromkeys(notes)),
        "sql": sql.render(query, warehouse.kind),
    }


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 100.0


def score_source(
    warehouse: Warehouse,
    registry: Registry,
    entry: SourceEntry,
    now: datetime,
    policy: Policy = DEFAULT_POLICY,
) -> SourceScore:
    """The score of one source, from a warehouse holding ``cdo_meta.submissions``."""
    from cdo_toolkit.quality.metadata import metadata_points
    from cdo_toolkit.registry.models import FREQUENCY_DAYS, Frequency
    from cdo_toolkit.warehouse import meta
    from cdo_toolkit.warehouse.load import table_columns

    source = entry.source
    standard = registry.standards.get(source.standard)
    thresholds = standard.thresholds.model_dump() if standard else {}
    # The last accepted submission: its time, size and reconciliation, in one query
    # (cdo_meta.submissions exists: score() has ensured it).
    last = _last_accepted(warehouse, source.id)
    newest = meta.history(warehouse, source.id, 1)
    if last is None:
        status = "not accepted" if newest else "not submitted"
    elif table_columns(warehouse, "raw", source.warehouse.table) is None:
        status = "not loaded"  # accepted once, and its table dropped since
    else:
        status = "scored"
    result = SourceScore(
        source.id, source.title, source.guarantor, source.standard, status, thresholds=thresholds
    )
    if newest:
        row = newest[0].to_dict()
        result.last_submission = {
            key: row[key] for key in ("id", "file", "status", "finished_at", "message")
        }
    first = _first_accepted(warehouse, source.id) if last else None
    result.metadata = metadata_points(registry, entry, last, first)
    result.dimensions = dict.fromkeys(DIMENSIONS)
    result.dimensions["metadata"] = result.metadata["score"]
    period = FREQUENCY_DAYS.get(source.update_frequency)
    if last is None or status != "scored":
        result.met = dict.fromkeys(DIMENSIONS)
        result.met["metadata"] = _met(result.dimensions["metadata"], thresholds.get("metadata"))
        return result
    finished: datetime = last["finished_at"]
    result.last_accepted = finished.isoformat() + "Z"
    age = (now - finished).total_seconds() / 86400
    measures = table_measures(warehouse, registry, entry)
    values = measures["values"]
    result.notes = measures["notes"]
    n = int(values["n"] or 0)
    result.rows = n
    if n == 0:
        # No row is no evidence: an emptied table is not complete, valid and unique.
        result.status = "empty"
        result.met = dict.fromkeys(DIMENSIONS)
        result.met["metadata"] = _met(result.dimensions["metadata"], thresholds.get("metadata"))
        return result
    weights = {
        name: policy.required_weight if name in measures["required"] else 1.0
        for name in measures["fields"]
    }
    filled = sum(
        weights[name] * int(values[f"c{i}"] or 0) for i, name in enumerate(measures["fields"])
    )
    result.dimensions["completeness"] = _pct(filled, sum(weights.values()) * n)
    result.dimensions["validity"] = _pct(n - int(values.get("invalid") or 0), n)
    result.dimensions["uniqueness"] = (
        _pct(n - int(values.get("dup") or 0), n) if measures["has_key"] else None
    )
    if source.update_frequency is Frequency.UNKNOWN:
        # No period to measure the data's age against: said, not scored as on time.
        result.notes.append(
            _(
                "timeliness is not measured: the update frequency is UNKNOWN; set "
                "update_frequency in the entry"
            )
        )
    elif period is None:  # IRREG, NEVER: no update is expected, so none is late
        result.dimensions["timeliness"] = 100.0
    else:
        late = max(0.0, age - period)
        result.dimensions["timeliness"] = round(max(0.0, 100.0 * (1 - late / period)), 1)
        result.overdue_days = round(late, 1) if late > 0 else None
    parts = []
    for key in measures["foreign"]:
        total = int(values[f"{key}_n"] or 0)
        parts.append(_pct(int(values[f"{key}_found"] or 0), total))
    reconciliation = last.get("reconciliation") or {}
    if "matches" in reconciliation:
        parts.append(100.0 if reconciliation["matches"] else 0.0)
    result.dimensions["consistency"] = round(sum(parts) / len(parts), 1) if parts else None
    result.failing_checks = [
        {
            "check": kind,
            "column": None if kind == "row-rule" else label,
            **({"rule": label} if kind == "row-rule" else {}),
            "rows": int(values[f"r{i}"] or 0),
        }
        for i, (kind, label) in enumerate(measures["conditions"])
        if int(values[f"r{i}"] or 0)
    ]
    if measures["has_key"] and int(values.get("dup") or 0):
        result.failing_checks.append(
            {"check": "primaryKey", "column": None, "rows": int(values["dup"])}
        )
    result.met = {d: _met(result.dimensions[d], thresholds.get(d)) for d in DIMENSIONS}
    weights_by_dimension = (
        standard.weights.model_dump() if standard and standard.weights else policy.weights
    )
    scored = {d: v for d, v in result.dimensions.items() if v is not None}
    total_weight = sum(weights_by_dimension[d] for d in scored)
    result.score = (
        round(sum(weights_by_dimension[d] * v for d, v in scored.items()) / total_weight, 1)
        if total_weight
        else None
    )
    result.grade = policy.grade(result.score) if result.score is not None else "–"
    return result


def _met(value: float | None, threshold: float | None) -> bool | None:
    if value is None or threshold is None:
        return None
    return value >= threshold


def _last_accepted(warehouse: Warehouse, source: str) -> dict[str, Any] | None:
    rows = warehouse.execute(
        sql.for_engine(
            "SELECT bytes, reconciliation, finished_at FROM cdo_meta.submissions WHERE source = ? AND status = 'accepted' "
            "ORDER BY id DESC LIMIT 1",
            warehouse.kind,
        ),
        [source],
    )
    if not rows:
        return None
    size, reconciliation, finished = rows[0]
    return {
        "bytes": size,
        "reconciliation": json.loads(reconciliation) if reconciliation else {},
        "finished_at": finished,
    }


def _first_accepted(warehouse: Warehouse, source: str) -> Any:
    rows = warehouse.execute(
        sql.for_engine(
            "SELECT min(finished_at) FROM cdo_meta.submissions WHERE source = ? AND status = 'accepted'",
            warehouse.kind,
        ),
        [source],
    )
    return rows[0][0] if rows else None


def ensure_history(warehouse: Warehouse) -> None:
    from sqlglot import exp

    from cdo_toolkit.warehouse import meta

    if meta.exists(warehouse, "scores"):
        return

    columns = [
        ("scored_at", "TIMESTAMP"),
        ("source", "TEXT"),
        ("score", "DOUBLE"),
        ("grade", "TEXT"),
        ("result", "TEXT"),
    ]
    create = exp.Create(
        this=exp.Schema(
            this=sql.table("cdo_meta", "scores"),
            expressions=[
                exp.ColumnDef(this=sql.ident(n), kind=exp.DataType.build(t)) for n, t in columns
            ],
        ),
        kind="TABLE",
        exists=True,
    )
    with warehouse.transaction():
        warehouse.lock("schema cdo_meta")  # as meta.ensure: concurrent first runs
        warehouse.execute(sql.create_schema("cdo_meta", warehouse.kind))
        warehouse.execute(sql.render(create, warehouse.kind))


def previous_score(warehouse: Warehouse, source: str) -> float | None:
    rows = warehouse.execute(
        sql.for_engine(
            "SELECT score FROM cdo_meta.scores WHERE source = ? ORDER BY scored_at DESC LIMIT 1",
            warehouse.kind,
        ),
        [source],
    )
    return None if not rows or rows[0][0] is None else float(rows[0][0])


def history(warehouse: Warehouse, source: str) -> list[tuple[datetime, float | None]]:
    rows = warehouse.execute(
        sql.for_engine(
            "SELECT scored_at, score FROM cdo_meta.scores WHERE source = ? ORDER BY scored_at",
            warehouse.kind,
        ),
        [source],
    )
    return [(r[0], None if r[1] is None else float(r[1])) for r in rows]


def score(
    url: Any,
    registry: Registry,
    sources: list[str] | None = None,
    *,
    store: bool = True,
    now: datetime | None = None,
    policy: Policy = DEFAULT_POLICY,
    on_unstored: Callable[[str], None] | None = None,
) -> list[SourceScore]:
    """Score ``sources`` (None: all; an empty list: none, as of a guarantor of no source),
    store each result with its time, return them. Where the warehouse refuses the storing
    (an account that may only read), ``on_unstored`` is told why."""
    from datetime import UTC

    from cdo_toolkit.warehouse import meta
    from cdo_toolkit.warehouse.connection import Warehouse, absent, in_memory

    if absent(url):
        # Nothing was ever submitted there: every source scores as such, and neither the
        # scores nor an empty warehouse are written to a path that may be mistyped.
        url, store = in_memory(url), False
    now = now or datetime.now(UTC).replace(tzinfo=None)
    wanted = registry.source_ids() if sources is None else sources
    for source_id in wanted:
        registry.source(source_id)  # an unknown id stops here, with the id probably meant
    if not wanted:
        return []
    results = []
    with Warehouse(url) as warehouse:
        meta.ensure(warehouse)
        # An account that may only read (the CDO's auditing role) scores all the same;
        # the history it cannot write is said, not a failure.
        denied = _unless_denied(lambda: ensure_history(warehouse))
        has_history = meta.exists(warehouse, "scores")
        for source_id in wanted:
            result = score_source(warehouse, registry, registry.sources[source_id], now, policy)
            result.previous = previous_score(warehouse, source_id) if has_history else None
            results.append(result)
        if store and denied is None:
            denied = _unless_denied(lambda: _store(warehouse, results, now))
        if store and denied is not None and on_unstored is not None:
            on_unstored(denied)
    return results


def _unless_denied(action: Callable[[], None]) -> str | None:
    """Run ``action``; why the warehouse refused it, or None when it ran."""
    from cdo_toolkit.warehouse.connection import Denied

    try:
        action()
    except Denied as refused:
        return refused.message
    return None


def _store(warehouse: Warehouse, results: list[SourceScore], now: datetime) -> None:
    with warehouse.transaction():
        for result in results:
            warehouse.execute(
                sql.for_engine(
                    "INSERT INTO cdo_meta.scores (scored_at, source, score, grade, result) VALUES (?, ?, ?, ?, ?)",
                    warehouse.kind,
                ),
                [
                    now,
                    result.source,
                    result.score,
                    result.grade,
                    json.dumps(result.to_dict(), ensure_ascii=False, default=str),
                ],
            )
