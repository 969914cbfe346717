"""Security: no SQL from string formatting, no secret in any output, injection refused."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import REPO

# Calls that run SQL: the statement is their first argument.
SQL_CALLS = {"execute", "executemany", "sql", "query", "_run", "read_sql"}


def _formats_a_string(node: ast.AST) -> bool:
    """An f-string with values, str.format(), or %-formatting, anywhere in the expression."""
    for part in ast.walk(node):
        if isinstance(part, ast.JoinedStr) and any(
            isinstance(v, ast.FormattedValue) for v in part.values
        ):
            return True
        if isinstance(part, ast.Call) and getattr(part.func, "attr", None) == "format":
            return True
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Mod):
            return True
    return False


def test_no_sql_is_built_by_formatting_strings() -> None:
    """Identifiers go through sqlglot (quoted) and values through parameters, never into text."""
    offenders = []
    files = sorted((REPO / "src" / "cdo_toolkit").rglob("*.py")) + sorted(
        (REPO / "bench").glob("*.py")
    )
    for path in files:
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in SQL_CALLS and _formats_a_string(node.args[0]):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == [], f"SQL built by string formatting: {offenders}"


def test_the_check_catches_what_it_is_for() -> None:
    bad = ast.parse('con.execute(f"SELECT * FROM {table}")').body[0].value  # type: ignore[attr-defined]
    good = ast.parse('con.execute("SELECT * FROM t WHERE id = ?", [value])').body[0].value  # type: ignore[attr-defined]
    assert _formats_a_string(bad.args[0]) and not _formats_a_string(good.args[0])


SECRET = "TopSecret123"
URL = f"postgresql://cdo:{SECRET}@127.0.0.1:1/warehouse"


def test_password_is_in_no_output_even_with_debug(base_registry: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CDO_")} | {"LANG": "C.UTF-8"}
    Path("obce.csv").write_text("kod_obce,nazev\n563889,Liberec\n", "utf-8")
    for args in (
        ["warehouse", "status"],
        ["history"],
        ["submit", "obce", "obce.csv"],
        ["score"],
        ["catalog", "check"],
    ):
        for debug in ([], ["--debug"]):
            result = subprocess.run(
                [sys.executable, "-m", "cdo_toolkit", *debug, "--warehouse", URL, *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            output = result.stdout + result.stderr
            assert SECRET not in output, (args, debug, output)
            if not debug:
                assert result.returncode in (1, 2), (args, output)
                assert "Traceback" not in output
    lineage = Path("warehouse")
    for path in lineage.rglob("*") if lineage.exists() else []:
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_sql_in_cells_is_data(base_registry: Path, cdo: Callable[..., Any]) -> None:
    """Cells that are SQL or markup are loaded as values and change nothing else."""
    url = "duckdb:///warehouse/s.duckdb"
    hostile = "'); DROP TABLE raw.obce; --"
    Path("obce.csv").write_text(
        f'kod_obce,nazev\n563889,"{hostile}"\n563510,<script>alert(1)</script>\n', "utf-8"
    )
    assert cdo("--warehouse", url, "submit", "obce", "obce.csv").exit_code == 0
    import duckdb

    with duckdb.connect("warehouse/s.duckdb", read_only=True) as con:
        names = [
            row[0] for row in con.execute("SELECT nazev FROM raw.obce ORDER BY kod_obce").fetchall()
        ]
    assert names == ["<script>alert(1)</script>", hostile]
