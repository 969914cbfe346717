"""Reading the registry folder into typed entries, with findings that name file:line:col.

Layout::

    registry/
      registry.yaml        the region and defaults
      organisations.yaml   publishers and providers
      guarantors.yaml      data stewards
      standards.yaml       quality standards (tiers)
      sources/<id>.yaml    one file per source
      schemas/             Table Schemas referenced by sources

Loading never stops at the first problem: every file is read, every entry that is valid
is kept, and each problem becomes a :class:`~cdo_toolkit.findings.Finding`.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import Finding, Location, Severity, display_path
from cdo_toolkit.i18n import N_, _, ngettext
from cdo_toolkit.registry import models
from cdo_toolkit.registry.placed import finding, problem_finding
from cdo_toolkit.registry.registry import Registry, SourceEntry
from cdo_toolkit.yamlpos import Document, Path_, YamlProblem, load_yaml, read_text

LIST_FILES: dict[str, type[BaseModel]] = {
    "organisations": models.Organisation,
    "guarantors": models.Guarantor,
    "standards": models.Standard,
}
SOURCE_SUFFIXES = (".yaml", ".yml")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``Dialect | None`` or ``list[Source]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys that the model accepts at ``loc``, for "did you mean" hints."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        by_key = {info.alias or name: info for name, info in current.model_fields.items()}
        info = by_key.get(str(part))
        current = _model_of(info.annotation) if info is not None else None
    if current is None:
        return []
    return [info.alias or name for name, info in current.model_fields.items()]


def validation_findings(
    error: ValidationError, model: type[BaseModel], document: Document, prefix: Path_ = ()
) -> list[Finding]:
    """Turn pydantic's errors into findings placed at the offending key or value."""
    grouped: dict[tuple[Path_, str], list[ErrorDetails]] = {}
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        # Union members and validators add parts to loc that are not keys of the file.
        end = len(loc)
        while (
            end > 0
            and (*prefix, *loc[:end]) not in document.value_marks
            and item["type"]
            not in (
                "missing",
                "extra_forbidden",
            )
        ):
            end -= 1
        grouped.setdefault((loc[:end], item["type"]), []).append(item)
    findings = []
    for (loc, kind), items in grouped.items():
        path = (*prefix, *loc)
        field_name = str(loc[-1]) if loc else ""
        if kind == "extra_forbidden":
            known = _keys_at(model, loc[:-1])
            close = difflib.get_close_matches(field_name, known, n=1, cutoff=0.6)
            hint = (
                _("did you mean {key!r}?").format(key=close[0])
                if close
                else _("known keys: {keys}").format(keys=", ".join(known))
            )
            findings.append(
                finding(
                    "REG010",
                    _("unknown key {key!r}").format(key=field_name),
                    document,
                    path,
                    key=True,
                    hint=hint,
                )
            )
        elif kind == "missing":
            findings.append(
                finding(
                    "REG011",
                    _("missing key {key!r}").format(key=field_name),
                    document,
                    path[:-1],
                    hint=_("add it; see docs/registry.md"),
                )
            )
        elif field_name == "id" and kind == "string_pattern_mismatch":
            findings.append(
                finding(
                    "REG013",
                    _("invalid id {value!r}").format(value=items[0]["input"]),
                    document,
                    path,
                    hint=_("use lower-case letters, digits and '-', e.g. 'skoly-2024'"),
                )
            )
        elif loc[-2:] == ("warehouse", "table"):
            findings.append(
                finding(
                    "REG040",
                    _("unsafe warehouse table name {value!r}").format(value=items[0]["input"]),
                    document,
                    path,
                    hint=_("use lower-case letters, digits and '_', starting with a letter"),
                )
            )
        else:
            findings.append(_invalid_value(items, document, path))
    return findings


