"""SQL built as sqlglot expressions: identifiers quoted, values only as parameters.

Nothing from the registry or the data is ever formatted into SQL text: names go through
:func:`ident`/:func:`table`, which sqlglot quotes for the target dialect, and values go
as query parameters or through the engine's bulk loader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlglot import exp

DIALECTS = {"duckdb": "duckdb", "postgres": "postgres"}

# Table Schema type → SQL type (sqlglot DataType names), the same for every engine.
TYPES = {
    "string": "TEXT",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "time": "TIME",
    "year": "INT",
}


def ident(name: str) -> exp.Identifier:
    from sqlglot import exp

    return exp.to_identifier(name, quoted=True)


def table(schema: str, name: str) -> exp.Table:
    from sqlglot import exp

    return exp.Table(this=ident(name), db=ident(schema))


def column(name: str, table_alias: str | None = None) -> exp.Column:
    from sqlglot import exp

    return exp.Column(this=ident(name), table=ident(table_alias) if table_alias else None)


def data_type(field_type: str) -> exp.DataType:
    from sqlglot import exp

    return exp.DataType.build(TYPES.get(field_type, "TEXT"))


def render(expression: exp.Expression, kind: str) -> str:
    return expression.sql(dialect=DIALECTS[kind])


def create_table(schema: str, name: str, columns: list[tuple[str, str]], kind: str) -> str:
    """CREATE TABLE from (name, Table Schema type) pairs, rendered for ``kind``."""
    from sqlglot import exp

    definitions = [exp.ColumnDef(this=ident(n), kind=data_type(t)) for n, t in columns]
    statement = exp.Create(
        this=exp.Schema(this=table(schema, name), expressions=definitions),
        kind="TABLE",
    )
    return render(statement, kind)


def drop_table(schema: str, name: str, kind: str) -> str:
    from sqlglot import exp

    return render(exp.Drop(tables=[table(schema, name)], kind="TABLE", exists=True), kind)


def create_schema(schema: str, kind: str) -> str:
    from sqlglot import exp

    return render(exp.Create(this=table("", schema).this, kind="SCHEMA", exists=True), kind)


def select(
    expressions: list[Any], source: exp.Expression, where: exp.Expression | None = None
) -> exp.Select:
    from sqlglot import exp

    query = exp.select(*expressions).from_(source)
    return query.where(where) if where is not None else query


def for_engine(statement: str, kind: str) -> str:
    """A fixed statement written for DuckDB (``?`` parameters), rendered for ``kind``."""
    if kind == "duckdb":
        return statement
    import sqlglot

    return str(sqlglot.transpile(statement, read="duckdb", write=DIALECTS[kind])[0])


def placeholder() -> exp.Placeholder:
    from sqlglot import exp

    return exp.Placeholder()
