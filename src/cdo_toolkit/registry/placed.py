"""Findings placed at a key or value of a parsed YAML document."""

from __future__ import annotations

from cdo_toolkit.findings import Finding, Location, Severity
from cdo_toolkit.yamlpos import Document, Path_, YamlProblem


def finding(
    code: str,
    message: str,
    document: Document | str,
    mark_path: Path_ = (),
    *,
    key: bool = False,
    hint: str | None = None,
    severity: Severity = Severity.ERROR,
) -> Finding:
    """A finding at ``mark_path`` of ``document`` (its key when ``key``), or at a file name."""
    if isinstance(document, str):
        return Finding(code, severity, message, Location(document), hint)
    mark = document.key_mark(mark_path) if key else document.value_mark(mark_path)
    return Finding(code, severity, message, Location(document.file, mark.line, mark.column), hint)


def problem_finding(problem: YamlProblem) -> Finding:
    """A finding for a file that could not be read as safe YAML."""
    return Finding(
        problem.code,
        Severity.ERROR,
        problem.message,
        Location(problem.file, problem.mark.line, problem.mark.column),
        problem.hint,
    )
