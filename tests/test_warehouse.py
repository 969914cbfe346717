"""Submissions into the warehouse, on DuckDB and on a real PostgreSQL server."""

from __future__ import annotations

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from cdo_toolkit.warehouse.connection import Warehouse
from cdo_toolkit.warehouse.url import parse_url
from tests.conftest import source_yaml, unavailable

SOURCE = source_yaml(
    "mesta",
    "Města",
    "Města kraje.",
    """\
personal_data: false
encoding: utf-8
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: kod, type: string, constraints: {required: true, pattern: '5\\d{5}'}}
    - {name: nazev, type: string}
    - {name: obyvatel, type: integer, constraints: {minimum: 0}}
    - {name: rozloha, type: number, decimalChar: ","}
    - {name: zalozeno, type: date, format: "%d.%m.%Y"}
  primaryKey: [kod]
warehouse:
  table: mesta
  load_mode: MODE
""",
)
DATA = "kod;nazev;obyvatel;rozloha;zalozeno\n563889;Liberec;104261;106,09;1.1.1352\n563510;Jablonec;45830;31,38;2.3.1866\n"


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse_url(request: pytest.FixtureRequest, workdir: Path) -> str:
    if request.param == "duckdb":
        return "duckdb:///warehouse/test.duckdb"
    return request.getfixturevalue("postgres_url")


def _registry(base: Path, mode: str = "replace") -> None:
    (base / "sources" / "mesta.yaml").write_text(SOURCE.replace("MODE", mode), "utf-8")


def _add_a_note_field(base: Path) -> None:
    """The schema of mesta gains a field: the next load drifts from the previous one."""
    source = base / "sources" / "mesta.yaml"
    source.write_text(
        source.read_text("utf-8").replace(
            "  primaryKey: [kod]", "    - {name: poznamka, type: string}\n  primaryKey: [kod]"
        ),
        "utf-8",
    )


def _submit(cdo, url: str, data: str, name: str = "mesta.csv", *extra: str):  # type: ignore[no-untyped-def]
    Path(name).write_text(data, "utf-8")
    result = cdo("--warehouse", url, "submit", "mesta", name, "--format", "json", *extra)
    assert "Traceback" not in result.output
    return result, json.loads(result.output) if result.output.startswith("{") else None


def _rows(url: str, query: str) -> list[tuple]:  # type: ignore[type-arg]
    with Warehouse(parse_url(url, Path.cwd())) as warehouse:
        return warehouse.execute(query)


