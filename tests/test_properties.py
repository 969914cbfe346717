"""Property-based: for random tables and Table Schemas, the file and the warehouse agree.

Hypothesis draws a schema (integers with bounds, strings with patterns, enums, lengths,
required fields) and rows that keep the types but may break any constraint. The file is
validated, submitted into a DuckDB warehouse whose standard tolerates every error, and
scored: the rows each rule breaks are the same in the file (Pandera) and in the warehouse
(the rules compiled to SQL by sqlglot).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CASES

SOURCE = {
    "id": "nahodna",
    "title": "Náhodná tabulka",
    "description": "Tabulka pro vlastnostní testy.",
    "theme": "territory",
    "guarantor": "gis",
    "publisher": "kraj",
    "standard": "zakladni",
    "update_frequency": "ANNUAL",
    "licence": "CC-BY-4.0",
    "personal_data": False,
    "encoding": "utf-8",
    "dialect": {"delimiter": ";"},
    "warehouse": {"table": "nahodna", "load_mode": "replace"},
}


@st.composite
def columns(draw: Any, index: int) -> tuple[dict[str, Any], Any]:
    """A field and the strategy of its cells (as text, possibly empty)."""
    name = f"pole_{index}"
    kind = draw(st.sampled_from(["integer", "pattern", "enum", "length"]))
    required = draw(st.booleans())
    maybe_empty = st.just("") if not required or draw(st.booleans()) else st.nothing()
    if kind == "integer":
        low = draw(st.integers(-50, 50))
        high = draw(st.integers(low, low + 100))
        field = {"name": name, "type": "integer", "constraints": {"minimum": low, "maximum": high}}
        cells = st.integers(low - 20, high + 20).map(str)
    elif kind == "pattern":
        field = {"name": name, "type": "string", "constraints": {"pattern": "5\\d{5}"}}
        # ASCII digits: on other Unicode digits the file and the SQL disagree (docs/reliability.md)
        cells = st.from_regex(r"[45][0-9]{4,6}", fullmatch=True)
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


@settings(
    max_examples=25,
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
        data = root / "nahodna.csv"
        data.write_text(
            ";".join(f["name"] for f in fields)
            + "\n"
            + "".join(";".join(row) + "\n" for row in rows),
            "utf-8",
        )
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
