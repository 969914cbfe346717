"""JSON tables (an array of objects or of arrays), read as Frictionless reads them: the
ČNB's exchange-rate history, broken JSON, and onboarding a source from a JSON file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from cdo_toolkit.validation.api import Options
from tests.conftest import SHARED, registry_add
from tests.parity import engine_errors, frictionless_errors

HISTORY = SHARED / "data" / "real" / "cnb-kurzy" / "history.json"

# The ČNB's daily rates as its history holds them: Czech dates and decimal commas in
# strings, the amount as a JSON number; one rate per currency and day.
RATES = {
    "fields": [
        {"name": "datum", "type": "date", "format": "%d.%m.%Y", "constraints": {"required": True}},
        {"name": "kod", "type": "string", "constraints": {"required": True, "pattern": "[A-Z]{3}"}},
        {"name": "mena", "type": "string"},
        {"name": "mnozstvi", "type": "integer", "constraints": {"enum": [1, 100, 1000]}},
        {"name": "kurz", "type": "number", "decimalChar": ",", "constraints": {"minimum": 0}},
        {"name": "zeme", "type": "string"},
    ],
    "primaryKey": ["datum", "kod"],
}


def _both(path: Path, schema: dict[str, Any], tmp_path: Path) -> set[Any]:
    """The errors of the fast engine, asserted equal to Frictionless's own."""
    schema_file = tmp_path / "rates.schema.json"
    schema_file.write_text(json.dumps(schema), "utf-8")
    ours = engine_errors(path, Options(schema=schema_file))
    assert ours == frictionless_errors(path, schema=schema)
    return ours


def test_cnb_rate_history_is_valid_on_both_engines(shared: Path, tmp_path: Path) -> None:
    assert _both(HISTORY, RATES, tmp_path) == set()


def test_cnb_rate_history_with_defects_on_both_engines(shared: Path, tmp_path: Path) -> None:
    rows = json.loads(HISTORY.read_text("utf-8"))
    rows[10]["kurz"] = "N/A"  # row 12: not a number
    rows[20]["mnozstvi"] = 10  # row 22: not an amount the ČNB quotes
    rows[30]["kurz"] = 4.5  # row 32: a JSON number, fine for a number field
    rows[40]["kod"] = 840  # row 42: a number for a code
    rows.append(dict(rows[0]))  # the first rate again: the key repeats
    del rows[50]["zeme"]  # row 52: a key left out is an empty cell
    data = tmp_path / "kurzy.json"
    data.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    assert _both(data, RATES, tmp_path) == {
        ("type-error", 12, "kurz"),
        ("constraint-error", 22, "mnozstvi"),
        ("type-error", 42, "kod"),
        ("primary-key", len(rows) + 1, None),
    }


@pytest.mark.parametrize(
    ("content", "kind", "said"),
    [
        (b'[{"a": 1}, {"a": ', "source-error", "cannot be read after item 1 of the array"),
        (b"[]", "source-error", "holds no rows"),
        (b"[1, 2, 3]", "format-error", "holds single values, not rows"),
        (b'[{"a": 1}, [1]]', "source-error", "item 2 of the JSON array is not an object"),
        (b'[[ "a" ], {"a": 1}]', "source-error", "item 2 of the JSON array is not an array"),
        (b'{"a": 1}', "format-error", "a JSON document but not a table"),
        ('[{"a": "é"}]'.encode("cp1250"), "source-error", "it is not UTF-8"),
    ],
)
def test_broken_json_is_named_not_a_traceback(
    cdo, workdir: Path, content: bytes, kind: str, said: str
) -> None:
    Path("data.json").write_bytes(content)
    result = cdo("validate", "data.json", "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    errors = [e for task in report["tasks"] for e in task["errors"]]
    assert [e["type"] for e in errors] == [kind]
    assert said in errors[0]["note"]


def test_a_code_written_as_a_json_number_is_named_with_what_to_write(tmp_path: Path) -> None:
    """An IČO written 262978 (a JSON number) in a text field is a type error, as in
    Frictionless; a note says to write it as a string with its zeros."""
    from cdo_toolkit.validation.api import validate

    data = tmp_path / "ico.json"
    data.write_text('[{"ico": "00262978"}, {"ico": 262978}, {"ico": "70891508"}]', "utf-8")
    schema = {"fields": [{"name": "ico", "type": "string", "constraints": {"pattern": r"\d{8}"}}]}
    assert _both(data, schema, tmp_path) == {("type-error", 3, "ico")}
    report = validate(str(data), Options(schema=tmp_path / "rates.schema.json"))
    assert report.tasks[0].notes == [
        "ico: JSON numbers (as 262978) where the schema wants text: write the values as "
        'strings, in quotes and with any leading zeros ("00262978", not 262978)'
    ]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("data.jsonl", b'{"a": 1}\n\n{"a": 2}\n', "line 2 of the JSON lines cannot be read: the line is empty"),
        ("data.ndjson", b'{"a": 1}\n{"a": 2,\n', "line 2 of the JSON lines cannot be read: Expecting"),
        ("data.jsonl", b'{"a": 1}\n[1]\n', "item 2 of the JSON array is not an object"),
    ],
)  # fmt: skip
def test_broken_json_lines_are_named_by_line(
    cdo, workdir: Path, name: str, content: bytes, said: str
) -> None:
    Path(name).write_bytes(content)
    result = cdo("validate", name, "--format", "json")
    assert result.exit_code == 1, result.output
    errors = [e for task in json.loads(result.stdout)["tasks"] for e in task["errors"]]
    assert [e["type"] for e in errors] == ["source-error"]
    assert said in errors[0]["note"]