def test_accepted_file_is_loaded_typed_and_recorded(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    _registry(base_registry)
    result, data = _submit(cdo, warehouse_url, DATA)
    assert result.exit_code == 0, result.output
    assert data["status"] == "accepted" and data["rows"] == 2
    assert data["reconciliation"]["matches"] is True
    assert data["reconciliation"]["sums"]["obyvatel"] == {"file": 150091.0, "table": 150091.0}
    rows = _rows(
        warehouse_url, "SELECT kod, obyvatel, rozloha, zalozeno FROM raw.mesta ORDER BY kod"
    )
    assert [(r[0], r[1], r[2], str(r[3])) for r in rows] == [
        ("563510", 45830, 31.38, "1866-03-02"),
        ("563889", 104261, 106.09, "1352-01-01"),
    ]
    landing = Path(data["landing"])
    assert landing.read_text("utf-8") == DATA
    assert not os.access(landing, os.W_OK) or os.geteuid() == 0
    assert landing.stat().st_mode & 0o222 == 0
    history = json.loads(cdo("--warehouse", warehouse_url, "history", "--format", "json").output)
    assert [(h["source"], h["status"], h["rows"], h["sha256"]) for h in history] == [
        ("mesta", "accepted", 2, data["sha256"])
    ]
    status = json.loads(
        cdo("--warehouse", warehouse_url, "warehouse", "status", "--format", "json").output
    )
    mesta = next(t for t in status["tables"] if t["source"] == "mesta")
    assert mesta["rows"] == 2 and mesta["last_submission"] == data["submission"]
    assert [c["name"] for c in mesta["columns"]] == [
        "kod",
        "nazev",
        "obyvatel",
        "rozloha",
        "zalozeno",
        "_cdo_submission_id",
    ]
    # The tables give the time to the minute, in UTC as stored.
    accepted = mesta["last_accepted"][:16].replace("T", " ")
    table = cdo("--warehouse", warehouse_url, "warehouse", "status").output
    assert any("raw.mesta" in line and accepted in line for line in table.splitlines()), table
    listed = cdo("--warehouse", warehouse_url, "history").output
    assert any("mesta.csv" in line and accepted in line for line in listed.splitlines()), listed
    # Who submitted: the source's guarantor unless --guarantor said another.
    (row,) = [line.split() for line in listed.splitlines() if "mesta.csv" in line]
    assert "submitted by" in listed and row[-2] == history[0]["guarantor"] == "gis", listed


def test_a_workbook_is_loaded_with_its_native_values(
    cdo, base_registry: Path, warehouse_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same rows as a workbook, numbers and dates typed natively in Excel, codes as
    text: loaded as the CSV is; the workbook parsed once, for validation and load."""
    from datetime import datetime

    from openpyxl import Workbook

    from cdo_toolkit.validation import workbook

    parsed: list[str] = []
    real = workbook._xlsx_sheet

    def counting(opened: Any, dialect: Any) -> Any:
        parsed.append(opened.path.name)
        return real(opened, dialect)

    monkeypatch.setattr(workbook, "_xlsx_sheet", counting)

    _registry(base_registry)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kod", "nazev", "obyvatel", "rozloha", "zalozeno"])
    sheet.append(["563889", "Liberec", 104261, 106.09, datetime(1352, 1, 1)])
    sheet.append(["563510", "Jablonec", 45830, 31.38, "2.3.1866"])
    book.save("mesta.xlsx")
    assert _loaded(cdo, warehouse_url, "mesta.xlsx") == LOADED
    assert len(parsed) == 1


# The two towns as they are loaded from every format of the source's files.
LOADED = [("563510", 45830, 31.38, "1866-03-02"), ("563889", 104261, 106.09, "1352-01-01")]


def _loaded(cdo, url: str, name: str) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """Submit ``name`` for mesta, asserted accepted with its two rows; the rows loaded."""
    result = cdo("--warehouse", url, "submit", "mesta", name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == 2
    rows = _rows(url, "SELECT kod, obyvatel, rozloha, zalozeno FROM raw.mesta ORDER BY kod")
    return [(r[0], r[1], r[2], str(r[3])) for r in rows]


def test_a_json_table_is_loaded_with_its_native_values(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    """The same rows as a JSON table (a source of format json): numbers as JSON numbers,
    codes and Czech decimals and dates as strings; loaded as the CSV is."""
    source = SOURCE.replace("MODE", "replace").replace(
        'encoding: utf-8\ndialect: {delimiter: ";"}\n', "format: json\n"
    )
    assert "format: json" in source
    (base_registry / "sources" / "mesta.yaml").write_text(source, "utf-8")
    rows = [
        {"kod": "563889", "nazev": "Liberec", "obyvatel": 104261, "rozloha": "106,09",
         "zalozeno": "1.1.1352"},
        {"kod": "563510", "nazev": "Jablonec", "obyvatel": 45830, "rozloha": 31.38,
         "zalozeno": "2.3.1866"},
    ]  # fmt: skip
    Path("mesta.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    assert _loaded(cdo, warehouse_url, "mesta.json") == LOADED
    # A number where the schema wants the code as text is a type error, as in Frictionless.
    rows[0]["kod"] = 563889  # type: ignore[assignment]
    Path("mesta.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    refused = cdo("--warehouse", warehouse_url, "submit", "mesta", "mesta.json", "--format", "json")
    assert refused.exit_code == 1, refused.output
    assert json.loads(refused.output)["status"] == "rejected"


EVERY_TYPE = source_yaml(
    "hodnoty",
    "Hodnoty",
    "Každý typ a formát Table Schema.",
    """\
personal_data: false
encoding: utf-8
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: kod, type: string}
    - {name: den, type: date, format: "%m/%d/%Y %I:%M:%S %p"}
    - {name: vydano, type: date, format: "%d.%m.%Y"}
    - {name: zacatek, type: datetime, format: "%d.%m.%Y %I:%M %p"}
    - {name: zmena, type: datetime, format: "%Y-%m-%dT%H:%M:%S%z"}
    - {name: iso, type: datetime}
    - {name: otevreno, type: time, format: "%I:%M %p"}
    - {name: zavreno, type: time, format: "%H:%M"}
    - {name: rok, type: year}
    - {name: aktivni, type: boolean, trueValues: [ano], falseValues: [ne]}
    - {name: castka, type: number, decimalChar: ",", groupChar: " ", bareNumber: false}
    - {name: pocet, type: integer, bareNumber: false}
    - {name: obdobi, type: yearmonth}
    - {name: bod, type: geopoint}
  primaryKey: [kod]
warehouse:
  table: hodnoty
""",
)


def test_every_type_and_format_loads_typed(cdo, base_registry: Path, warehouse_url: str) -> None:
    """Fields polars parses natively and those Frictionless's reader parses (formats with
    %I and %p) load alike: dates as dates, times as times, offsets in UTC."""
    (base_registry / "sources" / "hodnoty.yaml").write_text(EVERY_TYPE, "utf-8")
    Path("hodnoty.csv").write_text(
        "kod;den;vydano;zacatek;zmena;iso;otevreno;zavreno;rok;aktivni;castka;pocet;obdobi;bod\n"
        "a;3/5/2021 12:00:00 AM;1.2.2024;1.2.2024 08:30 PM;2024-02-01T10:00:00+0100;"
        "2024-02-01T10:00:00;07:30 AM;17:45;2024;ano;1 234,50 Kč;12 ks;2024-02;50.77,15.05\n"
        "b;12/31/2020 11:59:59 PM;31.12.2023;31.12.2023 12:05 AM;2023-12-31T23:00:00+0000;"
        "2023-12-31T23:00:00Z;12:00 PM;08:00;1999;ne;-0,5;3;2023-12;50.7,15.0\n",
        "utf-8",
    )
    result = cdo(
        "--warehouse", warehouse_url, "submit", "hodnoty", "hodnoty.csv", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = _rows(
        warehouse_url,
        "SELECT kod, den, vydano, zacatek, zmena, iso, otevreno, zavreno, rok, aktivni, castka, "
        "pocet, obdobi, bod FROM raw.hodnoty ORDER BY kod",
    )
    D, T, DT = datetime.date, datetime.time, datetime.datetime
    assert [tuple(r) for r in rows] == [
        ("a", D(2021, 3, 5), D(2024, 2, 1), DT(2024, 2, 1, 20, 30), DT(2024, 2, 1, 9, 0),
         DT(2024, 2, 1, 10, 0), T(7, 30), T(17, 45), 2024, True, 1234.5, 12, "2024-02",
         "50.77,15.05"),
        ("b", D(2020, 12, 31), D(2023, 12, 31), DT(2023, 12, 31, 0, 5), DT(2023, 12, 31, 23, 0),
         DT(2023, 12, 31, 23, 0), T(12, 0), T(8, 0), 1999, False, -0.5, 3, "2023-12",
         "50.7,15.0"),
    ]  # fmt: skip


def test_rejected_file_is_quarantined_not_loaded(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    _registry(base_registry)
    _submit(cdo, warehouse_url, DATA)
    result, data = _submit(cdo, warehouse_url, DATA + "12345;Chybné;x;1,0;31.2.2020\n", "bad.csv")
    assert result.exit_code == 1
    assert data["status"] == "rejected"
    quarantined = Path(data["quarantine"])
    assert quarantined.exists()
    report = json.loads((quarantined.parent / f"{data['sha256']}.report.json").read_text("utf-8"))
    assert report["valid"] is False
    assert {e["fieldName"] for e in report["tasks"][0]["errors"]} == {"kod", "obyvatel", "zalozeno"}
    assert report["tasks"][0]["place"] == "bad.csv"
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta")[0][0] == 2
    text = cdo("--warehouse", warehouse_url, "submit", "mesta", "bad.csv")
    assert "rejected" in text.output and "row 4" in text.output
    # Both kept files named as the working folder reaches them, to be opened as said.
    kept = re.search(r"the file is kept as (\S+), its report as (\S+)\n", text.output)
    assert kept is not None, text.output
    assert Path(kept[1]).resolve() == quarantined.resolve()
    assert not Path(kept[1]).is_absolute()
    again = json.loads(Path(kept[2]).read_text("utf-8"))
    assert again["tasks"][0]["errors"] == report["tasks"][0]["errors"]


def test_a_rejection_names_the_errors_that_always_reject(cdo, base_registry: Path) -> None:
    """A repeated key rejects a file whatever the standard tolerates: the reason names it
    as people read it, with its count and type."""
    _registry(base_registry)
    repeated = DATA + "563889;Liberec;104261;106,09;1.1.1352\n"
    result, data = _submit(cdo, "duckdb:///warehouse/test.duckdb", repeated, "bad.csv")
    assert result.exit_code == 1 and data["status"] == "rejected"
    assert data["reason"] == "errors that always reject: 1× PrimaryKey Error (primary-key)"
    czech = cdo(
        "--lang",
        "cs",
        "--warehouse",
        "duckdb:///warehouse/test.duckdb",
        "submit",
        "mesta",
        "bad.csv",
    )
    assert "1× Chyba primárního klíče (primary-key)" in " ".join(czech.output.split())


def test_same_bytes_are_not_loaded_twice(cdo, base_registry: Path, warehouse_url: str) -> None:
    _registry(base_registry, "append")
    _, one = _submit(cdo, warehouse_url, DATA)
    second, two = _submit(cdo, warehouse_url, DATA, "copy.csv")
    assert second.exit_code == 0
    assert two["status"] == "duplicate" and two["duplicate_of"] == one["submission"]
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta")[0][0] == 2


def test_stored_verdicts_are_read_in_the_readers_language(cdo, base_registry: Path) -> None:
    # A guarantor submits in Czech; the CDO reads the history and the audit in English.
    _registry(base_registry)
    url = "duckdb:///warehouse/w.duckdb"
    Path("mesta.csv").write_text(DATA, "utf-8")
    Path("kopie.csv").write_text(DATA, "utf-8")
    Path("chyba.csv").write_text(DATA.replace("104261", "-5"), "utf-8")
    for name in ("mesta.csv", "kopie.csv", "chyba.csv"):
        cdo("--lang", "cs", "--warehouse", url, "submit", "mesta", name)
    said = {
        lang: [
            row["message"]
            for row in json.loads(
                cdo("--lang", lang, "--warehouse", url, "history", "--format", "json").stdout
            )
        ]
        for lang in ("cs", "en")
    }
    assert said["en"][:2] == [
        "1 of 2 rows have errors (50.0 %), the standard tolerates 0 %",
        "the same bytes were accepted as submission 1",
    ]
    assert said["cs"][1] == "tytéž bajty byly přijaty jako odevzdání č. 1"
    assert said["cs"][0].startswith("chyby má 1 z 2 řádků (50,0 %)")
    audit = cdo("--lang", "en", "--warehouse", url, "audit", "--format", "json").stdout
    assert "rows have errors (50.0 %)" in audit and "řádků" not in audit


@pytest.mark.parametrize(("mode", "expected"), [("replace", 1), ("append", 3), ("upsert", 2)])
def test_load_modes(cdo, base_registry: Path, warehouse_url: str, mode: str, expected: int) -> None:
    _registry(base_registry, mode)
    _submit(cdo, warehouse_url, DATA)
    update = "kod;nazev;obyvatel;rozloha;zalozeno\n563889;Liberec;105000;106,09;1.1.1352\n"
    result, data = _submit(cdo, warehouse_url, update, "update.csv")
    assert data["status"] == "accepted", result.output
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta")[0][0] == expected
    liberec = _rows(
        warehouse_url, "SELECT obyvatel FROM raw.mesta WHERE kod = '563889' ORDER BY obyvatel"
    )
    assert [r[0] for r in liberec] == {
        "replace": [105000],
        "append": [104261, 105000],
        "upsert": [105000],
    }[mode]


def test_upsert_replaces_rows_whose_key_has_empty_cells(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    # RÚIAN's municipality parts: code, postcode and city district identify a row, the
    # district mostly empty. A re-sent row replaces its old self, empty key cell or not.
    source = base_registry / "sources" / "casti.yaml"
    source.write_text(
        source_yaml(
            "casti",
            "Části obcí",
            "Části obcí s PSČ.",
            """\
