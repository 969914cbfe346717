"""Row rules: SQL boolean expressions across fields, run on files (polars) and in the warehouse (SQL).

A rule such as ``upraveny_rozpocet >= 0 OR skutecnost IS NULL`` is parsed once with
sqlglot. On a file it is translated to a polars expression over the typed columns; in the
warehouse the same parsed expression is rendered in the engine's SQL dialect. As in an
SQL ``CHECK`` constraint, a row passes unless the condition is false: a comparison with a
missing value does not fail the row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
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


def columns_of(text: str, names: Iterable[str]) -> set[str]:
    """The fields of ``names`` the condition names (see :func:`field_named`).

    Raises:
        ExpressionError: the condition is no usable SQL, or names a field not among them.
    """
    from sqlglot import exp

    names = list(names)
    return {_field(column.name, names) for column in parse_condition(text).find_all(exp.Column)}


def unknown_columns(text: str, names: Iterable[str]) -> list[str]:
    """The names in the condition that name none of the fields ``names``, as written."""
    from sqlglot import exp

    names = list(names)
    return sorted(
        {
            column.name
            for column in parse_condition(text).find_all(exp.Column)
            if field_named(column.name, names) is None
        }
    )


def field_named(name: str, names: Iterable[str]) -> str | None:
    """The field ``name`` names: the one so spelled, else the only one spelled so in
    another case, as SQL reads a name (``odevz_obal`` is the field ``ODEVZ_OBAL``)."""
    names = list(names)
    if name in names:
        return name
    alike = [known for known in names if known.lower() == name.lower()]
    return alike[0] if len(alike) == 1 else None


def _field(name: str, names: list[str]) -> str:
    found = field_named(name, names)
    if found is None:
        raise ExpressionError(_("unknown field {name!r}").format(name=name))
    return found


def resolved(text: str, names: Iterable[str]) -> Any:
    """The condition parsed, each of its names replaced by the field it names.

    Raises:
        ExpressionError: the condition is no usable SQL, or names a field not among them.
    """
    from sqlglot import exp

    names = list(names)
    parsed = parse_condition(text)
    for column in parsed.find_all(exp.Column):
        column.set("this", exp.to_identifier(_field(column.name, names)))
    return parsed


def to_polars(text: str, columns: dict[str, str], dates: frozenset[str] = frozenset()) -> pl.Expr:
    """The condition as a polars expression; ``columns`` maps field names to frame columns,
    ``dates`` names the date fields (their arithmetic counts days, as SQL's does)."""
    expression: pl.Expr = _polars(resolved(text, columns), columns, dates)
    return expression


def mistyped(name: str, expression: str, types: dict[str, str]) -> str | None:
    """What to say of a row rule that cannot be evaluated on fields of these Table Schema
    types (text compared with a number, a date with text), or None. The rule is evaluated
    on no rows of those types, where polars checks types."""
    import polars as pl

    from cdo_toolkit.validation.fields import value_dtype

    frame = pl.DataFrame(schema={field: value_dtype(kind) for field, kind in types.items()})
    dates = frozenset(field for field, kind in types.items() if kind == "date")
    try:
        frame.select(to_polars(expression, {field: field for field in types}, dates))
    except pl.exceptions.PolarsError as error:
        return unusable_rule(name, expression, str(error).splitlines()[0])
    return None


def unusable_rule(name: str, expression: str, reason: str) -> str:
    """What to tell of a row rule that cannot be evaluated on the fields' types."""
    return _(
        'the row rule "{name}" ({expression}) cannot be evaluated on its fields\' types: '
        "{reason}; compare each field with a value of its type (a number, 'text', "
        "DATE '2024-01-31') and correct the rule in the registry"
    ).format(name=name, expression=expression, reason=reason)


def _polars(node: Any, columns: dict[str, str] | None, dates: frozenset[str] = frozenset()) -> Any:
    import polars as pl
    from sqlglot import exp

    def sub(child: Any) -> Any:
        return _polars(child, columns, dates)

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
    if isinstance(node, exp.Add | exp.Sub):
        left, right = _is_date(node.left, dates), _is_date(node.right, dates)
        if left and right and isinstance(node, exp.Sub):
            # Days between two dates, as DuckDB and PostgreSQL count them.
            return (sub(node.left) - sub(node.right)).dt.total_days()
        if left != right:  # a date and a number of days
            when, days = (node.left, node.right) if left else (node.right, node.left)
            step = pl.duration(days=sub(days))
            return sub(when) + step if isinstance(node, exp.Add) else sub(when) - step
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
    if isinstance(node, exp.Cast):
        return pl.lit(_temporal_literal(node))
    if isinstance(node, exp.CurrentDate):
        # The day the file is checked, as the warehouse's CURRENT_DATE is the day it is scored.
        return pl.lit(date.today())
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


def _is_date(node: Any, dates: frozenset[str]) -> bool:
    """Whether ``node`` is a date: a date field, ``DATE '…'``, ``CURRENT_DATE``, or a date
    plus or minus days."""
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return _is_date(node.this, dates)
    if isinstance(node, exp.Column):
        return node.name in dates
    if isinstance(node, exp.Cast):
        return bool(node.to.this == exp.DataType.Type.DATE)
    if isinstance(node, exp.CurrentDate):
        return True
    if isinstance(node, exp.Add | exp.Sub):
        left, right = _is_date(node.left, dates), _is_date(node.right, dates)
        return left != right and (left or isinstance(node, exp.Add))
    return False


def _temporal_literal(node: Any) -> date | datetime | time:
    """``DATE '2024-01-31'``, ``TIME '08:00'`` or ``TIMESTAMP '2024-01-31 08:00'`` (sqlglot
    reads each as a cast of its text): the only casts a row rule takes."""
    from sqlglot import exp

    kinds: dict[Any, Callable[[str], date | datetime | time]] = {
        exp.DataType.Type.DATE: date.fromisoformat,
        exp.DataType.Type.TIME: time.fromisoformat,
        exp.DataType.Type.TIMESTAMP: datetime.fromisoformat,
        exp.DataType.Type.TIMESTAMPNTZ: datetime.fromisoformat,
    }
    read = kinds.get(node.to.this)
    if read is None or not (isinstance(node.this, exp.Literal) and node.this.is_string):
        raise ExpressionError(
            _(
                "{what} is not supported in a row rule: of casts, only a date, time or "
                "timestamp written as text is, such as DATE '2024-01-31'"
            ).format(what=node.sql())
        )
    try:
        return read(node.this.this)
    except ValueError:
        raise ExpressionError(
            _(
                "{what} is not a valid date or time: write it as DATE '2024-01-31', TIME "
                "'08:30' or TIMESTAMP '2024-01-31 08:30'"
            ).format(what=node.sql())
        ) from None


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