def _invalid_value(items: list[ErrorDetails], document: Document, path: Path_) -> Finding:
    messages = list(dict.fromkeys(str(item["msg"]) for item in items))
    where = ".".join(str(part) for part in items[0]["loc"] if not isinstance(part, int)) or "value"
    hint = None
    if any(item["type"] == "string_type" and isinstance(item["input"], int) for item in items):
        hint = _("put the value in quotes, so that leading zeros are kept")
    return finding(
        "REG012",
        _("invalid {where}: {reason}").format(where=where, reason=" or ".join(messages)),
        document,
        path,
        hint=hint,
    )


def _read(path: Path, registry: Registry) -> Document | None:
    try:
        return load_yaml(path)
    except YamlProblem as problem:
        registry.findings.append(problem_finding(problem))
        return None


def _load_info(registry: Registry) -> None:
    path = registry.root / "registry.yaml"
    if not path.is_file():
        registry.findings.append(
            finding(
                "REG002",
                _("the registry has no registry.yaml"),
                display_path(path),
                hint=_("create it with the region and the defaults; see docs/registry.md"),
            )
        )
        return
    document = _read(path, registry)
    if document is None:
        return
    registry.documents["registry"] = document
    try:
        registry.info = models.RegistryInfo.model_validate(document.data)
    except ValidationError as error:
        registry.findings.extend(validation_findings(error, models.RegistryInfo, document))


def _load_list_file(registry: Registry, name: str, model: type[BaseModel]) -> dict[str, Any]:
    path = registry.root / f"{name}.yaml"
    entries: dict[str, Any] = {}
    if not path.is_file():
        registry.findings.append(
            finding(
                "REG002", _("the registry has no {name}.yaml").format(name=name), display_path(path)
            )
        )
        registry.unreadable.add(name)
        return entries
    document = _read(path, registry)
    if document is None:
        registry.unreadable.add(name)
        return entries
    data = document.data
    if not isinstance(data, dict) or set(data) != {name} or not isinstance(data[name], list):
        registry.findings.append(
            finding(
                "REG012",
                _("the file must hold one key, {name!r}, with a list of entries").format(name=name),
                document,
                (),
            )
        )
        return entries
    registry.documents[name] = document
    for index, item in enumerate(data[name]):
        try:
            entry = model.model_validate(item)
        except ValidationError as error:
            registry.findings.extend(validation_findings(error, model, document, (name, index)))
            _note_broken(registry, name, item.get("id") if isinstance(item, dict) else None)
            continue
        entry_id = entry.id  # type: ignore[attr-defined]
        if entry_id in entries:
            registry.findings.append(
                finding(
                    "REG014",
                    _("duplicate id {id!r}").format(id=entry_id),
                    document,
                    (name, index, "id"),
                    hint=_("each entry needs its own id"),
                )
            )
            continue
        entries[entry_id] = entry
    return entries


def _note_broken(registry: Registry, kind: str, entry_id: object) -> None:
    if isinstance(entry_id, str):
        registry.broken.setdefault(kind, set()).add(entry_id)


