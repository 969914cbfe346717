"""CSV on the Web (CSVW) both ways: a CSV source's description, and a description read.

Czech open data link a CSV distribution to a CSVW metadata document (``*.csv-metadata.json``),
as the ministries' code lists do: a harvester or a user reads from it how the file is
written (encoding, delimiter, header) and what each column holds. The catalogue writes one
from each registry entry: the dialect and the Table Schema, translated where CSVW has the
same notion, and left out where it has none (``unique``, an ``enum`` of numbers), so that
the description never says more than the entry. A source whose file CSVW cannot describe
(a delimiter or encoding the entry leaves to detection, comment rows among the data) gets
none. The tests read the documents back with an independent CSVW implementation against
the demo's files.

The other way, a description given to ``cdo validate --schema`` or ``cdo registry add
--schema`` is read as the Table Schema and dialect it amounts to. Shared by the catalogue
and validation, so it imports neither.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from cdo_toolkit.i18n import _

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


# --- reading a CSVW description: the Table Schema and dialect it amounts to -------------

_TYPES = {
    "string": "string", "normalizedString": "string", "token": "string", "language": "string",
    "Name": "string", "NMTOKEN": "string", "xml": "string", "html": "string", "json": "string",
    "anyURI": "string", "anyAtomicType": "any",
    "integer": "integer", "int": "integer", "long": "integer", "short": "integer",
    "byte": "integer", "nonNegativeInteger": "integer", "positiveInteger": "integer",
    "nonPositiveInteger": "integer", "negativeInteger": "integer", "unsignedLong": "integer",
    "unsignedInt": "integer", "unsignedShort": "integer", "unsignedByte": "integer",
    "decimal": "number", "double": "number", "float": "number", "number": "number",
    "boolean": "boolean", "date": "date", "dateTime": "datetime", "datetime": "datetime",
    "dateTimeStamp": "datetime", "time": "time", "gYear": "year", "gYearMonth": "yearmonth",
    "duration": "duration", "dayTimeDuration": "duration", "yearMonthDuration": "duration",
}  # fmt: skip
_LOWEST = {"nonNegativeInteger": 0, "positiveInteger": 1, "unsignedLong": 0, "unsignedInt": 0,
           "unsignedShort": 0, "unsignedByte": 0}  # fmt: skip
_HIGHEST = {"nonPositiveInteger": 0, "negativeInteger": -1}
_UAX35 = (("yyyy", "%Y"), ("MM", "%m"), ("M", "%m"), ("dd", "%d"), ("d", "%d"), ("HH", "%H"),
          ("mm", "%M"), ("ss", "%S"))  # fmt: skip


def is_description(descriptor: Any) -> bool:
    """Whether a schema file is a CSVW table description rather than a Table Schema."""
    if not isinstance(descriptor, dict) or "tableSchema" not in descriptor:
        return False
    context = descriptor.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return "http://www.w3.org/ns/csvw" in contexts


def read_description(
    descriptor: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The Table Schema, the dialect (our reader's names, CSVW's defaults where it says
    nothing) and the encoding a CSVW table description amounts to, and notes on what it
    says that a Table Schema cannot (checked as text, or not checked)."""
    notes: list[str] = []
    table_schema = descriptor.get("tableSchema") or {}
    inherited = {**descriptor, **table_schema}
    names: dict[str, str] = {}
    fields: list[dict[str, Any]] = []
    for column in table_schema.get("columns", []):
        if column.get("virtual"):
            continue
        name = (
            _title(column.get("titles"))
            or _unquoted(column.get("name"))
            or f"field{len(fields) + 1}"
        )
        if column.get("name"):
            names[column["name"]] = name
        fields.append(_field(name, {**inherited, **column}, notes))
    schema: dict[str, Any] = {"fields": fields}
    null = inherited.get("null")
    if null is not None:
        schema["missingValues"] = [null] if isinstance(null, str) else list(null)
    key = table_schema.get("primaryKey")
    if key:
        keys = [key] if isinstance(key, str) else list(key)
        schema["primaryKey"] = [names.get(k, k) for k in keys]
    if table_schema.get("foreignKeys"):
        notes.append(
            _(
                "the CSVW description's foreign keys point at other files by their URLs, "
                "which are not fetched: they are not checked"
            )
        )
    return schema, _reading(descriptor.get("dialect") or {}), notes


def _title(titles: Any) -> str | None:
    if isinstance(titles, str):
        return titles
    if isinstance(titles, list) and titles:
        return str(titles[0])
    if isinstance(titles, dict) and titles:  # a language map
        first = titles.get("cs") or next(iter(titles.values()))
        return first[0] if isinstance(first, list) else str(first)
    return None