def test_json_with_a_byte_order_mark_or_gzipped_is_read(cdo, workdir: Path) -> None:
    """Windows tools write a BOM before JSON too (Frictionless refuses the file): read."""
    rows = b'[{"kod": "563889", "pocet": 1}, {"kod": "563510", "pocet": 2}]'
    Path("bom.json").write_bytes(b"\xef\xbb\xbf" + rows)
    Path("packed.json.gz").write_bytes(gzip.compress(rows))
    for name in ("bom.json", "packed.json.gz"):
        result = cdo("validate", name, "--format", "json")
        assert result.exit_code == 0, result.output
        task = json.loads(result.stdout)["tasks"][0]
        assert task["labels"] == ["kod", "pocet"] and task["stats"]["rows"] == 2


def test_a_json_file_of_rows_is_onboarded_and_validates(
    cdo, base_registry: Path, shared: Path
) -> None:
    _result, entry = registry_add(cdo, "kurzy", HISTORY, "economy")
    assert entry["format"] == "json" and "encoding" not in entry
    fields = {f["name"]: f for f in entry["schema"]["fields"]}
    assert fields["datum"] == {
        "name": "datum",
        "type": "date",
        "format": "%d.%m.%Y",
        "constraints": {"required": True},  # in the key
    }
    assert fields["kurz"] == {"name": "kurz", "type": "number", "decimalChar": ","}
    assert fields["mnozstvi"]["type"] == "integer"
    assert entry["schema"]["primaryKey"] == ["datum", "kod"]  # a rate per currency and day
    checked = cdo("validate", str(HISTORY), "--source", "kurzy")
    assert checked.exit_code == 0, checked.output
    # The same rows as JSON lines, a row per line: the source's table too.
    rows = json.loads(HISTORY.read_text("utf-8"))
    Path("kurzy.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8"
    )
    lines = cdo("validate", "kurzy.jsonl", "--source", "kurzy")
    assert lines.exit_code == 0, lines.output
    assert "30218 rows" in " ".join(lines.output.split())
    # Onboarded from the JSON lines, the source is of format json with the same schema.
    _result, from_lines = registry_add(cdo, "kurzy-radky", "kurzy.jsonl", "economy")
    assert from_lines["format"] == "json"
    assert from_lines["schema"] == entry["schema"]
    again = cdo("validate", "kurzy.jsonl", "--source", "kurzy-radky")
    assert again.exit_code == 0, again.output


def test_a_package_with_inline_data_is_validated_as_frictionless_does(tmp_path: Path) -> None:
    """A code list given inline in the descriptor (``data``: rows as arrays, the labels
    first, or as objects) is a table as a JSON file is; a file's foreign key into it is
    checked."""
    from cdo_toolkit.validation.api import validate

    (tmp_path / "skoly.csv").write_text("id,druh\n1,1\n2,3\n3,2\n", "utf-8")
    druhy = [["kod", "nazev"], ["1", "Mateřská škola"], [2, "Základní škola"], ["2", "x"]]
    resources = [
        {
            "name": "druhy",
            "data": druhy,
            "schema": {
                "fields": [{"name": "kod", "type": "integer"}, {"name": "nazev", "type": "string"}],
                "primaryKey": ["kod"],
            },
        },
        {
            "name": "kraje",
            "data": [{"kod": "CZ051", "nazev": "Liberecký"}, {"kod": "CZ052"}],
            "schema": {
                "fields": [
                    {"name": "kod", "type": "string"},
                    {"name": "nazev", "type": "string", "constraints": {"required": True}},
                ]
            },
        },
        {
            "name": "skoly",
            "path": "skoly.csv",
            "schema": {
                "fields": [{"name": "id", "type": "integer"}, {"name": "druh", "type": "integer"}],
                "foreignKeys": [
                    {"fields": ["druh"], "reference": {"resource": "druhy", "fields": ["kod"]}}
                ],
            },
        },
    ]
    package = tmp_path / "datapackage.json"
    package.write_text(json.dumps({"name": "ciselniky", "resources": resources}), "utf-8")
    expected = {
        ("primary-key", 4, None),
        ("constraint-error", 3, "nazev"),
        ("foreign-key", 3, None),
    }
    assert engine_errors(package) == frictionless_errors(package) == expected
    report = validate(str(package), Options())
    assert [task.place for task in report.tasks][:2] == [
        f"{package}, inline data of druhy",
        f"{package}, inline data of kraje",
    ]
