"""Reports and records are written whole: the old file or the new one, never half."""

from __future__ import annotations

import os
import stat
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


def test_a_full_disk_is_an_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    from cdo_toolkit.errors import CdoError

    report = tmp_path / "report.html"
    report.write_text("old", "utf-8")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(CdoError, match=r"cannot write .*report\.html: No space left on device"):
        write_atomic(report, "new", durable=True)
    assert report.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_output_paths_that_are_folders_or_files_in_the_way(cdo, shipped_registry: Path) -> None:  # type: ignore[no-untyped-def]
    """An output given as an existing folder, or a folder given where a file stands: one
    line naming it and exit 2, no traceback."""
    Path("vystupy").mkdir()
    Path("data.csv").write_text("a,b\n1,2\n", "utf-8")
    Path("katalog.json").write_text("{}", "utf-8")
    warehouse = ("--warehouse", "duckdb:///warehouse/a.duckdb")
    for args, message in (
        (("audit", "--markdown", "vystupy"), "vystupy is a folder"),
        (("audit", "--html", "vystupy"), "vystupy is a folder"),
        (("validate", "data.csv", "--output", "vystupy"), "vystupy is a folder"),
        (("catalog", "export", "--out", "katalog.json"), "katalog.json is a file"),
        (("catalog", "export", "--out", "katalog.json/sub"), "katalog.json is a file"),
    ):
        result = cdo(*warehouse, *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output, result.output
    assert Path("katalog.json").read_text("utf-8") == "{}"


def test_a_new_file_never_replaces_one_and_is_whole_or_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``new``: a file that exists is kept and the write refused; on a hard-link-less file
    system the name is taken exclusively; a write that fails leaves nothing behind."""
    import errno
    import os

    from cdo_toolkit.errors import CdoError

    entry = tmp_path / "hriste.yaml"
    entry.write_text("id: hriste\n", "utf-8")
    with pytest.raises(CdoError, match=r"cannot write .*hriste\.yaml: File exists"):
        write_atomic(entry, "id: jine\n", new=True)
    assert entry.read_text("utf-8") == "id: hriste\n"
    assert [p.name for p in tmp_path.iterdir()] == ["hriste.yaml"]

    other = tmp_path / "skoly.yaml"
    with pytest.raises(UnicodeEncodeError):  # fails half-way through the temporary file
        write_atomic(other, "x" * 5000 + "\ud800", new=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hriste.yaml"]

    def no_links(*_args: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", no_links)
    write_atomic(other, "id: skoly\n", new=True)
    assert other.read_text("utf-8") == "id: skoly\n"
    with pytest.raises(CdoError, match="File exists"):
        write_atomic(other, "id: jine\n", new=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hriste.yaml", "skoly.yaml"]


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions")
def test_written_files_get_the_permissions_others_need_to_read_them(tmp_path: Path) -> None:
    """A report or catalogue written through a temporary file is readable as any new file
    is under the umask (a temporary file alone would be its owner's only), and a file
    replaced keeps its own permissions (shared with a group, say)."""
    previous = os.umask(0o022)
    try:
        report = tmp_path / "report.html"
        write_atomic(report, "<p>zpráva</p>")
        assert stat.S_IMODE(report.stat().st_mode) == 0o644
        os.umask(0o027)
        record = tmp_path / "katalog.jsonld"
        write_atomic(record, "{}", new=True)
        assert stat.S_IMODE(record.stat().st_mode) == 0o640
        report.chmod(0o664)
        write_atomic(report, "<p>nová</p>", durable=True)
        assert stat.S_IMODE(report.stat().st_mode) == 0o664
        assert report.read_text("utf-8") == "<p>nová</p>"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["katalog.jsonld", "report.html"]
    finally:
        os.umask(previous)
