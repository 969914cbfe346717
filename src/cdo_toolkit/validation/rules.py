"""Rules: what a table must satisfy, defined once, compiled for each engine.

A :class:`Rule` says *what* is asserted (a field's type, a Table Schema constraint, a
registry check) and which report error it yields. :func:`polars_ok` compiles a rule to a
polars expression that is true where a row passes; the Pandera bridge runs those
expressions as Pandera checks on each batch, and the warehouse compiles the same rules
to SQL.

Columns of a prepared batch, per field number ``n``: ``v{n}`` the typed value,
``r{n}`` the raw text, ``m{n}`` whether the cell is missing, ``p{n}`` whether the text
parsed as the field's type.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdo_toolkit.validation.fields import (
    CONSTRAINTS_BY_TYPE,
    FieldSpec,
    SchemaSpec,
    polars_literal,
    read_scalar,
)

if TYPE_CHECKING:
    import polars as pl

OTHER_CONSTRAINTS = ("required", "minLength", "maxLength", "enum", "pattern", "minimum", "maximum")
"""Constraints checked (through Frictionless's reader) on types polars does not parse."""

FALLBACK_DECIDED = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "enum",
        "pattern",
        "minLength",
        "maxLength",
    }
)
"""Constraints that Frictionless's reader decides for fields polars does not parse."""

ROW_LEVEL = frozenset({"type", "required", "minimum", "maximum", "exclusiveMinimum",
                       "exclusiveMaximum", "enum", "pattern", "minLength", "maxLength",
                       "ico", "code-list", "row-rule"})  # fmt: skip
"""Rule kinds decided by one row alone (run per batch); the others need the whole table."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    error_type: str
    note: str
    field: FieldSpec | None = None
    value: Any = None
    severity: str = "error"
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def row_level(self) -> bool:
        return self.kind in ROW_LEVEL

    @property
    def fields_named(self) -> set[str]:
        """The fields a row rule's condition names (the others name theirs in ``field``)."""
        if self.kind != "row-rule":
            return set()
        from cdo_toolkit.validation.expressions import columns_of

        return columns_of(self.params["expression"], self.params["columns"])


def col(prefix: str, spec: FieldSpec) -> str:
    return f"{prefix}{spec.number}"


def _note(name: str, value: Any) -> str:
    # Frictionless writes the descriptor's value with Python's str(): "['a', 'b']", "True".
    return f'constraint "{name}" is "{value}"'


def schema_rules(schema: SchemaSpec) -> list[Rule]:
    """The type and constraint rules of every field, in Frictionless's order."""
    rules: list[Rule] = []
    for spec in schema.fields:
        rules.append(
            Rule(
                f"{spec.number}:type",
                "type",
                "type-error",
                f'type is "{spec.type}/{spec.format}"',
                spec,
            )
        )
        supported = CONSTRAINTS_BY_TYPE.get(spec.type, OTHER_CONSTRAINTS)
        for name in supported:
            if name not in spec.constraints:
                continue
            raw_value = spec.constraints[name]
            if name == "required" and not raw_value:
                continue
            value: Any = raw_value
            if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                value = read_scalar(spec, raw_value)
            elif name == "enum":
                value = [read_scalar(spec, item) for item in raw_value]
            rules.append(
                Rule(
                    f"{spec.number}:{name}",
                    name,
                    "constraint-error",
                    _note(name, raw_value),
                    spec,
                    value,
                )
            )
    return rules


def described(rule: Rule) -> dict[str, Any]:
    """What ``rule`` expects, as lineage's quality assertions say it: the constraint's
    value as the schema writes it, a row rule's name, condition and message, a statistical
    check's bound. Without it, a failed assertion in Marquez says "minimum" but not of what."""
    spec = rule.field
    if rule.kind == "row-rule":
        params = rule.params
        return {
            "rule": params["name"],
            "content": params["expression"],
            **({"description": params["message"]} if params.get("message") else {}),
        }
    if rule.kind == "type" and spec is not None:
        return {"expected": spec.type if spec.format == "default" else f"{spec.type}/{spec.format}"}
    if rule.error_type == "constraint-error" and spec is not None:
        raw = spec.constraints[rule.kind]
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
        return {"expected": text}
    if rule.kind in ("deviation", "null-share"):
        return {"params": dict(rule.params)}
    return {}


def polars_ok(rule: Rule) -> pl.Expr:
    """True where a row passes ``rule`` (row-level rules only)."""
    import polars as pl

    spec = rule.field
    if rule.kind == "row-rule":
        from cdo_toolkit.validation.expressions import to_polars

        params = rule.params
        return to_polars(params["expression"], params["columns"], params["dates"]).fill_null(True)
    assert spec is not None
    value = pl.col(col("v", spec))
    missing = pl.col(col("m", spec))
    if rule.kind == "type":
        return missing | pl.col(col("p", spec))
    if rule.kind == "required":
        return ~missing
    if not spec.native and rule.kind in FALLBACK_DECIDED:
        # Decided per distinct value by Frictionless's own reader (fallback.py).
        return pl.col(f"k{spec.number}:{rule.kind}").fill_null(True)
    bounds = {
        "minimum": lambda limit: value >= limit,
        "maximum": lambda limit: value <= limit,
        "exclusiveMinimum": lambda limit: value > limit,
        "exclusiveMaximum": lambda limit: value < limit,
    }
    check: pl.Expr
    if rule.kind in bounds:
        check = bounds[rule.kind](polars_literal(spec, rule.value))
        if spec.type == "number":
            # Frictionless compares Decimals, and NaN compares with nothing.
            check = check & ~value.is_nan()
    elif rule.kind == "enum":
        check = value.is_in(pl.Series([v for v in rule.value if v is not None]).implode())
    elif rule.kind == "pattern":
        # Frictionless anchors the pattern as "^{pattern}$", precedence quirks included.
        check = value.str.contains(f"^{rule.value}$")
    elif rule.kind == "minLength":
        check = value.str.len_chars() >= rule.value
    elif rule.kind == "maxLength":
        check = value.str.len_chars() <= rule.value
    elif rule.kind == "ico":
        check = ico_ok(value)
    elif rule.kind == "code-list":
        check = value.cast(pl.String).is_in(
            pl.Series(rule.params["codes"], dtype=pl.String).implode()
        )
    else:
        raise ValueError(f"rule kind {rule.kind!r} is not row-level")
    # A missing or mistyped cell is not checked against constraints (its value is null).
    return check.fill_null(True)


def ico_ok(value: pl.Expr) -> pl.Expr:
    """True for eight digits whose last is the mod-11 check digit of the first seven."""
    import polars as pl

    text = value.cast(pl.String)
    digits = [text.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(8)]
    total = pl.sum_horizontal([d * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True)])
    remainder = total % 11
    check = pl.when(remainder == 0).then(1).when(remainder == 1).then(0).otherwise(11 - remainder)
    return text.str.contains(r"^\d{8}$") & (digits[7] == check)
