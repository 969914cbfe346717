"""Frictionless's own cell reader for the types and formats polars does not parse natively.

The reader runs once per distinct raw value of a batch column, so a column of a million
cells with a few hundred distinct values costs a few hundred Python calls. It returns
the same verdicts Frictionless gives: whether the text is of the type, and which
constraints it breaks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdo_toolkit.validation.fields import FieldSpec

if TYPE_CHECKING:
    import polars as pl


def _reader(spec: FieldSpec) -> Any:
    from frictionless import Field

    descriptor = dict(spec.descriptor)
    descriptor["missingValues"] = list(spec.missing_values)
    return Field.from_descriptor(descriptor).create_cell_reader()


def fallback_columns(
    spec: FieldSpec, raw: pl.Series, constraints: list[str]
) -> dict[str, pl.Series]:
    """``p`` (parsed), ``v`` (canonical text of the value) and one column per constraint name."""
    import polars as pl

    reader = _reader(spec)
    distinct = raw.unique().drop_nulls()
    parsed: list[bool] = []
    values: list[str | None] = []
    verdicts: dict[str, list[bool]] = {name: [] for name in constraints}
    for text in distinct.to_list():
        value, notes = reader(text)
        notes = notes or {}
        parsed.append("type" not in notes)
        values.append(None if value is None else str(value))
        for name in constraints:
            verdicts[name].append(name not in notes)
    lookup = pl.DataFrame(
        {
            "raw": distinct,
            "p": pl.Series(parsed, dtype=pl.Boolean),
            "v": pl.Series(values, dtype=pl.String),
            **{f"k:{name}": pl.Series(verdicts[name], dtype=pl.Boolean) for name in constraints},
        }
    )
    joined = pl.DataFrame({"raw": raw}).join(lookup, on="raw", how="left", maintain_order="left")
    return {name: joined.get_column(name) for name in lookup.columns if name != "raw"}
