"""Table Schema patterns mean in the warehouse what they mean in files (Python's classes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlglot import exp

from cdo_toolkit.quality.sqlrules import portable_pattern
from cdo_toolkit.warehouse import sql
from cdo_toolkit.warehouse.connection import Warehouse
from cdo_toolkit.warehouse.url import parse_url

CASES = [
    (r"5\d{5}", "5۵0001"),  # an Arabic-Indic five is a digit
    (r"\d", "𝟘"),  # so is a mathematical zero, outside the BMP
    (r"\w+", "Česká_Lípa1"),
    (r"\w+", "Česká Lípa"),
    (r"\w+\s\w+", "Česká\u00a0Lípa"),  # a no-break space is white space
    (r"[\d,]+", "1,۵"),
    (r"[^\d]+", "abč"),
    (r"\D+", "abč"),
    (r"\W", "č"),
    (r"\S+", "č\u00a0"),
    (r"[]a]+", "]a"),
    (r"\\d", "\\d"),  # an escaped backslash stays one
    (r"[\w-]+", "Frýdlant-v-Čechách"),
    (r"[a\D]+", "a!č"),  # a negation inside brackets becomes an alternative
    (r"[a\D]+", "a۵"),
    (r"[^\D]", "۵"),
    (r"[\S\s]+", "č \u00a0x"),
    (r"[,\W]+", ",č"),
]


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = (
        f"duckdb:///{tmp_path}/w.duckdb"
        if request.param == "duckdb"
        else request.getfixturevalue("postgres_url")
    )
    with Warehouse(parse_url(url, tmp_path)) as connection:
        yield connection


def test_patterns_match_in_sql_as_in_python(warehouse: Warehouse) -> None:
    conditions = [
        exp.RegexpLike(
            this=exp.Literal.string(value),
            expression=exp.Literal.string(f"^{portable_pattern(pattern)}$"),
        ).as_(f"c{i}")
        for i, (pattern, value) in enumerate(CASES)
    ]
    found = warehouse.execute(sql.render(exp.select(*conditions), warehouse.kind))[0]
    expected = tuple(bool(re.fullmatch(pattern, value)) for pattern, value in CASES)
    assert tuple(found) == expected
    assert expected.count(True) >= 3 and expected.count(False) >= 3  # both outcomes are tried
