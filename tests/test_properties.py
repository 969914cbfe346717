"""Property-based: the file and the warehouse agree; dialect detection finds what was written.

Hypothesis draws a schema (integers with bounds, strings with patterns, enums, lengths,
required fields) and rows that keep the types but may break any constraint. The file is
validated, submitted into a DuckDB warehouse whose standard tolerates every error, and
scored: the rows each rule breaks are the same in the file (Pandera) and in the warehouse
(the rules compiled to SQL by sqlglot).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CASES, source_dict

SCALE = int(os.environ.get("CDO_PROPERTY_SCALE", "1"))
"""How many times the examples of `make test`: `make soak` draws ten times as many."""
SOURCE = source_dict(
    "nahodna",
    "Náhodná tabulka",
    "Tabulka pro vlastnostní testy.",
    personal_data=False,
    encoding="utf-8",
    dialect={"delimiter": ";"},
    warehouse={"table": "nahodna", "load_mode": "replace"},
)


@st.composite
def columns(draw: Any, index: int) -> tuple[dict[str, Any], Any]:
    """A field and the strategy of its cells (as text, possibly empty)."""
    name = f"pole_{index}"
    kind = draw(st.sampled_from(["integer", "pattern", "words", "enum", "length"]))
    required = draw(st.booleans())
    maybe_empty = st.just("") if not required or draw(st.booleans()) else st.nothing()
    if kind == "integer":
        low = draw(st.integers(-50, 50))
        high = draw(st.integers(low, low + 100))
        field = {"name": name, "type": "integer", "constraints": {"minimum": low, "maximum": high}}
        cells = st.integers(low - 20, high + 20).map(str)
    elif kind == "pattern":
        field = {"name": name, "type": "string", "constraints": {"pattern": "5\\d{5}"}}
        # Other decimal digits too (Arabic-Indic, mathematical): \d matches them in files.
        cells = st.tuples(
            st.sampled_from("45۵"), st.text(alphabet="0123456789٣۵𝟘x", min_size=4, max_size=6)
        ).map("".join)
    elif kind == "words":
        field = {"name": name, "type": "string", "constraints": {"pattern": "\\w+(\\s\\w+)?"}}
        cells = st.text(alphabet="aŘčž_1۵ \u00a0-.", min_size=1, max_size=8)
    elif kind == "enum":
        field = {"name": name, "type": "string", "constraints": {"enum": ["LK", "HK", "PA"]}}
        cells = st.sampled_from(["LK", "HK", "PA", "XX", "lk"])
    else:
        low = draw(st.integers(1, 3))
        field = {
            "name": name,
            "type": "string",
            "constraints": {"minLength": low, "maxLength": low + 3},
        }
        cells = st.text(alphabet="abcčř", min_size=1, max_size=low + 6)
    if required:
        field["constraints"]["required"] = True
    return field, st.one_of(cells, maybe_empty)


@st.composite
def tables(draw: Any) -> tuple[list[dict[str, Any]], list[list[str]]]:
    drawn = [draw(columns(i)) for i in range(draw(st.integers(1, 4)))]
    fields = [f for f, _cells in drawn]
    rows = draw(
        st.lists(
            # a row of empty cells is a blank row, a structure error that rejects the file
            st.tuples(*(cells for _f, cells in drawn)).map(list).filter(any),
            min_size=1,
            max_size=30,
        )
    )
    return fields, rows


def _write_table(path: Path, fields: list[dict[str, Any]], rows: list[list[str]]) -> Path:
    header = ";".join(f["name"] for f in fields)
    path.write_text(header + "\n" + "".join(";".join(row) + "\n" for row in rows), "utf-8")
    return path


@settings(
    max_examples=25 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=tables())
def test_file_and_warehouse_find_the_same_rows(table: Any, cdo: Any, workdir: Path) -> None:
    from cdo_toolkit.quality.score import score
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.validation.api import Options, validate
    from cdo_toolkit.warehouse.url import parse_url

    fields, rows = table
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        registry = root / "registry"
        shutil.copytree(CASES / "registry" / "_base", registry)
        standards = yaml.safe_load((registry / "standards.yaml").read_text("utf-8"))
        standards["standards"][0]["max_error_rows"] = 100  # load every defect, to score it
        (registry / "standards.yaml").write_text(yaml.safe_dump(standards), "utf-8")
        source = SOURCE | {"schema": {"fields": fields}}
        (registry / "sources" / "nahodna.yaml").write_text(
            yaml.safe_dump(source, allow_unicode=True), "utf-8"
        )
        data = _write_table(root / "nahodna.csv", fields, rows)
        loaded = load_valid(registry)
        report = validate(str(data), Options(source="nahodna"), registry=loaded)
        by_file = {
            (a["assertion"], a["column"]): a["failures"]
            for a in report.tasks[0].assertions
            if a["failures"]
        }
        url = f"duckdb:///{root}/sklad.duckdb"
        result = cdo(
            "--registry", str(registry), "--warehouse", url, "submit", "nahodna", str(data)
        )
        assert result.exit_code == 0, result.output
        scored = score(parse_url(url, root), loaded, ["nahodna"], store=False)[0]
        in_sql = {(c["check"], c["column"]): c["rows"] for c in scored.failing_checks}
        assert by_file == in_sql, (fields, rows)


@settings(max_examples=40 * SCALE, deadline=None)
@given(table=tables(), key=st.sampled_from([None, "unique", "primaryKey"]))
def test_fast_engine_finds_what_frictionless_finds(table: Any, key: str | None) -> None:
    """Table Schema → checks: for random schemas (with a unique field or a primary key, or
    neither) and rows, the vectorised engine reports the same (type, row, field) as
    Frictionless itself."""
    import json

    from cdo_toolkit.validation.api import Options, validate
    from cdo_toolkit.validation.engine import Limits

    fields, rows = table
    schema: dict[str, Any] = {"fields": fields}
    if key == "unique":
        first = fields[0] | {"constraints": fields[0]["constraints"] | {"unique": True}}
        schema["fields"] = [first, *fields[1:]]
    elif key == "primaryKey":
        schema["primaryKey"] = [fields[0]["name"]]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "schema.json").write_text(json.dumps(schema), "utf-8")
        data = _write_table(root / "tabulka.csv", fields, rows)
        found = {}
        for engine in ("fast", "frictionless"):
            options = Options(
                schema=root / "schema.json",
                engine=engine,
                delimiter=";",
                limits=Limits(errors=10_000),
            )
            found[engine] = sorted(validate(str(data), options).flatten(), key=str)
        assert found["fast"] == found["frictionless"], (fields, rows)


# --- CSV dialect detection -------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzáčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ"
CELLS = st.one_of(
    # free text, with the other delimiters, quotes and line breaks (the writer quotes them)
    st.text(LETTERS + '0123456789 .-/,;|\t"\n', max_size=12),
    st.builds("{},{}".format, st.integers(0, 9999), st.integers(0, 99)),  # decimal commas
    st.builds("{}.{}.{}".format, st.integers(1, 28), st.integers(1, 12), st.integers(1990, 2030)),
    st.from_regex(r"0[0-9]{7}", fullmatch=True),  # codes with leading zeros
)
LABELS = st.builds(
    "{}{}".format, st.sampled_from(LETTERS), st.text(LETTERS + " ,.()", max_size=9)
)  # such as "Cena, Kč (bez DPH)"


@st.composite
def csv_tables(draw: Any) -> list[list[str]]:
    width = draw(st.integers(2, 6))
    header = draw(st.lists(LABELS, min_size=width, max_size=width, unique=True))
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=15))
    return [header, *rows]


@settings(max_examples=300 * SCALE, deadline=None)
@given(
    table=csv_tables(),
    delimiter=st.sampled_from(";,\t|"),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "windows-1250"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_dialect_detection_finds_what_was_written(
    table: list[list[str]], delimiter: str, encoding: str, newline: str
) -> None:
    """Any table of several columns, written with any of ; , tab | in any of the region's
    encodings, is read back with its own delimiter and decoded to its own text."""
    from cdo_toolkit.validation.sniff import sniff

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(table)
    text = buffer.getvalue()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tabulka.csv"
        path.write_bytes(text.encode(encoding))
        found = sniff(path)
        assert path.read_bytes().decode(found.encoding) == text
        assert found.delimiter == delimiter


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        # Found by the property above: a header alone, its labels holding commas. Split by
        # ",", a label starts with ";"; split by ";", labels hold commas, as Czech ones do.
        ("aa,;a,a\n", ";"),
        ("Cena, Kč;Počet\n1,5;2\n", ";"),
        ("kod,nazev\n1,Liberec\n", ","),
    ],
)
def test_delimiter_of_small_samples(text: str, delimiter: str) -> None:
    from cdo_toolkit.validation.sniff import detect_delimiter

    assert detect_delimiter(text) == delimiter
