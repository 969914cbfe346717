"""Governance policies: one case file per rule kind, the shipped rules, and the CLI.

A case file holds its rules, the registry files it changes and the violations it must yield;
adding a case is adding a YAML file to tests/cases/policies/.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cdo_toolkit.errors import CdoError
from cdo_toolkit.policies.check import KINDS, PARAMETERS, check, load_rules
from cdo_toolkit.registry import load_valid
from tests.conftest import REPO, case_files, write_files


def _case_setup(case_file: Path, registry: Path) -> tuple[dict[str, Any], Path]:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    write_files(registry, case.get("files", {}))
    policies = registry.parent / "policies"
    policies.mkdir()
    (policies / "rules.yaml").write_text(
        yaml.safe_dump({"rules": case["rules"]}, allow_unicode=True), encoding="utf-8"
    )
    return case, policies


@pytest.mark.parametrize("case_file", case_files("policies"), ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "cs"])
def test_policy_case(case_file: Path, lang: str, base_registry: Path) -> None:
    case, policies = _case_setup(case_file, base_registry)
    rules = load_rules(policies)

    findings = check(load_valid(base_registry, thorough=False), rules, lang=lang)

    got = [
        (
            f"{f.location.file.removeprefix('registry/')}:{f.location.line}:{f.location.column}",
            f.code,
        )
        for f in findings
    ]
    assert sorted(got) == sorted((item["at"], item["code"]) for item in case["expect"]), case[
        "name"
    ]
    for item in case["expect"]:
        found = findings[got.index((item["at"], item["code"]))]
        rule = next(r for r in case["rules"] if f"POL:{r['id']}" == item["code"])
        expected = item["message"].replace(rule["message"]["en"], rule["message"][lang])
        matching = [
            f.message for f, g in zip(findings, got, strict=True) if g == (item["at"], item["code"])
        ]
        assert expected in matching, (expected, found.message)
        assert found.severity.value == item.get("severity", "error")


def test_every_kind_has_a_case() -> None:
    covered = {
        rule["kind"]
        for path in case_files("policies")
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
    }
    assert covered == set(KINDS)
    assert set(PARAMETERS) == set(KINDS)  # every kind says which parameters it reads


def test_shipped_registry_meets_shipped_policies(shipped_registry: Path) -> None:
    rules = load_rules(REPO / "policies")
    assert {rule.kind for rule in rules} == set(KINDS)
    for rule in rules:
        assert set(rule.message) == {"cs", "en"}, (
            f"rule {rule.id} needs a Czech and an English message"
        )
    assert check(load_valid(shipped_registry, thorough=False), rules) == []


def test_unknown_kind_names_file_and_rule(workdir: Path) -> None:
    folder = workdir / "policies"
    folder.mkdir()
    (folder / "x.yaml").write_text(
        "rules:\n  - {id: a, kind: naming, severity: error, message: {en: A}}\n"
        "  - {id: b, kind: nonsense, severity: error, message: {en: B}}\n",
        encoding="utf-8",
    )
    with pytest.raises(CdoError) as error:
        load_rules(folder)
    assert "x.yaml: rule 2: unknown kind 'nonsense'" in str(error.value)
    assert "naming" in str(error.value)


@pytest.mark.parametrize(
    ("kind", "parameters"),
    [
        ("naming", 'table_pattern: "^[a-z"'),
        ("identifiers", 'ico_fields: "(ico"'),
        ("identifiers", 'references: [{fields: "*obce", source: obce, field: kod_obce}]'),
    ],
)
def test_a_broken_regular_expression_names_file_and_rule(
    workdir: Path, kind: str, parameters: str
) -> None:
    """Said when the rules are read, not as an internal error halfway through the check."""
    folder = workdir / "policies"
    folder.mkdir()
    (folder / "x.yaml").write_text(
        f"rules:\n  - {{id: a, kind: {kind}, severity: error, message: {{en: A}}, {parameters}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(CdoError) as error:
        load_rules(folder)
    assert "x.yaml: rule 1: " in str(error.value)
    assert "is no regular expression" in str(error.value)


@pytest.mark.parametrize(
    ("rule", "said", "hint"),
    [
        (
            "kind: guarantor-contact, domain: [kraj-lbc.cz]",
            "a rule of kind guarantor-contact has no parameter 'domain'",
            "did you mean 'domains'?",
        ),
        (
            "kind: guarantor-contact, domains: 5",
            "domains is a list of names, not 5",
            "domains: [5]",
        ),
        (
            "kind: guarantor-contact, domains: kraj-lbc.cz",
            "domains is a list of names, not 'kraj-lbc.cz'",
            "domains: [kraj-lbc.cz]",
        ),
        (
            "kind: required-fields, fields: [standard, guarantr]",
            "fields names 'guarantr', which no source has",
            "did you mean 'guarantor'?",
        ),
        (
            "kind: personal-data, require: [legal_bases]",
            "require names 'legal_bases', which no source has",
            "did you mean 'legal_basis'?",
        ),
        ("kind: primary-key, fields: [id]", "a rule of kind primary-key has no parameter", None),
    ],
)
def test_a_rules_parameters_are_checked_when_read(
    workdir: Path, rule: str, said: str, hint: str | None
) -> None:
    """A misspelt parameter, one name where a list belongs (a string would be searched
    letter by letter), or a key no source has would check less than meant, or nothing,
    without a word (every source "lacks" guarantr): refused, with the key meant."""
    folder = workdir / "policies"
    folder.mkdir()
    (folder / "x.yaml").write_text(
        f"rules:\n  - {{id: a, severity: error, message: {{en: A}}, {rule}}}\n", "utf-8"
    )
    with pytest.raises(CdoError) as error:
        load_rules(folder)
    assert f"x.yaml: rule 1: {said}" in error.value.message
    if hint is not None:
        assert error.value.hint == hint


def test_an_identifiers_rule_names_what_it_lacks(workdir: Path, base_registry: Path) -> None:
    folder = workdir / "policies"
    folder.mkdir()
    rule = "{id: a, kind: identifiers, severity: error, message: {en: A}, references: [%s]}"
    (folder / "x.yaml").write_text(f"rules:\n  - {rule % '{fields: kod_obce}'}\n", "utf-8")
    with pytest.raises(CdoError) as error:
        load_rules(folder)
    assert "x.yaml: rule 1: each reference needs fields, source and field" in str(error.value)
    nowhere = "{fields: kod_obce, source: ruian, field: kod}"
    (folder / "x.yaml").write_text(f"rules:\n  - {rule % nowhere}\n", "utf-8")
    with pytest.raises(CdoError) as error:
        check(load_valid(base_registry, thorough=False), load_rules(folder))
    assert "policy a: the source 'ruian' it refers to is not registered" in str(error.value)


def test_incomplete_rule_is_an_error(workdir: Path) -> None:
    folder = workdir / "policies"
    folder.mkdir()
    (folder / "x.yaml").write_text("rules:\n  - {id: a, kind: naming}\n", encoding="utf-8")
    with pytest.raises(CdoError, match="rule 1 is incomplete"):
        load_rules(folder)


def test_cli_exit_codes_and_formats(base_registry: Path, cdo: Callable[..., Any]) -> None:
    _case, policies = _case_setup(
        case_files("policies")[0].parent / "open-data.yaml", base_registry
    )

    text = cdo("policy", "check", "--policies", str(policies))
    assert text.exit_code == 1
    assert (
        "registry/sources/obce.yaml:9:10: error POL:otevrena-data Not open data. (proprietary)"
        in text.output
    )

    data = json.loads(
        cdo("policy", "check", "--policies", str(policies), "--format", "json").output
    )
    assert (data["errors"], data["warnings"], len(data["findings"])) == (2, 0, 2)

    github = cdo(
        "--lang", "cs", "policy", "check", "--policies", str(policies), "--format", "github"
    )
    assert github.output.splitlines()[0] == (
        "::error file=registry/sources/obce.yaml,line=9,col=10,title=POL%3Aotevrena-data::"
        "Chybí otevřená licence nebo formát. (proprietary)"
    )


def test_cli_warnings_pass_unless_strict(base_registry: Path, cdo: Callable[..., Any]) -> None:
    _case, policies = _case_setup(
        case_files("policies")[0].parent / "required-fields.yaml", base_registry
    )
    assert cdo("policy", "check", "--policies", str(policies)).exit_code == 0
    assert cdo("policy", "check", "--policies", str(policies), "--strict").exit_code == 1


def test_cli_clean_registry(shipped_registry: Path, cdo: Callable[..., Any]) -> None:
    shutil.copytree(REPO / "policies", shipped_registry.parent / "policies")
    result = cdo("policy", "check")
    assert result.exit_code == 0, result.output
    assert "no violations" in result.output


def test_unknown_selector_is_an_error(workdir: Path) -> None:
    folder = workdir / "policies"
    folder.mkdir()
    (folder / "x.yaml").write_text(
        "rules:\n  - {id: a, kind: naming, severity: error, message: {en: A}, applies_to: {acces: public}}\n",
        encoding="utf-8",
    )
    with pytest.raises(CdoError) as error:
        load_rules(folder)
    assert "x.yaml: rule 1: applies_to {'acces': 'public'} selects nothing known" in str(
        error.value
    )
    assert "access" in str(error.value)


@pytest.mark.parametrize(
    "text", ["- {id: a, kind: naming}\n", "rules:\n  id: a\n", "pravidla: []\n"]
)
def test_a_policy_file_of_another_shape_is_an_error(workdir: Path, text: str) -> None:
    """It used to add no rule, silently: a CI check that checked nothing."""
    folder = workdir / "policies"
    folder.mkdir()
    (folder / "x.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CdoError, match=r"x\.yaml:\d+:\d+: a policy file holds 'rules:'"):
        load_rules(folder)
    (folder / "x.yaml").write_text("", encoding="utf-8")
    assert load_rules(folder) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weights: {completness: 1}\n", "1:11: unknown dimension 'completness'"),
        ("weights: {validity: -1}\n", "1:21: the weight of validity must be a number, 0 or more"),
        ("weights: {validity: vysoka}\n", "the weight of validity must be a number"),
        ("grades: {A: 120}\n", "1:13: the lowest score of grade A must be a number from 0 to 100"),
        ("required_weight: 0\n", "required_weight must be a number above 0"),
        ("vahy: {validity: 1}\n", "1:1: unknown setting 'vahy'"),
        (
            "weights: {completeness: 0, validity: 0, uniqueness: 0, timeliness: 0,"
            " consistency: 0, metadata: 0}\n",
            "at least one weight must be above 0",
        ),
    ],
)
def test_quality_policy_mistakes_are_errors(
    shipped_registry: Path, cdo: Callable[..., Any], text: str, message: str
) -> None:
    """A mistake in quality.yaml stops both scoring and the policy check (CI) with its place;
    before, a typo in a dimension's name was ignored and a negative weight used."""
    folder = shipped_registry.parent / "policies"
    shutil.copytree(REPO / "policies", folder)
    (folder / "quality.yaml").write_text(text, encoding="utf-8")
    for command in (("policy", "check"), ("score",)):
        result = cdo(*command)
        assert result.exit_code == 2, (command, result.output)
        assert "policies/quality.yaml:" in result.output and message in result.output


