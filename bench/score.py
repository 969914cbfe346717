"""Scoring benchmark: ``cdo score``'s one aggregate query over a 10M-row table in DuckDB,
against a single ``SELECT count(*), count(col)…`` scan of the same table, in one run.
Target: at most 2×.

DuckDB answers that count query from its column statistics without reading the table, so
the benchmark also times it with the statistics pass of DuckDB's optimiser switched off:
the same query as a scan that reads every column (a reference, not the target).

    python bench/score.py [--rows 10000000] [--repeat 3]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import options, require_schema  # noqa: E402
from load import registry  # noqa: E402

MAKE = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE raw.rejstrik_skol AS
SELECT i AS id,
       lpad(CAST(hash(i) % 100000000 AS VARCHAR), 8, '0') AS ico,
       'Základní škola ' || CAST(i % 5000 AS VARCHAR) AS nazev,
       CASE i % 8 WHEN 0 THEN 'mateřská škola' WHEN 1 THEN 'základní škola' WHEN 2 THEN 'střední škola'
            WHEN 3 THEN 'konzervatoř' WHEN 4 THEN 'vyšší odborná škola' WHEN 5 THEN 'základní umělecká škola'
            WHEN 6 THEN 'jazyková škola' ELSE 'školní družina' END AS druh,
       DATE '1900-01-01' + CAST(i % 45000 AS INT) AS datum_zahajeni,
       TIMESTAMP '2015-01-01' + to_seconds(CAST(i % 300000000 AS BIGINT)) AS aktualizace,
       CAST(1 + i % 5000 AS BIGINT) AS kapacita,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 1.0 + (i % 400) / 100.0 END AS prumer_prospechu,
       i % 3 = 0 AS bezbarierovy,
       CASE WHEN i % 4 = 0 THEN 'Poznámka' ELSE NULL END AS poznamka,
       '5' || lpad(CAST(i % 100000 AS VARCHAR), 5, '0') AS kod_obce,
       48.55 + (i % 250) / 100.0 AS zem_sirka,
       12.09 + (i % 670) / 100.0 AS zem_delka,
       CAST(1 AS BIGINT) AS _cdo_submission_id
FROM range(1, ? + 1) AS t(i);
"""

# DuckDB's optimiser answers count(col) of a column without NULLs from statistics.
NO_STATISTICS = "SET disabled_optimizers = 'statistics_propagation'"
WITH_STATISTICS = "RESET disabled_optimizers"


def main() -> None:
    parser = options(__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    require_schema()
    sys.path.insert(0, str(ROOT / "src"))
    import duckdb

    from cdo_toolkit.quality.score import table_measures
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.warehouse import meta
    from cdo_toolkit.warehouse.connection import Warehouse
    from cdo_toolkit.warehouse.url import parse_url

    with tempfile.TemporaryDirectory(prefix="cdo-score-") as folder:
        work = Path(folder)
        root = registry(work)
        database = work / "cdo.duckdb"
        connection = duckdb.connect(str(database))
        for statement in MAKE.strip().split(";\n"):
            if statement.strip():
                connection.execute(statement, [args.rows] if "?" in statement else [])
        connection.close()
        reg = load_valid(root)
        entry = reg.sources["rejstrik-skol"]
        url = parse_url(f"duckdb:///{database}", work)
        assert entry.schema is not None
        fields = [f["name"] for f in entry.schema["fields"]]
        with Warehouse(url) as warehouse:
            meta.ensure(warehouse)
            # The benchmark's reference queries, over the fixed benchmark schema's field names.
            scan = (
                "SELECT count(*), "  # noqa: S608
                + ", ".join(f'count("{n}")' for n in fields)
                + " FROM raw.rejstrik_skol"
            )
            # DuckDB answers count(col) from column statistics; this one reads every value.
            full = (
                "SELECT count(*), "  # noqa: S608
                + ", ".join(f'sum(length(CAST("{n}" AS VARCHAR)))' for n in fields)
                + " FROM raw.rejstrik_skol"
            )
            scores, scans, forced, fulls = [], [], [], []
            for _ in range(args.repeat):
                started = time.perf_counter()
                warehouse.execute(scan)
                scans.append(time.perf_counter() - started)
                warehouse.execute(NO_STATISTICS)
                started = time.perf_counter()
                warehouse.execute(scan)
                forced.append(time.perf_counter() - started)
                warehouse.execute(WITH_STATISTICS)
                started = time.perf_counter()
                warehouse.execute(full)
                fulls.append(time.perf_counter() - started)
                started = time.perf_counter()
                measures = table_measures(warehouse, reg, entry)
                scores.append(time.perf_counter() - started)
        assert int(measures["values"]["n"]) == args.rows
    score, reference, forced_scan, full_scan = (
        statistics.median(scores),
        statistics.median(scans),
        statistics.median(forced),
        statistics.median(fulls),
    )
    print(f"rows: {args.rows:,} ({datetime.now(UTC):%Y-%m-%d}), median of {args.repeat} runs")
    print(f"single count(*), count(col)… scan:    {reference:6.2f} s")
    print(f"the same, statistics pass off:        {forced_scan:6.2f} s")
    print(f"scan reading every value as text:     {full_scan:6.2f} s")
    print(
        f"cdo score aggregate (all dimensions): {score:6.2f} s  ({len(measures['conditions'])} rules, key, in one query)"
    )
    print(f"ratio to the count scan: {score / reference:.2f} (target <= 2.0)")
    print(f"ratio to the count scan, statistics pass off: {score / forced_scan:.2f}")
    print(f"ratio to the full value scan: {score / full_scan:.2f}")


if __name__ == "__main__":
    main()
