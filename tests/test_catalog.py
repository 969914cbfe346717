"""DCAT-AP-CZ export, validated against the norm's official JSON Schemas, and the readiness gate."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import SHARED

SPEC = SHARED / "dcat-ap-cz-spec"
REGION_IRI = "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/70891508"
CATALOG = {
    "iri": "https://data.example.cz/lkod",
    "title": "Katalog kraje",
    "description": "Otevřená data kraje.",
    "download_url": "https://data.example.cz/soubory/{id}.{format}",
}


@cache
def _schemas() -> tuple[dict[str, dict[str, Any]], Any]:
    from referencing import Registry, Resource

    files = sorted(SPEC.glob("*/schemas/*.json")) + sorted(SPEC.glob("zakladni-*/*.json"))
    schemas = {p.stem: json.loads(p.read_text("utf-8")) for p in files}
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    return schemas, registry


def dcat_errors(record: dict[str, Any], schema: str) -> list[str]:
    from jsonschema import Draft202012Validator, FormatChecker

    schemas, registry = _schemas()
    validator = Draft202012Validator(
        schemas[schema], registry=registry, format_checker=FormatChecker()
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(record)]


@pytest.mark.parametrize(
    ("example", "schema"),
    [
        ("datova-sada", "datova-sada"),
        ("datova-sada-hvd", "datova-sada"),
        ("datova-sada-hvd", "datova-sada-hvd"),
        ("datova-sada-v-serii", "datova-sada"),
        ("datova-serie", "datova-serie"),
    ],
)
def test_norm_examples_validate(shared: Path, example: str, schema: str) -> None:
    record = json.loads((SPEC / "2024-05-28" / "examples" / f"{example}.jsonld").read_text("utf-8"))
    assert dcat_errors(record, schema) == []


def test_validator_rejects_a_broken_record(shared: Path) -> None:
    record = json.loads(
        (SPEC / "2024-05-28" / "examples" / "datova-sada.jsonld").read_text("utf-8")
    )
    del record["prvek_rúian"]
    record["distribuce"][0]["podmínky_užití"]["osobní_údaje"] = "ano"
    assert len(dcat_errors(record, "datova-sada")) == 2


def test_shipped_registry_exports_valid_records(
    shared: Path, shipped_registry: Path, cdo: Callable[..., Any]
) -> None:
    result = cdo("catalog", "export", "--out", "catalog")
    assert result.exit_code == 0, result.output

    catalog = json.loads(Path("catalog/katalog.jsonld").read_text("utf-8"))
    assert dcat_errors(catalog, "katalog") == []
    files = sorted(Path("catalog/datove-sady").glob("*.jsonld"))
    records = [json.loads(p.read_text("utf-8")) for p in files]
    assert sorted(catalog["datová_sada"]) == sorted(r["iri"] for r in records)
    for path, record in zip(files, records, strict=True):
        assert dcat_errors(record, "datova-sada") == [], path.name

    published = {p.stem for p in files}
    sources = {
        p.stem: yaml.safe_load(p.read_text("utf-8"))
        for p in (shipped_registry / "sources").glob("*.yaml")
    }
    assert published == {k for k, v in sources.items() if v.get("access", "public") == "public"}
    assert "dotace" not in published  # internal: it holds personal data
    skoly = json.loads(Path("catalog/datove-sady/skoly.jsonld").read_text("utf-8"))
    assert skoly["klíčové_slovo"]["cs"] == sources["skoly"]["keywords"]
    assert skoly["prvek_rúian"] == ["https://linked.cuzk.cz/resource/ruian/vusc/78"]
    distribution = skoly["distribuce"][0]
    assert distribution["soubor_ke_stažení"] == "https://data.kraj-lbc.cz/soubory/skoly.csv"
    assert distribution["typ_média"] == "http://www.iana.org/assignments/media-types/text/csv"
    terms = distribution["podmínky_užití"]
    assert terms["osobní_údaje"] == "https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/"
    assert terms["autorské_dílo"] == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.parametrize(
    ("file_format", "file_type", "media_type"),
    [
        ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet"),
        ("json", "JSON", "application/json"),
    ],
)
def test_a_distribution_of_each_format_is_valid(
    shared: Path,
    shipped_registry: Path,
    cdo: Callable[..., Any],
    file_format: str,
    file_type: str,
    media_type: str,
) -> None:
    _edit_source(shipped_registry, "zastavky", format=file_format)
    result = cdo("catalog", "export", "--out", "catalog")
    assert result.exit_code == 0, result.output
    record = json.loads(Path("catalog/datove-sady/zastavky.jsonld").read_text("utf-8"))
    assert dcat_errors(record, "datova-sada") == []
    (distribution,) = record["distribuce"]
    assert distribution["formát"].endswith(f"/file-type/{file_type}")
    assert distribution["typ_média"].endswith(f"/media-types/{media_type}")
    assert distribution["soubor_ke_stažení"].endswith(f"/zastavky.{file_format}")


def _with_catalog(registry: Path) -> None:
    info = yaml.safe_load((registry / "registry.yaml").read_text("utf-8"))
    info["region"]["iri"] = REGION_IRI
    info["catalog"] = CATALOG
    (registry / "registry.yaml").write_text(yaml.safe_dump(info, allow_unicode=True), "utf-8")


def _edit_source(registry: Path, source: str, **changes: Any) -> None:
    path = registry / "sources" / f"{source}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def test_export_leaves_out_what_cannot_be_published(
    shared: Path, base_registry: Path, cdo: Callable[..., Any]
) -> None:
    _with_catalog(base_registry)
    _edit_source(base_registry, "obce", keywords=["obce"], licence="CC0-1.0", spatial="563889")
    # skoly: no keywords and a licence with no DCAT-AP-CZ terms of use

    _edit_source(base_registry, "skoly", licence="ODbL-1.0")
    result = cdo("catalog", "export", "--out", "out")

    assert result.exit_code == 1
    assert (
        "left out skoly: keywords: at least one Czech keyword; terms of use: licence 'ODbL-1.0'"
        in result.output
    )
    assert sorted(p.name for p in Path("out/datove-sady").iterdir()) == ["obce.jsonld"]
    obce = json.loads(Path("out/datove-sady/obce.jsonld").read_text("utf-8"))
    assert dcat_errors(obce, "datova-sada") == []
    assert obce["prvek_rúian"] == ["https://linked.cuzk.cz/resource/ruian/obec/563889"]
    assert obce["distribuce"][0]["podmínky_užití"]["databáze_chráněná_zvláštními_právy"] == (
        "https://creativecommons.org/publicdomain/zero/1.0/"
    )
    catalog = json.loads(Path("out/katalog.jsonld").read_text("utf-8"))
    assert catalog["datová_sada"] == ["https://data.example.cz/lkod/datove-sady/obce"]
    assert dcat_errors(catalog, "katalog") == []

    # skoly turns internal: a record published before is withdrawn from the folder
    _edit_source(base_registry, "skoly", keywords=["školy"], licence="CC-BY-4.0")
    assert cdo("catalog", "export", "--out", "out").exit_code == 0
    assert Path("out/datove-sady/skoly.jsonld").exists()
    _edit_source(base_registry, "skoly", access="internal")
    assert cdo("catalog", "export", "--out", "out").exit_code == 0
    assert sorted(p.name for p in Path("out/datove-sady").iterdir()) == ["obce.jsonld"]


def test_export_needs_the_catalog_section(base_registry: Path, cdo: Callable[..., Any]) -> None:
    result = cdo("catalog", "export", "--out", "out")
    assert result.exit_code == 2
    # Named as every other place is, relative to where the command runs.
    assert "error: registry/registry.yaml: the registry has no catalog section" in result.output
    assert "docs/catalog.md" in result.output


def test_readiness_gate_needs_valid_latest_data(
    base_registry: Path, cdo: Callable[..., Any]
) -> None:
    _with_catalog(base_registry)
    _edit_source(base_registry, "obce", keywords=["obce"])
    _edit_source(base_registry, "skoly", keywords=["školy"])
    url = "duckdb:///warehouse/gate.duckdb"

    before = cdo("--warehouse", url, "catalog", "check")
    assert before.exit_code == 1
    assert before.output.count("does not exist yet") == 2
    gaps = [line for line in before.output.splitlines() if "does not exist yet" in line]
    assert all(line.startswith("  – latest data: the warehouse") for line in gaps), gaps

    Path("obce.csv").write_text("kod_obce,nazev\n563889,Liberec\n563510,Jablonec\n", "utf-8")
    assert cdo("--warehouse", url, "submit", "obce", "obce.csv").exit_code == 0
    # An IČO that breaks the schema's pattern: the gold-less base standard rejects it.
    Path("skoly.csv").write_text("ico;nazev;kod_obce\n123;Škola;563889\n", "windows-1250")
    assert cdo("--warehouse", url, "submit", "skoly", "skoly.csv").exit_code != 0

    result = cdo("--warehouse", url, "catalog", "check", "--format", "json")
    assert result.exit_code == 1
    by_id = {item["source"]: item for item in json.loads(result.output)}
    assert by_id["obce"]["ready"] is True
    assert by_id["obce"]["last_submission"]["status"] == "accepted"
    assert by_id["skoly"]["ready"] is False
    assert by_id["skoly"]["gaps"] == [
        "latest data: submission #2 (skoly.csv) is rejected; fix the file and submit again"
    ]

    Path("skoly.csv").write_text("ico;nazev;kod_obce\n00360091;Škola;563889\n", "windows-1250")
    assert cdo("--warehouse", url, "submit", "skoly", "skoly.csv").exit_code == 0
    result = cdo("--warehouse", url, "catalog", "check")
    assert result.exit_code == 0, result.output
    assert "2 of 2 public datasets ready for publication" in result.output
    # A header-only file accepted on purpose: no records to publish.
    Path("prazdne.csv").write_text("kod_obce,nazev\n", "utf-8")
    emptied = cdo("--warehouse", url, "submit", "obce", "prazdne.csv", "--accept-volume-change")
    assert emptied.exit_code == 0, emptied.output
    result = cdo("--warehouse", url, "catalog", "check", "--format", "json")
    assert result.exit_code == 1
    assert {item["source"]: item["gaps"] for item in json.loads(result.output)}["obce"] == [
        "latest data: submission #4 (prazdne.csv) has no rows; submit the source's data"
    ]


def test_check_without_public_sources_says_what_makes_one_public(
    base_registry: Path, cdo: Callable[..., Any]
) -> None:
    _with_catalog(base_registry)
    for source in ("obce", "skoly"):
        _edit_source(base_registry, source, access="internal")
    result = cdo("catalog", "check")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "no public dataset: the catalogue publishes the sources whose entry says access: public"
    )
    assert json.loads(cdo("catalog", "check", "--format", "json").output) == []