def test_a_missing_policy_folder_is_an_error(base_registry: Path, cdo: Callable[..., Any]) -> None:
    """A check of no rules passed: a CI job run from the wrong folder learned nothing."""
    result = cdo("policy", "check", "--policies", "nikde")
    assert result.exit_code == 2 and "policy folder nikde not found" in result.output
    assert cdo("policy", "check").exit_code == 2  # no ./policies here either


@pytest.mark.parametrize(
    ("rationale", "lang", "said"),
    [
        ({"cs": "Zákon to žádá.", "en": "The law says so."}, "cs", "Zákon to žádá."),
        ({"cs": "Zákon to žádá.", "en": "The law says so."}, "en", "The law says so."),
        ({"en": "The law says so."}, "cs", "The law says so."),  # English where Czech lacks
        ("One text for all.", "cs", "One text for all."),
        (None, "cs", None),
    ],
)
def test_the_rationale_is_the_hint_in_the_readers_language(
    base_registry: Path, rationale: Any, lang: str, said: str | None
) -> None:
    rule = {
        "id": "frekvence",
        "kind": "frequency",
        "severity": "warning",
        "message": {"cs": "Neznámá periodicita.", "en": "Unknown frequency."},
        "applies_to": "all",
        "allowed": ["DAILY"],
    }
    if rationale is not None:
        rule["rationale"] = rationale
    policies = base_registry.parent / "policies"
    policies.mkdir()
    (policies / "rules.yaml").write_text(yaml.safe_dump({"rules": [rule]}), "utf-8")
    findings = check(load_valid(base_registry, thorough=False), load_rules(policies), lang=lang)
    assert findings and {f.hint for f in findings} == {said}
