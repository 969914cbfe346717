"""kill -9 at random moments during validate, submit, build and score: nothing is lost.

`make test` runs a few kills of each command (CDO_SOAK_RUNS, 2 by default); `make soak`
runs 13 of each, 52 per warehouse engine. After every kill: the loaded table holds one
whole load, the derived table one whole build, every landed file is complete (its name is
its sha256), the lineage log stays readable with the killed run shown as unfinished, and
running the command again succeeds. At the end no submission is left `validating`.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_warehouse import SOURCE, _rows, warehouse_url  # noqa: F401 - the fixture

RUNS = int(os.environ.get("CDO_SOAK_RUNS", "2"))
ROWS = 60_000
BUILD = """\
id: mesta-souhrn
title: Souhrn měst
description: Počet obcí a obyvatel podle roku založení.
sql: builds/mesta_souhrn.sql
table: mesta_souhrn
"""
BUILD_SQL = (
    "SELECT m.zalozeno, count(*) AS obci, sum(m.obyvatel) AS obyvatel "
    "FROM raw.mesta AS m GROUP BY m.zalozeno"
)


def _data(year: int) -> str:
    lines = ["kod;nazev;obyvatel;rozloha;zalozeno"] + [
        f"5{i:05d};Obec {i};{i};{i % 97},5;1.1.{year}" for i in range(ROWS)
    ]
    return "\n".join(lines) + "\n"


def _cdo(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "cdo_toolkit", "--warehouse", url, *args]


def _check_invariants(url: str) -> None:
    loaded = _rows(url, "SELECT count(*), count(DISTINCT zalozeno) FROM raw.mesta")[0]
    assert loaded == (ROWS, 1), loaded  # one whole load, never a mix
    built = _rows(
        url,
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'mart' AND table_name = 'mesta_souhrn'",
    )[0][0]
    if built:
        totals = _rows(url, "SELECT count(*), sum(obci) FROM mart.mesta_souhrn")[0]
        assert totals == (1, ROWS), totals  # one whole build
    for path in Path("warehouse/landing/mesta").glob("*.csv"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name.split(".")[0], path
    runs = subprocess.run(
        _cdo(url, "lineage", "runs", "--format", "json"), capture_output=True, text=True
    )
    assert runs.returncode == 0 and "Traceback" not in runs.stderr, runs.stderr
    json.loads(runs.stdout)


@pytest.mark.parametrize("command", ["validate", "submit", "build", "score"])
def test_kill_at_random_moments(
    command: str,
    base_registry: Path,
    warehouse_url: str,  # noqa: F811 - the fixture imported above
) -> None:
    (base_registry / "sources" / "mesta.yaml").write_text(
        SOURCE.replace("MODE", "replace"), "utf-8"
    )
    (base_registry / "builds").mkdir()
    (base_registry / "builds" / "mesta-souhrn.yaml").write_text(BUILD, "utf-8")
    (base_registry / "builds" / "mesta_souhrn.sql").write_text(BUILD_SQL, "utf-8")
    url = warehouse_url
    Path("v0.csv").write_text(_data(2000), "utf-8")
    for args in (["submit", "mesta", "v0.csv"], ["build"]):
        done = subprocess.run(_cdo(url, *args), capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    generator = random.Random(f"{command}-{url[:8]}")
    killed_runs = 0
    for attempt in range(1, RUNS + 1):
        Path(f"v{attempt}.csv").write_text(_data(2000 + attempt), "utf-8")
        args = {
            "validate": ["validate", f"v{attempt}.csv", "--source", "mesta"],
            "submit": ["submit", "mesta", f"v{attempt}.csv"],
            "build": ["build"],
            "score": ["score"],
        }[command]
        if command == "build":  # a build over a new load, so old and new differ
            loaded = subprocess.run(
                _cdo(url, "submit", "mesta", f"v{attempt}.csv"), capture_output=True, text=True
            )
            assert loaded.returncode == 0, loaded.stderr
        process = subprocess.Popen(
            _cdo(url, *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(generator.uniform(0.3, 2.5))
        if process.poll() is None:
            killed_runs += 1
        process.send_signal(signal.SIGKILL)
        process.wait()

        _check_invariants(url)
        again = subprocess.run(_cdo(url, *args), capture_output=True, text=True)
        assert again.returncode in (0, 1), again.stdout + again.stderr  # 1: invalid, said so
        assert "Traceback" not in again.stderr
        _check_invariants(url)
        if command == "build":
            year = _rows(url, "SELECT min(zalozeno) FROM mart.mesta_souhrn")[0][0]
            assert year.year == 2000 + attempt

    statuses = {s[0] for s in _rows(url, "SELECT status FROM cdo_meta.submissions")}
    assert statuses <= {"accepted", "rejected", "duplicate", "interrupted"}, statuses
    runs = json.loads(
        subprocess.run(
            _cdo(url, "lineage", "runs", "--format", "json"), capture_output=True, text=True
        ).stdout
    )
    unfinished = [r for r in runs["runs"] if r["state"] == "START"]
    # A command killed after its START event is visible as unfinished (a submit with its
    # load, a child run); one killed before it started left no event.
    children = {"submit": ("submit.", "load."), "build": ("build.",), "validate": ("validate",)}
    assert all(r["job"].startswith(children.get(command, ("-",))) for r in unfinished), unfinished
    top = [r for r in unfinished if r["job"].startswith(command)]
    assert len(top) <= killed_runs


def test_concurrent_submits_of_several_processes(
    base_registry: Path,
    warehouse_url: str,  # noqa: F811 - the fixture imported above
) -> None:
    """Two sources, each submitted twice at once: every process ends, every load is whole."""
    (base_registry / "sources" / "mesta.yaml").write_text(
        SOURCE.replace("MODE", "replace"), "utf-8"
    )
    url = warehouse_url
    jobs = []
    for n in (1, 2):
        Path(f"mesta{n}.csv").write_text(_data(2000 + n), "utf-8")
        Path(f"obce{n}.csv").write_text(
            "kod_obce,nazev\n" + "".join(f"5{i:05d},Obec {i} {n}\n" for i in range(5_000)),
            "utf-8",
        )
        jobs += [["mesta", f"mesta{n}.csv"], ["obce", f"obce{n}.csv"]]
    processes = [
        subprocess.Popen(
            _cdo(url, "submit", *job, "--wait", "120", "--format", "json"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    results = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, out + err
        assert json.loads(out)["status"] == "accepted"
    submissions = _rows(url, "SELECT source, status FROM cdo_meta.submissions ORDER BY id")
    assert sorted(submissions) == sorted([("mesta", "accepted")] * 2 + [("obce", "accepted")] * 2)
    assert _rows(url, "SELECT count(*), count(DISTINCT zalozeno) FROM raw.mesta")[0] == (ROWS, 1)
    names = _rows(url, "SELECT count(*), count(DISTINCT right(nazev, 1)) FROM raw.obce")[0]
    assert names == (5_000, 1)  # the rows of one file, not a mix of both


LARGE_MB = int(os.environ.get("CDO_LARGE_FILE_MB", "192"))
LARGE_SUBMIT_MB = int(os.environ.get("CDO_LARGE_SUBMIT_MB", "48"))
PEAK_LIMIT_MB = 1024
SUBMIT_PEAK_LIMIT_MB = 1536
SCHEMA = {
    "fields": [
        {"name": "kod", "type": "string", "constraints": {"required": True, "pattern": "5\\d{5}"}},
        {"name": "nazev", "type": "string"},
        {"name": "obyvatel", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "rozloha", "type": "number", "decimalChar": ","},
        {"name": "zalozeno", "type": "date", "format": "%d.%m.%Y"},
    ]
}


def _large_file(path: Path, megabytes: int) -> int:
    """A file of about ``megabytes`` of valid rows of ``SCHEMA``; its number of rows."""
    block = "".join(
        f"5{i:05d};Obec {i};{i};{i % 97},5;{i % 28 + 1}.{i % 12 + 1}.{1900 + i % 120}\n"
        for i in range(30_000)
    ).encode()
    repeats = megabytes * 1024 * 1024 // len(block) + 1
    with path.open("wb") as handle:
        handle.write(b"kod;nazev;obyvatel;rozloha;zalozeno\n")
        for _ in range(repeats):
            handle.write(block)
    return repeats * 30_000


def _peak_of(*args: str) -> tuple[int, int, str, str]:
    """Exit code, peak RSS in MiB, stderr and stdout of ``cdo ARGS``.

    The child's peak is read in a parent of its own, so no other test's peak counts."""
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
        "print(done.returncode, peak, done.stderr[-2000:].replace('\\n', ' '), sep='\\n')\n"
        "print(done.stdout)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "cdo_toolkit", *args],
        capture_output=True,
        text=True,
    )
    code, peak, stderr, stdout = result.stdout.split("\n", 3)
    return int(code), int(peak), stderr, stdout


def test_large_file_streams_in_bounded_memory(workdir: Path) -> None:
    """A file of valid rows far larger than the memory it may use (2 GB in `make soak`,
    CDO_LARGE_FILE_MB) is validated in full with a peak RSS under 1 GiB."""
    Path("schema.json").write_text(json.dumps(SCHEMA), "utf-8")
    rows = _large_file(Path("velky.csv"), LARGE_MB)
    size_mb = Path("velky.csv").stat().st_size / 2**20
    code, peak, stderr, stdout = _peak_of(
        "validate", "velky.csv", "--schema", "schema.json", "--format", "json"
    )
    assert code == 0, stderr or stdout[:2000]
    task = json.loads(stdout)["tasks"][0]
    assert task["valid"] and task["stats"]["rows"] == rows, task
    print(f"{size_mb:.0f} MiB, {rows} rows: peak RSS {peak} MiB")  # with -s
    assert peak < PEAK_LIMIT_MB, f"peak RSS {peak} MiB for a {size_mb:.0f} MiB file"


def test_large_submission_loads_in_bounded_memory(
    base_registry: Path,
    warehouse_url: str,  # noqa: F811 - the fixture imported above
) -> None:
    """A large submission (1 GB in `make soak`, CDO_LARGE_SUBMIT_MB) is landed, validated,
    loaded and reconciled with a peak RSS under 1.5 GiB: DuckDB stages and loads it under
    a memory limit, PostgreSQL takes it batch by batch."""
    source = SOURCE.replace("MODE", "replace").replace("  primaryKey: [kod]\n", "")
    assert "primaryKey" not in source  # the repeated rows repeat their keys
    (base_registry / "sources" / "mesta.yaml").write_text(source, "utf-8")
    rows = _large_file(Path("velky.csv"), LARGE_SUBMIT_MB)
    size_mb = Path("velky.csv").stat().st_size / 2**20
    code, peak, stderr, stdout = _peak_of(
        "--warehouse", warehouse_url, "submit", "mesta", "velky.csv", "--format", "json"
    )
    assert code == 0, stderr or stdout[:2000]
    result = json.loads(stdout)
    assert result["status"] == "accepted" and result["rows"] == rows, result["status"]
    assert _rows(warehouse_url, "SELECT count(*) FROM raw.mesta")[0][0] == rows
    print(f"{size_mb:.0f} MiB, {rows} rows: peak RSS {peak} MiB")  # with -s
    assert peak < SUBMIT_PEAK_LIMIT_MB, f"peak RSS {peak} MiB for a {size_mb:.0f} MiB file"
