"""Settings: command-line flags > environment (``CDO_*``) > ``cdo.yaml`` > defaults.

``cdo.yaml`` is looked up in the working directory and then in each folder above it, as
git finds its repository (or named by ``CDO_CONFIG``); relative paths in it are relative to
the file's own folder, so the toolkit behaves the same from any working directory of the
project, ``examples/`` included.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import LANGUAGES, _

CONFIG_FILE = "cdo.yaml"
DEFAULT_WAREHOUSE = "duckdb:///warehouse/cdo.duckdb"
_KEYS = {"registry", "warehouse", "namespace", "lang", "lineage"}


@dataclass(frozen=True)
class Settings:
    registry: Path
    warehouse: str
    namespace: str = "liberecky-kraj"
    lang: str | None = None
    root: Path = field(default_factory=Path.cwd)
    """The folder that relative paths (registry, warehouse file) are resolved against."""
    lineage: dict[str, Any] | None = None
    """OpenLineage client configuration (a transport), from ``lineage:`` in cdo.yaml."""
    in_project: bool = True
    """Whether a project was found or named: a ``cdo.yaml``, a ``registry/`` folder here,
    or a registry or warehouse given. Outside one (a guarantor validating a download), no
    ``warehouse/`` folder is made where the file lies."""

    @property
    def language(self) -> str:
        """``cs`` or ``en``: the setting, else the locale (``LC_ALL``/``LANG``), else English."""
        from cdo_toolkit.i18n import locale_language

        return self.lang or locale_language()


def _read_config_file(path: Path) -> dict[str, Any]:
    from cdo_toolkit.yamlpos import YamlProblem, load_yaml

    try:
        document = load_yaml(path)
    except YamlProblem as problem:
        raise CdoError(problem.render(), hint=_("fix the configuration file")) from None
    data = document.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CdoError(_("{file}:1:1: the configuration must be a mapping").format(file=path))
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        mark = document.key_mark((unknown[0],))
        raise CdoError(
            _("{file}:{line}:{column}: unknown key {key!r}").format(
                file=path, line=mark.line, column=mark.column, key=unknown[0]
            ),
            hint=_("known keys: {keys}").format(keys=", ".join(sorted(_KEYS))),
        )
    return dict(data)


def load_settings(
    *,
    registry: str | None = None,
    warehouse: str | None = None,
    lang: str | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve settings from flags, the environment, ``cdo.yaml`` and defaults."""
    cwd = cwd or Path.cwd()
    named = os.environ.get("CDO_CONFIG")
    config_path = Path(named) if named else _find_config(cwd)
    if config_path is not None and not config_path.is_file():
        config_path = None
    file_values: dict[str, Any] = {}
    root = cwd
    if config_path is not None:
        file_values = _read_config_file(config_path)
        root = config_path.resolve().parent

    def pick(flag: str | None, env: str, key: str, default: str) -> tuple[str, Path]:
        if flag:
            return flag, cwd
        if os.environ.get(env):
            return os.environ[env], cwd
        if key in file_values:
            return str(file_values[key]), root
        return default, root

    registry_value, registry_base = pick(registry, "CDO_REGISTRY", "registry", "registry")
    warehouse_value, _base = pick(warehouse, "CDO_WAREHOUSE", "warehouse", DEFAULT_WAREHOUSE)
    lang_value = lang or os.environ.get("CDO_LANG") or file_values.get("lang")
    if lang_value and str(lang_value) not in LANGUAGES:
        raise CdoError(
            _("unknown language {lang!r}").format(lang=lang_value),
            hint=_("use one of: {langs}").format(langs=", ".join(LANGUAGES)),
        )
    return Settings(
        registry=(registry_base / registry_value),
        warehouse=warehouse_value,
        namespace=str(file_values.get("namespace", "liberecky-kraj")),
        lang=str(lang_value) if lang_value else None,
        root=root,
        lineage=file_values.get("lineage")
        if isinstance(file_values.get("lineage"), dict)
        else None,
        in_project=bool(
            config_path is not None
            or (cwd / "registry").is_dir()
            or registry
            or warehouse
            or os.environ.get("CDO_REGISTRY")
            or os.environ.get("CDO_WAREHOUSE")
        ),
    )


def _find_config(start: Path) -> Path | None:
    for folder in (start, *start.resolve().parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
    return None
