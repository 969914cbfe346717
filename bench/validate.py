"""Validation benchmark: cdo validate against Frictionless and a DuckDB reference, in one run.

Generates the dataset of ../shared/bench/README.md with the project's own generator (1M
and 5M rows, clean and with 0.1 % injected errors, with a manifest of every broken row),
then runs, each as its own process:

* ``cdo validate FILE --schema schema.json --format json --limit-errors 10000000``
* ``frictionless validate --limit-errors 10000000 --json`` (beside the file; 1M rows only
  unless ``--frictionless-5m``: it takes minutes)
* a DuckDB reference: typed ``read_csv`` (rejects stored) plus one SQL query flagging
  every constraint violation

and prints wall time (median of ``--repeat`` runs), peak RSS, rows per second, the ratios
to cdo, and whether each found exactly the injected errors.

    python bench/validate.py [--sizes 1000000 5000000] [--repeat 3] [--out bench/out]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, SCHEMA, dataset, options, require_schema

DUCKDB_REFERENCE = r"""
import duckdb, json, sys
path = sys.argv[1]
schema = json.load(open(sys.argv[2]))
types = {"integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "datetime": "TIMESTAMP",
         "boolean": "BOOLEAN", "string": "VARCHAR"}
columns = ", ".join(f"'{f['name']}': '{types[f['type']]}'" for f in schema["fields"])
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true, columns={{{columns}}}, "
            "store_rejects=true, ignore_errors=true)")
conditions = []
for f in schema["fields"]:
    name, c = '"' + f["name"] + '"', f.get("constraints", {})
    if c.get("required"):
        conditions.append(f"{name} IS NULL")
    if "pattern" in c:
        conditions.append(f"NOT regexp_full_match({name}, '{c['pattern']}')")
    if "enum" in c:
        values = ", ".join("'" + v + "'" for v in c["enum"])
        conditions.append(f"{name} NOT IN ({values})")
    if "minLength" in c:
        conditions.append(f"length({name}) < {c['minLength']}")
    if "maxLength" in c:
        conditions.append(f"length({name}) > {c['maxLength']}")
    for key, op in (("minimum", "<"), ("maximum", ">")):
        if key in c:
            value = f"'{c[key]}'" if f["type"] in ("date", "datetime") else c[key]
            conditions.append(f"{name} {op} {value}")
key = ", ".join('"' + k + '"' for k in schema.get("primaryKey", []))
violations = con.execute(
    f"SELECT count(*) FROM (SELECT *, row_number() OVER (PARTITION BY {key}) AS n FROM t) "
    f"WHERE n > 1 OR {' OR '.join(conditions)}"
).fetchone()[0]
rejects = con.execute("SELECT count(*) FROM reject_errors").fetchone()[0]
print(json.dumps({"violations": violations, "rejects": rejects}))
"""


def run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, and stdout of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, output


def expected_errors(manifest: Path | None) -> set[tuple[str, int, str]]:
    if manifest is None:
        return set()
    import csv

    with manifest.open(encoding="utf-8") as handle:
        return {
            (
                row["type"],
                int(row["rowNumber"]),
                "" if row["type"] == "primary-key" else row["fieldName"],
            )
            for row in csv.DictReader(handle)
        }


def found_errors(report_json: str) -> set[tuple[str, int, str]]:
    report = json.loads(report_json)
    return {
        (e["type"], e.get("rowNumber"), e.get("fieldName") or "")
        for task in report.get("tasks", [])
        for e in task.get("errors", [])
    }


def main() -> None:
    parser = options(__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument(
        "--frictionless-5m", action="store_true", help="run Frictionless beyond 1M rows too"
    )
    parser.add_argument("--skip-frictionless", action="store_true")
    args = parser.parse_args()
    require_schema()
    args.out.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    cdo = [python, "-m", "cdo_toolkit"]
    frictionless = str(Path(python).with_name("frictionless"))
    print(
        f"{'rows':>9} {'variant':<7} {'tool':<13} {'seconds':>8} {'peak MiB':>9} {'rows/s':>11} {'vs cdo':>7}  exact"
    )
    for size in args.sizes:
        for share, variant in ((0.0, "clean"), (0.001, "dirty")):
            data = dataset(args.out, size, share)
            manifest = data.with_name(data.name + ".manifest.csv") if share else None
            expected = expected_errors(manifest)
            results: dict[str, tuple[float, float, bool | str]] = {}
            times, peaks = [], []
            exact: bool | str = False
            for _ in range(args.repeat):
                seconds, peak, output = run(
                    [
                        *cdo,
                        "validate",
                        str(data),
                        "--schema",
                        str(SCHEMA),
                        "--format",
                        "json",
                        "--limit-errors",
                        "10000000",
                    ],
                    ROOT,
                )
                times.append(seconds)
                peaks.append(peak)
                exact = found_errors(output) == expected
            results["cdo validate"] = (statistics.median(times), max(peaks), exact)
            times, peaks = [], []
            for _ in range(args.repeat):
                seconds, peak, output = run(
                    [python, "-c", DUCKDB_REFERENCE, str(data), str(SCHEMA)], ROOT
                )
                times.append(seconds)
                peaks.append(peak)
                counts = json.loads(output)
                flagged = counts["violations"] + counts["rejects"]
                exact = f"{flagged} flagged"
            results["duckdb ref"] = (statistics.median(times), max(peaks), exact)
            if not args.skip_frictionless and (size <= 1_000_000 or args.frictionless_5m):
                link = data.parent / "schema.json"
                if not link.exists():
                    link.write_text(SCHEMA.read_text("utf-8"), "utf-8")
                seconds, peak, output = run(
                    [
                        frictionless,
                        "validate",
                        data.name,
                        "--schema",
                        "schema.json",
                        "--limit-errors",
                        "10000000",
                        "--json",
                    ],
                    data.parent,
                )
                results["frictionless"] = (seconds, peak, found_errors(output) == expected)
            base = results["cdo validate"][0]
            for tool, (seconds, peak, exact) in results.items():
                ratio = seconds / base
                print(
                    f"{size:>9} {variant:<7} {tool:<13} {seconds:>8.2f} {peak:>9.0f} {size / seconds:>11,.0f} "
                    f"{ratio:>6.1f}×  {exact}"
                )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
