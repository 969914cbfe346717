"""The validation rules as SQL predicates (sqlglot expressions), to run where the data is.

The same :class:`~cdo_toolkit.validation.rules.Rule` objects that check files become
conditions on the loaded table's typed columns, rendered for DuckDB, PostgreSQL, Spark or
Trino by sqlglot. A row breaks a rule when the condition is FALSE; a missing value (NULL)
is not checked against constraints, as in validation, except by ``required``.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from typing import Any

from cdo_toolkit.validation.rules import Rule
from cdo_toolkit.warehouse import sql


def _literal(value: Any) -> Any:
    from datetime import date, datetime, time

    from sqlglot import exp

    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, datetime):
        return exp.Cast(
            this=exp.Literal.string(value.isoformat(sep=" ")), to=exp.DataType.build("TIMESTAMP")
        )
    if isinstance(value, date):
        return exp.Cast(this=exp.Literal.string(value.isoformat()), to=exp.DataType.build("DATE"))
    if isinstance(value, time):
        return exp.Cast(this=exp.Literal.string(value.isoformat()), to=exp.DataType.build("TIME"))
    return exp.Literal.string(str(value))


_SHORTHANDS = {
    "d": lambda c: unicodedata.category(c) == "Nd",
    "w": lambda c: c.isalnum() or c == "_",
    "s": str.isspace,
}


@functools.cache
def _class_body(letter: str) -> str:
    """The characters Python's ``\\d``, ``\\w`` or ``\\s`` match, as ranges of literal characters."""
    member = _SHORTHANDS[letter]
    parts: list[str] = []
    start = None
    for point in range(sys.maxunicode + 2):
        inside = point <= sys.maxunicode and member(chr(point))
        if inside and start is None:
            start = point
        elif not inside and start is not None:
            last = point - 1
            parts.append(chr(start) if start == last else f"{chr(start)}-{chr(last)}")
            start = None
    return "".join(parts)


def portable_pattern(pattern: str) -> str:
    """``pattern`` with ``\\d``, ``\\w``, ``\\s`` (and their negations) spelled out.

    Files are checked with Unicode classes, as Frictionless and Python check them: ``\\w``
    matches "č" and ``\\d`` any decimal digit. In SQL the same escapes are ASCII in DuckDB
    and depend on the locale in PostgreSQL, so the file and the warehouse disagreed. Ranges
    of literal characters mean the same on every engine. A negation inside brackets
    (``[a\\D]``) becomes an alternative (``(?:[a]|[^0-9…])``); inside negated brackets it has
    no spelling without look-ahead, which DuckDB lacks, and stays as written, except for the
    plain ``[^\\D]``.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            letter = pattern[i + 1]
            if letter in _SHORTHANDS:
                out.append(f"[{_class_body(letter)}]")
            elif letter.lower() in _SHORTHANDS:
                out.append(f"[^{_class_body(letter.lower())}]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[":
            end = _bracket_end(pattern, i)
            if end > 0:
                out.append(_portable_bracket(pattern[i : end + 1]))
                i = end + 1
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _bracket_end(pattern: str, start: int) -> int:
    """The index of the "]" closing the bracket expression opened at ``start``; -1 if none."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":  # a "]" first in the brackets is literal
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "]":
            return i
        i += 1
    return -1


def _portable_bracket(bracket: str) -> str:
    negated = bracket.startswith("[^")
    inner = bracket[2 if negated else 1 : -1]
    kept: list[str] = []
    negations: list[str] = []
    i = 0
    while i < len(inner):
        if inner[i] == "\\" and i + 1 < len(inner):
            letter = inner[i + 1]
            if letter in _SHORTHANDS:
                kept.append(_class_body(letter))
            elif letter.lower() in _SHORTHANDS:
                negations.append(letter.lower())
            else:
                kept.append(inner[i : i + 2])
            i += 2
            continue
        kept.append(inner[i])
        i += 1
    rest = "".join(kept)
    if not negations:
        return f"[{'^' if negated else ''}{rest}]"
    if negated:
        if not rest and len(negations) == 1:  # [^\D] is \d
            return f"[{_class_body(negations[0])}]"
        return bracket
    alternatives = ([f"[{rest}]"] if rest else []) + [f"[^{_class_body(n)}]" for n in negations]
    return f"(?:{'|'.join(alternatives)})"