def _unquoted(name: Any) -> str | None:
    from urllib.parse import unquote

    return unquote(name) if isinstance(name, str) else None


def _field(name: str, column: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    datatype = column.get("datatype", "string")
    if isinstance(datatype, str):
        datatype = {"base": datatype}
    base = datatype.get("base", "string")
    kind = _TYPES.get(base)
    field: dict[str, Any] = {"name": name}
    constraints: dict[str, Any] = {}
    if kind is None:
        notes.append(_unsaid(name, base))
        kind = "string"
    field["type"] = kind
    if base == "anyURI":
        field["format"] = "uri"
    if column.get("required"):
        constraints["required"] = True
    fmt = datatype.get("format")
    if fmt is not None:
        _format(field, constraints, fmt, notes)
    lowest = datatype.get("minimum", datatype.get("minInclusive", _LOWEST.get(base)))
    highest = datatype.get("maximum", datatype.get("maxInclusive", _HIGHEST.get(base)))
    if kind in ("integer", "number"):
        if isinstance(lowest, int | float):
            constraints["minimum"] = lowest
        if isinstance(highest, int | float):
            constraints["maximum"] = highest
    for ours, theirs in (("minLength", "minLength"), ("maxLength", "maxLength")):
        if isinstance(datatype.get(theirs), int):
            constraints[ours] = datatype[theirs]
    if isinstance(datatype.get("length"), int):
        constraints["minLength"] = constraints["maxLength"] = datatype["length"]
    if constraints:
        field["constraints"] = constraints
    return field


def _format(field: dict[str, Any], constraints: dict[str, Any], fmt: Any, notes: list[str]) -> None:
    kind = field["type"]
    name = field["name"]
    if kind in ("integer", "number"):
        if isinstance(fmt, dict):
            for key in ("decimalChar", "groupChar"):
                if fmt.get(key):
                    field[key] = fmt[key]
            if kind == "integer":
                field.pop("decimalChar", None)
        else:
            notes.append(_unsaid(name, fmt))
    elif kind in ("date", "datetime", "time"):
        written = fmt.get("pattern") if isinstance(fmt, dict) else fmt
        converted = _strptime(str(written))
        if converted is None:
            notes.append(_unsaid(name, written))
            field["type"] = "string"
        else:
            field["format"] = converted
    elif kind == "boolean" and isinstance(fmt, str) and "|" in fmt:
        true, false = fmt.split("|", 1)
        field["trueValues"], field["falseValues"] = [true], [false]
    elif kind == "string" and isinstance(fmt, str):
        constraints["pattern"] = fmt
    else:
        notes.append(_unsaid(name, fmt))


def _unsaid(name: str, what: Any) -> str:
    return _(
        "{field}: the CSVW description's {what!r} has no Table Schema form, so the column "
        "is checked without it"
    ).format(field=name, what=what)


def _strptime(pattern: str) -> str | None:
    """A CSVW (UAX #35) date or time pattern as a strptime format; None for one with a
    part strptime has no directive for (a time zone, fractions of a second)."""
    out = ""
    i = 0
    while i < len(pattern):
        for token, directive in _UAX35:
            if pattern.startswith(token, i):
                out += directive
                i += len(token)
                break
        else:
            if pattern[i].isalpha() and pattern[i] != "T":
                return None
            out += pattern[i].replace("%", "%%")
            i += 1
    return out


def _reading(dialect: dict[str, Any]) -> dict[str, Any]:
    """Our reader's dialect (and ``encoding``) from a CSVW dialect, CSVW's defaults filled in."""
    skip = int(dialect.get("skipRows", 0) or 0)
    said: dict[str, Any] = {
        "encoding": dialect.get("encoding", "utf-8"),
        "delimiter": dialect.get("delimiter", ","),
        "quote_char": dialect.get("quoteChar") or '"',
        "double_quote": dialect.get("doubleQuote", True) is not False,
        "skip_initial_space": bool(dialect.get("skipInitialSpace", False)),
        "skip_blank_rows": bool(dialect.get("skipBlankRows", False)),
        # No comment rows unless said: CSVW's spec is ambiguous (a "#" default, or none),
        # and the csvw package reads it so, to keep a first cell like "#1" data.
        "comment_char": dialect.get("commentPrefix") or None,
    }
    header_rows = int(dialect.get("headerRowCount", 1 if dialect.get("header", True) else 0))
    if not dialect.get("header", True) or header_rows == 0:
        said["header"] = False
        said["comment_rows"] = tuple(range(1, skip + 1))
    else:
        said["header_rows"] = tuple(range(skip + 1, skip + header_rows + 1))
    return said
