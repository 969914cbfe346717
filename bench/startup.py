"""Start-up time of the CLI against the bare cost of importing typer, in one run.

Prints the median wall time of ``cdo --help`` and ``python -c "import typer"`` over
interleaved runs, and their ratio (target: at most 2.0). Also checks that no heavy
library is imported by ``cdo --help`` or ``cdo registry list``.

    python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = (
    "pandas",
    "polars",
    "frictionless",
    "pandera",
    "duckdb",
    "sqlglot",
    "openlineage",
    "pyarrow",
)
ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    return time.perf_counter() - start


def heavy_imports(args: list[str]) -> list[str]:
    """Heavy top-level modules that ``cdo ARGS`` imports."""
    code = (
        "import sys, runpy; sys.argv = ['cdo', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('cdo_toolkit', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    return result.stderr.strip().splitlines()[-1].split() if result.stderr.strip() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    cdo = [sys.executable, "-m", "cdo_toolkit", "--help"]
    typer_only = [sys.executable, "-c", "import typer"]
    timed(cdo), timed(typer_only)  # warm the file cache
    cdo_times, typer_times = [], []
    for _ in range(runs):
        cdo_times.append(timed(cdo))
        typer_times.append(timed(typer_only))
    cdo_median = statistics.median(cdo_times)
    typer_median = statistics.median(typer_times)
    print(f"runs: {runs} each, interleaved")
    print(f"python -c 'import typer': median {typer_median * 1000:.1f} ms")
    print(f"cdo --help:               median {cdo_median * 1000:.1f} ms")
    print(f"ratio: {cdo_median / typer_median:.2f} (target <= 2.0)")
    for args in (["--help"], ["registry", "list"]):
        found = heavy_imports(args)
        print(f"heavy modules imported by cdo {' '.join(args)}: {', '.join(found) or 'none'}")


if __name__ == "__main__":
    main()
