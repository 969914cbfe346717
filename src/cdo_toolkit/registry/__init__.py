"""The registry of the region's data sources, guarantors and quality standards.

Public API: :func:`load` (collects findings), :func:`load_valid` (refuses a registry with
errors), :func:`lint`, and the views used by the CLI.
"""

from cdo_toolkit.registry.lint import lint
from cdo_toolkit.registry.loader import load, load_valid
from cdo_toolkit.registry.registry import Registry, SourceEntry
from cdo_toolkit.registry.views import LintResult, list_sources, source_details

__all__ = [
    "LintResult",
    "Registry",
    "SourceEntry",
    "lint",
    "list_sources",
    "load",
    "load_valid",
    "source_details",
]
