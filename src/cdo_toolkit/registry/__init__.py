"""The registry of the region's data sources, guarantors and quality standards.

Public API: :func:`load` (collects findings), :func:`load_valid` (refuses a registry with
errors), and the views used by the CLI; :func:`cdo_toolkit.registry.lint.lint` is imported
from its module, whose name it shares: once the module is imported, the package's
attribute ``lint`` is the module, whatever was bound to it before.

The names are imported on first use: a command that needs one submodule (the views of
``cdo registry list``) does not pay for the others (lint, inference of new entries).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdo_toolkit.registry.loader import load, load_valid
    from cdo_toolkit.registry.registry import Registry, SourceEntry
    from cdo_toolkit.registry.views import LintResult, list_sources, source_details

_WHERE = {
    "load": "loader",
    "load_valid": "loader",
    "Registry": "registry",
    "SourceEntry": "registry",
    "LintResult": "views",
    "list_sources": "views",
    "source_details": "views",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


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
