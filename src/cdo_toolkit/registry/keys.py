"""The primary key ``cdo registry add`` proposes for a new source, found in its file.

Uniqueness is scored over the primary key alone, so an entry without one is never scored
on it. The key is proposed from the data and the column names together: the fewest
columns (one, two or three) filled and unique in every row, among columns named as
identifiers and, for keys of several columns, the columns that say when.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from cdo_toolkit.validation.engine import TableInput


# Names of columns that identify something, most specific first: a row's own id
# (id, id_zarizeni, identifikator), then a code or number (kod_obce, kodcobce, red_izo,
# cislo_smlouvy, "Paragraf (kód)"), then an organisation's IČO, which a source of its
# branches repeats.
_KEY_NAMES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(id|identifikator|identifikátor|uuid|guid)(_.*)?|.*_id",
        r"(kod|kód|code|cislo|číslo|izo|psc|psč|paragraf|polozka|položka)([_ ].*|[a-z].*)?"
        r"|.*[_ (](kod|kód|code|cislo|číslo|izo|psc|psč)\)?",
        r"(ico|ičo|ic|ič)(_.*)?|.*_(ico|ičo)",
    )
)


# A place named by its code, as the statistical office's exports name them (OBEC 513890,
# OKRSEK 1): an identifier when the column holds whole numbers, a name when it holds text.
_PLACE_CODE = re.compile(r"(obec|okres|kraj|okrsek|orp|pou|momc|stat|ulice)(_.*)?", re.IGNORECASE)


def _key_rank(name: str, kind: str, foreign: frozenset[str]) -> int | None:
    if name in foreign:  # kod_obce is first the municipality's key, then each reference's
        return len(_KEY_NAMES)
    if kind == "integer" and _PLACE_CODE.fullmatch(name):
        return 1
    return next((rank for rank, p in enumerate(_KEY_NAMES) if p.fullmatch(name)), None)


def propose_key(table: TableInput, foreign: frozenset[str] = frozenset()) -> list[str] | None:
    """The columns to propose as the primary key of the source ``table`` is a file of:
    filled in every row and unique together, the fewest such (one, two or three).

    A single column qualifies when it is named as an identifier (``id``, ``kod…``,
    ``…_kod``, ``ico``: see ``_KEY_NAMES``) or is the first column and holds whole numbers
    or digit codes; candidates are ranked by name, then taken in column order. Names in
    ``foreign`` (columns the registry refers to another source's codes by, such as
    ``kod_obce``) rank last: a source of one row per municipality is keyed by them, a
    source of companies only seems to be when its file is small. A key of several
    columns is made of identifier columns and of the columns that say when (a date, a
    year, ``rok``, ``mesic``): a station's measurements per day, a budget's items per year.
    The file is read for the single candidates, their columns typed as validation types
    them, and once more for keys of several columns only if no single one qualifies. None
    when nothing qualifies (a key with columns that are sometimes empty, as the RÚIAN
    postcode list's city districts, is left to the guarantor)."""
    import itertools

    import polars as pl

    from cdo_toolkit.validation.api import typed_frames

    assert table.schema is not None
    specs = table.schema.fields
    names = [spec.name for spec in specs]
    ranked = sorted(
        (rank, index)
        for index, spec in enumerate(specs)
        if (rank := _key_rank(spec.name, spec.type, foreign)) is not None
        and spec.type in ("integer", "string")
    )
    singles = [names[index] for _rank, index in ranked]
    first = specs[0]
    coded = first.type == "integer" or (first.type == "string" and "pattern" in first.constraints)
    if coded and first.name not in singles:
        singles.append(first.name)
    moments = [
        spec.name
        for spec in specs
        if spec.type in _MOMENT_TYPES or _MOMENT_NAME.fullmatch(spec.name)
    ]
    parts = list(dict.fromkeys([*singles, *moments]))[:_MOST_KEY_PARTS]

    def read(wanted: list[str]) -> pl.DataFrame:
        # A blank row is an error of its own (blank-row), not a row without a key.
        return pl.concat(
            [
                frame.filter(~pl.all_horizontal(pl.all().is_null())).select(wanted)
                for frame in typed_frames(table)
            ]
        )

    # Most files have a key of one column: the other parts are read only if none is.
    for pool, sizes in ((singles, (1,)), (parts, (2, 3))):
        if not pool:
            continue
        columns = read(pool)
        filled = [name for name in pool if columns[name].null_count() == 0]
        for size in sizes:
            for key in itertools.combinations(filled, size):
                if size > 1 and not any(n in singles for n in key):
                    continue  # two dates are no key: some identifier takes part
                if _unique(columns, list(key)):
                    return sorted(key, key=names.index)  # in the file's order
    return None


def _unique(columns: pl.DataFrame, key: list[str]) -> bool:
    """Whether no two rows share ``key`` (its columns are all filled). Sorted and compared
    with the row before: hashing the 5M rows of a composite key took 0.7 GB more."""
    import polars as pl

    ordered = columns.select(key).sort(key)
    repeated = pl.all_horizontal([pl.col(c) == pl.col(c).shift() for c in key]).any()
    return not ordered.select(repeated).item()


_MOMENT_TYPES = ("date", "datetime", "year", "yearmonth", "time")
# Columns that say when, as codes or numbers: rok 2024, mesic 3, obdobi 2024Q1, an
# election's kolo 2.
_MOMENT_NAME = re.compile(
    r"(rok|mesic|měsíc|ctvrtleti|čtvrtletí|obdobi|období|den|datum|tyden|týden|hodina|kolo)"
    r"(_.*)?",
    re.IGNORECASE,
)
_MOST_KEY_PARTS = 8
"""Columns tried in keys of several columns (at most 8 + 28 + 56 combinations)."""
