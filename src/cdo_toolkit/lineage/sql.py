"""Column lineage of a SELECT, from sqlglot, with the warehouse's schema.

For every output column: the source columns it is computed from (DIRECT, with subtype
IDENTITY, TRANSFORMATION or AGGREGATION, and ``masking`` for hashes), and the columns
that decide which rows it comes from or how they group (INDIRECT: JOIN, FILTER,
GROUP_BY, SORT, WINDOW), from a pass over the query's scopes. The schema lets
``SELECT *`` and unqualified columns resolve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import _

MASKING = ("md5", "sha", "sha1", "sha256", "sha2", "hash")
RANKING = frozenset(
    {"RowNumber", "Rank", "DenseRank", "Ntile", "PercentRank", "CumeDist", "First", "Last"}
)
"""Window functions that order rows rather than aggregate values: a TRANSFORMATION."""

Schema = dict[str, dict[str, dict[str, str]]]
"""{schema: {table: {column: type}}}"""


@dataclass(frozen=True)
class Edge:
    output: str
    table: str
    """``schema.table`` of the source."""
    column: str
    type: str
    """DIRECT or INDIRECT."""
    subtype: str
    masking: bool = False


def parse_select(sql: str, dialect: str = "duckdb") -> Any:
    """The one SELECT of a build's SQL file.

    Raises:
        CdoError: not one SELECT statement.
    """
    query, problem = try_parse_select(sql, dialect)
    if problem is not None:
        raise CdoError(problem.message, hint=problem.hint)
    return query


@dataclass(frozen=True)
class SqlProblem:
    """Why a build's SQL is no single SELECT."""

    message: str
    """With the place in words, for a message about the build."""
    reason: str
    """Without it, for a finding that has the place."""
    line: int = 1
    """1-based, as ``column``."""
    column: int = 1
    hint: str | None = None


