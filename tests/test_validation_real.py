"""Real Czech open data (../shared/data/real) against schemas written for it: parity with
Frictionless, and the defects its README documents found."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cdo_toolkit.validation.engine import Limits, TableInput, validate_table
from cdo_toolkit.validation.fields import schema_spec
from cdo_toolkit.validation.reader import Dialect
from tests.conftest import SHARED
from tests.parity import frictionless_errors

REAL = SHARED / "data" / "real"


def _run(
    path: Path,
    schema: dict[str, Any],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    header_rows: list[int] | None = None,
    header: bool | None = None,
) -> tuple[set[Any], Counter[Any]]:
    task = validate_table(
        TableInput(
            path,
            path.stem,
            path.name,
            schema_spec(schema),
            Dialect(
                delimiter=delimiter,
                header=header,
                header_rows=tuple(header_rows) if header_rows else None,
            ),
            encoding,
        ),
        Limits(errors=10**7),
    )
    errors = {(e.type, e.row_number, e.field_name or None) for e in task.errors}
    dialect: dict[str, Any] = {}
    if delimiter:
        dialect["csv"] = {"delimiter": delimiter}
    if header_rows:
        dialect["headerRows"] = header_rows
    if header is not None:
        dialect["header"] = header
    reference = frictionless_errors(path, schema=schema, dialect=dialect or None, encoding=encoding)
    assert errors == reference, sorted(errors ^ reference, key=str)[:10]
    assert len(task.errors) == task.error_count
    return errors, Counter((e[0], e[2]) for e in errors)


def test_budget_items_defects(shared: Path) -> None:
    """The README's defects: an empty key and an exact duplicate row (6412)."""
    schema = {
        "fields": [
            {
                "name": "Položka",
                "type": "string",
                "constraints": {"required": True, "pattern": r"\d{4}"},
            },
            {"name": "Název", "type": "string"},
            {"name": "Druh", "type": "string"},
            {"name": "Třída", "type": "string"},
            {"name": "Seskupení", "type": "string"},
            {"name": "Podseskupení", "type": "string"},
            {"name": "Od", "type": "date", "format": "%d.%m.%Y"},
            {"name": "Do", "type": "date", "format": "%d.%m.%Y"},
        ],
        "primaryKey": ["Položka"],
    }
    _, counts = _run(REAL / "rozpocet-obce" / "budget-items.csv", schema, delimiter=";")
    assert counts[("primary-key", None)] >= 1
    assert counts[("constraint-error", "Položka")] >= 1


def test_cernosice_budget_with_decimal_comma_is_valid(shared: Path) -> None:
    money = {"type": "number", "decimalChar": ","}
    schema = {
        "fields": [
            {"name": "Paragraf (kód)", "type": "string", "constraints": {"pattern": r"\d{4}"}},
            {"name": "Položka (kód)", "type": "string", "constraints": {"pattern": r"\d{4}"}},
            {"name": "Schválený rozpočet", **money},
            {"name": "Rozpočet po změnách", **money},
            {"name": "Výsledek od počátku roku", **money},
        ]
    }
    errors, _ = _run(
        REAL / "rozpocet-obce" / "cernosice_00241121_budget_2016.csv", schema, delimiter=";"
    )
    assert errors == set()


def test_ruian_postcodes_with_four_column_key(shared: Path) -> None:
    text = {"type": "string"}
    names = "kodcobce,nazcobce,psc,kodobce,nazobce,kodokresu,nazokresu,kodkraj,nazevkraj,kodmomc,nazmomc,kodpobvod,nazpobvod"
    schema = {
        "fields": [{"name": n, **text} for n in names.split(",")],
        "primaryKey": ["kodcobce", "psc", "kodmomc", "kodpobvod"],
    }
    schema["fields"][2]["constraints"] = {"pattern": r"\d{5}"}
    errors, _ = _run(REAL / "ruian-casti-obci-psc" / "psc-list.csv", schema)
    assert errors == set()


