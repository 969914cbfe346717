"""Reading a large registry: a region's catalogue grows to hundreds of sources.

Copies the shipped registry and adds ``--sources`` copies of the schools' entry (each
with its own Table Schema file), then prints in one run:

* the time to compose every file's YAML/JSON with libyaml (what ``cdo`` uses) and with
  PyYAML's own parser (the reference), and their ratio;
* the median wall time of ``cdo registry list``, ``cdo registry show``,
  ``cdo registry lint`` and ``cdo validate --source`` (a sample file) over that registry
  and over the shipped one (the reference), each a process as users run them, and their
  ratio: what the registry's size costs each command.

    python bench/registry.py [--sources 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_registry(folder: Path, copies: int) -> Path:
    registry = folder / "registry"
    shutil.copytree(ROOT / "registry", registry)
    entry = (registry / "sources" / "skoly.yaml").read_text("utf-8")
    schema_line = re.search(r"^schema: (\S+)$", entry, re.M)
    assert schema_line, "the schools' entry names its schema file"
    schema = (registry / schema_line[1]).read_text("utf-8")
    for i in range(copies):
        (registry / "schemas" / f"skoly-{i}.schema.json").write_text(schema, "utf-8")
        text = re.sub(r"^id: skoly$", f"id: skoly-{i}", entry, flags=re.M)
        text = re.sub(r"^  table: skoly$", f"  table: skoly_{i}", text, flags=re.M)
        text = text.replace(schema_line[1], f"schemas/skoly-{i}.schema.json")
        (registry / "sources" / f"skoly-{i}.yaml").write_text(text, "utf-8")
    return registry


def compose_seconds(files: list[Path], loader: type) -> float:
    texts = [f.read_text("utf-8-sig") for f in files]
    start = time.perf_counter()
    for text in texts:
        parser = loader(text)
        parser.get_single_node()
        parser.dispose()
    return time.perf_counter() - start


def cdo_seconds(registry: Path, args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cdo_toolkit", "--lang", "en", "--registry", str(registry), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"cdo {' '.join(args)} failed: {done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import yaml

    with tempfile.TemporaryDirectory(prefix="cdo-registry-") as folder:
        registry = make_registry(Path(folder), args.sources)
        files = sorted(p for p in registry.rglob("*") if p.suffix in (".yaml", ".json"))
        print(
            f"registry: {len(list((registry / 'sources').glob('*.yaml')))} sources, "
            f"{len(files)} files"
        )
        fast = min(compose_seconds(files, yaml.CSafeLoader) for _ in range(args.runs))
        pure = min(compose_seconds(files, yaml.SafeLoader) for _ in range(args.runs))
        print(f"compose, libyaml:         {fast:.2f} s")
        print(f"compose, PyYAML's parser: {pure:.2f} s  (ratio {pure / fast:.1f})")
        warehouse = f"duckdb:///{Path(folder) / 'warehouse' / 'cdo.duckdb'}"
        sample = str(ROOT / "examples" / "skoly.csv")
        print(f"{'':36s} {'large':>7s} {'shipped':>8s} {'ratio':>6s}")
        for command in (
            ["registry", "list"],
            ["registry", "show", "skoly"],
            ["registry", "lint"],
            ["--warehouse", warehouse, "validate", sample, "--source", "skoly"],
        ):
            large, shipped = [], []
            for _ in range(args.runs):  # interleaved, so that the machine's drift hits both
                large.append(cdo_seconds(registry, command))
                shipped.append(cdo_seconds(ROOT / "registry", command))
            name = " ".join(c for c in command if c not in ("--warehouse", warehouse, sample))
            big, small = statistics.median(large), statistics.median(shipped)
            print(f"cdo {name:32s} {big:6.2f}s {small:7.2f}s {big / small:6.2f}")


if __name__ == "__main__":
    main()
