"""Table Schema fields as vectorised parsers with Frictionless's semantics.

For each field we build polars expressions that do what Frictionless's cell reader does
one cell at a time: a cell in ``missingValues`` is missing; otherwise it is parsed by the
field's type and format, and a cell that does not parse is a ``type-error``. The common
types and formats (string, integer, number with ``decimalChar``/``groupChar``/
``bareNumber``, boolean with ``trueValues``/``falseValues``, date, datetime and time with
``strptime`` formats, year) run natively in polars; Python's own ``strptime`` regular
expressions guard the date formats, so ``1.2.2024`` is accepted exactly when Python
accepts it. Any other type or format falls back to Frictionless's own reader applied
once per distinct value, which keeps the semantics exact at a cost that grows with the
number of distinct values, not rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

DEFAULT_MISSING = ("",)
DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")
NATIVE_DATE_DIRECTIVES = set("dmYyHMSfjz%")

_INTEGER = r"^[+-]?\d+(?:_\d+)*$"
_DECIMAL = (
    r"^[+-]?(?:(?:\d+(?:_\d+)*)(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$"
    r"|^[+-]?(?i:inf|infinity|nan|snan)$"
)
_ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}.\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?$"
_ISO_TIME = r"^\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?$"

CONSTRAINTS_BY_TYPE = {
    "string": ("required", "pattern", "enum", "minLength", "maxLength"),
    "integer": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "number": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "boolean": ("required", "enum"),
    "date": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "datetime": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "time": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "year": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
}
NATIVE_TYPES = frozenset(CONSTRAINTS_BY_TYPE)


@dataclass(frozen=True)
class FieldSpec:
    """One Table Schema field, with everything parsing needs resolved."""

    name: str
    number: int
    type: str
    format: str
    constraints: dict[str, Any]
    missing_values: tuple[str, ...]
    descriptor: dict[str, Any]
    decimal_char: str = "."
    group_char: str = ""
    bare_number: bool = True
    true_values: tuple[str, ...] = DEFAULT_TRUE
    false_values: tuple[str, ...] = DEFAULT_FALSE
    number_options: bool = False
    """Whether decimalChar, groupChar or bareNumber were given (Frictionless then preprocesses)."""

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def native(self) -> bool:
        """Whether polars parses this field natively (else Frictionless's reader, per distinct value)."""
        if self.type not in NATIVE_TYPES:
            return False
        if self.type == "string":
            return self.format in ("default", "") and _rust_regex_ok(
                self.constraints.get("pattern")
            )
        if self.type in ("date", "datetime", "time"):
            return self.format == "default" or _native_strptime(self.format)
        return True


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    """"" for the table itself, else a resource of the package or a registered source."""
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class SchemaSpec:
    fields: list[FieldSpec]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    descriptor: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def schema_spec(descriptor: dict[str, Any]) -> SchemaSpec:
    """Resolve a (valid) Table Schema descriptor."""
    schema_missing = tuple(str(v) for v in descriptor.get("missingValues", DEFAULT_MISSING))
    fields = []
    for number, item in enumerate(descriptor.get("fields", []), start=1):
        kind = item.get("type", "string") or "string"
        options = {k: item[k] for k in ("decimalChar", "groupChar", "bareNumber") if k in item}
        fields.append(
            FieldSpec(
                name=item["name"],
                number=number,
                type=kind,
                format=item.get("format", "default") or "default",
                constraints=dict(item.get("constraints", {})),
                missing_values=tuple(str(v) for v in item["missingValues"])
                if "missingValues" in item
                else schema_missing,
                descriptor=item,
                decimal_char=item.get("decimalChar", "."),
                group_char=item.get("groupChar", ""),
                bare_number=item.get("bareNumber", True),
                true_values=tuple(item.get("trueValues", DEFAULT_TRUE)),
                false_values=tuple(item.get("falseValues", DEFAULT_FALSE)),
                number_options=bool(options),
            )
        )
    foreign_keys = tuple(
        ForeignKey(
            _as_tuple(fk["fields"]),
            fk["reference"].get("resource", ""),
            _as_tuple(fk["reference"]["fields"]),
        )
        for fk in descriptor.get("foreignKeys", [])
    )
    return SchemaSpec(fields, _as_tuple(descriptor.get("primaryKey")), foreign_keys, descriptor)


def _rust_regex_ok(pattern: Any) -> bool:
    if pattern is None:
        return True
    import polars as pl

    try:
        pl.select(pl.lit("").str.contains(f"^(?:{pattern})$"))
    except Exception:  # polars raises ComputeError for what its regex engine lacks
        return False
    return True


def _native_strptime(fmt: str) -> bool:
    directives = re.findall(r"%(.)", fmt)
    return all(d in NATIVE_DATE_DIRECTIVES for d in directives)


def strptime_regex(fmt: str) -> str:
    """The regular expression Python's ``strptime`` matches ``fmt`` with (anchored)."""
    import _strptime

    pattern: str = _strptime.TimeRE().pattern(fmt)
    return f"(?i)^{pattern}$"


def value_dtype(kind: str) -> Any:
    """The polars type of a parsed value of Table Schema type ``kind`` (text for the types
    with no polars counterpart: yearmonth, geopoint, object…)."""
    import polars as pl

    return {
        "integer": pl.Int64,
        "number": pl.Float64,
        "boolean": pl.Boolean,
        "date": pl.Date,
        "datetime": pl.Datetime("us"),
        "time": pl.Time,
        "year": pl.Int64,
    }.get(kind, pl.String)


# --- Python scalars: constraint values are read the way cells are -----------------------


def read_scalar(spec: FieldSpec, value: Any) -> Any:
    """Read a constraint value (``minimum: "1900-01-01"``) as Frictionless does."""
    if not isinstance(value, str):
        if spec.type == "number" and isinstance(value, int | float):
            return float(value)
        return value
    text = value.strip()
    try:
        if spec.type == "integer":
            return int(text)
        if spec.type == "number":
            return float(Decimal(_number_text(spec, text) or "x"))
        if spec.type == "date":
            fmt = "%Y-%m-%d" if spec.format == "default" else spec.format
            return datetime.strptime(value, fmt).date()
        if spec.type == "datetime":
            if spec.format == "default":
                return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
            return datetime.strptime(value, spec.format)
        if spec.type == "time":
            if spec.format == "default":
                return time.fromisoformat(value)
            return datetime.strptime(value, spec.format).time()
        if spec.type == "year":
            return int(text)
        if spec.type == "boolean":
            return value in spec.true_values
    except (ValueError, InvalidOperation):
        return None
    return value


def _number_text(spec: FieldSpec, text: str) -> str | None:
    if spec.number_options:
        if not spec.bare_number:
            text = re.sub(r"((^[^-\d]*)|(\D*$))", "", text)
        if spec.group_char:
            text = text.replace(spec.group_char, "")
        if spec.decimal_char != "." and "." in text:
            return None
        text = text.replace(spec.decimal_char, ".")
    return text


# --- polars expressions -------------------------------------------------------------------


def missing_expr(spec: FieldSpec, raw: pl.Expr) -> pl.Expr:
    """True where the cell is one of the field's missing values."""
    return raw.is_in(list(spec.missing_values))


def parse_expr(spec: FieldSpec, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, shape) on the fast path, for a natively parsed non-string field.

    A cell parses when its shape is right and its value is not null. The two are apart so
    that the caller computes the value once: polars does not share a parse nested inside
    another expression, and a date column's ``strptime`` ran twice.

    The fast path decides most cells with one cast or ``strptime``; where it says no to a
    cell that is not missing, :func:`residual_expr` decides again, on those rows only,
    with every form Frictionless accepts (``1_000``, integers beyond 64 bits, ISO
    datetimes with offsets or fractions). A cell not parsed after both is exactly a
    Frictionless ``type-error``.
    """
    import polars as pl

    kind = spec.type
    if kind == "integer":
        text = raw if spec.bare_number else raw.str.replace_all(r"^[^-\d]*|\D*$", "")
        return text.cast(pl.Int64, strict=False), pl.lit(True)
    if kind == "year":
        value = raw.cast(pl.Int64, strict=False)
        return pl.when(value.is_between(0, 9999)).then(value), raw.str.len_chars() == 4
    if kind == "number":
        # Unstripped: the rare cell with spaces around its number fails the cast here and
        # is parsed by the residual, which strips it.
        text, ok = _number_text_expr(spec, raw)
        return text.cast(pl.Float64, strict=False), ok
    if kind == "boolean":
        value = (
            pl.when(raw.is_in(list(spec.true_values)))
            .then(pl.lit(True))
            .when(raw.is_in(list(spec.false_values)))
            .then(pl.lit(False))
            .otherwise(pl.lit(None, dtype=pl.Boolean))
        )
        return value, pl.lit(True)
    # Most dates and times are distinct, so strptime's cache of parsed values costs more
    # than it saves.
    if kind == "date":
        fmt = "%Y-%m-%d" if spec.format == "default" else spec.format
        value = raw.str.strptime(pl.Date, fmt, strict=False, cache=False)
        return value, raw.str.contains(strptime_regex(fmt))
    if kind == "datetime":
        if spec.format == "default":
            value = raw.str.strptime(
                pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S", strict=False, cache=False
            )
            return value, raw.str.contains(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
        value = raw.str.strptime(pl.Datetime("us"), spec.format, strict=False, cache=False)
        if "%z" in spec.format:
            # In UTC without its zone, as the warehouse stores it and as row rules'
            # TIMESTAMP literals are: polars compares no zoned time with an unzoned one.
            value = value.dt.replace_time_zone(None)
        return value, raw.str.contains(strptime_regex(spec.format))
    # time
    if spec.format == "default":
        value = raw.str.strptime(pl.Time, "%H:%M:%S", strict=False, cache=False)
        return value, raw.str.contains(r"^\d{2}:\d{2}:\d{2}$")
    value = raw.str.strptime(pl.Time, spec.format, strict=False, cache=False)
    return value, raw.str.contains(strptime_regex(spec.format))


def _number_text_expr(spec: FieldSpec, text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """:func:`_number_text` as a polars expression: a number's text with its options undone (bare number, group and decimal characters),
    and whether a "." stood where only the declared decimal character may."""
    import polars as pl

    ok = pl.lit(True)
    if spec.number_options:
        if not spec.bare_number:
            text = text.str.replace_all(r"^[^-\d]*|\D*$", "")
        if spec.group_char:
            text = text.str.replace_all(spec.group_char, "", literal=True)
        if spec.decimal_char != ".":
            ok = ~text.str.contains(".", literal=True)
            text = text.str.replace_all(spec.decimal_char, ".", literal=True)
    return text, ok


def residual_expr(spec: FieldSpec, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr] | None:
    """The full parse for the rows the fast path refused (None: the fast path is exact)."""
    import polars as pl

    kind = spec.type
    if kind == "integer":
        text = raw.str.strip_chars()
        if not spec.bare_number:
            text = text.str.replace_all(r"^[^-\d]*|\D*$", "")
        ok = text.str.contains(_INTEGER)
        # Python's int has no upper bound; 128 bits hold what a register plausibly has.
        return text.str.replace_all("_", "").cast(pl.Int128, strict=False), ok
    if kind == "number":
        text, ok = _number_text_expr(spec, raw.str.strip_chars())
        ok = ok & text.str.contains(_DECIMAL)
        value = (
            pl.when(text.str.to_lowercase().str.contains("snan"))
            .then(pl.lit(float("nan")))
            .otherwise(text.str.replace_all("_", "").cast(pl.Float64, strict=False))
        )
        return value, ok
    if kind == "datetime" and spec.format == "default":
        text = raw.str.replace(r"^(\d{4}-\d{2}-\d{2}).", "${1}T").str.replace(
            r"(?:Z|z|[+-]\d{2}(?::?\d{2})?)$", ""
        )
        value = text.str.replace(",", ".", literal=True).str.strptime(
            pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S%.f", strict=False
        )
        return value, raw.str.contains(_ISO_DATETIME) & value.is_not_null()
    if kind == "time" and spec.format == "default":
        text = raw.str.replace(r"(?:Z|z|[+-]\d{2}(?::?\d{2})?)$", "").str.replace(
            ",", ".", literal=True
        )
        value = text.str.strptime(pl.Time, "%H:%M:%S%.f", strict=False)
        return value, raw.str.contains(_ISO_TIME) & value.is_not_null()
    return None


def polars_literal(spec: FieldSpec, value: Any) -> Any:
    """A constraint value as a polars literal of the field's column type."""
    import polars as pl

    if isinstance(value, datetime):
        if value.tzinfo is not None:  # values with offsets are compared in UTC
            value = value.astimezone(UTC).replace(tzinfo=None)
        return pl.lit(value, dtype=pl.Datetime("us"))
    if isinstance(value, date):
        return pl.lit(value, dtype=pl.Date)
    if isinstance(value, time):
        return pl.lit(value, dtype=pl.Time)
    return pl.lit(value)
