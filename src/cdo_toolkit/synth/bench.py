"""The validation benchmark dataset: a synthetic Czech school register.

The same data for every validator compared (``../shared/bench/README.md`` describes it;
``bench/schema.json`` in that folder is its Table Schema). Seeded and vectorised with
numpy, so 5M rows take seconds. The dirty variant breaks a share of rows, one cell per
row, on distinct rows, in equal shares of twelve kinds, and writes a manifest of every
broken row with the error a validator must report.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

SCHOOL_TYPES = [
    "mateřská škola",
    "základní škola",
    "střední škola",
    "konzervatoř",
    "vyšší odborná škola",
    "základní umělecká škola",
    "jazyková škola",
    "školní družina",
]
TYPE_WEIGHTS = [30, 25, 15, 1, 2, 6, 3, 18]
NO_GRADES = {"mateřská škola", "jazyková škola", "školní družina"}
TOWNS = [
    "Liberec", "Jablonec nad Nisou", "Česká Lípa", "Turnov", "Nový Bor", "Semily", "Frýdlant",
    "Tanvald", "Jilemnice", "Hrádek nad Nisou", "Železný Brod", "Brno", "Praha", "Ostrava",
    "Plzeň", "Olomouc", "Zlín", "Kladno", "Most", "Opava", "Hradec Králové", "Pardubice",
]  # fmt: skip
STREETS = [
    "Husova", "Masarykova", "Nádražní", "Školní", "Palackého", "Jiráskova", "Komenského",
    "Tyršova", "Sokolská", "Zahradní", "Lesní", "Revoluční", "Žižkova", "Pražská",
]  # fmt: skip
NOTES = [
    'Škola s "rozšířenou" výukou jazyků',
    "Odloučené pracoviště, tělocvična v pronájmu",
    "Rekonstrukce 2024",
    'Ředitel: "nový", od 1. 9.',
    "Sdílená jídelna, školní klub",
]

# kind → (field, error type a validator must report)
BREAK_KINDS: dict[str, tuple[str, str]] = {
    "duplicate-id": ("id", "primary-key"),
    "ico-pattern": ("ico", "constraint-error"),
    "missing-name": ("nazev", "constraint-error"),
    "school-type": ("druh", "constraint-error"),
    "date-type": ("datum_zahajeni", "type-error"),
    "datetime-type": ("aktualizace", "type-error"),
    "capacity-type": ("kapacita", "type-error"),
    "capacity-range": ("kapacita", "constraint-error"),
    "grade-type": ("prumer_prospechu", "type-error"),
    "boolean-type": ("bezbarierovy", "type-error"),
    "municipality-code": ("kod_obce", "constraint-error"),
    "latitude-range": ("zem_sirka", "constraint-error"),
}


@dataclass(frozen=True)
class Generated:
    data: Path
    manifest: Path | None
    rows: int
    broken: int


def _ico(rng: np.random.Generator, n: int) -> np.ndarray[Any, Any]:
    import numpy as np

    digits = rng.integers(0, 10, size=(n, 7))
    digits[:, 0] = rng.integers(0, 10, size=n)
    weights = np.arange(8, 1, -1)
    remainder = (digits * weights).sum(axis=1) % 11
    check = np.where(remainder == 0, 1, np.where(remainder == 1, 0, 11 - remainder))
    number = (digits * (10 ** np.arange(6, -1, -1))).sum(axis=1) * 10 + check
    return np.char.zfill(number.astype(str), 8)


def _frame(rng: np.random.Generator, n: int) -> pl.DataFrame:
    import numpy as np
    import polars as pl

    weights = np.array(TYPE_WEIGHTS, dtype=float) / sum(TYPE_WEIGHTS)
    kinds = np.array(SCHOOL_TYPES)[rng.choice(len(SCHOOL_TYPES), size=n, p=weights)]
    towns = np.array(TOWNS)[rng.integers(0, len(TOWNS), size=n)]
    streets = np.array(STREETS)[rng.integers(0, len(STREETS), size=n)]
    day_span = (np.datetime64("2025-12-31") - np.datetime64("1900-01-01")).astype(int)
    started = np.datetime64("1900-01-01") + rng.integers(0, day_span + 1, size=n).astype(
        "timedelta64[D]"
    )
    updated = np.datetime64("2015-01-01T00:00:00") + rng.integers(
        0, 11 * 365 * 86400, size=n
    ).astype("timedelta64[s]")
    updated = updated.astype("datetime64[ms]")
    grade = np.round(rng.uniform(1.0, 5.0, size=n), 2)
    notes = np.array(["", *NOTES])[
        np.where(rng.random(n) < 0.75, 0, rng.integers(1, len(NOTES) + 1, size=n))
    ]
    frame = pl.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "ico": _ico(rng, n),
            "kind": kinds,
            "town": towns,
            "street": streets,
            "number": rng.integers(1, 3000, size=n),
            "datum_zahajeni": started,
            "aktualizace": updated,
            "kapacita": rng.integers(1, 5001, size=n),
            "grade": grade,
            "bezbarierovy": rng.random(n) < 0.4,
            "poznamka": notes,
            "kod_obce": rng.integers(500000, 600000, size=n),
            "zem_sirka": np.round(rng.uniform(48.55, 51.06, size=n), 6),
            "zem_delka": np.round(rng.uniform(12.09, 18.86, size=n), 6),
        }
    )
    kind = pl.col("kind")
    return frame.select(
        pl.col("id").cast(pl.String),
        "ico",
        pl.format(
            "{} {}, {} {}, příspěvková organizace",
            kind.str.slice(0, 1).str.to_uppercase() + kind.str.slice(1),
            "town",
            "street",
            "number",
        ).alias("nazev"),
        kind.alias("druh"),
        pl.col("datum_zahajeni").dt.strftime("%Y-%m-%d"),
        pl.col("aktualizace").dt.strftime("%Y-%m-%dT%H:%M:%S"),
        pl.col("kapacita").cast(pl.String),
        pl.when(kind.is_in(sorted(NO_GRADES)))
        .then(pl.lit(""))
        .otherwise(pl.col("grade").round(2).cast(pl.String))
        .alias("prumer_prospechu"),
        pl.when(pl.col("bezbarierovy"))
        .then(pl.lit("true"))
        .otherwise(pl.lit("false"))
        .alias("bezbarierovy"),
        "poznamka",
        pl.col("kod_obce").cast(pl.String),
        pl.col("zem_sirka").cast(pl.String),
        pl.col("zem_delka").cast(pl.String),
    )


def _break(
    rng: np.random.Generator, frame: pl.DataFrame, share: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Break ``share`` of the rows, one cell each, in equal shares of the kinds."""
    import numpy as np
    import polars as pl

    n = frame.height
    count = round(n * share)
    kinds = list(BREAK_KINDS)
    # Distinct rows, never adjacent: a duplicated id copies the row before, which stays intact.
    candidates = rng.choice(np.arange(1, n, 2), size=count, replace=False)
    rows = np.sort(candidates)
    assigned = np.array(kinds)[np.arange(count) % len(kinds)]
    rng.shuffle(assigned)
    columns = {name: frame.get_column(name).to_numpy().astype(object) for name in frame.columns}
    for row, kind in zip(rows.tolist(), assigned.tolist(), strict=True):
        field = BREAK_KINDS[kind][0]
        pick = int(rng.integers(0, 2))
        value: str
        if kind == "duplicate-id":
            value = columns["id"][row - 1]
        elif kind == "ico-pattern":
            ico = columns["ico"][row]
            value = ico[:7] if pick else ico[:3] + "O" + ico[4:]
        elif kind == "missing-name":
            value = ""
        elif kind == "school-type":
            value = "gymnázium" if pick else "Základní škola"
        elif kind == "date-type":
            value = "31.12.2019"
        elif kind == "datetime-type":
            value = "2023-02-30T10:00:00"
        elif kind == "capacity-type":
            value = "cca 120"
        elif kind == "capacity-range":
            value = "0" if pick else "9999"
        elif kind == "grade-type":
            value = "2,35"
        elif kind == "boolean-type":
            value = "ano" if pick else "ne"
        elif kind == "municipality-code":
            value = str(rng.integers(10000, 99999)) if pick else "1" + columns["kod_obce"][row][1:]
        else:  # latitude-range
            value = "55.1" if pick else "47.9"
        columns[field][row] = value
    broken = pl.DataFrame(columns, schema=dict.fromkeys(frame.columns, pl.String))
    manifest = pl.DataFrame(
        {
            "rowNumber": rows + 2,  # Frictionless numbers the header as row 1
            "kind": assigned,
            "fieldName": [BREAK_KINDS[k][0] for k in assigned],
            "type": [BREAK_KINDS[k][1] for k in assigned],
        }
    )
    return broken, manifest


def generate(out: Path, rows: int, *, error_share: float = 0.0, seed: int = 20261127) -> Generated:
    """Write ``out`` (CSV, UTF-8, ``,``) and, when ``error_share`` > 0, ``out`` + ``.manifest.csv``."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    frame = _frame(rng, rows)
    manifest_path = None
    broken = 0
    if error_share > 0:
        frame, manifest = _break(rng, frame, error_share)
        manifest_path = out.with_name(out.name + ".manifest.csv")
        manifest.write_csv(manifest_path)
        broken = manifest.height
    out.parent.mkdir(parents=True, exist_ok=True)
    # Empty cells are written bare (,,) as exports do, not as quoted empty strings.
    frame.with_columns(pl.all().replace("", None)).write_csv(out)
    return Generated(out, manifest_path, rows, broken)


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the validation benchmark dataset.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--errors", type=float, default=0.0, help="share of broken rows, e.g. 0.001"
    )
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    result = generate(args.out, args.rows, error_share=args.errors, seed=args.seed)
    print(f"{result.data}: {result.rows} rows, {result.broken} broken")


if __name__ == "__main__":
    main()
