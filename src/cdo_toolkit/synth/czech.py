"""Realistic Czech values: municipalities of the Liberec Region, names, IČO, addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Municipality:
    code: str
    """RÚIAN municipality code (6 digits)."""
    name: str
    district: str
    """LAU 1 code of the district (okres)."""
    postcode: str
    population: int
    area_km2: float


DISTRICTS = {
    "CZ0511": "Česká Lípa",
    "CZ0512": "Jablonec nad Nisou",
    "CZ0513": "Liberec",
    "CZ0514": "Semily",
}

# RÚIAN codes and names are public facts; populations and areas are rounded approximations.
MUNICIPALITIES = [
    Municipality("563889", "Liberec", "CZ0513", "46059", 104261, 106.09),
    Municipality("563510", "Jablonec nad Nisou", "CZ0512", "46601", 45830, 31.38),
    Municipality("561380", "Česká Lípa", "CZ0511", "47001", 36853, 66.08),
    Municipality("577626", "Turnov", "CZ0514", "51101", 14425, 22.24),
    Municipality("561860", "Nový Bor", "CZ0511", "47301", 11767, 18.46),
    Municipality("576964", "Semily", "CZ0514", "51301", 8166, 18.64),
    Municipality("564028", "Frýdlant", "CZ0513", "46401", 7466, 32.42),
    Municipality("564095", "Hrádek nad Nisou", "CZ0513", "46334", 7618, 51.48),
    Municipality("563820", "Tanvald", "CZ0512", "46841", 6327, 11.9),
    Municipality("564117", "Chrastava", "CZ0513", "46331", 6298, 27.67),
    Municipality("561835", "Mimoň", "CZ0511", "47124", 6384, 22.18),
    Municipality("563871", "Železný Brod", "CZ0512", "46822", 6166, 21.94),
    Municipality("577308", "Lomnice nad Popelkou", "CZ0514", "51251", 5566, 20.71),
    Municipality("577197", "Jilemnice", "CZ0514", "51401", 5440, 13.66),
    Municipality("561495", "Doksy", "CZ0511", "47201", 5157, 75.28),
    Municipality("561479", "Cvikov", "CZ0511", "47154", 4288, 33.15),
    Municipality("561681", "Kamenický Šenov", "CZ0511", "47114", 3978, 10.2),
    Municipality("563811", "Smržovka", "CZ0512", "46851", 3842, 12.44),
    Municipality("562092", "Stráž pod Ralskem", "CZ0511", "47127", 3825, 19.3),
    Municipality("561631", "Jablonné v Podještědí", "CZ0513", "47125", 3625, 41.53),
    Municipality("564265", "Nové Město pod Smrkem", "CZ0513", "46365", 3560, 21.5),
    Municipality("563552", "Desná", "CZ0512", "46861", 3138, 13.25),
    Municipality("564371", "Raspenava", "CZ0513", "46401", 2920, 40.2),
    Municipality("563790", "Rychnov u Jablonce nad Nisou", "CZ0512", "46802", 2806, 14.35),
    Municipality("563838", "Velké Hamry", "CZ0512", "46845", 2786, 7.78),
    Municipality("564061", "Hodkovice nad Mohelkou", "CZ0513", "46342", 2781, 19.9),
    Municipality("562262", "Zákupy", "CZ0511", "47123", 2795, 41.39),
    Municipality("564044", "Hejnice", "CZ0513", "46362", 2738, 55.01),
    Municipality("577456", "Rokytnice nad Jizerou", "CZ0514", "51244", 2740, 36.92),
    Municipality("563960", "Český Dub", "CZ0513", "46343", 2717, 34.72),
    Municipality("561533", "Dubá", "CZ0511", "47141", 1702, 66.52),
    Municipality("564231", "Mníšek", "CZ0513", "46331", 1426, 22.97),
    Municipality("577472", "Rovensko pod Troskami", "CZ0514", "51263", 1291, 11.17),
    Municipality("577081", "Harrachov", "CZ0514", "51246", 1233, 36.59),
    Municipality("564290", "Osečná", "CZ0513", "46352", 1117, 42.13),
    Municipality("563668", "Kořenov", "CZ0512", "46848", 996, 40.84),
    Municipality("576981", "Benecko", "CZ0514", "51237", 1043, 16.71),
    Municipality("530484", "Jeřmanice", "CZ0513", "46312", 690, 4.94),
    Municipality("563536", "Bedřichov", "CZ0512", "46812", 323, 13.7),
    Municipality("564451", "Sychrov", "CZ0513", "46344", 218, 3.91),
]

FIRST_NAMES = [
    "Jan", "Petr", "Josef", "Pavel", "Martin", "Tomáš", "Jiří", "Lukáš", "Ondřej", "Karel",
    "Jana", "Marie", "Eva", "Hana", "Lenka", "Kateřina", "Lucie", "Věra", "Alena", "Tereza",
]  # fmt: skip
SURNAMES = [
    ("Novák", "Nováková"), ("Svoboda", "Svobodová"), ("Novotný", "Novotná"),
    ("Dvořák", "Dvořáková"),
    ("Černý", "Černá"), ("Procházka", "Procházková"), ("Kučera", "Kučerová"), ("Veselý", "Veselá"),
    ("Horák", "Horáková"), ("Němec", "Němcová"), ("Pokorný", "Pokorná"), ("Marek", "Marková"),
]  # fmt: skip
STREETS = [
    "Husova", "Masarykova", "Nádražní", "Školní", "Palackého", "Jiráskova", "Komenského",
    "Tyršova", "Sokolská", "Zahradní", "Lesní", "Krátká", "Revoluční", "Žižkova", "Pražská",
]  # fmt: skip


def ico_check_digit(first7: str) -> str:
    """The mod-11 check digit of an IČO's first seven digits."""
    total = sum(int(d) * w for d, w in zip(first7, range(8, 1, -1), strict=True))
    remainder = total % 11
    return str({0: 1, 1: 0}.get(remainder, 11 - remainder))


def is_valid_ico(value: str) -> bool:
    """True for 8 digits whose last is the mod-11 check digit of the others."""
    return len(value) == 8 and value.isdigit() and ico_check_digit(value[:7]) == value[7]


def make_ico(rng: random.Random, *, leading_zero: bool = False) -> str:
    first7 = ("00" if leading_zero else str(rng.randint(1, 9))) + "".join(
        str(rng.randint(0, 9)) for _ in range(5 if leading_zero else 6)
    )
    return first7 + ico_check_digit(first7)


def person(rng: random.Random) -> str:
    first = rng.choice(FIRST_NAMES)
    male, female = rng.choice(SURNAMES)
    return f"{first} {female if first.endswith('a') else male}"


def address(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.randint(1, 1500)}"


def czech_decimal(value: float, places: int = 2, *, group: bool = False) -> str:
    """``1234.5`` as ``1234,50`` (or ``1 234,50`` with ``group``)."""
    text = f"{value:,.{places}f}" if group else f"{value:.{places}f}"
    return text.replace(",", " ").replace(".", ",")
