"""Rows the dialect leaves out (Frictionless's ``commentChar``, ``commentRows``,
``skipBlankRows``) and headers over several rows: read as Frictionless reads them, each
case checked against Frictionless itself on the same data package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED, source_yaml
from tests.parity import agreed_errors

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "nazev", "type": "string"},
    ],
    "primaryKey": ["id"],
}


def _package(folder: Path, data: bytes, dialect: dict[str, Any], **resource: Any) -> Path:
    name = resource.pop("path", "data.csv")
    (folder / name).write_bytes(data)
    descriptor = {
        "name": "balik",
        "resources": [{"name": "data", "path": name, "dialect": dialect, **resource}],
    }
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor), "utf-8")
    return path


CSV = (
    "# vydáno 1. 2. 2024, Liberecký kraj\n"
    "id,nazev\n"
    "1,Liberec\n"
    "# poznámka, která má, víc čárek, než je sloupců\n"
    "x,Jablonec\n"
    "2,Semily\n"
    "\n"
    "2,Turnov\n"
    "3,Frýdlant,navíc\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_comment_rows_keep_the_numbers_of_the_rows_after_them(
    tmp_path: Path, encoding: str
) -> None:
    """Comment lines (one wider than the table) are not data; the rows after them are
    numbered as the file numbers them, in the cell errors and in the key's repeat (a key
    that is not a number, or blank, counts as missing). UTF-16 is read by the streaming
    reader, UTF-8 in chunks: both leave the same rows out."""
    package = _package(
        tmp_path, CSV.encode(encoding), {"commentChar": "#"}, schema=SCHEMA, encoding=encoding
    )
    assert agreed_errors(package) == {
        ("type-error", 5, "id"),
        ("primary-key", 5, None),
        ("blank-row", 7, None),
        ("primary-key", 7, None),
        ("primary-key", 8, None),
        ("extra-cell", 9, None),
    }


def test_comment_rows_by_number_and_blank_rows_left_out(tmp_path: Path) -> None:
    """Row 5 listed as a comment, blank rows left out: only the repeated key and the
    extra cell remain, at their own rows."""
    package = _package(
        tmp_path,
        CSV.encode(),
        {"commentChar": "#", "commentRows": [5], "skipBlankRows": True},
        schema=SCHEMA,
    )
    assert agreed_errors(package) == {("primary-key", 8, None), ("extra-cell", 9, None)}


def test_a_comment_row_inside_the_header_rows_is_no_part_of_the_labels(tmp_path: Path) -> None:
    data = b"Obec\n# ze sloupce\nnazev,pocet\nLiberec,1\n"
    schema = {
        "fields": [{"name": "Obec nazev", "type": "string"}, {"name": "pocet", "type": "integer"}]
    }
    package = _package(tmp_path, data, {"headerRows": [1, 2, 3], "commentChar": "#"}, schema=schema)
    assert agreed_errors(package) == set()


def test_the_cli_says_which_rows_were_left_out(cdo: Any, workdir: Path) -> None:
    package = _package(workdir, CSV.encode(), {"commentChar": "#"}, schema=SCHEMA)
    result = cdo("validate", str(package), "--format", "json")
    assert result.exit_code == 1, result.output
    (task,) = json.loads(result.stdout)["tasks"]
    assert task["stats"]["rows"] == 6  # the 7 records after the header, less a comment
    # The comment before the header is no data row; the one among the rows is.
    assert any("1 row was left out" in n and n.endswith(": 4") for n in task["notes"]), task[
        "notes"
    ]


def test_a_registry_entry_names_its_comment_rows(cdo: Any, base_registry: Path) -> None:
    """A source's dialect in the registry: comment rows by number and by character, blank
    rows left out; the file validates, and Frictionless's engine reads it the same."""
    entry = source_yaml(
        "obce-report",
        "Obce z výkazu",
        "Obce, jak je uvádí výkaz.",
        """\
personal_data: false
dialect: {comment_char: "#", comment_rows: [5], skip_blank_rows: true}
schema:
  fields:
    - {name: id, type: integer}
    - {name: nazev, type: string}
warehouse:
  table: obce_report
""",
    )
    (base_registry / "sources" / "obce-report.yaml").write_text(entry, "utf-8")
    data = base_registry / "obce.csv"
    data.write_text(CSV.replace("3,Frýdlant,navíc", "3,Frýdlant"), "utf-8")
    for engine in ("fast", "frictionless"):
        result = cdo("validate", str(data), "--source", "obce-report", "--engine", engine)
        assert result.exit_code == 0, (engine, result.output)


RUD = SHARED / "data" / "real" / "rud-mf-2026" / "projekce_RUD_2026.xlsx"


def test_a_report_workbook_read_by_its_header_rows(shared: Path, tmp_path: Path) -> None:
    """The Ministry of Finance's RUD projection: a header over rows 7 to 13, a row
    numbering the columns, blank rows, a totals row and notes under the table. With the
    header rows and the numbering row named, and blank rows left out, the schema inferred
    from the sheet reads every municipality, as Frictionless does."""
    package = _package(
        tmp_path,
        RUD.read_bytes(),
        {
            "headerRows": [7, 8, 9, 10, 11, 12, 13],
            "commentRows": [14],
            "skipBlankRows": True,
            "excel": {"sheet": "obce"},
        },
        path="rud.xlsx",
        format="xlsx",
    )
    assert agreed_errors(package) == set()
    from cdo_toolkit.validation.api import Options, validate

    (task,) = validate(str(package), Options()).tasks
    assert task.labels[3].strip() == "Kód obce"
    # 6,254 municipalities, the totals row and the notes under them.
    assert task.rows > 6254 and task.rows < 6254 + 20