def ico_condition(column: Any) -> Any:
    """Eight digits whose last is the mod-11 check digit of the first seven."""
    import sqlglot
    from sqlglot import exp

    text = column.sql()
    digit = "CAST(SUBSTRING({c}, {i}, 1) AS INT)"
    total = " + ".join(f"{digit.format(c=text, i=i + 1)} * {8 - i}" for i in range(7))
    check = f"CASE MOD({total}, 11) WHEN 0 THEN 1 WHEN 1 THEN 0 ELSE 11 - MOD({total}, 11) END"
    parsed = sqlglot.parse_one(
        f"LENGTH({text}) = 8 AND {digit.format(c=text, i=8)} = {check}", read="duckdb"
    )
    shape = exp.RegexpLike(this=column.copy(), expression=exp.Literal.string("^[0-9]{8}$"))
    # A missing value is for `required` to judge, as in validation: unknown, which passes.
    # Digits are read only where the text is eight digits; elsewhere the rule fails.
    missing = exp.Is(this=column.copy(), expression=exp.Null())
    return exp.Case(
        ifs=[exp.If(this=missing, true=exp.Null()), exp.If(this=shape, true=parsed)],
        default=exp.Boolean(this=False),
    )


def condition(rule: Rule, code_list_table: Any = None) -> Any | None:
    """The SQL condition a row meets for ``rule``; None when it has no SQL form (the type)."""
    from sqlglot import exp

    if rule.kind == "row-rule":
        from cdo_toolkit.validation.expressions import resolved

        parsed = resolved(rule.params["expression"], rule.params["columns"])
        for column in parsed.find_all(exp.Column):
            column.set("this", sql.ident(column.name))
        return parsed
    spec = rule.field
    if spec is None:
        return None
    column = sql.column(spec.name)
    kind = rule.kind
    if kind == "required":
        return exp.Not(this=exp.Is(this=column, expression=exp.Null()))
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        operator = {
            "minimum": exp.GTE,
            "maximum": exp.LTE,
            "exclusiveMinimum": exp.GT,
            "exclusiveMaximum": exp.LT,
        }[kind]
        return operator(this=column, expression=_literal(rule.value))
    if kind == "enum":
        return exp.In(this=column, expressions=[_literal(v) for v in rule.value if v is not None])
    if kind == "pattern":
        # Anchored as Frictionless anchors it.
        return exp.RegexpLike(
            this=column, expression=exp.Literal.string(f"^{portable_pattern(rule.value)}$")
        )
    if kind == "minLength":
        return exp.GTE(this=exp.Length(this=column), expression=exp.Literal.number(rule.value))
    if kind == "maxLength":
        return exp.LTE(this=exp.Length(this=column), expression=exp.Literal.number(rule.value))
    if kind == "ico":
        return ico_condition(column)
    if kind == "code-list" and code_list_table is not None:
        table, field, as_text = code_list_table
        return member(column, sql.column(field), table, as_text=as_text)
    return None


def member(column: Any, field: Any, table: Any, *, as_text: bool) -> Any:
    """``column IN (SELECT field FROM table)``; compared as text when the two columns differ
    in type (a code kept as a string against one loaded as an integer), as validation
    compares them, since neither engine compares text with numbers."""
    from sqlglot import exp

    if as_text:
        column = exp.Cast(this=column, to=exp.DataType.build("TEXT"))
        field = exp.Cast(this=field, to=exp.DataType.build("TEXT"))
    return exp.In(this=column, query=exp.Subquery(this=exp.select(field).from_(table)))


def breaks(condition_expression: Any) -> Any:
    """1 when a row breaks the condition (it is FALSE), else 0."""
    from sqlglot import exp

    return exp.Case(
        ifs=[
            exp.If(
                this=exp.Not(
                    this=exp.Coalesce(
                        this=exp.Paren(this=condition_expression),
                        expressions=[exp.Boolean(this=True)],
                    )
                ),
                true=exp.Literal.number(1),
            )
        ],
        default=exp.Literal.number(0),
    )
