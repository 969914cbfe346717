"""The CSVW description of each published CSV source (its distribution's ``schéma``),
read back by an independent CSVW implementation (the ``csvw`` package) against the demo's
files: it must find them valid or invalid as the validator does, for the same values."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cdo_toolkit.csvw import table_description
from tests.conftest import source_dict


def _exported(cdo: Callable[..., Any]) -> dict[str, dict[str, Any]]:
    result = cdo("catalog", "export", "--out", "catalog")
    assert result.exit_code == 0, result.output
    return {
        p.name.removesuffix(".csv-metadata.json"): json.loads(p.read_text("utf-8"))
        for p in Path("catalog/schemata").glob("*.csv-metadata.json")
    }


def test_each_published_csv_links_its_description(
    shipped_registry: Path, cdo: Callable[..., Any]
) -> None:
    described = _exported(cdo)
    records = {
        p.stem: json.loads(p.read_text("utf-8"))
        for p in Path("catalog/datove-sady").glob("*.jsonld")
    }
    assert described and set(described) == set(records)  # every shipped public source is a CSV
    for source_id, record in records.items():
        distribution = record["distribuce"][0]
        assert distribution["schéma"] == (
            f"https://data.kraj-lbc.cz/lkod/schemata/{source_id}.csv-metadata.json"
        )
        assert described[source_id]["url"] == distribution["soubor_ke_stažení"]
    skoly = described["skoly"]
    assert skoly["dialect"] == {"encoding": "windows-1250", "delimiter": ";"}
    columns = {c["titles"]: c for c in skoly["tableSchema"]["columns"]}
    assert columns["ico"]["datatype"] == {"base": "string", "format": r"\d{8}"}
    # A foreign key into another published source names that source's file.
    (reference,) = skoly["tableSchema"]["foreignKeys"]
    assert reference == {
        "columnReference": ["kod_obce"],
        "reference": {
            "resource": "https://data.kraj-lbc.cz/soubory/obce.csv",
            "columnReference": ["kod_obce"],
        },
    }


def _csvw_verdict(metadata: dict[str, Any], data: Path) -> tuple[bool, set[str], set[int]]:
    """Whether the ``csvw`` package finds ``data`` valid by ``metadata``, the values it
    names as invalid, and the rows it finds repeating a primary key. Foreign keys lead to
    published URLs, so the table is read alone."""
    import re
    import warnings

    import csvw

    local = {**metadata, "url": data.name}
    local["tableSchema"] = {k: v for k, v in metadata["tableSchema"].items() if k != "foreignKeys"}
    target = data.with_name(f"{data.name}-metadata.json")
    target.write_text(json.dumps(local, ensure_ascii=False), "utf-8")
    with warnings.catch_warnings():  # the reader records its findings as warnings
        warnings.simplefilter("always")
        reader = csvw.CSVW(url=str(target), validate=True)
        try:
            valid = reader.is_valid
        except ValueError as exc:  # a repeated primary key is raised, not warned of
            repeated = re.search(r":(\d+) duplicate primary key", str(exc))
            assert repeated, exc
            return False, set(), {int(repeated[1])}
    said = [str(w.message) for w in reader.warnings]
    values = {
        m.split("Invalid column value: ", 1)[1].split(" Datatype(")[0]
        for m in said
        if "Invalid column value" in m
    }
    return valid, values, set()


def test_csvw_reads_the_demo_files_as_the_validator_does(
    shipped_registry: Path, cdo: Callable[..., Any]
) -> None:
    """The demo's files carry defects on purpose; CSVW finds a file invalid exactly when
    the validator does (foreign keys and registry checks aside, which CSVW has no words
    for), and every value it refuses is one the validator lists."""
    described = _exported(cdo)
    verdicts = {}
    for source_id, metadata in described.items():
        data = Path("csvw") / f"{source_id}.csv"
        data.parent.mkdir(exist_ok=True)
        shutil.copy(Path("examples") / f"{source_id}.csv", data)
        theirs, values, repeated = _csvw_verdict(metadata, data)
        checked = cdo(
            "validate", str(data), "--source", source_id, "--format", "json",
            "--skip-errors", "foreign-key,ico-checksum,code-list",
        )  # fmt: skip
        report = json.loads(checked.stdout)
        errors = report["tasks"][0]["errors"]
        listed = {str(e.get("cell", "")) for e in errors}
        keys = {e["rowNumber"] for e in errors if e["type"] == "primary-key"}
        verdicts[source_id] = (theirs, report["valid"])
        assert values <= listed, (source_id, values - listed)
        assert repeated <= keys, (source_id, repeated, keys)
    assert all(theirs == ours for theirs, ours in verdicts.values()), verdicts
    assert {k for k, (theirs, _ours) in verdicts.items() if not theirs} >= {"skoly", "silnice"}


def _entry(dialect: dict[str, Any], fields: list[dict[str, Any]], **source: Any) -> Any:
    """A registry entry as the catalogue reads one: the source and its schema."""
    from types import SimpleNamespace

    from cdo_toolkit.registry.models import Source

    described = Source.model_validate(
        source_dict(
            "vykaz",
            "Výkaz",
            "Výkaz obcí.",
            personal_data=False,
            encoding="utf-8",
            dialect=dialect,
            schema={"fields": fields},
            warehouse={"table": "vykaz"},
            **source,
        )
    )
    return SimpleNamespace(source=described, schema={"fields": fields})


@pytest.mark.parametrize(
    ("field", "datatype"),
    [
        ({"type": "date", "format": "%d.%m.%Y"}, {"base": "date", "format": "d.M.yyyy"}),
        ({"type": "datetime", "format": "%d.%m.%Y %H:%M"}, {"base": "dateTime", "format": "d.M.yyyy HH:mm"}),
        # A US export's format has no CSVW pattern: described as text, never wrongly.
        ({"type": "datetime", "format": "%m/%d/%Y %I:%M:%S %p"}, "string"),
        ({"type": "number", "decimalChar": ",", "groupChar": " "}, {"base": "decimal", "format": {"decimalChar": ",", "groupChar": " "}}),
        ({"type": "integer", "constraints": {"minimum": 0}}, {"base": "integer", "minimum": 0}),
        ({"type": "number", "bareNumber": False}, "string"),
        ({"type": "boolean", "trueValues": ["ano"], "falseValues": ["ne"]}, {"base": "boolean", "format": "ano|ne"}),
        ({"type": "string", "constraints": {"enum": ["A (1.)", "B|C"]}}, {"base": "string", "format": r"A \(1\.\)|B\|C"}),
        ({"type": "year"}, "gYear"),
    ],
)  # fmt: skip
def test_field_types_as_csvw_datatypes(field: dict[str, Any], datatype: Any) -> None:
    entry = _entry({"delimiter": ";"}, [{"name": "Kód obce", **field}])
    described = table_description(entry, "https://example.cz/vykaz.csv")
    assert described is not None
    (column,) = described["tableSchema"]["columns"]
    assert column["name"] == "K%C3%B3d%20obce" and column["titles"] == "Kód obce"
    assert column["datatype"] == datatype


@pytest.mark.parametrize(
    ("dialect", "said"),
    [
        ({"delimiter": ";", "header_rows": [3]}, {"skipRows": 2}),
        ({"delimiter": ";", "header": False, "comment_rows": [1, 2, 3]}, {"header": False, "skipRows": 3}),
        ({"delimiter": ";", "comment_char": "#", "skip_blank_rows": True}, {"commentPrefix": "#", "skipBlankRows": True}),
        # Comment rows among the data, or no declared delimiter: CSVW cannot say it.
        ({"delimiter": ";", "comment_rows": [7]}, None),
        ({}, None),
    ],
)  # fmt: skip
def test_dialects_as_csvw_dialects(dialect: dict[str, Any], said: dict[str, Any] | None) -> None:
    entry = _entry(dialect, [{"name": "kod", "type": "string"}])
    described = table_description(entry, "https://example.cz/vykaz.csv")
    if said is None:
        assert described is None
    else:
        assert described is not None
        assert described["dialect"] == {"encoding": "utf-8", "delimiter": ";", **said}


def test_a_csvw_description_is_a_schema_to_validate_by(
    shipped_registry: Path, cdo: Callable[..., Any]
) -> None:
    """A guarantor given a CSV with its CSVW description (as the national code lists come)
    validates it with --schema: the dialect and the columns are read from it. The
    catalogue's own descriptions find in the demo's files the errors the registry's
    entries find, those of the checks CSVW has no words for aside."""
    described = _exported(cdo)
    beyond_csvw = "foreign-key,ico-checksum,code-list,unique-error"
    for source_id in described:
        data = Path("examples") / f"{source_id}.csv"
        schema = Path("catalog/schemata") / f"{source_id}.csv-metadata.json"
        found = []
        for how in (("--schema", str(schema)), ("--source", source_id)):
            for engine in ("fast", "frictionless"):
                checked = cdo(
                    "validate", str(data), *how, "--engine", engine, "--format", "json",
                    "--skip-errors", beyond_csvw,
                )  # fmt: skip
                assert checked.exit_code in (0, 1), checked.output
                (task,) = json.loads(checked.stdout)["tasks"]
                found.append(
                    {(e["type"], e.get("rowNumber"), e.get("fieldName")) for e in task["errors"]}
                )
        assert all(errors == found[0] for errors in found), (source_id, found)
    notes = cdo(
        "validate", "examples/skoly.csv", "--schema", "catalog/schemata/skoly.csv-metadata.json"
    )
    assert "foreign keys point at other files by their URLs" in " ".join(notes.output.split())


def test_what_a_csvw_description_says_beyond_a_table_schema_is_noted(
    workdir: Path, cdo: Callable[..., Any]
) -> None:
    """CSVW's defaults apply where the dialect is silent (a comma, UTF-8, a header row);
    a date pattern with a time zone is checked as text, with a note."""
    Path("ciselnik.csv").write_text(
        "kod,nazev,platnost,zmena\n# poznámka\n01,Muž,2020-01-01,2020-01-01T00:00:00Z\n02,Žena,x,y\n",
        "utf-8",
    )
    Path("ciselnik.csv-metadata.json").write_text(
        json.dumps(
            {
                "@context": "http://www.w3.org/ns/csvw",
                "url": "ciselnik.csv",
                "dialect": {"commentPrefix": "#"},
                "tableSchema": {
                    "columns": [
                        {
                            "name": "kod",
                            "titles": "kod",
                            "datatype": {"base": "string", "format": "\\d{2}"},
                            "required": True,
                        },
                        {"name": "nazev", "titles": {"cs": "nazev"}},
                        {"name": "platnost", "titles": "platnost", "datatype": "date"},
                        {
                            "name": "zmena",
                            "titles": "zmena",
                            "datatype": {"base": "dateTime", "format": "yyyy-MM-ddTHH:mm:ssX"},
                        },
                    ],
                    "primaryKey": "kod",
                },
            }
        ),
        "utf-8",
    )
    result = cdo(
        "validate", "ciselnik.csv", "--schema", "ciselnik.csv-metadata.json", "--format", "json"
    )
    assert result.exit_code == 1, result.output
    (task,) = json.loads(result.stdout)["tasks"]
    assert {(e["type"], e["rowNumber"], e["fieldName"]) for e in task["errors"]} == {
        ("type-error", 4, "platnost")
    }  # the comment row is left out; zmena is text
    assert task["stats"]["rows"] == 2
    assert any("yyyy-MM-ddTHH:mm:ssX" in n and n.startswith("zmena") for n in task["notes"])
    reference = cdo(
        "validate", "ciselnik.csv", "--schema", "ciselnik.csv-metadata.json", "--format", "json",
        "--engine", "frictionless",
    )  # fmt: skip
    (checked,) = json.loads(reference.stdout)["tasks"]
    said = [n for n in task["notes"] if n.startswith("zmena")]
    assert said and [n for n in checked["notes"] if n.startswith("zmena")] == said


def test_a_source_is_onboarded_with_its_csvw_description(
    shipped_registry: Path, cdo: Callable[..., Any]
) -> None:
    """registry add --schema takes a CSVW description as given: its columns, key, dialect
    and encoding, no types inferred; the file's defects are counted in a warning, and the
    new entry finds the errors the original one does."""
    _exported(cdo)
    schema = "catalog/schemata/skoly.csv-metadata.json"
    result = cdo(
        "registry", "add", "skoly-csvw", "--from", "examples/skoly.csv", "--schema", schema,
        "--guarantor", "odbor-skolstvi", "--theme", "education",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    import yaml

    written = Path("registry/sources/skoly-csvw.yaml").read_text("utf-8")
    entry = yaml.safe_load(written)
    from cdo_toolkit.registry import load_valid

    original = load_valid(Path("registry")).sources["skoly"].schema
    assert original is not None
    assert entry["encoding"] == "windows-1250" and entry["dialect"] == {"delimiter": ";"}
    names = [f["name"] for f in entry["schema"]["fields"]]
    assert names == [f["name"] for f in original["fields"]]
    assert entry["schema"]["primaryKey"] == original["primaryKey"]
    assert "skoly.csv-metadata.json's, as given" in written
    said = " ".join(result.stderr.split())
    assert "skoly.csv does not meet the given schema: 4 errors" in said
    assert "no column, nor two" not in said  # the given key stands
    found = []
    for source in ("skoly-csvw", "skoly"):
        checked = cdo(
            "validate", "examples/skoly.csv", "--source", source, "--format", "json",
            "--skip-errors", "foreign-key,ico-checksum,code-list,unique-error",
        )  # fmt: skip
        (task,) = json.loads(checked.stdout)["tasks"]
        found.append({(e["type"], e.get("rowNumber"), e.get("fieldName")) for e in task["errors"]})
    assert found[0] == found[1] and found[0]


def test_a_given_table_schema_is_kept_as_it_is(workdir: Path, cdo: Callable[..., Any]) -> None:
    import shutil

    from tests.conftest import CASES, registry_add

    shutil.copytree(CASES / "registry" / "_base", "registry")
    Path("mesta.csv").write_text("kod;nazev\n563889;Liberec\n563510;Jablonec\n", "utf-8")
    schema = {
        "fields": [
            {"name": "kod", "type": "string", "constraints": {"pattern": "5\\d{5}"}},
            {"name": "nazev", "type": "string"},
        ]
    }
    Path("mesta.schema.json").write_text(json.dumps(schema), "utf-8")
    result, entry = registry_add(
        cdo, "mesta", "mesta.csv", "territory", "--schema", "mesta.schema.json"
    )
    # Kept as given, the primary key proposed from the data (kod is a code, filled, unique).
    assert entry["schema"]["fields"][1] == schema["fields"][1]
    assert entry["schema"]["fields"][0]["constraints"]["pattern"] == "5\\d{5}"
    assert entry["schema"]["primaryKey"] == ["kod"]
    assert entry["dialect"] == {"delimiter": ";"}
    assert "does not meet" not in result.stderr
    missing = cdo(
        "registry", "add", "jine", "--from", "mesta.csv", "--schema", "nic.json",
        "--guarantor", "gis", "--theme", "territory",
    )  # fmt: skip
    assert missing.exit_code == 2 and "schema file nic.json not found" in missing.output


def test_a_broken_csvw_description_is_an_error_naming_it(
    workdir: Path, cdo: Callable[..., Any]
) -> None:
    Path("m.csv").write_text("a,b\n1,2\n", "utf-8")
    for broken in ({"columns": ["a", 3]}, {"columns": [{"titles": "a", "datatype": 3}]}):
        Path("m.csv-metadata.json").write_text(
            json.dumps({"@context": "http://www.w3.org/ns/csvw", "tableSchema": broken}), "utf-8"
        )
        result = cdo("validate", "m.csv", "--schema", "m.csv-metadata.json")
        assert result.exit_code == 2, result.output
        assert "m.csv-metadata.json: not a valid CSVW table description" in result.output