personal_data: false
encoding: utf-8
dialect: {delimiter: ","}
schema:
  fields:
    - {name: kodcobce, type: integer}
    - {name: nazcobce, type: string}
    - {name: psc, type: integer}
    - {name: kodmomc, type: integer}
  primaryKey: [kodcobce, psc, kodmomc]
warehouse:
  table: casti
  load_mode: upsert
""",
        ),
        "utf-8",
    )
    header = "kodcobce,nazcobce,psc,kodmomc\n"
    Path("casti.csv").write_text(
        header + "195901,Želechovice,76311,\n119792,Petrov,78814,\n400416,Liberec I,46001,546003\n",
        "utf-8",
    )
    first = cdo("--warehouse", warehouse_url, "submit", "casti", "casti.csv")
    assert first.exit_code == 0, first.output
    Path("oprava.csv").write_text(
        header
        + "195901,Želechovice nad Dřevnicí,76311,\n400416,Liberec I-Staré Město,46001,546003\n"
        "400416,Liberec I,46001,\n",
        "utf-8",
    )
    second = cdo("--warehouse", warehouse_url, "submit", "casti", "oprava.csv")
    assert second.exit_code == 0, second.output
    assert "by key: 2 rows replaced, 1 added" in second.output
    assert sorted(_rows(warehouse_url, "SELECT kodcobce, nazcobce, kodmomc FROM raw.casti")) == [
        (119792, "Petrov", None),
        (195901, "Želechovice nad Dřevnicí", None),
        (400416, "Liberec I", None),  # the same code and postcode, no district: a row apart
        (400416, "Liberec I-Staré Město", 546003),
    ]


def test_a_file_piped_to_submit_is_landed_and_loaded(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    """`cdo submit SOURCE -` submits standard input: landed by its content as a file is,
    named stdin.csv in the history, the temporary copy removed; '-' may be given once."""
    import tempfile

    _registry(base_registry)
    scratch = Path(tempfile.gettempdir())
    before = set(scratch.glob("cdo-stdin-*"))
    piped = cdo(
        "--warehouse",
        warehouse_url,
        "submit",
        "mesta",
        "-",
        "--format",
        "json",
        input=DATA.encode(),
    )
    assert piped.exit_code == 0, piped.output
    data = json.loads(piped.output)
    assert data["status"] == "accepted" and data["rows"] == 2
    assert Path(data["landing"]).read_text("utf-8") == DATA
    (row,) = json.loads(cdo("--warehouse", warehouse_url, "history", "--format", "json").output)
    assert row["file"] == "stdin.csv"
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta") == [(2,)]
    again = cdo("--warehouse", warehouse_url, "submit", "mesta", "-", input=DATA.encode())
    assert again.exit_code == 0 and "already loaded" in again.output, again.output
    twice = cdo("--warehouse", warehouse_url, "submit", "mesta", "-", "-", input=b"")
    assert twice.exit_code == 2 and "standard input is read once" in twice.output
    assert set(scratch.glob("cdo-stdin-*")) == before


def test_volume_and_schema_drift_are_reported(cdo, base_registry: Path, warehouse_url: str) -> None:
    _registry(base_registry)
    standards = base_registry / "standards.yaml"
    data = yaml.safe_load(standards.read_text("utf-8"))
    data["standards"][0]["max_volume_change"] = 20
    standards.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    _submit(cdo, warehouse_url, DATA)
    _add_a_note_field(base_registry)
    smaller = "kod;nazev;obyvatel;rozloha;zalozeno;poznamka\n563889;Liberec;104261;106,09;1.1.1352;krajské město\n"
    # Half the rows of the last load, beyond the standard's 20 %: held back, with the reason.
    result, out = _submit(cdo, warehouse_url, smaller, "smaller.csv")
    assert result.exit_code == 1 and out["status"] == "rejected", result.output
    assert out["reason"] == (
        "the row count changes by -50.0 % (2 → 1), more than the standard's 20 %; if the "
        "change is real, submit it with --accept-volume-change"
    )
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta") == [(2,)]
    # Valid, so nothing in its report to fix: the reason alone is what to act on.
    text = cdo("--warehouse", warehouse_url, "submit", "mesta", "smaller.csv").output
    assert "the file was not loaded.\nwhy: the row count changes by -50.0 %" in text, text
    assert "fix these" not in text
    # The guarantor confirms the change: loaded, the drift reported.
    result, out = _submit(cdo, warehouse_url, smaller, "smaller.csv", "--accept-volume-change")
    assert out["status"] == "accepted", result.output
    assert any("columns added since the previous load: poznamka" in w for w in out["warnings"])
    assert any("-50.0 %" in w for w in out["warnings"])


def test_an_empty_file_does_not_empty_a_replaced_table(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    """A header-only export (a failed query upstream) is valid, and loaded it replaced the
    table with nothing; it needs the guarantor's confirmation, with or without a limit."""
    _registry(base_registry)
    _submit(cdo, warehouse_url, DATA)
    header = DATA.splitlines()[0] + "\n"
    result, out = _submit(cdo, warehouse_url, header, "prazdny.csv")
    assert result.exit_code == 1 and out["status"] == "rejected", result.output
    assert out["reason"].startswith("the file has no rows and would empty raw.mesta (2 rows)")
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta") == [(2,)]
    text = cdo("--warehouse", warehouse_url, "submit", "mesta", "prazdny.csv")
    assert "why: the file has no rows" in " ".join(text.output.split())
    result, out = _submit(cdo, warehouse_url, header, "prazdny.csv", "--accept-volume-change")
    assert out["status"] == "accepted", result.output
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta") == [(0,)]


