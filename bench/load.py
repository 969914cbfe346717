"""Load benchmark: ``cdo submit`` of the 1M-row file into DuckDB, validation included,
against DuckDB's own ``CREATE TABLE AS SELECT * FROM read_csv(...)`` plus the validation
benchmark's DuckDB reference, measured in the same run. Target: submit ≤ 2.5× that sum.

    python bench/load.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import SCHEMA, dataset, options, require_schema
from validate import DUCKDB_REFERENCE

CTAS = r"""
import duckdb, sys
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(?, header = true)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""

SOURCE = """\
id: rejstrik-skol
title: Rejstřík škol (benchmark)
description: Syntetický rejstřík škol pro měření výkonu.
theme: education
guarantor: bench
publisher: bench
standard: bench
update_frequency: MONTHLY
licence: CC0-1.0
personal_data: false
encoding: utf-8
dialect: {delimiter: ","}
schema: schemas/schools.json
warehouse: {table: rejstrik_skol, load_mode: replace}
"""


def registry(folder: Path) -> Path:
    root = folder / "registry"
    (root / "sources").mkdir(parents=True)
    (root / "schemas").mkdir()
    (root / "schemas" / "schools.json").write_text(SCHEMA.read_text("utf-8"), "utf-8")
    (root / "sources" / "rejstrik-skol.yaml").write_text(SOURCE, "utf-8")
    (root / "registry.yaml").write_text("region: {name: Benchmark, ruian: '78'}\n", "utf-8")
    (root / "organisations.yaml").write_text(
        "organisations:\n  - {id: bench, name: Bench, kind: external}\n", "utf-8"
    )
    (root / "guarantors.yaml").write_text(
        "guarantors:\n  - {id: bench, name: Bench, organisation: bench, email: bench@example.cz}\n",
        "utf-8",
    )
    (root / "standards.yaml").write_text(
        "standards:\n  - id: bench\n    title: Bench\n    thresholds: {completeness: 0, validity: 0, uniqueness: 0, timeliness: 0}\n",
        "utf-8",
    )
    return root


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode not in (0,):
        sys.exit(
            f"error: {' '.join(command[:4])}… exited {result.returncode}: {result.stderr[-500:]}"
        )
    return time.perf_counter() - started, result.stdout


def main() -> None:
    parser = options(__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    require_schema()
    python = sys.executable
    data = dataset(args.out, args.rows)
    submits, ctas, checks = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="cdo-bench-") as folder:
            work = Path(folder)
            root = registry(work)
            url = f"duckdb:///{work / 'warehouse' / 'cdo.duckdb'}"
            seconds, output = timed(
                [
                    python,
                    "-m",
                    "cdo_toolkit",
                    "--registry",
                    str(root),
                    "--warehouse",
                    url,
                    "submit",
                    "rejstrik-skol",
                    str(data),
                    "--format",
                    "json",
                ],
                work,
            )
            result = json.loads(output)
            assert result["status"] == "accepted" and result["rows"] == args.rows, result["status"]
            submits.append(seconds)
            seconds, output = timed([python, "-c", CTAS, str(data), str(work / "ref.duckdb")], work)
            assert int(output) == args.rows
            ctas.append(seconds)
            seconds, _ = timed([python, "-c", DUCKDB_REFERENCE, str(data), str(SCHEMA)], work)
            checks.append(seconds)
            shutil.rmtree(work / "warehouse", ignore_errors=True)
    submit, load, check = (statistics.median(v) for v in (submits, ctas, checks))
    reference = load + check
    print(f"rows: {args.rows:,}, median of {args.repeat} runs")
    print(f"cdo submit (land + validate + load + reconcile): {submit:6.2f} s")
    print(f"duckdb CREATE TABLE AS read_csv:                 {load:6.2f} s")
    print(f"duckdb validation reference:                     {check:6.2f} s")
    print(
        f"ratio submit / (load + validation reference):    {submit / reference:6.2f} (target <= 2.5)"
    )


if __name__ == "__main__":
    main()
