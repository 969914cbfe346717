"""Documentation stays true: every finding code the code can emit is documented."""

from __future__ import annotations

import re
from pathlib import Path


def test_every_registry_code_is_documented(repo: Path) -> None:
    source = "\n".join(p.read_text("utf-8") for p in (repo / "src" / "cdo_toolkit").rglob("*.py"))
    codes = set(re.findall(r'"(REG\d{3})"', source))
    documented = set(
        re.findall(r"\bREG\d{3}\b", (repo / "docs" / "registry.md").read_text("utf-8"))
    )
    assert codes, "no codes found: the pattern is out of date"
    assert codes <= documented, f"undocumented codes: {sorted(codes - documented)}"


def test_readme_opens_with_the_two_commands(repo: Path) -> None:
    readme = (repo / "README.md").read_text("utf-8")
    commands = re.findall(r"^make \w+", readme, flags=re.MULTILINE)
    assert commands[:2] == ["make demo", "make test"]
