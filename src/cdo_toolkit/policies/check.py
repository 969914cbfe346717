"""``cdo policy check``: the region's governance rules, evaluated over the registry.

Rules are data (``policies/*.yaml``); each names a *kind* implemented here, with its
parameters. A new rule of an existing kind needs no code. Findings carry the rule's id as
their code (``POL:<id>``), its severity and message, and the place in the registry file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import Finding, Location, Severity, display_path
from cdo_toolkit.i18n import _, pick


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: Severity
    message: dict[str, str]
    rationale: dict[str, str]
    """Why the rule exists, by language, like the message; empty when not given."""
    applies_to: Any
    params: dict[str, Any]

    def text(self, lang: str) -> str:
        return pick(self.message, lang)

    def why(self, lang: str) -> str:
        return pick(self.rationale, lang) if self.rationale else ""


def _texts(value: Any) -> dict[str, str]:
    """A policy's text: one string (for every language) or one per language."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {"en": str(value)} if value else {}


SETTINGS_FILES = ("quality.yaml",)
"""Files of ``policies/`` that hold settings, not rules."""


def load_rules(folder: Path) -> list[Rule]:
    """Every rule of ``policies/*.yaml`` (``quality.yaml`` holds the scoring settings)."""
    from cdo_toolkit.yamlpos import YamlProblem, load_yaml

    if not folder.is_dir():
        # A check of no rules would pass: a CI job pointed at the wrong folder learns nothing.
        raise CdoError(
            _("policy folder {path} not found").format(path=display_path(folder)),
            hint=_("run from the project root, or pass --policies PATH"),
        )
    rules = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name in SETTINGS_FILES:
            continue
        try:
            document = load_yaml(path)
        except YamlProblem as problem:
            raise CdoError(problem.render()) from None
        data = document.data
        if data is None:
            continue  # an empty file holds no rules
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            mark = document.value_mark(("rules",))
            # A file of another shape would silently add no rule at all.
            raise CdoError(
                _("{file}:{line}:{column}: a policy file holds 'rules:', a list of rules").format(
                    file=path, line=mark.line, column=mark.column
                ),
                hint=_("see docs/policies.md, or policies/registry.yaml for an example"),
            )
        for index, item in enumerate(data["rules"]):
            try:
                kind = item["kind"]
                if kind not in KINDS:
                    raise CdoError(
                        _("{file}: rule {n}: unknown kind {kind!r}").format(
                            file=path, n=index + 1, kind=kind
                        ),
                        hint=_("kinds: {kinds}").format(kinds=", ".join(sorted(KINDS))),
                    )
                selector = item.get("applies_to", "all")
                unknown = set(selector) - SELECTORS if isinstance(selector, dict) else set()
                if unknown or not isinstance(selector, dict | str) or selector == "":
                    raise CdoError(
                        _("{file}: rule {n}: applies_to {value!r} selects nothing known").format(
                            file=path, n=index + 1, value=selector
                        ),
                        hint=_("use all, or a mapping of {keys}").format(
                            keys=", ".join(sorted(SELECTORS))
                        ),
                    )
                _check_parameters(item, path, index)
                rules.append(
                    Rule(
                        str(item["id"]),
                        kind,
                        Severity(item.get("severity", "error")),
                        _texts(item["message"]),
                        _texts(item.get("rationale")),
                        selector,
                        {k: v for k, v in item.items() if k not in RULE_KEYS},
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise CdoError(
                    _("{file}: rule {n} is incomplete: {reason}").format(
                        file=path, n=index + 1, reason=exc
                    ),
                    hint=_("a rule needs id, kind, severity and message"),
                ) from None
    return rules


PARAMETERS: dict[str, dict[str, str]] = {
    "guarantor-contact": {"domains": "names"},
    "required-fields": {"fields": "source keys"},
    "personal-data": {"require": "personal-data keys", "forbidden_access": "names"},
    "open-data": {"licences": "names", "formats": "names"},
    "frequency": {"allowed": "names"},
    "naming": {"table_pattern": "pattern", "build_schema_pattern": "pattern"},
    "identifiers": {"ico_fields": "pattern", "references": "references"},
    "primary-key": {},
    "build-sql": {"forbidden_functions": "names"},
}
"""The parameters of each kind and what each holds. A rule with a key of another name
(``domain:`` for ``domains:``), a value of another shape (one name where a list belongs)
or a key of a source that does not exist would check less than its author meant, or
nothing, without a word: it is refused when the rules are read."""

RULE_KEYS = frozenset({"id", "kind", "severity", "message", "rationale", "applies_to"})


def _check_parameters(item: dict[str, Any], path: Path, index: int) -> None:
    from cdo_toolkit.errors import closest

    kind = item["kind"]
    known = PARAMETERS[kind]
    for key, value in item.items():
        if key in RULE_KEYS:
            continue
        if key not in known:
            raise CdoError(
                _("{file}: rule {n}: a rule of kind {kind} has no parameter {key!r}").format(
                    file=path, n=index + 1, kind=kind, key=key
                ),
                hint=closest(str(key), [*known, *RULE_KEYS])
                or _("its parameters: {names}").format(names=", ".join(known) or "–"),
            )
        holds = known[key]
        if holds in ("names", "source keys", "personal-data keys") and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise CdoError(
                _("{file}: rule {n}: {key} is a list of names, not {value!r}").format(
                    file=path, n=index + 1, key=key, value=value
                ),
                hint=f"{key}: [{value}]" if isinstance(value, str | int) else None,
            )
        if holds in ("source keys", "personal-data keys"):
            from cdo_toolkit.registry.models import PersonalData, Source

            model = Source if holds == "source keys" else PersonalData
            for name in value:
                if name not in model.model_fields:
                    raise CdoError(
                        _("{file}: rule {n}: {key} names {name!r}, which no source has").format(
                            file=path, n=index + 1, key=key, name=name
                        ),
                        hint=closest(name, model.model_fields),
                    )
    references = item.get("references") or []
    for reference in references:
        if not isinstance(reference, dict) or not all(
            isinstance(reference.get(key), str) for key in ("fields", "source", "field")
        ):
            raise CdoError(
                _("{file}: rule {n}: each reference needs fields, source and field").format(
                    file=path, n=index + 1
                ),
                hint='{fields: "kod_obce|.*_kod_obce", source: obce, field: kod_obce}',
            )
    # Regular expressions: a broken one is the policy file's error, said when the rules are
    # read, not a failure halfway through a check.
    written = [value for key, value in item.items() if known.get(key) == "pattern"] + [
        r.get("fields") if isinstance(r, dict) else r for r in references
    ]
    for pattern in written:
        if pattern is None:
            continue
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise CdoError(
                _("{file}: rule {n}: {pattern!r} is no regular expression: {reason}").format(
                    file=path, n=index + 1, pattern=pattern, reason=exc
                )
            ) from None


SELECTORS = {"personal_data", "access", "theme", "sources"}


def _applies(rule: Rule, source: Any) -> bool:
    selector = rule.applies_to
    if selector in (None, "all"):
        return True
    if not isinstance(selector, dict):
        return False
    checks: dict[str, Callable[[Any], bool]] = {
        "personal_data": lambda v: source.personal_data.contains is bool(v),
        "access": lambda v: source.access.value == v,
        "theme": lambda v: source.theme.value in (v if isinstance(v, list) else [v]),
        "sources": lambda v: source.id in v,
    }
    return all(checks[key](value) for key, value in selector.items())


def _finding(rule: Rule, lang: str, document: Any, path: tuple[Any, ...], detail: str) -> Finding:
    from cdo_toolkit.registry.placed import finding

    return finding(
        f"POL:{rule.id}",
        f"{rule.text(lang)} ({detail})" if detail else rule.text(lang),
        document,
        path,
        severity=rule.severity,
        hint=rule.why(lang) or None,
    )


def _guarantor_contact(rule: Rule, registry: Any, entry: Any, lang: str) -> Iterator[Finding]:
    guarantor = registry.guarantors.get(entry.source.guarantor)
    domains = rule.params.get("domains") or []
    email = guarantor.email if guarantor else ""
    if not email or (domains and email.rsplit("@", 1)[-1] not in domains):
        yield _finding(rule, lang, entry.document, ("guarantor",), email or _("no e-mail"))


def _required_fields(rule: Rule, registry: Any, entry: Any, lang: str) -> Iterator[Finding]:
    for name in rule.params.get("fields", []):
        if not getattr(entry.source, name, None):
            yield _finding(rule, lang, entry.document, (), name)


def _personal_data(rule: Rule, registry: Any, entry: Any, lang: str) -> Iterator[Finding]:
    personal = entry.source.personal_data
    missing = [name for name in rule.params.get("require", []) if not getattr(personal, name, None)]
    if missing:
        yield _finding(rule, lang, entry.document, ("personal_data",), ", ".join(missing))
    if entry.source.access.value in rule.params.get("forbidden_access", []):
        yield _finding(
            rule, lang, entry.document, ("access",), f"access: {entry.source.access.value}"
        )


def _open_data(rule: Rule, registry: Any, entry: Any, lang: str) -> Iterator[Finding]:
    source = entry.source
    if source.licence not in rule.params.get("licences", []):
        yield _finding(rule, lang, entry.document, ("licence",), source.licence)
    if source.format.value not in rule.params.get("formats", []):
        yield _finding(rule, lang, entry.document, ("format",), source.format.value)


def _frequency(rule: Rule, registry: Any, entry: Any, lang: str) -> Iterator[Finding]:
    if entry.source.update_frequency.value not in rule.params.get("allowed", []):
        yield _finding(
            rule, lang, entry.document, ("update_frequency",), entry.source.update_frequency.value
        )


def _naming(rule: Rule, registry: Any, entry: Any, lang: str) -> Iterator[Finding]:
    pattern = rule.params.get("table_pattern")
    if pattern and not re.fullmatch(pattern, entry.source.warehouse.table):
        yield _finding(
            rule, lang, entry.document, ("warehouse", "table"), entry.source.warehouse.table
        )


def _names(function: Any) -> set[str]:
    """The names a function goes by: sqlglot normalises ``random()`` to ``RAND``, say."""
    as_written = function.sql(dialect="duckdb").split("(", 1)[0]
    return {function.sql_name().lower(), type(function).__name__.lower(), as_written.lower()}


def _build_checks(rule: Rule, registry: Any, lang: str) -> Iterator[Finding]:
    """Rules of kinds naming and build-sql over the registry's builds."""
    from sqlglot import exp

    from cdo_toolkit.lineage.sql import parse_select

    for build in registry.builds.values():
        if rule.kind == "naming":
            pattern = rule.params.get("table_pattern")
            if pattern and not re.fullmatch(pattern, build.build.table):
                yield _finding(rule, lang, build.document, ("table",), build.build.table)
            schema_pattern = rule.params.get("build_schema_pattern")
            if schema_pattern and not re.fullmatch(schema_pattern, build.build.schema_name):
                yield _finding(rule, lang, build.document, ("schema",), build.build.schema_name)
            continue
        if build.sql is None:
            continue
        try:
            query = parse_select(build.sql)
        except CdoError as error:
            yield _finding(rule, lang, build.document, ("sql",), error.message)
            continue
        forbidden = {name.lower() for name in rule.params.get("forbidden_functions", [])}
        used = sorted({name for f in query.find_all(exp.Func) for name in _names(f)} & forbidden)
        if used:
            yield _finding(rule, lang, build.document, ("sql",), ", ".join(used))


def _identifiers(rule: Rule, registry: Any, entry: Any, lang: str) -> Iterator[Finding]:
    """Identifier columns checked as the region checks them: an IČO by its check digit, a
    municipality code against the municipality source (a foreign key or a code list)."""
    fields = (entry.schema or {}).get("fields", [])
    checks = entry.source.checks
    ico_pattern = rule.params.get("ico_fields")
    references = set(entry.code_references())
    for index, field in enumerate(fields):
        name = field.get("name") if isinstance(field, dict) else None
        if not isinstance(name, str):
            continue
        checked = any(c.type == "ico" and c.field == name for c in checks)
        if ico_pattern and re.fullmatch(ico_pattern, name) and not checked:
            yield _field_finding(
                rule, lang, entry, index, _("{field}: no ico check").format(field=name)
            )
        for reference in rule.params.get("references", []):
            target, target_field = reference["source"], reference["field"]
            if target not in registry.sources:
                # A rule pointing nowhere would flag every field with a fix lint refuses.
                raise CdoError(
                    _("policy {rule}: the source {source!r} it refers to is not registered").format(
                        rule=rule.id, source=target
                    )
                )
            if entry.id == target or not re.fullmatch(reference["fields"], name):
                continue
            if (name, target, target_field) not in references:
                yield _field_finding(
                    rule,
                    lang,
                    entry,
                    index,
                    _("{field}: no foreign key or code list into {source}.{target}").format(
                        field=name, source=target, target=target_field
                    ),
                )


def _primary_key(rule: Rule, registry: Any, entry: Any, lang: str) -> Iterator[Finding]:
    """A source with a Table Schema declares its primary key: every standard sets a
    threshold of uniqueness, which is scored over the primary key alone."""
    if entry.schema is not None and not entry.schema.get("primaryKey"):
        yield _schema_finding(rule, lang, entry, (), _("no primaryKey"))


def _field_finding(rule: Rule, lang: str, entry: Any, index: int, detail: str) -> Finding:
    """A finding at field ``index`` of the source's schema, inline or in its own file."""
    return _schema_finding(rule, lang, entry, ("fields", index), detail)


def _schema_finding(
    rule: Rule, lang: str, entry: Any, path: tuple[Any, ...], detail: str
) -> Finding:
    """A finding at ``path`` in the source's schema, inline or in its own file."""
    if entry.schema_file is None:
        return _finding(rule, lang, entry.document, ("schema", *path), detail)
    from cdo_toolkit.yamlpos import YamlProblem, load_yaml

    try:
        document = load_yaml(entry.schema_file)
    except YamlProblem:  # read once already to build the entry; placed at the entry then
        return _finding(rule, lang, entry.document, ("schema",), detail)
    return _finding(rule, lang, document, path, detail)


KINDS: dict[str, Callable[..., Iterator[Finding]] | None] = {
    "guarantor-contact": _guarantor_contact,
    "required-fields": _required_fields,
    "personal-data": _personal_data,
    "open-data": _open_data,
    "frequency": _frequency,
    "naming": _naming,
    "identifiers": _identifiers,
    "primary-key": _primary_key,
    "build-sql": None,
}


def check(registry: Any, rules: list[Rule], lang: str = "en") -> list[Finding]:
    """Every violation of ``rules`` in ``registry``, sorted by file and line."""
    findings: list[Finding] = []
    for rule in rules:
        handler = KINDS[rule.kind]
        if handler is not None:
            for entry in registry.sources.values():
                if _applies(rule, entry.source):
                    findings.extend(handler(rule, registry, entry, lang))
        if rule.kind in ("naming", "build-sql"):
            findings.extend(_build_checks(rule, registry, lang))
    return sorted(findings, key=lambda f: (f.location.file, f.location.line, f.code))


__all__ = ["Finding", "Location", "Rule", "check", "load_rules"]
