"""Multipart resources of a Data Package: several files read as one table, as Frictionless
reads them (for CSV with a header, each further part's first line is its header, skipped)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.parity import agreed_errors, engine_errors

SCHEMA = {
    "fields": [
        {"name": "kod", "type": "string", "constraints": {"pattern": "5[0-9]{5}"}},
        {"name": "nazev", "type": "string"},
        {"name": "obyvatel", "type": "integer"},
    ],
    "primaryKey": ["kod"],
}


def _package(folder: Path, parts: dict[str, str], **resource: Any) -> Path:
    for name, text in parts.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    descriptor = {"name": "obce", "resources": [{"name": "obce", "path": list(parts), **resource}]}
    target = folder / "datapackage.json"
    target.write_text(json.dumps(descriptor), "utf-8")
    return target


def test_parts_with_headers_are_one_table(tmp_path: Path) -> None:
    """Rows are numbered through the parts; a key repeated across parts is found."""
    package = _package(
        tmp_path,
        {
            "2024/obce.csv": "kod,nazev,obyvatel\n563889,Liberec,104261\n563510,Jablonec,45830\n",
            "2025/obce.csv": "kod,nazev,obyvatel\n577626,Turnov,14000\n563889,Liberec,cca 104000\n",
        },
        schema=SCHEMA,
    )
    assert agreed_errors(package) == {("primary-key", 5, None), ("type-error", 5, "obyvatel")}


def test_parts_without_a_schema_are_inferred_as_one_table(tmp_path: Path) -> None:
    """Types come from the rows of every part: the first part alone (an empty cell) would
    leave the column untyped; with the second part's numbers it is an integer column."""
    rows = "".join(f"56{n:04d},{n * 100}\n" for n in range(10))
    package = _package(
        tmp_path,
        {
            "a.csv": "kod,obyvatel\n577626,\n",
            "b.csv": "kod,obyvatel\n" + rows + "563510,neznámo\n",
        },
    )
    assert agreed_errors(package) == {("type-error", 13, "obyvatel")}


def test_headerless_parts_keep_every_line(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {"a.csv": "563889,Liberec,104261\n", "b.csv": "563510,Jablonec,45830\n5635,X,1\n"},
        schema=SCHEMA,
        dialect={"header": False},
    )
    assert agreed_errors(package) == {("constraint-error", 3, "kod")}


def test_a_part_outside_the_package_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("kod\n1\n", "utf-8")
    folder = tmp_path / "pkg"
    folder.mkdir()
    package = _package(folder, {"a.csv": "kod\n1\n"})
    descriptor = json.loads(package.read_text("utf-8"))
    for paths in (["a.csv", "../secret.csv"], ["a.csv", 5]):
        descriptor["resources"][0]["path"] = paths
        package.write_text(json.dumps(descriptor), "utf-8")
        errors = engine_errors(package)
        assert {kind for kind, _row, _field in errors} == {"scheme-error"}, paths
