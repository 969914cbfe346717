"""Metadata quality of a registry entry, scored like the EU data portal's MQA.

The points and bands of data.europa.eu's Metadata Quality Assessment (405 points:
findability 100, accessibility 100, interoperability 110, reusability 75, contextuality
20), each indicator adapted to what the registry and the warehouse know. Indicators that
need the network (reachable URLs) are not checked offline and earn nothing.
"""

from __future__ import annotations

from typing import Any

MAX_POINTS = 405
OPEN_LICENCES = {"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODbL-1.0", "PDDL-1.0", "CC-BY-3.0-CZ"}
MACHINE_READABLE = {"csv", "tsv", "json", "xlsx", "xls", "ods"}
# OpenDocument is an open standard (ISO/IEC 26300); Excel's formats belong to one vendor.
NON_PROPRIETARY = {"csv", "tsv", "json", "ods"}
BANDS = ((351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad"))


def metadata_points(
    registry: Any, entry: Any, last: dict[str, Any] | None, first_accepted: Any
) -> dict[str, Any]:
    """Points per dimension and indicator, the total, the 0–100 score and the MQA band."""
    source = entry.source
    guarantor = registry.guarantors.get(source.guarantor)
    publisher = registry.organisations.get(source.publisher)
    fmt = source.format.value
    indicators = {
        "findability": {
            "keywords": 30 if source.keywords else 0,
            "categories": 30,  # the theme is required
            "geo_search": 20
            if (source.spatial or (registry.info and registry.info.region.ruian))
            else 0,
            "time_based_search": 0,  # the registry records no temporal coverage
        },
        "accessibility": {
            "access_url": 50 if (source.homepage or source.documentation) else 0,
            "download_url": 20 if source.access.value == "public" and last is not None else 0,
            "download_url_reachable": 0,  # not checked offline
        },
        "interoperability": {
            "format": 20,
            "media_type": 10,
            "format_from_vocabulary": 10,
            "non_proprietary": 20 if fmt in NON_PROPRIETARY else 0,
            "machine_readable": 20 if fmt in MACHINE_READABLE else 0,
            "schema_compliance": 30 if entry.schema else 0,
        },
        "reusability": {
            "licence": 20 if source.licence else 0,
            "licence_from_vocabulary": 10 if source.licence in OPEN_LICENCES else 0,
            "access_restrictions": 10,
            "access_restrictions_from_vocabulary": 5,
            "contact_point": 20 if guarantor and guarantor.email else 0,
            "publisher": 10 if publisher else 0,
        },
        "contextuality": {
            "rights": 5
            if (not source.personal_data.contains or source.personal_data.legal_basis)
            else 0,
            "file_size": 5 if last and last.get("bytes") else 0,
            "date_of_issue": 5 if first_accepted else 0,
            "modification_date": 5 if last else 0,
        },
    }
    total = sum(sum(points.values()) for points in indicators.values())
    band = next(name for floor, name in BANDS if total >= floor)
    return {
        "points": total,
        "max": MAX_POINTS,
        "score": round(100.0 * total / MAX_POINTS, 1),
        "band": band,
        "indicators": indicators,
    }
