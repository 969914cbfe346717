"""DCAT-AP-CZ 2024-05-28 records ("DCAT-AP Dokumenty"): the catalogue and one per dataset.

The national catalogue (NKOD) harvests a local catalogue published as static JSON-LD: one
file for the catalogue, listing the IRIs of its datasets, and one file per dataset, each
at its IRI. Field names and vocabularies follow the norm at ofn.gov.cz; every record is
validated against its official JSON Schemas in the tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _
from cdo_toolkit.registry.models import EU_THEME, Access
from cdo_toolkit.registry.registry import id_order

CONTEXT = (
    "https://ofn.gov.cz/dcat-ap-cz-rozhraní-katalogů-otevřených-dat/2024-05-28/"
    "kontexty/rozhraní-katalogů-otevřených-dat.jsonld"
)
EU = "http://publications.europa.eu/resource/authority"
IANA = "http://www.iana.org/assignments/media-types"
RUIAN = "https://linked.cuzk.cz/resource/ruian"
TERMS = "https://data.gov.cz/podmínky-užití"

FILE_TYPES = {
    "csv": "CSV",
    "tsv": "TSV",
    "json": "JSON",
    "xlsx": "XLSX",
    "xls": "XLS",
    "ods": "ODS",
}
MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Licence → (copyright of the content, database as a work, the maker's sui generis right).
LICENCE_TERMS = {
    "CC-BY-4.0": (
        "https://creativecommons.org/licenses/by/4.0/",
        "https://creativecommons.org/licenses/by/4.0/",
        f"{TERMS}/není-chráněna-zvláštním-právem-pořizovatele-databáze/",
    ),
    "CC-BY-SA-4.0": (
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        f"{TERMS}/není-chráněna-zvláštním-právem-pořizovatele-databáze/",
    ),
    "CC0-1.0": (
        f"{TERMS}/neobsahuje-autorská-díla/",
        f"{TERMS}/není-autorskoprávně-chráněnou-databází/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
}
ATTRIBUTION = {"CC-BY-4.0", "CC-BY-SA-4.0"}


def ruian_iri(code: str) -> str:
    """The RÚIAN element of a code: 6 digits a municipality, 4 a district, else a region."""
    if code.startswith("https://"):
        return code
    kind = {6: "obec", 4: "okres"}.get(len(code), "vusc")
    return f"{RUIAN}/{kind}/{code}"


@dataclass
class Export:
    catalog: dict[str, Any]
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    gaps: dict[str, list[str]] = field(default_factory=dict)
    """What each public dataset lacks for publication (it is exported only when nothing)."""
    schemata: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The CSVW description of each exported CSV dataset that CSVW can describe."""


def public_sources(registry: Any) -> list[Any]:
    return [e for e in registry.sources.values() if e.source.access is Access.PUBLIC]


def _catalog_settings(registry: Any) -> Any:
    info = registry.info
    if info is None or info.catalog is None:
        raise CdoError(
            _("{file}: the registry has no catalog section").format(
                file=display_path(registry.root / "registry.yaml")
            ),
            hint=_("add catalog: with iri, title and description, as docs/catalog.md shows"),
        )
    return info.catalog


def dataset_iri(catalog: Any, source_id: str) -> str:
    return f"{catalog.iri.rstrip('/')}/datove-sady/{source_id}"


def schema_iri(catalog: Any, source_id: str) -> str:
    return f"{catalog.iri.rstrip('/')}/schemata/{source_id}.csv-metadata.json"


def download_url(catalog: Any, source: Any) -> str | None:
    """Where the source's file is published: its own URL, else the catalogue's template."""
    fmt = source.format.value
    template = catalog.download_url
    return source.download_url or (template.format(id=source.id, format=fmt) if template else None)


