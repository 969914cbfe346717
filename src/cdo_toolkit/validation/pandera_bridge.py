"""Our bridge from Table Schema (and the registry's checks) to Pandera, polars backend.

``pandera.io`` converts Table Schema for pandas only, and loses what Czech data needs:
date formats, decimal commas, foreign keys. Here the rules of a table (each field's type,
each Table Schema constraint, each registry check) are compiled to polars expressions and
given to Pandera as one wide check on the batch: Pandera evaluates it lazily and returns
the failing rows in ``failure_cases``. Only for those rows are the rules evaluated one by
one again, to say which rule each row broke and with which cell.

Why the polars backend: a batch is a polars frame already (zero-copy from the CSV
reader) and Pandera's polars checks are polars expressions, so checks run vectorised in
native code with no conversion to pandas. Why one wide check rather than one check per
rule: Pandera's cost is per check and per batch (it collects each check's result and its
failure cases separately), while one expression over all the rules lets polars parse each
cell once and evaluate the rules in a single parallel pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cdo_toolkit.validation.rules import Rule, polars_ok

if TYPE_CHECKING:
    import pandera.polars as pa
    import polars as pl

CHECK_NAME = "table-schema"


def pandera_schema(
    rules: Sequence[Rule], prepare: Callable[[pl.LazyFrame], pl.LazyFrame], blank: pl.Expr
) -> pa.DataFrameSchema:
    """A Pandera schema whose one check passes a row that is blank or meets every rule.

    ``prepare`` turns the raw text columns into the typed, missing and parsed columns the
    rules read; blank rows pass here, they are reported as blank rows instead.
    """
    import pandera.polars as pa
    import polars as pl

    oks = [polars_ok(rule) for rule in rules]
    # polars cannot fold an empty list: a schema of plain strings has no row rules.
    passes = (blank | (pl.all_horizontal(oks) if oks else pl.lit(True))).alias("ok")

    def check(data: Any) -> pl.LazyFrame:
        return prepare(data.lazyframe).select(passes)

    return pa.DataFrameSchema(checks=[pa.Check(check, name=CHECK_NAME)], strict=False, coerce=False)


class CheckRaised(Exception):
    """The check raised rather than answered: Pandera lists that as a failure of no row."""


def failing_rows(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> pl.Series:
    """Positions in ``frame`` of the rows Pandera found failing, in order."""
    import pandera.polars as pa
    import polars as pl
    from pandera.errors import SchemaErrorReason

    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for error in errors.schema_errors:
            if error.reason_code == SchemaErrorReason.CHECK_ERROR:
                raise CheckRaised(str(error).splitlines()[0]) from None
        cases: pl.DataFrame = errors.failure_cases
        rows: pl.Series = cases.get_column("index").drop_nulls().cast(pl.Int64).unique().sort()
        return rows
    return pl.Series("index", [], dtype=pl.Int64)


def broken_rules(rules: Sequence[Rule], prepared: pl.DataFrame) -> dict[str, pl.Series]:
    """For prepared failing rows: rule id → positions (in ``prepared``) of the rows breaking it."""
    verdicts = prepared.select([polars_ok(rule).alias(rule.id) for rule in rules])
    result = {}
    for rule in rules:
        fails = ~verdicts.get_column(rule.id)
        if fails.any():
            result[rule.id] = fails.arg_true()
    return result