def _load_sources(registry: Registry) -> None:
    from cdo_toolkit.registry.tableschema import Resolved, frictionless_findings, resolve_schema

    folder = registry.root / "sources"
    if not folder.is_dir():
        registry.findings.append(
            finding("REG002", _("the registry has no sources/ folder"), display_path(folder))
        )
        return
    files = sorted(p for p in folder.iterdir() if p.suffix in SOURCE_SUFFIXES and p.is_file())
    parsed: list[tuple[Path, Document, models.Source]] = []
    for path in files:
        document = _read(path, registry)
        if document is None:
            # The file name is the id it is meant to have.
            _note_broken(registry, "sources", path.stem)
            continue
        try:
            parsed.append((path, document, models.Source.model_validate(document.data)))
        except ValidationError as error:
            registry.findings.extend(validation_findings(error, models.Source, document))
            data = document.data
            _note_broken(
                registry,
                "sources",
                data.get("id", path.stem) if isinstance(data, dict) else path.stem,
            )
    # Of two files with one id, the one named after it keeps it.
    parsed.sort(key=lambda item: (item[0].stem != item[2].id, item[0].name))
    unjudged: dict[str, Resolved] = {}
    for path, document, source in parsed:
        if source.id in registry.sources:
            other = registry.sources[source.id].document.file
            registry.findings.append(
                finding(
                    "REG014",
                    _("duplicate source id {id!r} (also in {other})").format(
                        id=source.id, other=other
                    ),
                    document,
                    ("id",),
                )
            )
            continue
        if path.stem != source.id:
            registry.findings.append(
                finding(
                    "REG015",
                    _("the source id {id!r} differs from the file name {name!r}").format(
                        id=source.id, name=path.name
                    ),
                    document,
                    ("id",),
                    hint=_("rename the file to {name}").format(name=f"{source.id}{path.suffix}"),
                )
            )
        resolved = resolve_schema(
            source, document, registry.root, thorough=registry.thorough is True
        )
        registry.findings.extend(resolved.findings)
        if not resolved.findings and resolved.place is not None:
            unjudged[source.id] = resolved
        registry.sources[source.id] = SourceEntry(
            source, document, resolved.descriptor, resolved.file
        )
    if isinstance(registry.thorough, frozenset):
        # A source is judged with the sources its keys and code lists refer to.
        focus = {i for i in registry.thorough if i in registry.sources}
        registry.thorough = frozenset(
            focus | {ref for i in focus for _f, ref, _r in registry.sources[i].code_references()}
        )
        for source_id in sorted(registry.thorough & unjudged.keys()):
            resolved = unjudged[source_id]
            assert resolved.descriptor is not None and resolved.place is not None
            registry.findings.extend(frictionless_findings(resolved.descriptor, *resolved.place))


RESERVED_SCHEMAS = {
    "raw": N_("the sources' loaded tables"),
    "cdo_meta": N_("the toolkit's submissions, scores and history"),
    "information_schema": N_("the database's own tables"),
    "pg_catalog": N_("the database's own tables"),
    "temp": N_("the database's own tables"),
}
"""Schemas a build's table may not go into: ``cdo build`` drops and recreates its table."""


def reserved_schema(name: str) -> bool:
    return name.lower() in RESERVED_SCHEMAS or name.lower().startswith("pg_")


def _load_builds(registry: Registry) -> None:
    """``builds/<id>.yaml``: derived datasets and their SQL (an optional folder)."""
    from cdo_toolkit.registry.registry import BuildEntry
    from cdo_toolkit.registry.tableschema import slash_hint

    folder = registry.root / "builds"
    if not folder.is_dir():
        return
    built: dict[tuple[str, str], str] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix in SOURCE_SUFFIXES and p.is_file()):
        document = _read(path, registry)
        if document is None:
            continue
        try:
            build = models.Build.model_validate(document.data)
        except ValidationError as error:
            registry.findings.extend(validation_findings(error, models.Build, document))
            continue
        if build.id in registry.builds or path.stem != build.id:
            registry.findings.append(
                finding(
                    "REG015",
                    _("the build id {id!r} differs from the file name or is used twice").format(
                        id=build.id
                    ),
                    document,
                    ("id",),
                )
            )
            continue
        target = (build.schema_name, build.table)
        if reserved_schema(build.schema_name):
            registry.findings.append(
                finding(
                    "REG042",
                    _("a build may not write into schema {schema!r}: it holds {what}").format(
                        schema=build.schema_name,
                        what=_(
                            RESERVED_SCHEMAS.get(
                                build.schema_name.lower(), N_("the database's own tables")
                            )
                        ),
                    ),
                    document,
                    ("schema",),
                    hint=_("build into a schema of its own; mart is the default"),
                )
            )
        elif target in built:
            registry.findings.append(
                finding(
                    "REG042",
                    _("table {table!r} is already built by {other!r}").format(
                        table=".".join(target), other=built[target]
                    ),
                    document,
                    ("table",),
                    hint=_("each build makes its own table"),
                )
            )
        built.setdefault(target, build.id)
        sql_path = (registry.root / build.sql).resolve()
        text = None
        if not sql_path.is_relative_to(registry.root.resolve()) or not sql_path.is_file():
            registry.findings.append(
                finding(
                    "REG036",
                    _("SQL file {path!r} not found in the registry").format(path=build.sql),
                    document,
                    ("sql",),
                    hint=slash_hint(build.sql),
                )
            )
        else:
            try:
                text = read_text(sql_path)
            except YamlProblem as problem:
                registry.findings.append(problem_finding(problem))
            else:
                if registry.thorough is True:
                    registry.findings.extend(_sql_findings(text, sql_path))
        registry.builds[build.id] = BuildEntry(build, document, text)


