"""What the benchmarks share: where the dataset's Table Schema is, their common options,
and the dataset itself, generated with the project's own generator when missing."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "bench" / "schema.json"


def options(doc: str | None) -> argparse.ArgumentParser:
    """A parser of ``--repeat`` and ``--out``, described by the script's ``doc``."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    return parser


def require_schema() -> None:
    if not SCHEMA.is_file():
        sys.exit(
            f"error: {SCHEMA} not found: the benchmark's Table Schema lives in ../shared/bench"
        )


def dataset(out: Path, rows: int, share: float = 0.0) -> Path:
    """The benchmark's file of ``rows`` rows, ``share`` of them broken (with a manifest of
    each), written by the generator in its own process (a child inherits its parent's
    peak memory) if it is not there yet."""
    data = out / f"schools-{rows}-{'dirty' if share else 'clean'}.csv"
    if not data.exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "cdo_toolkit.synth.bench", str(data), "--rows", str(rows)]
            + (["--errors", str(share)] if share else []),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return data
