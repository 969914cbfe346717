"""Findings: what lint and policy checks report.

A finding has a stable code, a severity, a location (file, line, column) and a hint.
It renders the way compilers and linters do, so editors can jump to it::

    registry/sources/skoly.yaml:12:3: error REG010 unknown key 'guarantr'
    (did you mean 'guarantor'?)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from cdo_toolkit.errors import with_hint


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Location:
    """A place in a file; ``line`` and ``column`` are 1-based."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location
    hint: str | None = None

    def render(self) -> str:
        return with_hint(
            f"{self.location}: {self.severity.value} {self.code} {self.message}", self.hint
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_annotations(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands, so each finding shows at its file and line."""
    lines = []
    for item in findings:
        where = item.location
        props = f"file={_gh_escape(where.file, prop=True)},line={where.line},col={where.column}"
        title = _gh_escape(item.code, prop=True)
        message = with_hint(item.message, item.hint)
        lines.append(f"::{item.severity.value} {props},title={title}::{_gh_escape(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()
