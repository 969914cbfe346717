"""Reports and records are written whole: the old file or the new one, never half."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdo_toolkit.files import write_atomic


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    write_atomic(report, "<p>stará zpráva</p>")
    with pytest.raises(UnicodeEncodeError):  # fails half-way: after the first 5,000 characters
        write_atomic(report, "x" * 5000 + "\ud800")
    assert report.read_text("utf-8") == "<p>stará zpráva</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    write_atomic(report, "<p>nová</p>", durable=True)
    assert report.read_text("utf-8") == "<p>nová</p>"


def test_audit_report_is_replaced_whole(cdo, shipped_registry: Path) -> None:  # type: ignore[no-untyped-def]
    Path("report.md").write_text("old", "utf-8")
    assert (
        cdo(
            "--warehouse", "duckdb:///warehouse/a.duckdb", "audit", "--markdown", "report.md"
        ).exit_code
        == 0
    )
    text = Path("report.md").read_text("utf-8")
    assert text != "old" and text.startswith("#")
    assert sorted(p.name for p in Path().glob("*report.md*")) == ["report.md"]