def test_chmu_stations_integer_elevation_with_na(shared: Path) -> None:
    """Elevation is declared integer: decimals and the literal NA are type errors."""
    schema = {
        "fields": [
            {"name": "Stanice.ID", "type": "string"},
            {"name": "Jméno.stanice", "type": "string"},
            {"name": "Začátek.měření", "type": "date"},
            {"name": "Konec.měření", "type": "date"},
            {
                "name": "Zeměpisná.délka",
                "type": "number",
                "constraints": {"minimum": 12, "maximum": 19},
            },
            {
                "name": "Zeměpisná.šířka",
                "type": "number",
                "constraints": {"minimum": 48.5, "maximum": 51.1},
            },
            {"name": "Nadmořská.výška", "type": "integer"},
            {"name": "element", "type": "string"},
        ]
    }
    _, counts = _run(REAL / "chmu-stanice" / "coords_time.csv", schema, encoding="windows-1250")
    assert counts[("type-error", "Nadmořská.výška")] > 10


def test_covid_regions_with_empty_codes(shared: Path) -> None:
    count = {"type": "integer", "constraints": {"minimum": 0}}
    schema = {
        "fields": [
            {"name": "datum", "type": "date"},
            {
                "name": "kraj_nuts_kod",
                "type": "string",
                "constraints": {"required": True, "pattern": "CZ0[0-9]{2}"},
            },
            {"name": "okres_lau_kod", "type": "string", "constraints": {"required": True}},
            {"name": "kumulativni_pocet_nakazenych", **count},
            {"name": "kumulativni_pocet_vylecenych", **count},
            {"name": "kumulativni_pocet_umrti", **count},
        ]
    }
    _, counts = _run(REAL / "covid-mzcr" / "kraj-okres-nakazeni-vyleceni-umrti.csv", schema)
    assert counts[("constraint-error", "kraj_nuts_kod")] == 470


def test_covid_municipalities_us_datetime_via_frictionless_reader(shared: Path) -> None:
    """%p (AM/PM) is parsed by Frictionless's own reader, once per distinct value."""
    names = [
        "den",
        "datum",
        "kraj_nuts_kod",
        "kraj_nazev",
        "okres_lau_kod",
        "okres_nazev",
        "orp_kod",
        "orp_nazev",
        "obec_kod",
        "obec_nazev",
        "nove_pripady",
        "aktivni_pripady",
        "nove_pripady_65",
        "nove_pripady_7_dni",
        "nove_pripady_14_dni",
    ]
    fields: list[dict[str, Any]] = [{"name": n, "type": "string"} for n in names]
    fields[1] = {"name": "datum", "type": "datetime", "format": "%m/%d/%Y %I:%M:%S %p"}
    fields[8] = {"name": "obec_kod", "type": "string", "constraints": {"pattern": r"\d{6}"}}
    for i in range(10, 15):
        fields[i] = {"name": names[i], "type": "integer", "missingValues": ["", "999999", "N/A"]}
    errors, _ = _run(REAL / "covid-mzcr" / "obec_6.csv", {"fields": fields})
    assert errors == set()


def test_cnb_rates_preamble_pipe_and_decimal_comma(shared: Path) -> None:
    schema = {
        "fields": [
            {"name": "země", "type": "string"},
            {"name": "měna", "type": "string"},
            {"name": "množství", "type": "integer", "constraints": {"enum": [1, 100, 1000]}},
            {"name": "kód", "type": "string", "constraints": {"pattern": "[A-Z]{3}"}},
            {"name": "kurz", "type": "number", "decimalChar": ","},
        ],
        "primaryKey": ["kód"],
    }
    errors, _ = _run(REAL / "cnb-kurzy" / "denni_kurz.txt", schema, delimiter="|", header_rows=[2])
    assert errors == set()


def test_presidential_election_results_key(shared: Path) -> None:
    header = (
        (REAL / "volby-prezident-2023-liberecky-kraj" / "pet1_liberecky_kraj.csv")
        .read_text("ascii")
        .splitlines()[0]
    )
    fields = [
        {"name": n, "type": "integer", "constraints": {"minimum": 0}} for n in header.split(";")
    ]
    schema = {"fields": fields, "primaryKey": ["OBEC", "OKRSEK", "KOLO"]}
    errors, _ = _run(
        REAL / "volby-prezident-2023-liberecky-kraj" / "pet1_liberecky_kraj.csv",
        schema,
        delimiter=";",
    )
    assert errors == set()


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("obec_dr_2021_cp1250.csv", "windows-1250"), ("obec_dr_2023_utf16le.csv", "utf-16")],
)
def test_vehicles_same_schema_across_encodings(name: str, encoding: str, shared: Path) -> None:
    path = REAL / "vozidla-crv-obce" / name
    header = path.read_bytes().decode(encoding).splitlines()[0].lstrip("\ufeff").split(";")
    fields = [{"name": n, "type": "integer", "constraints": {"minimum": 0}} for n in header]
    fields[0] = {"name": header[0], "type": "string", "constraints": {"required": True}}
    fields[1] = {"name": header[1], "type": "string", "constraints": {"required": True}}
    errors, _ = _run(
        path, {"fields": fields, "primaryKey": header[:2]}, encoding=encoding, delimiter=";"
    )
    assert errors == set()


