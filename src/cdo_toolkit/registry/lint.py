"""``cdo registry lint``: every problem of the registry, each at its file:line:col."""

from __future__ import annotations

from pathlib import Path

from cdo_toolkit.findings import display_path
from cdo_toolkit.registry.loader import load
from cdo_toolkit.registry.views import LintResult


def lint(root: Path) -> LintResult:
    """Read the whole registry and report what is wrong with it.

    Raises:
        CdoError: ``root`` is not a folder (the registry is unusable, not merely wrong).
    """
    registry = load(root)
    return LintResult(display_path(root), registry.findings, len(registry.sources))
