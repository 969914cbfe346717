"""Lint case files: each is a change to a small valid registry and the findings it must yield.

Adding a case is adding a YAML file to tests/cases/registry/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cdo_toolkit.registry.lint import lint
from tests.conftest import case_files, write_files


@pytest.mark.parametrize("case_file", case_files("registry"), ids=lambda p: p.stem)
def test_lint_case(case_file: Path, base_registry: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    write_files(base_registry, case.get("files", {}))
    for name in case.get("remove", []):
        (base_registry / name).unlink()

    result = lint(base_registry)

    got = [
        (
            f"{f.location.file.removeprefix('registry/')}:{f.location.line}:{f.location.column}",
            f.code,
        )
        for f in result.findings
    ]
    expected = [(item["at"], item["code"]) for item in case["expect"]]
    assert sorted(got) == sorted(expected), case["name"]
    by_place = {(place, code): f for (place, code), f in zip(got, result.findings, strict=True)}
    for item in case["expect"]:
        found = by_place[(item["at"], item["code"])]
        assert item["message"] in found.message
        if "hint" in item:
            assert found.hint == item["hint"]
        assert found.severity.value == item.get("severity", "error")


def test_base_registry_is_clean(base_registry: Path) -> None:
    assert lint(base_registry).findings == []
