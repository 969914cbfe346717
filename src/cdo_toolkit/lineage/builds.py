"""``cdo build``: derived datasets from SQL, run in dependency order, with column lineage.

A build is one SELECT over warehouse tables (``raw.<source table>`` or another build's
table). The order comes from the tables each SELECT reads (parsed with sqlglot); a cycle
or a table that no source or build provides is an error before anything runs. Each build
runs in its own transaction and emits a run with the ``columnLineage`` of its output.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _
from cdo_toolkit.lineage.sql import (
    Edge,
    column_lineage,
    source_tables,
    try_parse_select,
)

if TYPE_CHECKING:
    from cdo_toolkit.lineage.emitter import Emitter
    from cdo_toolkit.registry import Registry
    from cdo_toolkit.registry.registry import BuildEntry
    from cdo_toolkit.warehouse.connection import Warehouse
    from cdo_toolkit.warehouse.url import WarehouseUrl


@dataclass
class BuildResult:
    id: str
    table: str
    rows: int
    inputs: list[str]
    lineage: list[Edge] = field(default_factory=list)
    status: str = "built"
    """``built``, ``failed`` (its previous table kept) or ``skipped`` (an input was not built)."""
    reason: str | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "build": self.id,
            "table": self.table,
            "status": self.status,
            "rows": self.rows if self.status == "built" else None,
            "inputs": self.inputs,
            "columnLineage": [e.__dict__ for e in self.lineage],
            **({"reason": self.reason} if self.reason else {}),
            **({"hint": self.hint} if self.hint else {}),
        }


def target(entry: BuildEntry) -> str:
    return f"{entry.build.schema_name}.{entry.build.table}"


def plan(
    registry: Registry, names: list[str] | None = None
) -> list[tuple[BuildEntry, Any, set[str]]]:
    """The builds to run, in dependency order, each with its parsed query and input tables.

    Raises:
        CdoError: an unknown build, unreadable SQL, a table nobody provides, or a cycle.
    """
    provided = {f"raw.{e.source.warehouse.table}" for e in registry.sources.values()}
    outputs = {target(b): b.id for b in registry.builds.values()}
    parsed: dict[str, tuple[BuildEntry, Any, set[str]]] = {}
    for entry in registry.builds.values():
        if entry.sql is None:
            raise CdoError(
                _("build {id!r} has no readable SQL file").format(id=entry.id),
                hint=_("run 'cdo registry lint'"),
            )
        query, problem = try_parse_select(entry.sql)
        if problem is not None:
            place = (
                f"{display_path(registry.root / entry.build.sql)}:{problem.line}:{problem.column}"
            )
            raise CdoError(
                _("build {id!r}: {place}: {reason}").format(
                    id=entry.id, place=place, reason=problem.reason
                ),
                hint=problem.hint,
            )
        tables = source_tables(query)
        unknown = sorted(t for t in tables if t not in provided and t not in outputs)
        if unknown:
            raise CdoError(
                _(
                    "build {id!r} reads {tables}, which no registered source or build provides"
                ).format(id=entry.id, tables=", ".join(unknown)),
                hint=_("name tables as raw.<source table> or <schema>.<build table>"),
            )
        parsed[entry.id] = (entry, query, tables)
    graph = {
        build_id: {outputs[t] for t in tables if t in outputs}
        for build_id, (_e, _q, tables) in parsed.items()
    }
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as cycle:
        raise CdoError(
            _("the builds depend on each other in a cycle: {cycle}").format(
                cycle=" → ".join(cycle.args[1])
            )
        ) from None
    wanted = set(names) if names else set(parsed)
    for name in wanted - set(parsed):
        raise CdoError(
            _("unknown build {id!r}").format(id=name),
            hint=_("known: {ids}").format(ids=", ".join(sorted(parsed))),
        )
    # A requested build brings the builds it reads from.
    needed: set[str] = set()
    stack = list(wanted)
    while stack:
        current = stack.pop()
        if current not in needed:
            needed.add(current)
            stack.extend(graph[current])
    return [parsed[build_id] for build_id in order if build_id in needed]


def render_select(query: Any, schema: dict[str, dict[str, dict[str, str]]], kind: str) -> str:
    """The build's SELECT (DuckDB dialect) in the warehouse's dialect, its types known.

    sqlglot writes some functions for PostgreSQL by the types of their arguments:
    ``round(x, 2)`` of a double must become ``round(x::numeric, 2)``, as PostgreSQL has no
    ``round(double precision, integer)``. Annotated with the tables' column types, the
    query's expressions carry those types; unannotated, a computed double is written as it
    is and PostgreSQL refuses the build.
    """
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.schema import MappingSchema

    from cdo_toolkit.warehouse import sql

    dialect = sql.DIALECTS[kind]
    tables: dict[str, Any] = dict(schema)  # MappingSchema's nesting is typed loosely
    query = query.copy()
    if kind != "duckdb":
        _spell_columns_as_stored(query, schema)
    typed = annotate_types(query, schema=MappingSchema(tables, dialect=dialect))
    _round_types_through_scopes(typed, tables)
    return str(typed.sql(dialect=dialect))


def _spell_columns_as_stored(query: Any, schema: dict[str, dict[str, dict[str, str]]]) -> None:
    """Quote each unquoted column reference to a column stored with capitals, as stored.

    A build is written for DuckDB, where ``OKRES`` and ``okres`` both name the column
    ``"OKRES"`` of a file's header. PostgreSQL folds an unquoted name to lower case, so the
    same SQL would look for ``okres`` and fail; quoted as stored, it runs on both, and a
    column selected as it is keeps the stored spelling on both.
    """
    from sqlglot import exp

    spellings: dict[str, set[str]] = {}
    for tables in schema.values():
        for columns in tables.values():
            for name in columns:
                spellings.setdefault(name.lower(), set()).add(name)
    # A name stored in two spellings (``Okres`` in one table, ``OKRES`` in another) is
    # left as written: the table's alias does not say which.
    stored = {
        lower: names.pop()
        for lower, names in spellings.items()
        if len(names) == 1 and lower not in names
    }
    # A name the query gives to something else (``sum(x) AS okres``) names that, not the
    # stored column: references to it are left as written.
    for alias in query.find_all(exp.Alias):
        given = alias.alias.lower()
        if not (isinstance(alias.this, exp.Column) and alias.this.name.lower() == given):
            stored.pop(given, None)
    if not stored:
        return
    for column in query.find_all(exp.Column):
        identifier = column.this
        if isinstance(identifier, exp.Identifier) and not identifier.quoted:
            spelled = stored.get(identifier.name.lower())
            if spelled is not None:
                column.set("this", exp.to_identifier(spelled, quoted=True))


def _round_types_through_scopes(typed: Any, tables: dict[str, Any]) -> None:
    """Give ``round``'s argument its type where it reads a CTE's or subquery's column.

    Unqualified, such a column has no known type, so the argument is written without the
    cast PostgreSQL needs. Qualified, every column resolves; but qualifying folds quoted
    identifiers to lower case (DuckDB's rule) and rewrites the query, so only the types
    of the arguments are taken from a qualified copy, paired in the order the two trees
    hold their rounds (qualifying adds and removes none, alias references unexpanded).
    """
    from sqlglot import exp
    from sqlglot.errors import SqlglotError
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify
    from sqlglot.schema import MappingSchema

    if not any(_untyped(r.this) for r in typed.find_all(exp.Round)):
        return
    schema = MappingSchema(tables, dialect="duckdb")
    try:
        qualified = qualify(
            typed.copy(),
            schema=schema,
            dialect="duckdb",
            expand_alias_refs=False,
            validate_qualify_columns=False,
        )
        annotate_types(qualified, schema=schema)
    except SqlglotError:
        return  # written as before; the warehouse says what it refuses
    mine, theirs = list(typed.find_all(exp.Round)), list(qualified.find_all(exp.Round))
    if len(mine) != len(theirs):
        return
    for round_, known in zip(mine, theirs, strict=True):
        if _untyped(round_.this) and not _untyped(known.this):
            round_.this.type = known.this.type


def _untyped(node: Any) -> bool:
    from sqlglot import exp

    return node.type is None or bool(node.type.is_type(exp.DataType.Type.UNKNOWN))


def warehouse_schema(
    warehouse: Warehouse, tables: set[str]
) -> dict[str, dict[str, dict[str, str]]]:
    from cdo_toolkit.warehouse.load import table_columns

    schema: dict[str, dict[str, dict[str, str]]] = {}
    for name in sorted(tables):
        db, _sep, table = name.partition(".")
        columns = table_columns(warehouse, db, table)
        if columns is None:
            raise CdoError(
                _("{table} does not exist in the warehouse yet").format(table=name),
                hint=_("submit its source first with cdo submit, or build what makes it"),
            )
        schema.setdefault(db, {})[table] = dict(columns)
    return schema


def run_builds(
    registry: Registry,
    url: WarehouseUrl,
    names: list[str] | None = None,
    *,
    emitter: Emitter | None = None,
    namespace: str = "liberecky-kraj",
) -> list[BuildResult]:
    """Run the builds in dependency order; one that fails does not stop the others.

    A build whose SQL the warehouse refuses, or whose input table does not exist yet, is
    ``failed`` (its previous table kept); a build reading a table that was not built is
    ``skipped``; the builds independent of them still run, as a region's warehouse fills
    source by source.

    Raises:
        CdoError: the registry's builds cannot be planned (see :func:`plan`), or one would
            write into a schema reserved for the toolkit.
    """
    from cdo_toolkit.registry.loader import reserved_schema
    from cdo_toolkit.warehouse.connection import Warehouse

    steps = plan(registry, names)
    for entry, _query, _tables in steps:
        # Lint refuses these (REG042); a registry read without it must not reach the DROP.
        if reserved_schema(entry.build.schema_name):
            raise CdoError(
                _("a build may not write into schema {schema!r}").format(
                    schema=entry.build.schema_name
                )
            )
    results: list[BuildResult] = []
    not_built: set[str] = set()
    with Warehouse(url, existing=True) as warehouse:
        for entry, query, tables in steps:
            missing = sorted(tables & not_built)
            if missing:
                result = BuildResult(
                    entry.id,
                    target(entry),
                    0,
                    sorted(tables),
                    status="skipped",
                    reason=_("it reads {tables}, which was not built").format(
                        tables=", ".join(missing)
                    ),
                )
            else:
                try:
                    result = _build(
                        registry, url, warehouse, entry, query, tables, emitter, namespace
                    )
                except CdoError as error:
                    result = BuildResult(
                        entry.id,
                        target(entry),
                        0,
                        sorted(tables),
                        status="failed",
                        reason=error.message,
                        hint=error.hint,
                    )
            if result.status != "built":
                not_built.add(result.table)
            results.append(result)
    return results


def _build(
    registry: Registry,
    url: WarehouseUrl,
    warehouse: Warehouse,
    entry: BuildEntry,
    query: Any,
    tables: set[str],
    emitter: Emitter | None,
    namespace: str,
) -> BuildResult:
    """One build in its own transaction, with its lineage run.

    Raises:
        CdoError: an input table does not exist, or the warehouse refuses the SQL (the
            previous table is kept).
    """
    from sqlglot import exp

    from cdo_toolkit.lineage.context import table_output
    from cdo_toolkit.lineage.events import Dataset, run
    from cdo_toolkit.lineage.naming import table_dataset
    from cdo_toolkit.warehouse import sql
    from cdo_toolkit.warehouse.connection import engine_reason

    build = entry.build
    schema = warehouse_schema(warehouse, tables)
    edges = column_lineage(query, schema)
    inputs = []
    for table in sorted(tables):
        db, _sep, name = table.partition(".")
        ns, dataset_name = table_dataset(url, db, name)
        inputs.append(Dataset(ns, dataset_name, fields=list(schema[db][name].items())))
    select_sql = render_select(query, schema, warehouse.kind)
    with run(
        emitter, namespace, f"build.{build.id}", "BUILD", inputs=inputs, sql=entry.sql
    ) as current:
        create = exp.Create(
            this=sql.table(build.schema_name, build.table),
            kind="TABLE",
            expression=exp.maybe_parse(select_sql, dialect=sql.DIALECTS[warehouse.kind]),
        )
        count = sql.select([exp.Count(this=exp.Star())], sql.table(build.schema_name, build.table))
        try:
            with warehouse.transaction():
                warehouse.execute(sql.create_schema(build.schema_name, warehouse.kind))
                warehouse.execute(sql.drop_table(build.schema_name, build.table, warehouse.kind))
                warehouse.execute(sql.render(create, warehouse.kind))
                rows = int(warehouse.execute(sql.render(count, warehouse.kind))[0][0])
        except warehouse.errors as error:
            # A column or function the warehouse does not know: the build's SQL, not the
            # toolkit, is wrong; the previous table is kept (rolled back).
            raise CdoError(
                _("the warehouse cannot run its SQL: {reason}").format(reason=engine_reason(error)),
                hint=_("correct {file}; the previous table is kept").format(
                    file=display_path(registry.root / build.sql)
                ),
            ) from None
        if current is not None:
            output = table_output(url, build.table, None, None, rows, schema=build.schema_name)
            output.description = build.description
            output.fields = [(n, "") for n in {e.output: None for e in edges}]
            output.column_lineage = _facet_lineage(url, edges)
            current.outputs = [output]
    return BuildResult(build.id, target(entry), rows, sorted(tables), edges)


def _facet_lineage(url: WarehouseUrl, edges: list[Edge]) -> dict[str, list[dict[str, Any]]]:
    from cdo_toolkit.lineage.naming import table_dataset

    fields: dict[str, dict[tuple[str, str, str], list[dict[str, Any]]]] = {}
    for edge in edges:
        db, _sep, name = edge.table.partition(".")
        ns, dataset = table_dataset(url, db, name)
        transformations = fields.setdefault(edge.output, {}).setdefault(
            (ns, dataset, edge.column), []
        )
        transformation = {"type": edge.type, "subtype": edge.subtype, "masking": edge.masking}
        if transformation not in transformations:
            transformations.append(transformation)
    return {
        output: [
            {"namespace": ns, "name": dataset, "field": column, "transformations": transformations}
            for (ns, dataset, column), transformations in sources.items()
        ]
        for output, sources in fields.items()
    }
