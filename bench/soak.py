"""Soak benchmark: many submissions in sequence into one warehouse, nothing growing.

1,000 small files (50 rows, appended to one table) and then 20 files of
1M rows (the validation benchmark's dataset, one cell changed each time so that none is a
duplicate) are submitted, in that order, into one warehouse, with lineage recorded.

One long-lived process submits through the Python API, so a leak shows as resident
memory that grows from block to block; ``cdo history`` runs as a command of its own after
every block. Prints, per block of small submissions, the median and 95th percentile of
the time per submission, the RSS after the block and the time of ``cdo history``; for each
large submission its time and peak RSS; and the ratios last / first.

    python bench/soak.py [--small 1000] [--large 20] [--large-rows 1000000]
                         [--warehouse URL] [--out bench/out]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, dataset, require_schema
from load import registry, timed

SMALL_SOURCE = """\
id: mereni
title: Měření (soak)
description: Malé dávky měření pro vytrvalostní zkoušku.
theme: environment
guarantor: bench
publisher: bench
standard: bench
update_frequency: DAILY
licence: CC0-1.0
personal_data: false
encoding: utf-8
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: kod, type: string, constraints: {required: true, pattern: '5\\d{5}'}}
    - {name: nazev, type: string, constraints: {required: true}}
    - {name: hodnota, type: number, decimalChar: ",", constraints: {minimum: 0}}
    - {name: datum, type: date, format: "%d.%m.%Y"}
  primaryKey: [kod]
warehouse: {table: mereni, load_mode: append}
"""
BLOCK = 100
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 2**20


class PeakRss:
    """The highest RSS of this process while the block runs, sampled every 20 ms."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib())
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())


def small_file(path: Path, number: int) -> None:
    rng = random.Random(number)
    rows = [
        f"5{rng.randrange(100_000):05d};Stanice {number}-{i};{rng.randrange(10_000)},{rng.randrange(100)};"
        f"{rng.randrange(1, 29)}.{rng.randrange(1, 13)}.{rng.randrange(2000, 2027)}"
        for i in range(50)
    ]
    unique = list({row.split(";", 1)[0]: row for row in rows}.values())
    path.write_text("kod;nazev;hodnota;datum\n" + "\n".join(unique) + "\n", "utf-8")


def history_seconds(root: Path, url: str, work: Path) -> float:
    command = [sys.executable, "-m", "cdo_toolkit", "--registry", str(root), "--warehouse", url]
    return timed([*command, "history"], work)[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=20)
    parser.add_argument("--large-rows", type=int, default=1_000_000)
    parser.add_argument("--warehouse", help="a warehouse URL (default: a new DuckDB file)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    require_schema()
    data = dataset(args.out, args.large_rows) if args.large else None

    from cdo_toolkit.lineage.emitter import Emitter
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.warehouse.submit import submit
    from cdo_toolkit.warehouse.url import parse_url

    with tempfile.TemporaryDirectory(prefix="cdo-soak-") as folder:
        work = Path(folder)
        root = registry(work)
        (root / "sources" / "mereni.yaml").write_text(SMALL_SOURCE, "utf-8")
        url_text = args.warehouse or f"duckdb:///{work / 'warehouse' / 'cdo.duckdb'}"
        url = parse_url(url_text, work)
        loaded = load_valid(root)
        emitter = Emitter(url.folder)

        def run(source: str, file: Path) -> float:
            started = time.perf_counter()
            result = submit(loaded, url, source, file, emitter=emitter)
            if result.status != "accepted":
                sys.exit(f"error: submission of {file.name} was {result.status}")
            return time.perf_counter() - started

        print(f"warehouse: {url.safe}")
        print(f"small submissions: {args.small} of 50 rows, appended to one table")
        print(f"{'block':>9} {'median s':>9} {'p95 s':>7} {'RSS MiB':>8} {'history s':>10}")
        blocks: list[tuple[float, float, float]] = []
        small = work / "small.csv"
        for start in range(0, args.small, BLOCK):
            times = []
            for number in range(start, min(start + BLOCK, args.small)):
                small_file(small, number)
                times.append(run("mereni", small))
            median = statistics.median(times)
            p95 = sorted(times)[int(0.95 * (len(times) - 1))]
            history = history_seconds(root, url_text, work)
            blocks.append((median, rss_mib(), history))
            print(
                f"{start + 1:>4}–{start + len(times):<4} {median:9.3f} {p95:7.3f} "
                f"{blocks[-1][1]:8.0f} {history:10.2f}"
            )
        if blocks:
            first, last = blocks[0], blocks[-1]
            print(
                f"last / first block: time per submission {last[0] / first[0]:.2f}, "
                f"RSS {last[1] - first[1]:+.0f} MiB, cdo history {last[2] / first[2]:.2f}"
            )

        if args.large:
            print(
                f"large submissions: {args.large} of {args.large_rows:,} rows, replacing one table"
            )
            print(f"{'#':>3} {'seconds':>8} {'peak RSS MiB':>13} {'RSS after MiB':>14}")
        large: list[tuple[float, float]] = []
        header, _, body = data.read_bytes().partition(b"\n") if data else (b"", b"", b"")
        for number in range(args.large):
            copy = work / f"large-{number}.csv"
            # One cell of the first row changed: a new file, not a duplicate of the last.
            first_row, _, rest = body.partition(b"\n")
            cells = next(csv.reader([first_row.decode()]))
            cells[header.decode().split(",").index("poznamka")] = f"soak {number}"
            line = io.StringIO()
            csv.writer(line, lineterminator="\n").writerow(cells)
            copy.write_bytes(header + b"\n" + line.getvalue().encode() + rest)
            with PeakRss() as peak:
                seconds = run("rejstrik-skol", copy)
            copy.unlink()
            large.append((seconds, peak.peak))
            print(f"{number + 1:>3} {seconds:8.2f} {peak.peak:13.0f} {rss_mib():14.0f}")
        if large:
            half = max(1, len(large) // 4)
            early = statistics.median(s for s, _ in large[:half])
            late = statistics.median(s for s, _ in large[-half:])
            peaks = [p for _, p in large]
            print(
                f"last / first quarter: time {late / early:.2f}; "
                f"peak RSS first {peaks[0]:.0f} MiB, last {peaks[-1]:.0f} MiB, max {max(peaks):.0f} MiB"
            )
        print(
            f"history: {history_seconds(root, url_text, work):.2f} s for `cdo history` at the end"
        )
        shutil.rmtree(work / "warehouse", ignore_errors=True)


if __name__ == "__main__":
    main()
