"""Sample files of the demo registry: one per source, some clean, some with realistic defects.

The defects are the ones guarantors' exports really have: an IČO with a digit missing,
``cca 120`` in a number column, an ISO date among Czech ones, a duplicated key, a code
of a municipality outside the region, an empty required cell. They give the audit a
spread of quality to show.

Run ``python -m cdo_toolkit.synth.samples examples`` (``make examples``) to regenerate.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from cdo_toolkit.synth.czech import (
    DISTRICTS,
    MUNICIPALITIES,
    address,
    czech_decimal,
    make_ico,
    person,
)

Table = tuple[list[str], list[list[str]]]
SEED = 20261031
AS_OF = date(2026, 10, 31)


def _d(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _days_before(rng: random.Random, most: int, least: int = 0) -> date:
    return AS_OF - timedelta(days=rng.randint(least, most))


def _town(rng: random.Random) -> str:
    # Larger towns have more of everything.
    return rng.choices(MUNICIPALITIES, weights=[m.population**0.6 for m in MUNICIPALITIES])[0].code


def obce(rng: random.Random) -> Table:
    header = [
        "kod_obce",
        "nazev",
        "kod_okresu",
        "nazev_okresu",
        "psc",
        "pocet_obyvatel",
        "rozloha_km2",
    ]
    rows = [
        [
            m.code,
            m.name,
            m.district,
            DISTRICTS[m.district],
            m.postcode,
            str(m.population),
            czech_decimal(m.area_km2),
        ]
        for m in MUNICIPALITIES
    ]
    return header, rows


SCHOOL_TYPES = [
    ("mateřská škola", "Mateřská škola"),
    ("základní škola", "Základní škola"),
    ("střední škola", "Střední odborná škola"),
    ("základní umělecká škola", "Základní umělecká škola"),
    ("školní družina", "Školní družina při ZŠ"),
    ("vyšší odborná škola", "Vyšší odborná škola"),
]


def skoly(rng: random.Random) -> Table:
    header = [
        "red_izo",
        "ico",
        "nazev",
        "druh",
        "kod_obce",
        "ulice",
        "kapacita",
        "datum_zarazeni",
        "bezbarierova",
    ]
    names = {m.code: m.name for m in MUNICIPALITIES}
    rows = []
    for index in range(80):
        kind, label = rng.choice(SCHOOL_TYPES)
        town = _town(rng)
        rows.append(
            [
                f"6{rng.randint(0, 99999999):08d}",
                make_ico(rng, leading_zero=rng.random() < 0.3),
                f"{label} {names[town]}, {address(rng)}, příspěvková organizace"
                if index % 3
                else f"{label} {names[town]}",
                kind,
                town,
                address(rng),
                str(rng.randint(20, 900)),
                _d(_days_before(rng, 9000, 30)),
                rng.choice(["ano", "ne", "ne"]),
            ]
        )
    rows[7][1] = rows[7][1][:7]  # an IČO with a digit missing
    rows[19][6] = "cca 120"  # a note where a number belongs
    rows[33][7] = "2019-09-01"  # an ISO date among Czech ones
    rows[52][3] = "gymnázium"  # a school type outside the code list
    return header, rows


def zdravotnicka_zarizeni(rng: random.Random) -> Table:
    header = ["id_zarizeni", "ico", "nazev", "typ", "kod_obce", "lekaru", "uvazky", "pohotovost"]
    kinds = ["nemocnice", "poliklinika", "ambulance", "ambulance", "ambulance", "lékárna"]
    rows = []
    for index in range(1, 61):
        kind = rng.choice(kinds)
        doctors = rng.randint(1, 4) if kind != "nemocnice" else rng.randint(40, 400)
        rows.append(
            [
                str(index),
                make_ico(rng, leading_zero=rng.random() < 0.2),
                f"{kind.capitalize()} MUDr. {person(rng)}"
                if kind == "ambulance"
                else f"{kind.capitalize()} {index}",
                kind,
                _town(rng),
                str(doctors),
                czech_decimal(doctors * rng.uniform(0.6, 1.0), 1),
                "ano" if kind == "nemocnice" else "ne",
            ]
        )
    rows[41][0] = rows[40][0]  # a duplicated key
    rows[12][5] = ""  # a count not filled in
    rows[27][5] = ""
    return header, rows


def zastavky(rng: random.Random) -> Table:
    header = [
        "kod_zastavky",
        "nazev",
        "kod_obce",
        "zem_sirka",
        "zem_delka",
        "bezbarierova",
        "spoju_pracovni_den",
    ]
    names = {m.code: m.name for m in MUNICIPALITIES}
    places = ["nám.", "žel.st.", "škola", "u kostela", "rozc.", "aut.st.", "sídliště", "nemocnice"]
    rows = []
    for index in range(120):
        town = _town(rng)
        rows.append(
            [
                f"LK{10000 + index * 7:05d}",
                f"{names[town]},,{rng.choice(places)}",
                town,
                czech_decimal(rng.uniform(50.55, 51.05), 6),
                czech_decimal(rng.uniform(14.5, 15.5), 6),
                rng.choice(["ano", "ne"]),
                str(rng.randint(4, 180)),
            ]
        )
    return header, rows


def dopravni_nehody(rng: random.Random) -> Table:
    header = [
        "id_nehody",
        "datum",
        "cas",
        "kod_obce",
        "usmrceno",
        "tezce_zraneno",
        "lehce_zraneno",
        "skoda_kc",
        "alkohol",
    ]
    rows = []
    for index in range(200):
        day = _days_before(rng, 60)
        unknown_time = rng.random() < 0.05
        rows.append(
            [
                f"0721{day:%y}{index:06d}",
                _d(day),
                "2560" if unknown_time else f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}",
                _town(rng),
                str(int(rng.random() < 0.01)),
                str(int(rng.random() < 0.05)),
                str(rng.choice([0, 0, 0, 1, 1, 2])),
                str(rng.randint(1, 800) * 1000) if rng.random() < 0.9 else "",
                rng.choice(["ne"] * 12 + ["ano"]),
            ]
        )
    rows[15][3] = "530000"  # a code of no municipality in the region
    rows[88][3] = "554782"  # Praha: an accident filed in the wrong region
    rows[140][1] = ""  # a missing date
    return header, rows


def kvalita_ovzdusi(rng: random.Random) -> Table:
    header = ["kod_stanice", "datum", "pm10", "no2", "o3"]
    rows = []
    for station in ["LLIM", "LLIB", "LFRT", "LJNM", "LSOU"]:
        for back in range(30, 0, -1):
            day = AS_OF - timedelta(days=back)
            values = [rng.gammavariate(4, 5), rng.gammavariate(3, 6), rng.gammavariate(6, 9)]
            # Instruments fail now and then: a quarter of the readings are missing.
            cells = [czech_decimal(v, 1) if rng.random() > 0.25 else "" for v in values]
            rows.append([station, _d(day), *cells])
    rows[44][2] = "-3,2"  # an instrument fault
    return header, rows


def eroze_pud(rng: random.Random) -> Table:
    header = [
        "kod_obce",
        "orna_puda_ha",
        "silne_ohrozeno_pct",
        "mirne_ohrozeno_pct",
        "ztrata_t_ha_rok",
    ]
    rows = []
    for m in MUNICIPALITIES:
        strong = rng.uniform(0, 40)
        row = [
            m.code,
            czech_decimal(m.area_km2 * 100 * rng.uniform(0.1, 0.5), 1),
            czech_decimal(strong, 1),
            czech_decimal(rng.uniform(0, 100 - strong), 1),
            czech_decimal(rng.uniform(0.5, 9), 2),
        ]
        # Most municipalities' soil has not been assessed yet: valid, but incomplete.
        if rng.random() < 0.6:
            row[2:] = ["", "", ""]
        rows.append(row)
    return header, rows


def ubytovaci_zarizeni(rng: random.Random) -> Table:
    header = ["id_zarizeni", "nazev", "kategorie", "hvezdicky", "luzek", "kod_obce", "ico"]
    kinds = ["hotel", "penzion", "penzion", "kemp", "chata", "hostel", "apartmán"]
    names = [
        "U Ještědu",
        "Pod Smrkem",
        "Jizerka",
        "Na Kopečku",
        "Krakonoš",
        "Bezděz",
        "Lesní zátiší",
        "Horalka",
    ]
    rows = []
    for index in range(1, 91):
        kind = rng.choice(kinds)
        rows.append(
            [
                str(index),
                f"{kind.capitalize()} {rng.choice(names)}",
                kind,
                str(rng.randint(1, 5)) if kind in ("hotel", "penzion") else "",
                str(rng.randint(6, 250)),
                _town(rng),
                make_ico(rng) if rng.random() < 0.7 else "",
            ]
        )
    rows[10][3] = "7"  # seven stars
    rows[63][4] = ""  # beds not filled in
    return header, rows


PROGRAMS = [
    "Podpora kultury",
    "Rozvoj venkova",
    "Sport a tělovýchova",
    "Ochrana přírody",
    "Podpora cestovního ruchu",
]


def dotace(rng: random.Random) -> Table:
    header = [
        "cislo_smlouvy",
        "program",
        "prijemce_ico",
        "prijemce_nazev",
        "datum_uzavreni",
        "castka_kc",
        "kod_obce",
    ]
    rows = []
    for index in range(1, 151):
        natural_person = rng.random() < 0.25
        rows.append(
            [
                f"OLP/{index * 13}/2026",
                rng.choice(PROGRAMS),
                "" if natural_person else make_ico(rng, leading_zero=rng.random() < 0.3),
                person(rng)
                if natural_person
                else f"Spolek {rng.choice(['Jizerka', 'Ještěd', 'Bezděz', 'Nisa'])} z. s.",
                _d(_days_before(rng, 300)),
                czech_decimal(rng.randint(5, 500) * 1000 + rng.choice([0, 500]), 2, group=True),
                _town(rng),
            ]
        )
    rows[30][5] = "-25 000,00"  # a refund entered as a negative grant
    rows[71][4] = "31.2.2026"  # a day that does not exist
    return header, rows


def rozpocet(rng: random.Random) -> Table:
    header = [
        "rok",
        "paragraf",
        "polozka",
        "nazev_polozky",
        "schvaleny_rozpocet",
        "upraveny_rozpocet",
        "skutecnost",
    ]
    items = [
        ("0000", "1111", "Daň z příjmů fyzických osob placená plátci"),
        ("0000", "1211", "Daň z přidané hodnoty"),
        ("0000", "4112", "Neinvestiční přijaté transfery ze státního rozpočtu"),
        ("2212", "5169", "Nákup ostatních služeb"),
        ("2212", "6121", "Budovy, haly a stavby"),
        ("2221", "5323", "Neinvestiční transfery krajům"),
        ("3121", "5331", "Neinvestiční příspěvky zřízeným příspěvkovým organizacím"),
        ("3522", "5331", "Neinvestiční příspěvky zřízeným příspěvkovým organizacím"),
        ("3612", "5171", "Opravy a udržování"),
        ("6172", "5011", "Platy zaměstnanců v pracovním poměru"),
        ("6172", "5031", "Povinné pojistné na sociální zabezpečení"),
        ("6172", "5137", "Drobný hmotný dlouhodobý majetek"),
        ("6409", "5901", "Nespecifikované rezervy"),
    ]
    rows = []
    for year in (2025, 2026):
        for paragraph, item, name in items:
            approved = rng.randint(1_000, 900_000) * 1000
            adjusted = approved * rng.uniform(0.9, 1.2)
            rows.append(
                [
                    str(year),
                    paragraph,
                    item,
                    name,
                    czech_decimal(approved, 2, group=True),
                    czech_decimal(adjusted, 2, group=True),
                    czech_decimal(adjusted * rng.uniform(0.4, 1.0), 2, group=True),
                ]
            )
    return header, rows


def socialni_sluzby(rng: random.Random) -> Table:
    header = [
        "identifikator",
        "poskytovatel_ico",
        "druh_sluzby",
        "cilova_skupina",
        "kod_obce",
        "kapacita",
    ]
    kinds = [
        "domovy pro seniory",
        "pečovatelská služba",
        "osobní asistence",
        "azylové domy",
        "denní stacionáře",
        "odborné sociální poradenství",
    ]
    groups = ["senioři", "osoby se zdravotním postižením", "rodiny s dětmi", "osoby bez přístřeší"]
    rows = [
        [
            f"{rng.randint(1000000, 9999999)}",
            make_ico(rng, leading_zero=rng.random() < 0.4),
            rng.choice(kinds),
            rng.choice(groups),
            _town(rng),
            str(rng.randint(5, 120)),
        ]
        for _ in range(70)
    ]
    return header, rows


def silnice(rng: random.Random) -> Table:
    header = ["id_useku", "silnice", "delka_km", "stav", "datum_prohlidky"]
    states = ["výborný", "dobrý", "dobrý", "vyhovující", "vyhovující", "nevyhovující", "havarijní"]
    rows = []
    for index in range(1, 101):
        road = rng.choice(
            [f"II/{rng.choice([268, 270, 278, 290, 592])}", f"III/{rng.randint(26000, 29999)}"]
        )
        rows.append(
            [
                f"U{index:06d}",
                road,
                czech_decimal(rng.uniform(0.2, 12), 3),
                rng.choice(states),
                _d(_days_before(rng, 700)),
            ]
        )
    rows[58][3] = "špatný"  # a state outside the classification
    return header, rows


GENERATORS: dict[str, Callable[[random.Random], Table]] = {
    "obce": obce,
    "skoly": skoly,
    "zdravotnicka-zarizeni": zdravotnicka_zarizeni,
    "zastavky": zastavky,
    "dopravni-nehody": dopravni_nehody,
    "kvalita-ovzdusi": kvalita_ovzdusi,
    "eroze-pud": eroze_pud,
    "ubytovaci-zarizeni": ubytovaci_zarizeni,
    "dotace": dotace,
    "rozpocet": rozpocet,
    "socialni-sluzby": socialni_sluzby,
    "silnice": silnice,
}


def render(table: Table, *, delimiter: str, crlf: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    header, rows = table
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def sample_bytes(source_id: str, *, encoding: str, delimiter: str) -> bytes:
    """The sample file of ``source_id`` as its guarantor's system would export it."""
    rng = random.Random(f"{SEED}:{source_id}")
    # Windows-era exports come with CRLF; the others with LF.
    crlf = encoding.replace("-", "").lower() in ("windows1250", "cp1250", "utf8sig")
    return render(GENERATORS[source_id](rng), delimiter=delimiter, crlf=crlf).encode(encoding)


def write_samples(out: Path, registry_root: Path) -> list[Path]:
    """Write one sample per generator, in the encoding and dialect its registry entry declares."""
    from cdo_toolkit.registry import load_valid

    registry = load_valid(registry_root)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source_id in GENERATORS:
        source = registry.sources[source_id].source
        path = out / f"{source_id}.csv"
        path.write_bytes(
            sample_bytes(
                source_id,
                encoding=source.encoding or "utf-8",
                delimiter=source.dialect.delimiter or ",",
            )
        )
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "examples")
    for written_path in write_samples(
        target, Path(sys.argv[2] if len(sys.argv) > 2 else "registry")
    ):
        print(written_path)
