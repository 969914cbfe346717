"""Security: no SQL from string formatting, no secret in any output, injection refused."""

from __future__ import annotations

import ast
import json
import os
import re
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


HOSTILE_CELLS = (
    'id,nazev\n"x\n::warning::injected","<script>alert(1)</script>"\n'
    '=HYPERLINK(""http://x""),"a|b`c]]>&amp;\x1b[31mred"\n'
)
HOSTILE_SCHEMA = (
    '{"fields": [{"name": "id", "type": "integer"},'
    ' {"name": "nazev", "type": "string", "constraints": {"maxLength": 3}}]}'
)


def test_every_validation_format_escapes_what_cells_hold(
    cdo: Callable[..., Any], workdir: Path
) -> None:
    """A cell's line break, markup, formula, pipe or terminal escape changes no report's
    structure: four errors stay four annotations, rows, records or lines. Reports for
    people show control characters written out; JSON and JUnit keep the exact value."""
    import csv
    import io
    import xml.etree.ElementTree as ET

    Path("h.csv").write_text(HOSTILE_CELLS, "utf-8")
    Path("s.json").write_text(HOSTILE_SCHEMA, "utf-8")

    def run(fmt: str) -> str:
        result = cdo("validate", "h.csv", "--schema", "s.json", "--format", fmt)
        assert result.exit_code == 1, result.output
        assert "\x1b" not in result.output  # no escape sequence reaches a terminal or log
        return str(result.output)

    text = run("text")
    assert not any(line.startswith("::") for line in text.splitlines())
    assert 'the cell "x\\n::warning::injected"' in text and "\\x1b[31mred" in text
    github = run("github").splitlines()
    assert len(github) == 4 and all(line.startswith("::error file=h.csv,") for line in github)
    markdown = run("markdown")
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith(("| 2 |", "| 3 |"))]
    assert len(rows) == 4 and all(len(re.findall(r"(?<!\\)\|", row)) == 6 for row in rows)
    assert "&amp;amp;" in markdown  # the cell's own "&amp;" shown as written
    cases = ET.fromstring(run("junit")).iter("failure")
    assert "<script>alert(1)</script>" in "".join(f.text or "" for f in cases)
    records = list(csv.DictReader(io.StringIO(run("csv").removeprefix("\ufeff")), delimiter=";"))
    assert len(records) == 4
    assert {r["cell"] for r in records} >= {"x\\n::warning::injected", '\'=HYPERLINK(""http://x"")'}
    report = json.loads(cdo("validate", "h.csv", "--schema", "s.json", "--format", "json").output)
    assert {e["cell"] for e in report["tasks"][0]["errors"]} >= {"<script>alert(1)</script>"}


def test_audit_reports_escape_sample_cells(cdo: Callable[..., Any], base_registry: Path) -> None:
    url = "duckdb:///warehouse/a.duckdb"
    Path("obce.csv").write_text(
        'kod_obce,nazev\n"<script>alert(1)</script>|`\x1b[2J",Obec\n', "utf-8"
    )
    assert cdo("--warehouse", url, "submit", "obce", "obce.csv").exit_code == 1  # rejected
    result = cdo("--warehouse", url, "audit", "--html", "a.html", "--markdown", "a.md")
    assert result.exit_code == 0, result.output
    page = Path("a.html").read_text("utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    summary = Path("a.md").read_text("utf-8")
    assert "<script>" not in summary and "&lt;script&gt;alert(1)" in summary
    assert "\x1b" not in summary and "\x1b" not in page.replace("\\u001b", "")


def test_lineage_api_key_is_in_no_output_nor_file(base_registry: Path) -> None:
    """The endpoint's API key goes in the request's header and nowhere else: not in
    messages (also with --debug), the lineage log, the spool, or `cdo lineage flush`."""
    key = "ApiKey-Zx9Secret"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CDO_", "OPENLINEAGE"))}
    env |= {"LANG": "C.UTF-8", "OPENLINEAGE_URL": "http://127.0.0.1:9", "OPENLINEAGE_API_KEY": key}
    Path("obce.csv").write_text("kod_obce,nazev\n563889,Liberec\nx,Chyba\n", "utf-8")
    outputs = []
    for args in (
        ["validate", "obce.csv", "--source", "obce"],
        ["submit", "obce", "obce.csv"],
        ["lineage", "flush"],
        ["lineage", "runs"],
    ):
        for debug in ([], ["--debug"]):
            result = subprocess.run(
                [sys.executable, "-m", "cdo_toolkit", *debug, *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            outputs.append(result.stdout + result.stderr)
            assert key not in outputs[-1], (args, debug, outputs[-1])
    assert any("spool" in output for output in outputs)  # the endpoint was tried and failed
    files = [p for p in Path("warehouse").rglob("*") if p.is_file()]
    assert any(p.name == "spool.jsonl" for p in files)
    for path in files:
        assert key.encode() not in path.read_bytes(), path
