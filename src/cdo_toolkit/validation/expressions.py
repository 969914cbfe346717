"""Row rules: SQL boolean expressions across fields, run on files (polars) and in the warehouse (SQL).

A rule such as ``upraveny_rozpocet >= 0 OR skutecnost IS NULL`` is parsed once with
sqlglot. On a file it is translated to a polars expression over the typed columns; in the
warehouse the same parsed expression is rendered in the engine's SQL dialect. As in an
SQL ``CHECK`` constraint, a row passes unless the condition is false: a comparison with a
missing value does not fail the row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdo_toolkit.i18n import _

if TYPE_CHECKING:
    import polars as pl


class ExpressionError(ValueError):
    """The expression cannot be used as a row rule."""


def parse_condition(text: str) -> Any:
    import sqlglot
    from sqlglot.errors import ParseError

    try:
        parsed = sqlglot.parse_one(text, read="duckdb")
    except ParseError as error:
        raise ExpressionError(
            _("not a valid SQL condition: {reason}").format(reason=str(error).splitlines()[0])
        ) from None
    if parsed is None:
        raise ExpressionError(_("the condition is empty"))
    _polars(parsed, None)  # refuses what cannot run on a file
    return parsed


def columns_of(text: str) -> set[str]:
    from sqlglot import exp

    return {column.name for column in parse_condition(text).find_all(exp.Column)}


def to_polars(text: str, columns: dict[str, str]) -> pl.Expr:
    """The condition as a polars expression; ``columns`` maps field names to frame columns."""
    expression: pl.Expr = _polars(parse_condition(text), columns)
    return expression


def _polars(node: Any, columns: dict[str, str] | None) -> Any:
    import polars as pl
    from sqlglot import exp

    def sub(child: Any) -> Any:
        return _polars(child, columns)

    if isinstance(node, exp.Paren):
        return sub(node.this)
    if isinstance(node, exp.And):
        return sub(node.left) & sub(node.right)
    if isinstance(node, exp.Or):
        return sub(node.left) | sub(node.right)
    if isinstance(node, exp.Not):
        return ~sub(node.this)
    comparisons: dict[type, Any] = {
        exp.EQ: lambda a, b: a == b,
        exp.NEQ: lambda a, b: a != b,
        exp.GT: lambda a, b: a > b,
        exp.GTE: lambda a, b: a >= b,
        exp.LT: lambda a, b: a < b,
        exp.LTE: lambda a, b: a <= b,
        exp.Add: lambda a, b: a + b,
        exp.Sub: lambda a, b: a - b,
        exp.Mul: lambda a, b: a * b,
        exp.Div: lambda a, b: a / b,
    }
    operation = comparisons.get(type(node))
    if operation is not None:
        return operation(sub(node.left), sub(node.right))
    if isinstance(node, exp.Neg):
        return -sub(node.this)
    if isinstance(node, exp.Is):
        if isinstance(node.expression, exp.Null):
            return sub(node.this).is_null()
        raise ExpressionError(_("only IS NULL and IS NOT NULL are supported"))
    if isinstance(node, exp.In):
        values = [_literal(item) for item in node.expressions]
        return sub(node.this).is_in(values)
    if isinstance(node, exp.Between):
        return sub(node.this).is_between(sub(node.args["low"]), sub(node.args["high"]))
    if isinstance(node, exp.Column):
        if node.table:
            raise ExpressionError(_("name a field without a table: {name}").format(name=node.sql()))
        if columns is None:
            return pl.lit(None)
        if node.name not in columns:
            raise ExpressionError(_("unknown field {name!r}").format(name=node.name))
        return pl.col(columns[node.name])
    if isinstance(node, exp.Literal | exp.Boolean):
        return pl.lit(_literal(node))
    if isinstance(node, exp.Null):
        return pl.lit(None)
    if isinstance(node, exp.Coalesce):
        return pl.coalesce([sub(node.this), *[sub(e) for e in node.expressions]])
    if isinstance(node, exp.Abs):
        return sub(node.this).abs()
    if isinstance(node, exp.Length):
        return sub(node.this).str.len_chars()
    if isinstance(node, exp.Lower):
        return sub(node.this).str.to_lowercase()
    if isinstance(node, exp.Upper):
        return sub(node.this).str.to_uppercase()
    raise ExpressionError(
        _("{what} is not supported in a row rule").format(
            what=node.key.upper() or type(node).__name__
        )
    )


def _literal(node: Any) -> Any:
    from sqlglot import exp

    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = node.this
        return float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(node, exp.Neg):
        return -_literal(node.this)
    raise ExpressionError(_("{what} is not a literal value").format(what=node.sql()))