def test_unknown_source_and_missing_file(cdo, base_registry: Path, warehouse_url: str) -> None:
    result = cdo("--warehouse", warehouse_url, "submit", "mestaa", "x.csv")
    assert result.exit_code == 2 and "unknown source 'mestaa'" in result.output
    _registry(base_registry)
    result = cdo("--warehouse", warehouse_url, "submit", "mesta", "chybi.csv")
    assert result.exit_code == 2 and "not found" in result.output
    Path("dodavka").mkdir()
    folder = cdo("--warehouse", warehouse_url, "submit", "mesta", "dodavka")
    assert folder.exit_code == 2
    assert (
        "dodavka is a folder, not a file" in folder.output and "dodavka/data.csv" in folder.output
    )
    Path("mesta.csv").write_text(DATA, "utf-8")
    negative = cdo("--warehouse", warehouse_url, "submit", "mesta", "mesta.csv", "--wait", "-1")
    assert negative.exit_code == 2 and "--wait" in negative.output
    assert cdo("--warehouse", warehouse_url, "submit", "mesta", "mesta.csv").exit_code == 0
    # A typo in the history's source gave an empty list, as if nothing were submitted.
    typo = cdo("--warehouse", warehouse_url, "history", "mestaa")
    assert typo.exit_code == 2 and "unknown source 'mestaa' (did you mean 'mesta'?)" in typo.output
    assert cdo("--warehouse", warehouse_url, "history", "mesta").exit_code == 0


def test_unwritable_warehouse_is_a_clear_error(cdo, base_registry: Path) -> None:
    _registry(base_registry)
    Path("blocker").write_text("a file where a folder should be", "utf-8")
    Path("mesta.csv").write_text(DATA, "utf-8")
    result = cdo("--warehouse", "duckdb:///blocker/cdo.duckdb", "submit", "mesta", "mesta.csv")
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(("error: cannot store", "error: cannot create"))
    assert "Traceback" not in result.output
    assert Path("mesta.csv").read_text("utf-8") == DATA


def test_a_warehouse_url_naming_another_file_is_refused(cdo, base_registry: Path) -> None:
    """DuckDB opens a CSV given as its database as an empty in-memory one: a submission
    "accepted" there was lost when the command ended. Any other file is refused."""
    _registry(base_registry)
    Path("mesta.csv").write_text(DATA, "utf-8")
    Path("data").mkdir()
    for url, message in (
        ("duckdb:///mesta.csv", "the warehouse mesta.csv is not a DuckDB database"),
        ("duckdb:///data", "the warehouse data is a folder, not a DuckDB database file"),
    ):
        for args in (("submit", "mesta", "mesta.csv"), ("history",), ("warehouse", "status")):
            result = cdo("--warehouse", url, *args)
            assert result.exit_code == 2, (url, args, result.output)
            assert message in result.output and "Traceback" not in result.output, result.output
    assert Path("mesta.csv").read_text("utf-8") == DATA
    # A real DuckDB file, and a new one, still open.
    assert cdo("--warehouse", "duckdb:///w.duckdb", "submit", "mesta", "mesta.csv").exit_code == 0
    assert cdo("--warehouse", "duckdb:///w.duckdb", "history").exit_code == 0
    # The same file named by its bare path, absolute or relative, after the command.
    for bare in (str(Path("w.duckdb").resolve()), "w.duckdb"):
        history = cdo("history", "mesta", "--format", "json", "--warehouse", bare)
        assert history.exit_code == 0, history.output
        assert [s["status"] for s in json.loads(history.stdout)] == ["accepted"]
    # A bare path to anything else is still not a warehouse.
    other = cdo("--warehouse", "w.db", "history")
    assert other.exit_code == 2 and "unsupported warehouse URL 'w.db'" in other.output
    # A URL a slash short is no bare path to a file under ./duckdb:/ to be created.
    for short in ("duckdb:/w.duckdb", "duckdb:w.duckdb"):
        result = cdo("--warehouse", short, "submit", "mesta", "mesta.csv")
        assert result.exit_code == 2 and f"invalid DuckDB URL '{short}'" in result.output
    assert not Path("duckdb:").exists()


def test_busy_duckdb_warehouse_waits_then_fails_clearly(cdo, base_registry: Path) -> None:
    _registry(base_registry)
    url = "duckdb:///warehouse/busy.duckdb"
    _submit(cdo, url, DATA)
    Path("next.csv").write_text(DATA.replace("104261", "104262"), "utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, time; c = duckdb.connect('warehouse/busy.duckdb'); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        started = time.monotonic()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "cdo_toolkit",
                "--warehouse",
                url,
                "submit",
                "mesta",
                "next.csv",
                "--wait",
                "1.5",
            ],
            capture_output=True,
            text=True,
        )
        assert time.monotonic() - started >= 1.5
        assert result.returncode == 2
        assert "in use by another process" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()
    result, data = _submit(cdo, url, DATA.replace("104261", "104262"), "next.csv")
    assert data["status"] == "accepted"