def test_police_accidents_headerless_with_sentinels(shared: Path) -> None:
    """The file has no header: a headerless schema of 64 fields, codes as strings."""
    names = [
        "p1",
        "p36",
        "p37",
        "p2a",
        "weekday(p2a)",
        "p2b",
        "p6",
        "p7",
        "p8",
        "p9",
        "p10",
        "p11",
        "p12",
        "p13a",
        "p13b",
        "p13c",
        "p14",
        "p15",
        "p16",
        "p17",
        "p18",
        "p19",
        "p20",
        "p21",
        "p22",
        "p23",
        "p24",
        "p27",
        "p28",
        "p34",
        "p35",
        "p39",
        "p44",
        "p45a",
        "p47",
        "p48a",
        "p49",
        "p50a",
        "p50b",
        "p51",
        "p52",
        "p53",
        "p55a",
        "p57",
        "p58",
        "a",
        "b",
        "d",
        "e",
        "f",
        "g",
        "h",
        "i",
        "j",
        "k",
        "l",
        "n",
        "o",
        "p",
        "q",
        "r",
        "s",
        "t",
        "p5a",
    ]
    fields: list[dict[str, Any]] = [{"name": n, "type": "string"} for n in names]
    fields[0] = {
        "name": "p1",
        "type": "string",
        "constraints": {"required": True, "pattern": r"\d{12}"},
    }
    fields[3] = {"name": "p2a", "type": "date"}
    fields[5] = {"name": "p2b", "type": "string", "constraints": {"pattern": r"\d{4}"}}
    for name in ("p13a", "p13b", "p13c"):
        fields[names.index(name)] = {"name": name, "type": "integer", "constraints": {"minimum": 0}}
    schema = {"fields": fields, "primaryKey": ["p1"]}
    errors, _ = _run(
        REAL / "nehody-pcr-praha-2020" / "00.csv",
        schema,
        encoding="windows-1250",
        delimiter=";",
        header=False,
    )
    assert errors == set()


def test_cnb_rates_without_a_schema_are_read_as_a_table(shared: Path) -> None:
    """A .txt file that detection finds to be a table gets a schema inferred from it as a
    table (Frictionless alone takes .txt for text and infers no fields, so every column
    would be an extra label)."""
    from cdo_toolkit.validation.api import Options, validate

    report = validate(str(REAL / "cnb-kurzy" / "denni_kurz.txt"), Options())
    task = report.tasks[0]
    assert task.labels == ["země", "měna", "množství", "kód", "kurz"]
    assert report.valid, [e.message for e in task.errors][:3]
    assert task.error_count == 0


def test_types_guessed_from_the_first_rows_are_said_to_be_guessed(
    shared: Path, tmp_path: Path
) -> None:
    """Without a schema, the stations' elevation is guessed integer from the first rows
    (as Frictionless guesses it) and its decimals further down are type errors: the task
    says the types were guessed, which, and what to do. A file meeting its guesses has no
    such note, nor has one validated against a schema."""
    from cdo_toolkit.validation.api import Options, validate

    stations = REAL / "chmu-stanice" / "coords_time.csv"
    task = validate(str(stations), Options()).tasks[0]
    assert task.summary == {("type-error", "Nadmořská.výška"): 465}
    (note,) = [n for n in task.notes if "guessed" in n]
    assert "the first 100 rows" in note and "(Nadmořská.výška: integer)" in note
    assert "cdo registry add" in note
    valid = validate(str(REAL / "cnb-kurzy" / "denni_kurz.txt"), Options()).tasks[0]
    assert not [n for n in valid.notes if "guessed" in n]
    schema = tmp_path / "stations.schema.json"
    schema.write_text(json.dumps({"fields": [{"name": n} for n in task.labels]}), "utf-8")
    with_schema = validate(str(stations), Options(schema=schema)).tasks[0]
    assert not [n for n in with_schema.notes if "guessed" in n]