def dataset_record(registry: Any, entry: Any) -> tuple[dict[str, Any], list[str]]:
    """The DCAT-AP-CZ record of a source, and what it lacks for publication."""
    catalog = _catalog_settings(registry)
    source = entry.source
    region = registry.info.region
    publisher = registry.organisations.get(source.publisher)
    guarantor = registry.guarantors.get(source.guarantor)
    gaps: list[str] = []

    provider = (publisher.iri if publisher else None) or region.iri
    if not provider:
        gaps.append(_("publisher: neither the organisation nor the region has an IRI in RPP"))
    if not source.keywords:
        gaps.append(_("keywords: at least one Czech keyword"))
    fmt = source.format.value
    download = download_url(catalog, source)
    if not download:
        gaps.append(_("download URL: set download_url on the source or the catalogue's template"))
    terms = LICENCE_TERMS.get(source.licence)
    if terms is None:
        gaps.append(
            _("terms of use: licence {licence!r} has no DCAT-AP-CZ terms (use {known})").format(
                licence=source.licence, known=", ".join(LICENCE_TERMS)
            )
        )
    if source.personal_data.contains:
        gaps.append(_("personal data: a public dataset must not contain personal data"))

    iri = dataset_iri(catalog, source.id)
    author = {"cs": publisher.name if publisher else region.name}
    conditions: dict[str, Any] = {"typ": "Specifikace podmínek užití"}
    if terms is not None:
        conditions |= {
            "autorské_dílo": terms[0],
            "databáze_jako_autorské_dílo": terms[1],
            "databáze_chráněná_zvláštními_právy": terms[2],
        }
        if source.licence in ATTRIBUTION:
            conditions |= {"autor": author, "autor_databáze": author}
    conditions["osobní_údaje"] = (
        f"{TERMS}/obsahuje-osobní-údaje/"
        if source.personal_data.contains
        else f"{TERMS}/neobsahuje-osobní-údaje/"
    )
    distribution: dict[str, Any] = {
        "iri": f"{iri}/distribuce/{fmt}",
        "typ": "Distribuce",
        "podmínky_užití": conditions,
        "přístupové_url": download or "",
        "soubor_ke_stažení": download or "",
        "formát": f"{EU}/file-type/{FILE_TYPES[fmt]}",
        "typ_média": f"{IANA}/{MEDIA_TYPES[fmt]}",
        "název": {"cs": f"{source.title} ({fmt.upper()})"},
    }
    record: dict[str, Any] = {
        "@context": CONTEXT,
        "iri": iri,
        "typ": "Datová sada",
        "název": {"cs": source.title},
        "popis": {"cs": " ".join(source.description.split())},
        "poskytovatel": provider or "",
        "téma": [f"{EU}/data-theme/{EU_THEME[source.theme]}"],
        "periodicita_aktualizace": f"{EU}/frequency/{source.update_frequency.value}",
        "klíčové_slovo": {"cs": list(source.keywords)},
        "prvek_rúian": [ruian_iri(source.spatial or region.ruian)],
        "distribuce": [distribution],
    }
    if guarantor is not None:
        record["kontaktní_bod"] = {
            "typ": "Organizace",
            "jméno": {"cs": publisher.name if publisher else guarantor.name},
            "e-mail": f"mailto:{guarantor.email}",
        }
    if source.documentation:
        record["dokumentace"] = source.documentation
    return record, gaps


def build(registry: Any) -> Export:
    """Records of every public source; those with gaps are reported and left out."""
    catalog = _catalog_settings(registry)
    region = registry.info.region
    export = Export(catalog={})
    for entry in sorted(public_sources(registry), key=lambda e: id_order(e.source.id)):
        record, gaps = dataset_record(registry, entry)
        if gaps:
            export.gaps[entry.source.id] = gaps
        else:
            export.datasets[entry.source.id] = record
    from cdo_toolkit.csvw import table_description

    published = {
        source_id: record["distribuce"][0]["soubor_ke_stažení"]
        for source_id, record in export.datasets.items()
    }
    for source_id, record in export.datasets.items():
        described = table_description(registry.sources[source_id], published[source_id], published)
        if described is not None:
            export.schemata[source_id] = described
            record["distribuce"][0]["schéma"] = schema_iri(catalog, source_id)
    export.catalog = {
        "@context": CONTEXT,
        "typ": "Katalog",
        "iri": catalog.iri,
        "název": {"cs": catalog.title},
        "popis": {"cs": catalog.description},
        "poskytovatel": region.iri or "",
        "datová_sada": [record["iri"] for record in export.datasets.values()],
    }
    if catalog.homepage:
        export.catalog["domovská_stránka"] = catalog.homepage
    return export


def write(export: Export, out: Path) -> list[Path]:
    """Write the catalogue and its datasets under ``out``; returns the files written.

    Each file is written whole to a temporary name and renamed, so an interrupted export
    never leaves a truncated record for the harvester.
    """
    from cdo_toolkit.files import make_folder, write_atomic

    make_folder(out / "datove-sady")
    make_folder(out / "schemata")
    targets = (
        {out / "katalog.jsonld": export.catalog}
        | {
            out / "datove-sady" / f"{source_id}.jsonld": record
            for source_id, record in export.datasets.items()
        }
        | {
            out / "schemata" / f"{source_id}.csv-metadata.json": description
            for source_id, description in export.schemata.items()
        }
    )
    for stale in [
        *(out / "datove-sady").glob("*.jsonld"),
        *(out / "schemata").glob("*.csv-metadata.json"),
    ]:
        if stale not in targets:
            stale.unlink()  # a source no longer public must leave the catalogue
    for path, record in targets.items():
        write_atomic(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return list(targets)
