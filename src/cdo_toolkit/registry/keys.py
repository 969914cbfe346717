"""The primary key ``cdo registry add`` proposes for a new source, found in its file.

Uniqueness is scored over the primary key alone, so an entry without one is never scored
on it. The key is proposed from the data and the column names together: the fewest
columns (one, two or three) filled and unique in every row, among columns named as
identifiers and, for keys of several columns, the columns that say when. Where no such
key exists, a key the file fails in a few rows (a blank code, a repeated row: defects the
guarantor is told of) or, in a file without codes, its leading names are proposed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from cdo_toolkit.validation.engine import TableInput


@dataclass(frozen=True)
class Key:
    """A proposed primary key and the rows of the file that fail it."""

    columns: list[str]
    empty: int = 0
    """Rows with a cell of the key empty."""
    repeated: int = 0
    """Rows repeating the key of an earlier row."""
    of_names: bool = False
    """The key is made of names (text), as the file has no codes."""
    ragged: int = 0
    """Rows with missing or extra cells, which the key was not checked on (validation
    reports them as such)."""

    @property
    def failing(self) -> int:
        return self.empty + self.repeated


DEFECTS_ALLOWED = 0.02
"""Share of rows that may fail a proposed key (a blank code, a repeated row): 2 in 100.
More, and the columns are more likely not the key than a key with defects."""


# Names of columns that identify something, most specific first: a row's own id
# (id, id_zarizeni, identifikator, Stanice.ID as R writes names), then a code or number (kod_obce, kodcobce, red_izo,
# cislo_smlouvy, "Paragraf (kód)"), then an organisation's IČO, which a source of its
# branches repeats.
_KEY_NAMES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(id|identifikator|identifikátor|uuid|guid)([_.].*)?|.*[_.]id",
        r"(kod|kód|code|cislo|číslo|izo|psc|psč|paragraf|polozka|položka)([_ .].*|[a-z].*)?"
        r"|.*[_ .(](kod|kód|code|cislo|číslo|izo|psc|psč)\)?",
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


def propose_key(table: TableInput, foreign: frozenset[str] = frozenset()) -> Key | None:
    """The key to propose for the source ``table`` is a file of: the fewest columns (one,
    two or three) filled in every row and unique together.

    A single column qualifies when it is named as an identifier (``id``, ``kod…``,
    ``…_kod``, ``ico``: see ``_KEY_NAMES``) or is the first column and holds whole numbers
    or digit codes; candidates are ranked by name, then taken in column order. Names in
    ``foreign`` (columns the registry refers to another source's codes by, such as
    ``kod_obce``) rank last: a source of one row per municipality is keyed by them, a
    source of companies only seems to be when its file is small. A key of several
    columns is made of identifier columns, of the columns that say when (a date, a year,
    ``rok``, ``mesic``) and of text columns of a few repeated values that say what a row
    is of: a station's measurements per day, a budget's items per year, ČHMÚ's stations
    per start of measuring and element.

    When no key passes every row, the one failing the fewest rows, at most
    ``DEFECTS_ALLOWED`` of them, among keys of identifiers named so (an item code with
    one blank and one repeated row; districts per day with the rows of no district), so
    that validation reports those rows. Failing that, the leading text columns that are
    filled and unique together, in a file with no column of codes (a table of
    municipalities and offices by name). The file is read for the single candidates, their
    columns typed as validation types them, and once more for the rest only if no single
    one qualifies. None when nothing qualifies (a key with columns often empty, as the
    RÚIAN postcode list's city districts, is left to the guarantor)."""
    import itertools

    import polars as pl

    from cdo_toolkit.validation.api import typed_frames

    assert table.schema is not None
    specs = table.schema.fields
    names = [spec.name for spec in specs]
    ranks = {
        spec.name: rank
        for spec in specs
        if (rank := _key_rank(spec.name, spec.type, foreign)) is not None
        and spec.type in ("integer", "string")
    }
    singles = sorted(ranks, key=lambda name: (ranks[name], names.index(name)))
    first = specs[0]
    coded = first.type == "integer" or (first.type == "string" and "pattern" in first.constraints)
    if coded and first.name not in singles:
        singles.append(first.name)
    # Defects are allowed only in a key of columns named as identifiers (not a kod_obce
    # the registry refers to, nor a first column of numbers that may be a count).
    named = {name for name, rank in ranks.items() if rank < len(_KEY_NAMES)}
    moments = [
        spec.name
        for spec in specs
        if spec.type in _MOMENT_TYPES or _MOMENT_NAME.fullmatch(spec.name)
    ]
    parts = list(dict.fromkeys([*singles, *moments]))[:_MOST_KEY_PARTS]
    # Text columns that may say what a row measures (a station's element T_N or SRA_N, a
    # statistic's indicator): which of them are is seen from the data, below.
    kinds = [spec.name for spec in specs if spec.type == "string" and spec.name not in parts]
    kinds = kinds[:_MOST_KIND_CANDIDATES]
    leading = list(itertools.takewhile(lambda spec: spec.type == "string", specs))
    texts = [spec.name for spec in leading[:_MOST_NAME_PARTS]]

    ragged: list[Any] = []

    def read(wanted: list[str]) -> pl.DataFrame:
        # A blank row is an error of its own (blank-row), not a row without a key.
        ragged.clear()
        frames = [
            frame.filter(~pl.all_horizontal(pl.all().is_null())).select(wanted)
            for frame in typed_frames(table, ragged)
        ]
        return pl.concat(frames) if frames else pl.DataFrame(schema=wanted)

    best: Key | None = None
    # Most files have a key of one column: the other columns are read only if none is.
    for pool, sizes, maybe in ((singles, (1,), []), (parts, (2, 3), kinds)):
        if not singles:  # every key has an identifier: without one, only names are left
            break
        columns = read([*pool, *maybe])
        if columns.is_empty():
            return None  # no row to tell a key by (every one missing or extra cells)
        allowed = int(columns.height * DEFECTS_ALLOWED)
        nulls = {name: columns[name].null_count() for name in columns.columns}
        pool = [*pool, *_kinds_of(columns, maybe, nulls)]
        distinct: dict[str, int] = {}
        for size in sizes:
            for combination in itertools.combinations(pool, size):
                key = sorted(combination, key=names.index)  # in the file's order
                if size > 1 and not any(n in singles for n in key):
                    continue  # two dates are no key: some identifier takes part
                if size > 1 and _combinations(columns, key, distinct) < columns.height - allowed:
                    continue  # too few pairs of values to tell the rows apart: no need to sort
                exact = all(nulls[n] == 0 for n in key)
                may_fail = any(n in named for n in key) and sum(nulls[n] for n in key) <= allowed
                if not exact and not may_fail:
                    continue
                found = _failing(columns, key, len(ragged))
                if found.failing == 0:
                    return found
                fewer = best is None or (len(best.columns), best.failing) > (size, found.failing)
                if may_fail and found.failing <= allowed and fewer:
                    best = found
    if best is not None:
        return best
    if texts and not singles:  # codes that fail as a key do not make names one
        columns = read(texts)
        for size in range(1, len(texts) + 1):
            found = _failing(columns, texts[:size], len(ragged))
            if found.failing == 0:
                return Key(found.columns, of_names=True, ragged=found.ragged)
    return None


def _combinations(columns: pl.DataFrame, key: list[str], distinct: dict[str, int]) -> int:
    """How many different keys the columns' values could make at most."""
    for name in key:
        if name not in distinct:
            distinct[name] = columns[name].n_unique()
    return math.prod(distinct[name] for name in key)


def _kinds_of(columns: pl.DataFrame, candidates: list[str], nulls: dict[str, int]) -> list[str]:
    """The text columns among ``candidates`` that say what a row is of: filled in every
    row, with few values each repeated in many rows (at most ``_MOST_KIND_VALUES``, each
    in 10 rows on average), such as ČHMÚ's measured element beside a station and a date.
    A name or a note has too many values; the two of them most repeated are kept."""
    found = []
    for name in candidates:
        values = columns[name].n_unique()
        if nulls[name] == 0 and values <= _MOST_KIND_VALUES and values * 10 <= columns.height:
            found.append((values, name))
    return [name for _values, name in sorted(found)[:_MOST_KINDS]]


def _failing(columns: pl.DataFrame, key: list[str], ragged: int = 0) -> Key:
    """``key`` with the rows that fail it: those with a cell of it empty, and the filled
    ones repeating an earlier row's key. Sorted and compared with the row before: hashing
    the 5M rows of a composite key took 0.7 GB more."""
    import polars as pl

    empty_cell = pl.any_horizontal([pl.col(c).is_null() for c in key])
    empty = columns.select(empty_cell.sum()).item()
    ordered = columns.filter(~empty_cell).select(key).sort(key)
    repeats = pl.all_horizontal([pl.col(c) == pl.col(c).shift() for c in key]).sum()
    return Key(key, empty=empty, repeated=ordered.select(repeats).item(), ragged=ragged)


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
_MOST_KIND_CANDIDATES = 8
"""Text columns read to see whether they say what a row is of."""
_MOST_KINDS = 2
"""Such columns tried in keys of several columns, besides the identifiers and moments."""
_MOST_KIND_VALUES = 100
"""Values a column saying what a row is of may have: an element, an indicator, a sex."""
_MOST_NAME_PARTS = 3
"""Leading text columns tried as a key of names."""