def try_parse_select(sql: str, dialect: str = "duckdb") -> tuple[Any, SqlProblem | None]:
    """The one SELECT of ``sql``, or None and why not."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except ParseError as error:
        first = error.errors[0] if error.errors else {}
        reason = _("the SQL does not parse: {reason}")
        column = int(first.get("col") or 1)
        token = first.get("highlight") or ""
        if "\n" not in token:  # sqlglot places the token's end; an editor wants its start
            column = max(1, column - len(token) + 1)
        return None, SqlProblem(
            reason.format(reason=str(error).splitlines()[0]),
            reason.format(reason=first.get("description") or str(error).splitlines()[0]),
            int(first.get("line") or 1),
            column,
        )
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        message = _("a build's SQL must be exactly one SELECT")
        hint = _("the toolkit writes the table itself; give the query only")
        return None, SqlProblem(message, message, hint=hint)
    return statements[0], None


def source_tables(query: Any) -> set[str]:
    """``schema.table`` of every table the query reads (CTE names excluded)."""
    from sqlglot import exp
    from sqlglot.optimizer.scope import traverse_scope

    tables = set()
    for scope in traverse_scope(query):
        for source in scope.sources.values():
            if isinstance(source, exp.Table):
                tables.add(".".join(p for p in (source.db, source.name) if p))
    return tables


def _leaf(node: Any) -> tuple[str, str] | None:
    from sqlglot import exp

    if isinstance(node.expression, exp.Table):
        table = node.expression
        return ".".join(p for p in (table.db, table.name) if p), exp.to_column(node.name).name
    return None


def _subtype(node: Any) -> tuple[str, bool]:
    from sqlglot import exp

    subtype = "IDENTITY"
    masking = False
    for item in node.walk():
        expression = item.expression
        if isinstance(expression, exp.Table):
            continue
        if any(type(f).__name__ not in RANKING for f in expression.find_all(exp.AggFunc)):
            subtype = "AGGREGATION"
        elif (subtype == "IDENTITY" and not isinstance(expression, exp.Column | exp.Alias)) or (
            isinstance(expression, exp.Alias) and not isinstance(expression.this, exp.Column)
        ):
            subtype = "TRANSFORMATION" if subtype == "IDENTITY" else subtype
        for function in expression.find_all(exp.Func):
            if function.sql_name().lower() in MASKING or type(function).__name__.lower() in MASKING:
                masking = True
    return subtype, masking


def column_lineage(query: Any, schema: Schema, dialect: str = "duckdb") -> list[Edge]:
    """Every DIRECT and INDIRECT edge from source columns to the query's output columns."""
    from sqlglot import exp
    from sqlglot.lineage import lineage
    from sqlglot.optimizer.qualify import qualify
    from sqlglot.optimizer.scope import build_scope

    try:
        nodes = lineage(None, query, schema=schema, dialect=dialect, trim_selects=False)
    except Exception as error:  # sqlglot raises several types for what it cannot trace
        raise CdoError(
            _("column lineage could not be traced: {reason}").format(reason=error)
        ) from None
    # sqlglot folds DuckDB's identifiers to lower case, quoted ones too; the tables keep
    # them as written ("Nové případy"), and lineage names them so.
    written = {name.lower(): name for name in query.named_selects}
    real = {
        f"{db}.{table}": {column.lower(): column for column in columns}
        for db, tables in schema.items()
        for table, columns in tables.items()
    }

    def as_written(table: str, column: str) -> str:
        return real.get(table, {}).get(column.lower(), column)

    edges: list[Edge] = []
    outputs = [written.get(output, output) for output in nodes]
    for output, node in nodes.items():
        subtype, masking = _subtype(node)
        for item in node.walk():
            leaf = _leaf(item)
            if leaf:
                table, column = leaf
                edges.append(
                    Edge(
                        written.get(output, output),
                        table,
                        as_written(table, column),
                        "DIRECT",
                        subtype,
                        masking,
                    )
                )
    # INDIRECT: columns in joins, filters, grouping, sorting and windows of every scope.
    from sqlglot.schema import MappingSchema

    mapping = MappingSchema(schema, dialect=dialect)  # type: ignore[arg-type]
    qualified = qualify(
        query.copy(), schema=mapping, dialect=dialect, validate_qualify_columns=False
    )
    root = build_scope(qualified)
    indirect: set[tuple[str, str, str]] = set()
    if root is not None:
        for scope in root.traverse():
            select = scope.expression
            if not isinstance(select, exp.Select):
                continue
            parts: list[tuple[str, Any]] = []
            for key, subtype_name in (
                ("where", "FILTER"),
                ("having", "FILTER"),
                ("qualify", "FILTER"),
                ("group", "GROUP_BY"),
                ("order", "SORT"),
            ):
                if select.args.get(key) is not None:
                    parts.append((subtype_name, select.args[key]))
            for join in select.args.get("joins") or []:
                if join.args.get("on") is not None:
                    parts.append(("JOIN", join.args["on"]))
            for window in select.find_all(exp.Window):
                parts.append(("WINDOW", window))
            for subtype_name, part in parts:
                for col in part.find_all(exp.Column):
                    for table, column in _resolve(col, scope, mapping, dialect):
                        indirect.add((table, column, subtype_name))
    for table, column, subtype_name in sorted(indirect):
        for output in outputs:
            edges.append(Edge(output, table, as_written(table, column), "INDIRECT", subtype_name))
    return edges


def _resolve(col: Any, scope: Any, schema: Any, dialect: str) -> list[tuple[str, str]]:
    """The source (table, column) pairs a column of a scope comes from."""
    from sqlglot import exp
    from sqlglot.lineage import to_node

    source = scope.sources.get(col.table)
    if isinstance(source, exp.Table):
        return [(".".join(p for p in (source.db, source.name) if p), col.name)]
    if source is None:
        return []
    try:
        node = to_node(col.name, source, dialect=dialect, schema=schema)
    except Exception:  # a column sqlglot cannot follow into the subquery is left out
        return []
    return [leaf for item in node.walk() if (leaf := _leaf(item))]
