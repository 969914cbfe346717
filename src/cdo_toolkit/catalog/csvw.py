"""A public CSV source described in CSV on the Web (CSVW), for its distribution's ``schéma``.

Czech open data link a CSV distribution to a CSVW metadata document (``*.csv-metadata.json``),
as the ministries' code lists do: a harvester or a user reads from it how the file is
written (encoding, delimiter, header) and what each column holds. It is written from the
registry entry: the dialect and the Table Schema, translated where CSVW has the same
notion, and left out where it has none (``unique``, an ``enum`` of numbers), so that the
description never says more than the entry. A source whose file CSVW cannot describe (a
delimiter or encoding the entry leaves to detection, comment rows among the data) gets
none. The tests read the documents back with an independent CSVW implementation against
the demo's files.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

CONTEXT = ["http://www.w3.org/ns/csvw", {"@language": "cs"}]

# Table Schema date and time formats (strptime) as CSVW's (UAX #35), where CSVW has one.
_STRPTIME = {"%Y": "yyyy", "%m": "M", "%d": "d", "%H": "HH", "%M": "mm", "%S": "ss"}
_CSVW_DATES = {
    f"{day}{sep}{month}{sep}yyyy" for sep in "-/." for day, month in (("d", "M"), ("dd", "MM"))
} | {"yyyy-MM-dd", "yyyyMMdd", "M/d/yyyy", "M.d.yyyy", "M-d-yyyy"}
_CSVW_TIMES = {"HH:mm:ss", "HH:mm", "HHmmss", "HHmm"}
_BASE = {
    "string": "string",
    "integer": "integer",
    "number": "decimal",
    "boolean": "boolean",
    "date": "date",
    "datetime": "dateTime",
    "time": "time",
    "year": "gYear",
    "yearmonth": "gYearMonth",
    "duration": "duration",
    "object": "json",
    "array": "json",
    "geojson": "json",
}


def column_name(field_name: str) -> str:
    """CSVW's name of a column: the field's name, percent-encoded as URI templates want it."""
    return quote(field_name, safe="_")


def table_description(
    entry: Any, url: str, references: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """The CSVW metadata of ``entry``'s file at ``url``; None where CSVW cannot say how it
    is written. ``references``: the download URLs of other published sources, which a
    foreign key into them names."""
    source = entry.source
    dialect = _dialect(source)
    if dialect is None or not entry.schema:
        return None
    schema = entry.schema
    missing = schema.get("missingValues", [""])
    columns = [_column(field) for field in schema.get("fields", [])]
    table_schema: dict[str, Any] = {"columns": columns}
    key = schema.get("primaryKey")
    if key:
        keys = [key] if isinstance(key, str) else list(key)
        table_schema["primaryKey"] = [column_name(k) for k in keys]
    foreign = [_foreign_key(fk, url, references or {}) for fk in schema.get("foreignKeys", [])]
    if any(fk is not None for fk in foreign):
        table_schema["foreignKeys"] = [fk for fk in foreign if fk is not None]
    description: dict[str, Any] = {
        "@context": CONTEXT,
        "url": url,
        "dc:title": source.title,
        "dialect": dialect,
        "tableSchema": table_schema,
    }
    if missing != [""]:
        description["null"] = missing
    return description


def _dialect(source: Any) -> dict[str, Any] | None:
    d = source.dialect
    fmt = source.format.value
    delimiter = "\t" if fmt == "tsv" and not d.delimiter else d.delimiter
    if fmt not in ("csv", "tsv") or not delimiter or not source.encoding:
        return None
    said: dict[str, Any] = {
        "encoding": "utf-8" if source.encoding == "utf-8-sig" else source.encoding,
        "delimiter": delimiter,
    }
    if d.quote_char:
        said["quoteChar"] = d.quote_char
    if d.double_quote is False:
        said["doubleQuote"] = False
    if d.skip_initial_space:
        said["skipInitialSpace"] = True
    if d.skip_blank_rows:
        said["skipBlankRows"] = True
    if d.comment_char:
        said["commentPrefix"] = d.comment_char
    comment_rows = sorted(d.comment_rows or [])
    if d.header is False:
        # Rows left out are describable only at the top, where CSVW skips them.
        if comment_rows != list(range(1, len(comment_rows) + 1)):
            return None
        said["header"] = False
        if comment_rows:
            said["skipRows"] = len(comment_rows)
        return said
    header = sorted(d.header_rows or [1])
    if header != list(range(header[0], header[-1] + 1)) or comment_rows:
        return None  # a header in pieces, or comment rows: CSVW has no words for them
    if header[0] > 1:
        said["skipRows"] = header[0] - 1
    if len(header) > 1:
        said["headerRowCount"] = len(header)
    return said


def _column(field: dict[str, Any]) -> dict[str, Any]:
    name = field["name"]
    column: dict[str, Any] = {"name": column_name(name), "titles": name}
    if field.get("title"):
        column["dc:title"] = field["title"]
    if field.get("description"):
        column["dc:description"] = field["description"]
    constraints = field.get("constraints", {})
    if constraints.get("required"):
        column["required"] = True
    column["datatype"] = _datatype(field, constraints)
    return column


def _datatype(field: dict[str, Any], constraints: dict[str, Any]) -> Any:
    kind = field.get("type", "string")
    fmt = field.get("format", "default")
    datatype: dict[str, Any] = {"base": _BASE.get(kind, "string")}
    if kind in ("number", "integer"):
        if field.get("bareNumber") is False:
            return "string"  # "12 %": a number among other characters
        number_format = {
            k: field[v]
            for k, v in (("decimalChar", "decimalChar"), ("groupChar", "groupChar"))
            if field.get(v) and not (k == "decimalChar" and field[v] == ".")
        }
        if kind == "integer":
            number_format.pop("decimalChar", None)
        if number_format:
            datatype["format"] = number_format
        for bound in ("minimum", "maximum"):
            if isinstance(constraints.get(bound), int | float):
                datatype[bound] = constraints[bound]
    elif kind in ("date", "datetime", "time"):
        if fmt not in ("default", "any"):
            pattern = _date_pattern(fmt, kind)
            if pattern is None:
                return "string"  # a format CSVW has no pattern for: described as text
            datatype["format"] = pattern
        elif fmt == "any":
            return "string"
    elif kind == "boolean":
        true_values = field.get("trueValues")
        false_values = field.get("falseValues")
        if true_values or false_values:
            datatype["format"] = f"{(true_values or ['true'])[0]}|{(false_values or ['false'])[0]}"
    elif kind == "string":
        if fmt == "uri":
            datatype["base"] = "anyURI"
        pattern = constraints.get("pattern")
        enum = constraints.get("enum")
        if pattern:
            datatype["format"] = pattern
        elif enum and all(isinstance(v, str) for v in enum):
            datatype["format"] = "|".join(_escaped(v) for v in enum)
        for bound in ("minLength", "maxLength"):
            if isinstance(constraints.get(bound), int):
                datatype[bound] = constraints[bound]
    return datatype if len(datatype) > 1 else datatype["base"]


def _escaped(value: str) -> str:
    """``value`` as a literal in a regular expression (ECMAScript's, which CSVW uses: unlike
    Python's ``re.escape`` it escapes no space or letter)."""
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", value)


def _date_pattern(strptime: str, kind: str) -> str | None:
    pattern = re.sub(r"%[YmdHMS]", lambda m: _STRPTIME[m[0]], strptime)
    if "%" in pattern:
        return None
    if kind == "date":
        return pattern if pattern in _CSVW_DATES else None
    if kind == "time":
        return pattern if pattern in _CSVW_TIMES else None
    for separator in (" ", "T"):
        day, _sep, clock = pattern.partition(separator)
        if clock and day in _CSVW_DATES and clock in _CSVW_TIMES:
            return pattern
    return None


def _foreign_key(fk: dict[str, Any], url: str, references: dict[str, str]) -> dict[str, Any] | None:
    fields = fk.get("fields")
    reference = fk.get("reference", {})
    target = reference.get("resource", "")
    resource = url if target == "" else references.get(target)
    if resource is None:
        return None  # a source that is not published: nothing a reader could follow
    own = [fields] if isinstance(fields, str) else list(fields or [])
    theirs = reference.get("fields")
    theirs = [theirs] if isinstance(theirs, str) else list(theirs or [])
    return {
        "columnReference": [column_name(f) for f in own],
        "reference": {"resource": resource, "columnReference": [column_name(f) for f in theirs]},
    }