def test_rows_the_dialect_leaves_out_are_not_loaded(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    """A title above the header (comment row 1) and a note among the rows (``#``) are no
    data: the two towns are loaded, and the file's sums reconcile with the table's."""
    source = SOURCE.replace("MODE", "replace").replace(
        'dialect: {delimiter: ";"}',
        'dialect: {delimiter: ";", comment_char: "#", comment_rows: [1]}',
    )
    (base_registry / "sources" / "mesta.yaml").write_text(source, "utf-8")
    header, liberec, jablonec = DATA.splitlines()
    data = f"Města kraje k 1. 1. 2024;;;;\n{header}\n{liberec}\n# doplní garant;;;;\n{jablonec}\n"
    result, report = _submit(cdo, warehouse_url, data)
    assert result.exit_code == 0, result.output
    assert report["status"] == "accepted" and report["rows"] == 2
    assert report["reconciliation"]["matches"] is True
    assert _rows(warehouse_url, "SELECT kod FROM raw.mesta ORDER BY kod") == [
        ("563510",),
        ("563889",),
    ]


def test_kill_during_submit_leaves_before_or_after(base_registry: Path, warehouse_url: str) -> None:
    """kill -9 at random moments: the table holds the old load or the new one, never a mix."""
    import random

    _registry(base_registry)
    rows = 60_000
    lines = ["kod;nazev;obyvatel;rozloha;zalozeno"] + [
        f"5{i:05d};Obec {i};{i};{i % 97},5;1.1.2000" for i in range(rows)
    ]
    Path("big.csv").write_text("\n".join(lines) + "\n", "utf-8")
    command = [sys.executable, "-m", "cdo_toolkit", "--warehouse", warehouse_url, "submit", "mesta"]
    first = subprocess.run([*command, "big.csv"], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    generator = random.Random(7)
    for attempt in range(4):
        changed = (
            "\n".join(
                lines[:1]
                + [line.replace(";1.1.2000", f";2.2.20{attempt + 10}") for line in lines[1:]]
            )
            + "\n"
        )
        Path(f"v{attempt}.csv").write_text(changed, "utf-8")
        process = subprocess.Popen(
            [*command, f"v{attempt}.csv"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(generator.uniform(0.8, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        counts = _rows(
            warehouse_url, "SELECT count(*), count(DISTINCT zalozeno), min(zalozeno) FROM raw.mesta"
        )[0]
        assert counts[0] == rows and counts[1] == 1, counts  # one whole load, never a mix
        landed = list(Path("warehouse/landing/mesta").glob("*.csv"))
        assert all(p.read_bytes() for p in landed)
        rerun = subprocess.run([*command, f"v{attempt}.csv"], capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        assert (
            _rows(warehouse_url, "SELECT min(zalozeno) FROM raw.mesta")[0][0].year == 2010 + attempt
        )
    statuses = _rows(warehouse_url, "SELECT status FROM cdo_meta.submissions")
    assert {s[0] for s in statuses} <= {"accepted", "interrupted", "duplicate"}


def _postgres_restart_command() -> str:
    command = os.environ.get("CDO_TEST_POSTGRES_RESTART")
    if not command:
        unavailable(
            "set CDO_TEST_POSTGRES_RESTART to a command restarting the test server (as .ci/run does)"
        )
    return command


@pytest.mark.parametrize("fault", ["terminated", "restarted"])
def test_postgres_lost_mid_load_fails_cleanly_and_rerun_succeeds(
    base_registry: Path, postgres_url: str, fault: str
) -> None:
    """The server ends the load's connection during COPY: nothing half-loaded, a clear
    error, a truthful status, and the same command run again loads the file."""
    import psycopg

    restart = _postgres_restart_command() if fault == "restarted" else None
    _registry(base_registry)
    rows = 99_999
    header = "kod;nazev;obyvatel;rozloha;zalozeno"

    def version(year: int) -> str:
        lines = [f"5{i:05d};Obec {i};{i};{i % 97},5;1.1.{year}" for i in range(rows)]
        return "\n".join([header, *lines]) + "\n"

    command = [sys.executable, "-m", "cdo_toolkit", "--warehouse", postgres_url, "submit", "mesta"]
    Path("first.csv").write_text(version(2000), "utf-8")
    assert subprocess.run([*command, "first.csv"], capture_output=True).returncode == 0
    database = postgres_url.rpartition("/")[2]
    admin = os.environ["CDO_TEST_POSTGRES_URL"]
    hit = None
    for attempt in range(8):  # the COPY lasts a fraction of a second: retry if it was missed
        name = f"v{attempt}.csv"
        Path(name).write_text(version(2001 + attempt), "utf-8")
        process = subprocess.Popen([*command, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        copying: list[tuple[int]] = []  # the load may end before the first look
        with psycopg.connect(admin, autocommit=True) as watcher:
            while process.poll() is None:
                copying = watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND query LIKE 'COPY%%'",
                    [database],
                ).fetchall()
                if copying:
                    if restart is None:
                        watcher.execute("SELECT pg_terminate_backend(%s)", [copying[0][0]])
                    break
                time.sleep(0.002)
        if copying and restart is not None:
            subprocess.run(restart, shell=True, check=True, capture_output=True)
        _out, err = process.communicate(timeout=120)
        if copying:
            hit = (name, 2001 + attempt, process.returncode, err.decode())
            break
    assert hit is not None, "the load's COPY was never seen running"
    name, year, code, stderr = hit
    assert code == 2, stderr
    assert stderr.startswith("error: loading into mesta failed"), stderr  # no stray warning
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    # Nothing half-loaded: the table still holds the whole first file.
    assert _rows(postgres_url, "SELECT count(*), min(zalozeno), max(zalozeno) FROM raw.mesta")[
        0
    ] == (rows, datetime.date(2000, 1, 1), datetime.date(2000, 1, 1))
    assert Path("warehouse/landing/mesta").is_dir()
    rerun = subprocess.run([*command, name], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert _rows(postgres_url, "SELECT count(*), min(zalozeno) FROM raw.mesta")[0] == (
        rows,
        datetime.date(year, 1, 1),
    )
    statuses = [
        s for (s,) in _rows(postgres_url, "SELECT status FROM cdo_meta.submissions ORDER BY id")
    ]
    # The lost load is recorded as failed over a new connection (or, when even that
    # cannot be had, marked interrupted by the next submission): never left "loading".
    assert statuses[0] == "accepted" and statuses[-1] == "accepted"
    if fault == "terminated":
        assert statuses[-2] == "failed", statuses
    else:  # the server may still be starting when the failure is written
        assert statuses[-2] in {"failed", "interrupted"}, statuses


def test_staging_lifts_its_memory_limit_also_when_the_load_fails(tmp_path: Path) -> None:
    with Warehouse(parse_url(f"duckdb:///{tmp_path}/w.duckdb", tmp_path)) as warehouse:
        setting = "SELECT current_setting('memory_limit')"
        before = warehouse.execute(setting)[0][0]
        with pytest.raises(RuntimeError), warehouse.staging():
            assert warehouse.execute(setting)[0][0] != before  # the limit holds inside
            raise RuntimeError("the load failed")
        assert warehouse.execute(setting)[0][0] == before


def test_appended_increments_may_vary_in_size(cdo, base_registry: Path, warehouse_url: str) -> None:
    """An appended file is an increment: a change in size beyond the standard's limit is a
    warning, not a reason to hold it back (only a replacing file is held back)."""
    _registry(base_registry, mode="append")
    standards = base_registry / "standards.yaml"
    data = yaml.safe_load(standards.read_text("utf-8"))
    data["standards"][0]["max_volume_change"] = 20
    standards.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    _submit(cdo, warehouse_url, DATA)
    one = DATA.splitlines()[0] + "\n" + DATA.splitlines()[1].replace("563889", "563510") + "\n"
    result, out = _submit(cdo, warehouse_url, one, "prirustek.csv")
    assert out["status"] == "accepted", result.output
    assert any("-50.0 %" in w for w in out["warnings"])


def test_several_files_in_order_until_one_is_rejected(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    """A backlog of monthly files, appended in the order given; a rejected month stops
    the run, so that the next month is not loaded over the gap it would leave."""
    _registry(base_registry, "append")
    header = DATA.splitlines()[0]
    Path("leden.csv").write_text(f"{header}\n563889;Liberec;104261;106,09;1.1.1352\n", "utf-8")
    Path("unor.csv").write_text(f"{header}\n563510;Jablonec;45830;31,38;2.3.1866\n", "utf-8")
    Path("brezen.csv").write_text(f"{header}\n12345;Chyba;-1;1,0;1.1.2000\n", "utf-8")
    Path("duben.csv").write_text(f"{header}\n577626;Turnov;14000;23,0;1.1.1272\n", "utf-8")
    files = ["leden.csv", "unor.csv", "brezen.csv", "duben.csv"]
    missing = cdo("--warehouse", warehouse_url, "submit", "mesta", "leden.csv", "cerven.csv")
    assert missing.exit_code == 2 and "file cerven.csv not found" in missing.output
    result = cdo("--warehouse", warehouse_url, "submit", "mesta", *files, "--format", "json")
    assert result.exit_code == 1, result.output
    outcome = [(r["file"], r["status"]) for r in json.loads(result.output)]
    assert outcome == [
        ("leden.csv", "accepted"),
        ("unor.csv", "accepted"),
        ("brezen.csv", "rejected"),
        ("duben.csv", "not submitted"),
    ]
    assert _rows(warehouse_url, "SELECT kod FROM raw.mesta ORDER BY kod") == [
        ("563510",),
        ("563889",),
    ]
    Path("brezen.csv").write_text(f"{header}\n577421;Semily;8000;10,0;1.1.1300\n", "utf-8")
    text = cdo("--warehouse", warehouse_url, "submit", "mesta", "brezen.csv", "duben.csv")
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0] == "brezen.csv" and any(line == "duben.csv" for line in lines)
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta") == [(4,)]


def test_a_failure_among_several_files_keeps_what_was_submitted_said(
    cdo, base_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warehouse fails on the second file (busy past --wait, say): the first file's
    acceptance is still reported, the failure is exit 2, the rest are not submitted."""
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.warehouse import submit as module

    _registry(base_registry, "append")
    header = DATA.splitlines()[0]
    for name, row in (("a.csv", "563889;Liberec;1;1,0;1.1.2000"), ("b.csv", "563510;J;1;1,0;1.1.2000"), ("c.csv", "577626;T;1;1,0;1.1.2000")):  # fmt: skip
        Path(name).write_text(f"{header}\n{row}\n", "utf-8")
    real = module.submit
    calls: list[Path] = []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[3])
        if len(calls) == 2:
            raise CdoError("the warehouse is in use by another process")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "submit", flaky)
    url = "duckdb:///warehouse/test.duckdb"
    result = cdo(
        "--warehouse", url, "submit", "mesta", "a.csv", "b.csv", "c.csv", "--format", "json"
    )
    assert result.exit_code == 2
    outcome = [(r["file"], r["status"]) for r in json.loads(result.output)]
    assert outcome == [("a.csv", "accepted"), ("b.csv", "error"), ("c.csv", "not submitted")]
    assert json.loads(result.output)[1]["error"] == "the warehouse is in use by another process"
    calls.clear()
    text = cdo("--warehouse", url, "submit", "mesta", "c.csv", "b.csv", "a.csv")
    assert text.exit_code == 2
    assert "error: the warehouse is in use by another process" in text.output
    assert "not submitted, as the file before failed: a.csv" in " ".join(text.output.split())


def test_a_utf8_file_for_a_windows_1250_source_is_not_loaded_garbled(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    Path("skoly.csv").write_text("ico;nazev;kod_obce\n00360091;Gymnázium;563889\n", "utf-8")
    result = cdo("--warehouse", warehouse_url, "submit", "skoly", "skoly.csv", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["status"] == "rejected"
    assert "the file is UTF-8" in json.dumps(data["report"], ensure_ascii=False)
    status = json.loads(
        cdo("--warehouse", warehouse_url, "warehouse", "status", "--format", "json").output
    )
    assert next(t for t in status["tables"] if t["source"] == "skoly")["rows"] is None


def test_validate_checks_keys_against_the_warehouse_as_submit_does(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    """`cdo validate --source` predicts what `cdo submit` decides: the foreign keys into
    other sources are checked against their warehouse tables where the warehouse can be
    read, and said not to be checked where it cannot."""
    Path("obce.csv").write_text("kod_obce,nazev\n563889,Liberec\n563510,Jablonec\n", "utf-8")
    assert cdo("--warehouse", warehouse_url, "submit", "obce", "obce.csv").exit_code == 0
    Path("skoly.csv").write_text(
        "ico;nazev;kod_obce\n00360091;Gymnázium;563889\n25304950;Škola;999999\n", "windows-1250"
    )
    result = cdo(
        "--warehouse",
        warehouse_url,
        "validate",
        "skoly.csv",
        "--source",
        "skoly",
        "--format",
        "json",
    )
    assert result.exit_code == 1, result.output
    task = json.loads(result.output)["tasks"][0]
    assert [(e["type"], e["rowNumber"]) for e in task["errors"]] == [("foreign-key", 3)]
    assert task["notes"] == [
        "foreign keys and code lists into obce are checked against its table in the warehouse"
    ]
    nowhere = "duckdb:///warehouse/none.duckdb"
    result = cdo(
        "--warehouse", nowhere, "validate", "skoly.csv", "--source", "skoly", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert "not checked, the data of obce is not available" in " ".join(
        json.loads(result.output)["tasks"][0]["notes"]
    )
    assert not Path("warehouse/none.duckdb").exists()


def test_validate_says_when_the_warehouse_cannot_be_read(cdo, base_registry: Path) -> None:
    Path("skoly.csv").write_text("ico;nazev;kod_obce\n00360091;Gymnázium;563889\n", "windows-1250")
    down = "postgresql://cdo@127.0.0.1:9/cdo"  # the discard port: nothing listens
    result = cdo(
        "--warehouse", down, "validate", "skoly.csv", "--source", "skoly", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    notes = json.loads(result.output)["tasks"][0]["notes"]
    assert any(
        note.startswith(
            "foreign keys and code lists into other sources were not checked: the warehouse "
            "could not be read (cannot connect to the warehouse postgresql://cdo@127.0.0.1:9/cdo"
        )
        for note in notes
    ), notes


def test_errors_the_standard_tolerates_are_said_on_acceptance(
    cdo, base_registry: Path, warehouse_url: str
) -> None:
    _registry(base_registry)
    standards = base_registry / "standards.yaml"
    standards.write_text(
        standards.read_text("utf-8").replace(
            "title: Základní", "title: Základní\n    max_error_rows: 50"
        ),
        "utf-8",
    )
    # One row of two breaks minimum: 50 % of the rows, which the standard tolerates.
    result, out = _submit(cdo, warehouse_url, DATA.replace("45830", "-1"))
    assert result.exit_code == 0 and out is not None and out["status"] == "accepted"
    tolerated = (
        "1 of 2 rows have errors (50.0 %), which the standard tolerates (up to 50 %): a value "
        "not of its field's type is loaded empty, the others as they are; fix them for the next "
        "submission (cdo validate lists them)"
    )
    assert out["warnings"] == [tolerated]
    (last,) = json.loads(cdo("--warehouse", warehouse_url, "history", "--format", "json").output)
    assert last["message"] == tolerated
    listed = " ".join(cdo("--warehouse", warehouse_url, "history").output.split())
    assert f"submission {last['id']} (mesta) accepted: {tolerated}" in listed
    # The value breaking a constraint is loaded as it is; a value of the wrong type, empty.
    assert _rows(warehouse_url, "SELECT obyvatel FROM raw.mesta ORDER BY kod") == [(-1,), (104261,)]
    _submit(cdo, warehouse_url, DATA.replace("45830", "hodně"))
    assert _rows(warehouse_url, "SELECT obyvatel FROM raw.mesta ORDER BY kod") == [
        (None,),
        (104261,),
    ]


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [(2, 1, "-50.0"), (16252, 4, "-99.98"), (100000, 1, "-99.999"), (10, 0, "-100.0")],
)
def test_volume_change_is_never_rounded_to_all_or_nothing(
    before: int, after: int, shown: str
) -> None:
    from cdo_toolkit.warehouse.load import volume_change

    change = volume_change(before, after, 40)
    assert change is not None and change["change"] == shown


def test_status_and_history_keep_names_whole_on_a_narrow_terminal(base_registry: Path) -> None:
    from typer.testing import CliRunner

    from cdo_toolkit.cli.app import app

    long_id = "zdravotnicka-zarizeni-kraje"
    (base_registry / "sources" / f"{long_id}.yaml").write_text(
        SOURCE.replace("id: mesta", f"id: {long_id}")
        .replace("table: mesta", "table: zdravotnicka_zarizeni_kraje_lk")
        .replace("MODE", "replace"),
        "utf-8",
    )
    Path("zarizeni-kraje-2026.csv").write_text(DATA, "utf-8")
    url = "duckdb:///warehouse/w.duckdb"
    runner = CliRunner()
    submitted = runner.invoke(
        app, ["--warehouse", url, "submit", long_id, "zarizeni-kraje-2026.csv"]
    )
    assert submitted.exit_code == 0, submitted.output
    for command in (["warehouse", "status"], ["history"]):
        result = runner.invoke(app, ["--warehouse", url, *command], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80
        assert long_id in result.stdout, result.stdout
        assert "…" not in result.stdout, result.stdout  # no cell cut short
    status = runner.invoke(app, ["--warehouse", url, "warehouse", "status"], env={"COLUMNS": "80"})
    row = next(line for line in status.stdout.splitlines() if long_id in line)
    # The rows whole; the table's name and the count of columns left to wider terminals.
    assert row.split()[1] == "2", row
    wide = runner.invoke(app, ["--warehouse", url, "warehouse", "status"], env={"COLUMNS": "120"})
    row = next(line for line in wide.stdout.splitlines() if long_id in line)
    assert row.split()[1:3] == ["raw.zdravotnicka_zarizeni_kraje_lk", "2"], row
    # The file's columns and the submission's id.
    assert row.split()[-1] == str(len(DATA.splitlines()[0].split(";")) + 1), row


class _CutShort:
    """A digest whose second chunk fails as ``failure`` does: Ctrl-C, a full disk."""

    def __init__(self, failure: BaseException) -> None:
        self.failure, self.chunks = failure, 0

    def update(self, _chunk: bytes) -> None:
        self.chunks += 1
        if self.chunks == 2:
            raise self.failure


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_a_copy_cut_short_leaves_nothing_in_the_landing_zone(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.warehouse import landing

    Path("velky.csv").write_bytes(b"a\n" * (3 << 20))  # three chunks of the copy
    zone = workdir / "warehouse" / "landing" / "mesta"
    zone.mkdir(parents=True)
    old, fresh = zone / ".incoming-zabity", zone / ".incoming-probiha"
    old.write_bytes(b"a killed copy")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    fresh.write_bytes(b"a copy in progress")
    monkeypatch.setattr(landing.hashlib, "sha256", lambda: _CutShort(failure))
    expected = KeyboardInterrupt if isinstance(failure, KeyboardInterrupt) else CdoError
    with pytest.raises(expected) as raised:
        landing.land(Path("velky.csv"), workdir / "warehouse", "mesta")
    if expected is CdoError:
        assert "No space left on device" in str(raised.value)
    # The partial copy is gone, as is one left by a process killed an hour ago; a copy
    # another process is writing stays.
    assert sorted(p.name for p in zone.iterdir()) == [".incoming-probiha"]


def test_ctrl_c_mid_validation_says_so_and_marks_the_submission(
    cdo, base_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdo_toolkit.validation import api

    _registry(base_registry)
    Path("mesta.csv").write_text(DATA, "utf-8")

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(api, "validate", interrupted)
        result = cdo("--warehouse", "duckdb:///w.duckdb", "submit", "mesta", "mesta.csv")
    assert result.exit_code == 130
    assert (
        "error: interrupted: submission 1 was not loaded; the file stays in the landing zone, "
        "submit it again"
    ) in " ".join(result.output.split())
    history = json.loads(
        cdo("--warehouse", "duckdb:///w.duckdb", "history", "--format", "json").stdout
    )
    assert [(h["id"], h["status"]) for h in history] == [(1, "interrupted")]
    again = cdo("--warehouse", "duckdb:///w.duckdb", "submit", "mesta", "mesta.csv")
    assert again.exit_code == 0 and "accepted" in again.output


def test_a_submission_running_in_another_session_is_not_marked_interrupted(
    cdo, base_registry: Path, postgres_url: str
) -> None:
    """On PostgreSQL two guarantors may submit one source at once. The second's start
    marked the first ``interrupted`` (a sweep meant for killed processes) while it still
    ran; only a submission whose session has ended is so marked."""
    from cdo_toolkit.warehouse import meta

    _registry(base_registry)
    Path("mesta.csv").write_text(DATA, "utf-8")
    assert cdo("--warehouse", postgres_url, "submit", "mesta", "mesta.csv").exit_code == 0

    def start(warehouse: Warehouse) -> int:
        submission_id = meta.next_id(warehouse)
        meta.insert(warehouse, {"id": submission_id, "source": "mesta", "status": "validating"})
        return submission_id

    def status(submission_id: int) -> str:
        query = f"SELECT status FROM cdo_meta.submissions WHERE id = {submission_id}"
        return str(_rows(postgres_url, query)[0][0])

    with Warehouse(parse_url(postgres_url, Path.cwd())) as other:
        killed = start(other)  # its process is gone: nothing holds it
        running = meta.next_id(other) + 1  # the id start() takes: locked before its row is
        with meta.running(other, running):
            assert start(other) == running
            Path("mesta2.csv").write_text(DATA.replace("Liberec", "Liberec město"), "utf-8")
            result = cdo("--warehouse", postgres_url, "submit", "mesta", "mesta2.csv")
            assert result.exit_code == 0, result.output
            assert (status(killed), status(running)) == ("interrupted", "validating")
    # Its session let go without finishing it (as a server ending the session would).
    Path("mesta3.csv").write_text(DATA.replace("Liberec", "Liberec 1"), "utf-8")
    assert cdo("--warehouse", postgres_url, "submit", "mesta", "mesta3.csv").exit_code == 0
    assert status(running) == "interrupted"


def test_an_account_that_may_only_read_scores_and_audits(
    base_registry: Path, postgres_url: str
) -> None:
    """The CDO's auditing role reads the warehouse and writes nothing: the scores are shown
    and the unstored history is said; a submission with it is refused in one line."""
    import uuid
    from urllib.parse import urlsplit

    import psycopg
    from typer.testing import CliRunner

    from cdo_toolkit.cli.app import app

    runner = CliRunner()
    _registry(base_registry)
    Path("mesta.csv").write_text(DATA, "utf-8")
    loaded = runner.invoke(app, ["--warehouse", postgres_url, "submit", "mesta", "mesta.csv"])
    assert loaded.exit_code == 0, loaded.output
    role = f"ctenar_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(postgres_url)
    reader = parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}").geturl()
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT USAGE ON SCHEMA raw, cdo_meta TO "{role}"')
        admin.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA raw, cdo_meta TO "{role}"')
    try:
        # Never scored: the history's table does not exist, and the reader cannot make it.
        scored = runner.invoke(app, ["--warehouse", reader, "score", "--format", "json"])
        assert scored.exit_code == 0, scored.output
        assert [(s["source"], s["status"]) for s in json.loads(scored.stdout)] == [
            ("mesta", "scored"),
            ("obce", "not submitted"),
            ("skoly", "not submitted"),
        ]
        assert "the scores were not stored" in scored.stderr
        assert "permission denied" in scored.stderr and "Traceback" not in scored.stderr
        # Scored once by an account that may write: the reader sees that history.
        assert runner.invoke(app, ["--warehouse", postgres_url, "score"]).exit_code == 0
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'GRANT SELECT ON cdo_meta.scores TO "{role}"')
        audited = runner.invoke(app, ["--warehouse", reader, "audit", "--format", "json"])
        assert audited.exit_code == 0, audited.output
        assert len(json.loads(audited.stdout)["history"]["mesta"]) == 1
        assert "permission denied for table scores" in audited.stderr
        refused = runner.invoke(app, ["--warehouse", reader, "submit", "mesta", "mesta.csv"])
        assert refused.exit_code == 2
        assert "error: the warehouse refused: permission denied" in refused.output
        assert "Traceback" not in refused.output
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def test_the_stored_reconciliation_is_in_english_whoever_submitted(
    cdo, base_registry: Path
) -> None:
    _registry(base_registry)
    url = "duckdb:///warehouse/w.duckdb"
    _submit(cdo, url, DATA)
    _add_a_note_field(base_registry)
    Path("nove.csv").write_text(
        DATA.replace("zalozeno\n", "zalozeno;poznamka\n")
        .replace("1352\n", "1352;krajské\n")
        .replace("1866\n", "1866;\n"),
        "utf-8",
    )
    czech = cdo("--lang", "cs", "--warehouse", url, "submit", "mesta", "nove.csv")
    assert czech.exit_code == 0 and "sloupce přidané" in czech.output, czech.output
    stored = _rows(url, "SELECT reconciliation FROM cdo_meta.submissions WHERE id = 2")[0][0]
    assert json.loads(stored)["drift"] == ["columns added since the previous load: poznamka"]


@pytest.mark.parametrize("links", [True, False])
def test_a_quarantined_file_is_the_landed_file_whole(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    from cdo_toolkit.warehouse import landing

    Path("spatne.csv").write_bytes(b"kod;nazev\n1;x\n" * 1000)
    landed = landing.land(Path("spatne.csv"), workdir / "warehouse", "mesta")
    if not links:  # a file system without hard links: a copy, never a partial one

        def no_link(*_args: object) -> None:
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(landing.os, "link", no_link)
    # A copy a killed process left unfinished an hour ago goes; one being written stays.
    zone = workdir / "warehouse" / "quarantine" / "mesta"
    zone.mkdir(parents=True)
    for name, age in ((".incoming-stary", 2 * 3600), (".incoming-probiha", 10)):
        (zone / name).write_bytes(b"kod;na")
        os.utime(zone / name, (time.time() - age, time.time() - age))
    kept = landing.quarantine(landed, workdir / "warehouse", "mesta", "{}")
    assert kept.read_bytes() == Path("spatne.csv").read_bytes()
    assert (kept.stat().st_ino == landed.path.stat().st_ino) is links
    assert sorted(p.name for p in kept.parent.iterdir()) == [
        ".incoming-probiha",
        kept.name,
        f"{landed.sha256}.report.json",
    ]
