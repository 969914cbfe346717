"""Frictionless's own cell reader for the types and formats polars does not parse natively.

The reader runs once per distinct raw value of a batch column, so a column of a million
cells with a few hundred distinct values costs a few hundred Python calls. It returns
the same verdicts Frictionless gives: whether the text is of the type, and which
constraints it breaks.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cdo_toolkit.validation.fields import FieldSpec

if TYPE_CHECKING:
    import polars as pl


TEMPORAL = ("date", "datetime", "time")


def _field(spec: FieldSpec) -> Any:
    from frictionless import Field

    descriptor = dict(spec.descriptor)
    descriptor["missingValues"] = list(spec.missing_values)
    return Field.from_descriptor(descriptor)


def fallback_columns(
    spec: FieldSpec, raw: pl.Series, constraints: list[str]
) -> dict[str, pl.Series]:
    """``p`` (parsed), ``v`` (the value) and one column per constraint name.

    ``v`` is typed for dates, datetimes and times, as the native parse types them, so that
    row rules compare them as such and the warehouse loads them (polars no longer casts
    text to a date); for the other types it is the value's canonical text (:func:`canonical_text`),
    which is what the warehouse stores and what equal values share.
    """
    import polars as pl

    field = _field(spec)
    reader, writer = field.create_cell_reader(), field.create_value_writer()
    distinct = raw.unique().drop_nulls()
    temporal = spec.type in TEMPORAL
    parsed: list[bool] = []
    values: list[Any] = []
    verdicts: dict[str, list[bool]] = {name: [] for name in constraints}
    for text in distinct.to_list():
        value, notes = reader(text)
        notes = notes or {}
        parsed.append("type" not in notes)
        values.append(
            value if value is None or temporal else canonical_text(spec.type, value, writer)
        )
        for name in constraints:
            verdicts[name].append(name not in notes)
    lookup = pl.DataFrame(
        {
            "raw": distinct,
            "p": pl.Series(parsed, dtype=pl.Boolean),
            "v": _value_series(spec.type, values),
            **{f"k:{name}": pl.Series(verdicts[name], dtype=pl.Boolean) for name in constraints},
        }
    )
    joined = pl.DataFrame({"raw": raw}).join(lookup, on="raw", how="left", maintain_order="left")
    return {name: joined.get_column(name) for name in lookup.columns if name != "raw"}


def canonical_text(kind: str, value: Any, write: Any) -> str:
    """A value of a type kept as text, as Frictionless's ``write`` writes it (``2024-02``,
    not Python's ``yearmonth(year=2024, month=2)``; ``P1Y2M``). JSON keeps its letters
    unescaped; a point is ``lon,lat`` whatever its format (Frictionless's writer fails on
    the array and object formats), its decimals as floats so that 50.770 and 50.77 are
    one point."""
    if kind in ("object", "array", "geojson"):
        return json.dumps(value, ensure_ascii=False, default=str)
    if kind == "geopoint":
        return f"{float(value[0])!r},{float(value[1])!r}"
    return str(write(value))


def fallback_dtype(spec: FieldSpec) -> pl.DataType:
    """The type of the values :func:`fallback_columns` gives for the field."""
    return _value_series(spec.type, []).dtype


def _value_series(kind: str, values: list[Any]) -> pl.Series:
    """Dates, datetimes or times as the native parse types them (a datetime with an offset
    in UTC without its zone, one without as written); any other value as its text."""
    import polars as pl

    if kind not in TEMPORAL:
        return pl.Series(values, dtype=pl.String)
    if kind == "date":
        return pl.Series(values, dtype=pl.Date)
    if kind == "time":
        return pl.Series(
            [v if v is None else v.replace(tzinfo=None) for v in values], dtype=pl.Time
        )
    return pl.Series([v if v is None else _utc(v) for v in values], dtype=pl.Datetime("us"))


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:  # one format gives every value an offset or none
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
