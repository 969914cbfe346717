"""The registry's checks beyond Table Schema, with their severities."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdo_toolkit.registry.models import Source
from cdo_toolkit.validation.checks import registry_rules
from cdo_toolkit.validation.engine import Limits, TableInput, validate_table
from cdo_toolkit.validation.expressions import (
    ExpressionError,
    columns_of,
    parse_condition,
    unknown_columns,
)
from cdo_toolkit.validation.fields import schema_spec
from cdo_toolkit.validation.reader import Dialect

BASE = {
    "id": "t",
    "title": "T",
    "description": "D",
    "theme": "finance",
    "guarantor": "g",
    "publisher": "p",
    "standard": "s",
    "update_frequency": "MONTHLY",
    "licence": "CC0-1.0",
    "personal_data": False,
    "schema": {},
    "warehouse": {"table": "t"},
}
SCHEMA = {
    "fields": [
        {"name": "ico", "type": "string"},
        {"name": "kod", "type": "string"},
        {"name": "castka", "type": "number", "decimalChar": ","},
        {"name": "limit", "type": "number", "decimalChar": ","},
    ]
}
DATA = (
    "ico;kod;castka;limit\n"
    "70891508;563889;10;20\n"
    "70891509;999999;30;20\n"
    "00241121;563889;;20\n"
    + "".join(f"00241121;563889;{10 + i % 3};20\n" for i in range(30))
    + "00241121;563889;1000;2000\n"
)


def _task(
    tmp_path: Path,
    checks: list[dict[str, object]],
    codes: dict[tuple[str, str], list[str]] | None = None,
):  # type: ignore[no-untyped-def]
    path = tmp_path / "d.csv"
    path.write_text(DATA, "utf-8")
    source = Source.model_validate({**BASE, "checks": checks})
    spec = schema_spec(SCHEMA)
    rules, notes = registry_rules(source.checks, spec, codes or {})
    return validate_table(
        TableInput(
            path,
            "d",
            "d.csv",
            spec,
            Dialect(delimiter=";"),
            "utf-8",
            extra_rules=rules,
            notes=notes,
        ),
        Limits(),
    )


def test_ico_checksum(tmp_path: Path) -> None:
    task = _task(tmp_path, [{"type": "ico", "field": "ico"}])
    assert [(e.type, e.row_number, e.cell) for e in task.errors] == [
        ("ico-checksum", 3, "70891509")
    ]


def test_code_list_and_its_absence(tmp_path: Path) -> None:
    check = {"type": "code-list", "field": "kod", "source": "obce", "source_field": "kod_obce"}
    task = _task(tmp_path, [check], {("obce", "kod_obce"): ["563889"]})
    assert [(e.type, e.row_number) for e in task.errors] == [("code-list", 3)]
    unavailable = _task(tmp_path, [check])
    assert unavailable.valid and "not checked" in unavailable.notes[0]


def test_row_rule_error_and_warning(tmp_path: Path) -> None:
    rule = {
        "type": "row-rule",
        "name": "v-limitu",
        "expression": 'castka <= "limit"',
        "message": "Částka nad limit.",
    }
    task = _task(tmp_path, [rule])
    assert [(e.type, e.row_number, e.note) for e in task.errors] == [
        ("row-constraint", 3, "Částka nad limit.")
    ]
    warned = _task(tmp_path, [{**rule, "severity": "warning"}])
    assert warned.valid
    assert [(e.type, e.row_number) for e in warned.warnings] == [("row-constraint", 3)]


def test_deviation_is_a_warning_by_default(tmp_path: Path) -> None:
    task = _task(tmp_path, [{"type": "deviation", "field": "castka", "sigma": 3}])
    assert task.valid
    assert [(e.type, e.row_number) for e in task.warnings] == [("deviated-value", 35)]


def test_null_share(tmp_path: Path) -> None:
    task = _task(
        tmp_path, [{"type": "null-share", "field": "castka", "max": 1, "severity": "error"}]
    )
    assert [(e.type, e.field_name) for e in task.errors] == [("null-share", "castka")]
    assert "2.9 %" in task.errors[0].note
    assert _task(tmp_path, [{"type": "null-share", "field": "castka", "max": 5}]).warnings == []


def test_row_rule_expressions() -> None:
    assert columns_of("a + b * 2 >= c AND d IS NOT NULL", "abcd") == {"a", "b", "c", "d"}
    # Names are read as SQL reads them: in any case, where one field is so named.
    assert columns_of("A >= b", ["a", "B", "c"]) == {"a", "B"}
    with pytest.raises(ExpressionError, match="unknown field 'e'"):
        columns_of("a >= e", "abcd")
    assert unknown_columns("Okres > 0 AND okres < obec", ["OKRES", "okres"]) == ["Okres", "obec"]
    with pytest.raises(ExpressionError):
        parse_condition("a >= (SELECT max(b) FROM t)")
    with pytest.raises(ExpressionError):
        parse_condition("a >=")
    # Of casts, only dates and times written as text: a field is not cast.
    assert columns_of("a >= DATE '2024-01-31' AND b < TIME '08:30'", "ab") == {"a", "b"}
    with pytest.raises(ExpressionError, match="only a date, time or timestamp written as text"):
        parse_condition("CAST(a AS DATE) > DATE '2024-01-01'")
    with pytest.raises(ExpressionError, match="is not a valid date or time"):
        parse_condition("a > DATE '31.1.2024'")


def test_a_check_that_raises_is_not_taken_for_no_failing_row() -> None:
    """Pandera lists a check that raises as a failure case of no row: taken for "no row
    fails", a rule polars cannot evaluate on the data would pass every row."""
    import polars as pl

    from cdo_toolkit.validation.pandera_bridge import CheckRaised, failing_rows, pandera_schema
    from cdo_toolkit.validation.rules import Rule

    rule = Rule(
        "check1:row-rule",
        "row-rule",
        "row-constraint",
        "",
        params={"name": "r", "expression": "a > 5", "columns": {"a": "a"}, "dates": frozenset()},
    )
    schema = pandera_schema([rule], lambda frame: frame, pl.lit(False))
    with pytest.raises(CheckRaised, match="cannot compare string"):
        failing_rows(schema, pl.DataFrame({"a": ["x", "y"]}))
    assert failing_rows(schema, pl.DataFrame({"a": [1, 9]})).to_list() == [0]