def _sql_findings(text: str, path: Path) -> list[Finding]:
    """A build's SQL that is no single SELECT, found where it is wrong (as ``cdo build``
    would find it only when it runs)."""
    from cdo_toolkit.lineage.sql import try_parse_select

    problem = try_parse_select(text)[1]
    if problem is None:
        return []
    return [
        Finding(
            "REG037",
            Severity.ERROR,
            problem.reason,
            Location(display_path(path), problem.line, problem.column),
            problem.hint or _("a build is one SELECT in DuckDB's dialect of SQL"),
        )
    ]


REGISTRY_MARKS = (
    "registry.yaml",
    "guarantors.yaml",
    "organisations.yaml",
    "standards.yaml",
    "sources",
)


def looks_like_a_registry(folder: Path) -> bool:
    """Whether ``folder`` holds one of the files or folders every registry has."""
    return folder.is_dir() and any((folder / name).exists() for name in REGISTRY_MARKS)


def load(root: Path, *, thorough: bool | frozenset[str] = True) -> Registry:
    """Read every file of the registry at ``root``, collecting findings instead of stopping.

    ``thorough`` has Frictionless judge each Table Schema too (and sqlglot each row rule
    and, when True, each build's SQL), or only those of the source ids it holds and of the
    sources they refer to: lint judges every entry, validating and submitting a source
    judge the entries they use, listing commands none, to stay fast.

    Raises:
        CdoError: ``root`` is not a folder, or one holding none of a registry's files.
    """
    if not root.is_dir():
        raise CdoError(
            _("registry folder {path} not found").format(path=display_path(root)),
            hint=_(
                "pass --registry PATH or set CDO_REGISTRY; 'cdo registry init' begins a new one"
            ),
        )
    if not looks_like_a_registry(root) and any(root.iterdir()):
        # Another folder named (its sources/, the examples): five findings of missing files
        # would hide that one mistake. An empty folder is a registry yet to be written.
        candidates = (root.parent, root / "registry", root.parent / "registry")
        near = next((p for p in candidates if looks_like_a_registry(p)), None)
        raise CdoError(
            _("{path} holds no registry (no registry.yaml, guarantors.yaml or sources/)").format(
                path=display_path(root)
            ),
            hint=_("did you mean {path}?").format(path=display_path(near))
            if near is not None
            else _("pass --registry PATH or set CDO_REGISTRY"),
        )
    from cdo_toolkit.registry.checks import check_references

    registry = Registry(root=root, thorough=thorough)
    _load_info(registry)
    registry.organisations = _load_list_file(registry, "organisations", models.Organisation)
    registry.guarantors = _load_list_file(registry, "guarantors", models.Guarantor)
    registry.standards = _load_list_file(registry, "standards", models.Standard)
    _load_sources(registry)
    _load_builds(registry)
    registry.findings.extend(check_references(registry))
    registry.findings.sort(
        key=lambda f: (f.location.file, f.location.line, f.location.column, f.code)
    )
    return registry


def load_valid(root: Path, *, thorough: bool | frozenset[str] = True) -> Registry:
    """Load the registry and insist that it has no errors.

    Raises:
        CdoError: the registry has errors; the first is named and lint is suggested.
    """
    registry = load(root, thorough=thorough)
    if registry.errors:
        first = registry.errors[0]
        raise CdoError(
            ngettext(
                "the registry has {count} error: {first}",
                "the registry has {count} errors, the first: {first}",
                len(registry.errors),
            ).format(count=len(registry.errors), first=first.render()),
            hint=_("run 'cdo registry lint' to see them all"),
            code=first.code,
        )
    return registry
