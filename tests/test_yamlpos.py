"""YAML with positions: libyaml's fast composition gives what PyYAML's own parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cdo_toolkit.yamlpos import YamlProblem, _parse_pure, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for folder in ("registry", "policies", "tests/cases")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".yaml", ".yml", ".json")
)


def test_libyaml_is_there() -> None:
    """The fast path is what users get: PyYAML's wheels carry libyaml."""
    assert yaml.__with_libyaml__


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_parsers_give_the_same_document(path: Path) -> None:
    text = path.read_text("utf-8-sig")
    try:
        expected = _parse_pure(text, path.name)
    except YamlProblem as problem:
        with pytest.raises(YamlProblem) as fast:
            parse_yaml(text, path.name)
        assert fast.value == problem
        return
    assert parse_yaml(text, path.name) == expected


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("a: &x [1, 2]\nb: *x\n", (2, 4)),
        ("a: &x 1\nb: [*x]\n", (2, 5)),
        ("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", (2, 8)),
    ],
)
def test_an_alias_is_refused_where_it_stands(text: str, at: tuple[int, int]) -> None:
    with pytest.raises(YamlProblem) as problem:
        parse_yaml(text, "f.yaml")
    assert problem.value.code == "REG004"
    assert (problem.value.mark.line, problem.value.mark.column) == at


def test_syntax_errors_are_worded_and_placed_as_pyyaml_does() -> None:
    with pytest.raises(YamlProblem) as problem:
        parse_yaml("a: 1\n b: 2\nc: [\n", "f.yaml")
    assert problem.value.code == "REG001"
    assert problem.value.render().startswith("f.yaml:2:3: YAML syntax error: mapping values")
