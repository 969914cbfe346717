"""Quality scores in the warehouse (DuckDB and PostgreSQL), history, the audit and its report."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cdo_toolkit.quality.policy import load_policy
from cdo_toolkit.quality.score import score
from cdo_toolkit.registry import load_valid
from cdo_toolkit.warehouse.url import parse_url
from tests.conftest import register_copy, source_yaml, unavailable

SOURCE = source_yaml(
    "mesta",
    "Města",
    "Města kraje.",
    """\
personal_data: {contains: true, columns: [starosta], legal_basis: "zákon", retention: P5Y}
encoding: utf-8
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: kod, type: string, constraints: {required: true, pattern: '5\\d{5}'}}
    - {name: nazev, type: string, constraints: {required: true}}
    - {name: obyvatel, type: integer, constraints: {minimum: 0, maximum: 200000}}
    - {name: kraj, type: string, constraints: {enum: [LK]}}
    - {name: starosta, type: string}
  primaryKey: [kod]
  foreignKeys:
    - {fields: [kod], reference: {resource: obce, fields: [kod_obce]}}
warehouse: {table: mesta, load_mode: append}
""",
)
OBCE = source_yaml(
    "obce",
    "Obce",
    "Číselník obcí.",
    """\
personal_data: false
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: kod_obce, type: string}
  primaryKey: [kod_obce]
warehouse: {table: obce}
""",
)
# 6 rows. By hand: nazev missing once (required, weight 2), obyvatel missing once, kraj
# missing twice (optional, weight 1); obyvatel 250000 breaks maximum, kraj "XX" breaks
# enum; kod 563510 is twice in the file; kod 599999 is no municipality.
HEADER = "kod;nazev;obyvatel;kraj;starosta\n"
FIRST = (
    "563889;Liberec;104261;LK;Jaroslav Zámečník\n"
    "563510;Jablonec;45830;LK;Miloš Vele\n"
    "561380;;36853;XX;Jitka Volfová\n"
    "599999;Neznámá;;;Jan Novák\n"
    "577626;Turnov;14425;LK;Tomáš Hocke\n"
)
# Appended later: a key the table already holds (append mode keeps both).
SECOND = "563510;Jablonec 2;250000;;Jiří Čeřovský\n"
MESTA = HEADER + FIRST + SECOND


@pytest.fixture(params=["duckdb", "postgres"])
def scored_warehouse(request: pytest.FixtureRequest, cdo, base_registry: Path) -> str:  # type: ignore[no-untyped-def]
    url = (
        "duckdb:///warehouse/q.duckdb"
        if request.param == "duckdb"
        else request.getfixturevalue("postgres_url")
    )
    (base_registry / "sources" / "mesta.yaml").write_text(SOURCE, "utf-8")
    (base_registry / "sources" / "obce.yaml").write_text(OBCE, "utf-8")
    standards = yaml.safe_load((base_registry / "standards.yaml").read_text("utf-8"))
    standards["standards"][0]["max_error_rows"] = 100  # keep the defects: they are what is scored
    (base_registry / "standards.yaml").write_text(
        yaml.safe_dump(standards, allow_unicode=True), "utf-8"
    )
    Path("obce.csv").write_text("kod_obce\n563889\n563510\n561380\n577626\n", "utf-8")
    assert cdo("--warehouse", url, "submit", "obce", "obce.csv").exit_code == 0
    for name, rows in (("mesta.csv", FIRST), ("mesta-doplneni.csv", SECOND)):
        Path(name).write_text(HEADER + rows, "utf-8")
        result = cdo("--warehouse", url, "submit", "mesta", name, "--format", "json")
        assert json.loads(result.output)["status"] == "accepted", result.output
    Path("vse.csv").write_text(MESTA, "utf-8")
    return url


def _score(url: str, base: Path):  # type: ignore[no-untyped-def]
    registry = load_valid(base)
    return {s.source: s for s in score(parse_url(url, Path.cwd()), registry, store=False)}


@pytest.mark.parametrize(
    ("frequency", "days", "timeliness", "overdue"),
    [
        ("ANNUAL", 300, 100.0, None),  # within its period of 366 days
        ("ANNUAL", 366 + 183, 50.0, 183.0),  # half a period late: half the points
        ("MONTHLY", 31 + 31 * 3, 0.0, 93.0),  # beyond twice its period: none
        ("IRREG", 5000, 100.0, None),  # no update expected, so never late
        ("UNKNOWN", 1, None, None),  # nothing to measure the age against: said
    ],
)
def test_timeliness_by_hand(
    scored_warehouse: str,
    base_registry: Path,
    frequency: str,
    days: int,
    timeliness: float | None,
    overdue: float | None,
) -> None:
    """The last accepted submission's age against the source's update frequency: 100
    within the period, then down to 0 at twice the period."""
    from datetime import datetime, timedelta

    entry = base_registry / "sources" / "mesta.yaml"
    text = entry.read_text("utf-8").replace(
        "update_frequency: ANNUAL", f"update_frequency: {frequency}"
    )
    entry.write_text(text, "utf-8")
    registry = load_valid(base_registry)
    warehouse = parse_url(scored_warehouse, Path.cwd())
    (now,) = score(warehouse, registry, ["mesta"], store=False)
    assert now.last_accepted is not None
    then = datetime.fromisoformat(now.last_accepted.removesuffix("Z")) + timedelta(days=days)
    (later,) = score(warehouse, registry, ["mesta"], now=then, store=False)
    assert later.dimensions["timeliness"] == timeliness
    assert later.overdue_days == overdue
    unmeasured = [note for note in later.notes if "timeliness is not measured" in note]
    if timeliness is None:
        assert later.met["timeliness"] is None  # neither met nor failed
        assert unmeasured == [
            "timeliness is not measured: the update frequency is UNKNOWN; set "
            "update_frequency in the entry"
        ]
        # The score is the mean of the other dimensions alone (the weights are equal).
        scored = [value for value in later.dimensions.values() if value is not None]
        assert len(scored) == 5 and later.score == round(sum(scored) / 5, 1)
    else:
        assert later.met["timeliness"] == (timeliness >= later.thresholds["timeliness"])
        assert not unmeasured


def test_dimensions_by_hand(scored_warehouse: str, base_registry: Path) -> None:
    result = _score(scored_warehouse, base_registry)["mesta"]
    assert result.status == "scored" and result.rows == 6
    # weights: kod 2, nazev 2, obyvatel 1, kraj 1, starosta 1 = 7 per row, 42 cells in all;
    # missing: nazev once (2), obyvatel once (1), kraj twice (2) = 5 → 37/42.
    assert result.dimensions["completeness"] == round(100 * 37 / 42, 1)
    # invalid rows: row 3 (maximum), row 4 (nazev required, enum): 2 of 6.
    assert result.dimensions["validity"] == round(100 * 4 / 6, 1)
    # rows whose key is repeated: both rows of 563510.
    assert result.dimensions["uniqueness"] == round(100 * 4 / 6, 1)
    # foreign keys found: 5 of 6 codes; reconciliation matched: (83.3 + 100) / 2.
    assert result.dimensions["consistency"] == round((round(100 * 5 / 6, 1) + 100) / 2, 1)
    assert result.dimensions["timeliness"] == 100.0
    checks = {(c["check"], c["column"]): c["rows"] for c in result.failing_checks}
    assert checks == {
        ("required", "nazev"): 1,
        ("maximum", "obyvatel"): 1,
        ("enum", "kraj"): 1,
        ("primaryKey", None): 2,
    }


def test_code_lists_into_other_sources_count_for_consistency(
    scored_warehouse: str, base_registry: Path
) -> None:
    """A code list held by another source is a reference as a foreign key is, whatever its
    severity (a warning lets a file load; its codes are still not found)."""
    entry = base_registry / "sources" / "mesta.yaml"
    text = entry.read_text("utf-8")
    foreign_key = (
        "  foreignKeys:\n    - {fields: [kod], reference: {resource: obce, fields: [kod_obce]}}\n"
    )
    assert foreign_key in text

    def consistency(checks: str, *, keep_key: bool) -> float | None:
        written = text if keep_key else text.replace(foreign_key, "")
        entry.write_text(written + "checks:\n" + checks, "utf-8")
        result = _score(scored_warehouse, base_registry)["mesta"]
        assert result.dimensions["validity"] == round(100 * 4 / 6, 1)  # warnings: no change
        return result.dimensions["consistency"]

    kod = "  - {type: code-list, field: kod, source: obce, source_field: kod_obce, severity: warning}\n"
    by_key = round((round(100 * 5 / 6, 1) + 100) / 2, 1)
    # The code list in place of the foreign key: the same 5 of 6 codes found.
    assert consistency(kod, keep_key=False) == by_key
    # Both naming the same reference: counted once.
    assert consistency(kod, keep_key=True) == by_key
    # A second reference, none of whose 6 values is a municipality code.
    starosta = kod.replace("field: kod,", "field: starosta,")
    assert consistency(kod + starosta, keep_key=True) == round(
        (round(100 * 5 / 6, 1) + 0 + 100) / 3, 1
    )


def _failures_by_rule(report) -> dict[tuple[str, str | None], int]:  # type: ignore[no-untyped-def]
    """Rows failing each rule in a validation report, as the score counts them in SQL (the
    type, the keys and foreign keys are measured by other dimensions)."""
    return {
        (a["assertion"], a["column"]): a["failures"]
        for a in report.tasks[0].assertions
        if a["failures"] and a["assertion"] not in ("type", "primaryKey", "foreignKey")
    }


def test_sql_rules_count_what_validation_counts(scored_warehouse: str, base_registry: Path) -> None:
    """The same rules on a file (validation) and in the warehouse (SQL) find the same rows."""
    from cdo_toolkit.validation.api import Options, validate

    registry = load_valid(base_registry)
    report = validate("vse.csv", Options(source="mesta"), registry=registry)
    by_file = _failures_by_rule(report)
    in_sql = {
        (c["check"], c["column"]): c["rows"]
        for c in _score(scored_warehouse, base_registry)["mesta"].failing_checks
        if c["check"] != "primaryKey"
    }
    assert by_file == in_sql


def test_sql_ico_check_passes_a_missing_value_as_validation_does(
    cdo, scored_warehouse: str, base_registry: Path
) -> None:
    """A missing IČO is for `required` to judge: the SQL form failed it, so every source
    with an optional IČO column scored as if each empty cell were a wrong IČO."""
    from cdo_toolkit.validation.api import Options, validate

    firmy = source_yaml(
        "firmy",
        "Firmy",
        "Firmy kraje.",
        """\
personal_data: false
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: id, type: integer}
    - {name: ico, type: string}
  primaryKey: [id]
checks:
  - {type: ico, field: ico}
warehouse: {table: firmy}
""",
    )
    (base_registry / "sources" / "firmy.yaml").write_text(firmy, "utf-8")
    # 00064581 and 70891508 are right, 00064582 has a wrong check digit, 123 is no IČO.
    Path("firmy.csv").write_text(
        "id;ico\n1;00064581\n2;\n3;00064582\n4;\n5;70891508\n6;123\n", "utf-8"
    )
    assert cdo("--warehouse", scored_warehouse, "submit", "firmy", "firmy.csv").exit_code == 0
    registry = load_valid(base_registry)
    report = validate("firmy.csv", Options(source="firmy"), registry=registry)
    by_file = {a["assertion"]: a["failures"] for a in report.tasks[0].assertions if a["failures"]}
    scored = _score(scored_warehouse, base_registry)["firmy"]
    in_sql = {c["check"]: c["rows"] for c in scored.failing_checks}
    assert by_file == in_sql == {"ico": 2}
    assert scored.dimensions["validity"] == round(100 * 4 / 6, 1)


def test_every_sql_rule_leaves_a_missing_value_to_required(
    cdo, scored_warehouse: str, base_registry: Path
) -> None:
    """Each constraint and check of one source, every column empty in some row: the
    warehouse's SQL finds exactly the rows validation finds, rule by rule."""
    from cdo_toolkit.validation.api import Options, validate

    pravidla = source_yaml(
        "pravidla",
        "Pravidla",
        "Všechna pravidla.",
        """\
personal_data: false
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: id, type: integer, constraints: {required: true}}
    - {name: kod, type: string, constraints: {pattern: '5\\d{5}', minLength: 6, maxLength: 6}}
    - {name: druh, type: string, constraints: {enum: [a, b]}}
    - {name: pocet, type: integer, constraints: {minimum: 0, maximum: 10}}
    - {name: podil, type: number, decimalChar: ",", constraints: {minimum: 0, maximum: 1}}
    - {name: ico, type: string}
    - {name: nazev, type: string, constraints: {required: true}}
  primaryKey: [id]
checks:
  - {type: ico, field: ico}
  - {type: row-rule, name: pocet-a-podil, expression: "pocet IS NULL OR podil IS NOT NULL"}
warehouse: {table: pravidla}
""",
    )
    (base_registry / "sources" / "pravidla.yaml").write_text(pravidla, "utf-8")
    Path("pravidla.csv").write_text(
        "id;kod;druh;pocet;podil;ico;nazev\n"
        "1;563889;a;5;0,5;00064581;A\n"
        "2;;;;;;\n"  # every optional column empty, nazev (required) too
        "3;463889;c;11;1,5;00064582;C\n"  # each rule broken once
        "4;5638;b;-1;-0,5;123;D\n"
        "5;563889;;3;;;E\n",
        "utf-8",
    )
    submitted = cdo("--warehouse", scored_warehouse, "submit", "pravidla", "pravidla.csv")
    assert submitted.exit_code == 0, submitted.output
    registry = load_valid(base_registry)
    report = validate("pravidla.csv", Options(source="pravidla"), registry=registry)
    by_file = _failures_by_rule(report)
    scored = _score(scored_warehouse, base_registry)["pravidla"]
    in_sql = {(c["check"], c["column"]): c["rows"] for c in scored.failing_checks}
    assert by_file == in_sql
    assert by_file[("required", "nazev")] == 1 and by_file[("ico", "ico")] == 2
    # A row rule has no column: the audit names it by the registry's name for it.
    assert {"check": "row-rule", "column": None, "rule": "pocet-a-podil", "rows": 1} in (
        scored.failing_checks
    )
    items = _audit_items(cdo, scored_warehouse, "pravidla")
    assert "1 row breaks the row rule pocet-a-podil" in items
    # The other checks are said as what the rows have, not by the check's name.
    assert "1 row has nazev empty, which is required" in items
    assert "2 rows have an invalid IČO in ico" in items


def test_row_rules_on_dates_count_alike_in_file_and_warehouse(
    cdo, scored_warehouse: str, base_registry: Path
) -> None:
    """Date literals, CURRENT_DATE, days between dates and a date plus days mean the same
    on a file (polars) and in the warehouse (SQL), also for a date in a format polars
    does not parse itself (read by Frictionless's reader); a time with an offset is
    compared in UTC. A missing value fails no rule."""
    from cdo_toolkit.validation.api import Options, validate

    (base_registry / "sources" / "akce.yaml").write_text(
        source_yaml(
            "akce",
            "Akce",
            "Akce s daty.",
            """\
personal_data: false
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: id, type: integer}
    - {name: od, type: date, format: "%d.%m.%Y"}
    - {name: do, type: date, format: "%m/%d/%Y %I:%M %p"}
    - {name: zapsano, type: datetime, format: "%Y-%m-%dT%H:%M:%S%z"}
  primaryKey: [id]
checks:
  - {type: row-rule, name: poradi, expression: "do >= od"}
  - {type: row-rule, name: delka, expression: "do - od <= 30"}
  - {type: row-rule, name: lhuta, expression: "do <= od + 14"}
  - {type: row-rule, name: od-2024, expression: "od >= DATE '2024-01-01'"}
  - {type: row-rule, name: minulost, expression: "od < CURRENT_DATE"}
  - {type: row-rule, name: zapis, expression: "zapsano < TIMESTAMP '2024-02-01 00:00'"}
warehouse: {table: akce}
""",
        ),
        "utf-8",
    )
    Path("akce.csv").write_text(
        "id;od;do;zapsano\n"
        "1;1.2.2024;2/10/2024 08:00 AM;2024-01-31T23:30:00+0100\n"  # meets every rule
        "2;1.2.2024;1/31/2024 08:00 AM;\n"  # ends before it starts
        "3;1.2.2024;3/15/2024 08:00 AM;\n"  # 43 days: longer than 30, later than 14
        "4;20.12.2023;12/25/2023 08:00 AM;\n"  # before 2024
        "5;1.1.2999;1/2/2999 08:00 AM;\n"  # not in the past
        "6;1.2.2024;2/20/2024 08:00 AM;\n"  # 19 days: within 30, later than 14
        "7;;2/20/2024 08:00 AM;2024-01-31T23:30:00-0100\n",  # 00:30 UTC on 1 February
        "utf-8",
    )
    submitted = cdo("--warehouse", scored_warehouse, "submit", "akce", "akce.csv")
    assert submitted.exit_code == 0, submitted.output
    report = validate("akce.csv", Options(source="akce"), registry=load_valid(base_registry))
    by_file = {a["rule"]: a["failures"] for a in report.tasks[0].assertions if "rule" in a}
    scored = _score(scored_warehouse, base_registry)["akce"]
    in_sql = {c["rule"]: c["rows"] for c in scored.failing_checks if c["check"] == "row-rule"}
    expected = {"poradi": 1, "delka": 1, "lhuta": 2, "od-2024": 1, "minulost": 1, "zapis": 1}
    assert by_file == expected
    assert in_sql == expected


def test_a_row_rule_comparing_text_with_a_number_is_refused(
    cdo, scored_warehouse: str, base_registry: Path
) -> None:
    """Before, validation passed every row (Pandera listed the rule's error as no failing
    row) and the score failed with the engine's SQL error. Now lint, validate and score
    each name the rule and what to do."""
    (base_registry / "sources" / "mesta.yaml").write_text(
        SOURCE.replace(
            "warehouse:",
            "checks:\n  - {type: row-rule, name: nesmysl, expression: nazev > 5}\nwarehouse:",
        ),
        "utf-8",
    )
    said = 'the row rule "nesmysl" (nazev > 5) cannot be evaluated on its fields\' types'
    lint = cdo("registry", "lint")
    assert lint.exit_code == 1 and said in lint.output and "mesta.yaml:" in lint.output, lint.output
    for command in (["validate", "mesta.csv", "--source", "mesta"], ["score", "mesta"]):
        result = cdo("--warehouse", scored_warehouse, *command)
        assert result.exit_code == 2, result.output
        assert said in " ".join(result.output.split()), result.output
        assert "Traceback" not in result.output


def test_a_row_rule_naming_no_field_is_refused_by_score_too(
    cdo, scored_warehouse: str, base_registry: Path
) -> None:
    """Scoring loads the registry without lint's slower checks; a rule naming a field the
    schema lacks ended the score in an internal error. It is said, as validate says it."""
    (base_registry / "sources" / "mesta.yaml").write_text(
        SOURCE.replace(
            "warehouse:",
            "checks:\n  - {type: row-rule, name: hustota, expression: obyvatelu > 0}\nwarehouse:",
        ),
        "utf-8",
    )
    said = {
        # validate loads the registry as lint does
        "validate": "the row rule names unknown fields: obyvatelu",
        "score": 'the row rule "hustota" (obyvatelu > 0) cannot be used: unknown field '
        "'obyvatelu' (cdo registry lint shows where it is)",
    }
    for command in (["validate", "mesta.csv", "--source", "mesta"], ["score", "mesta"]):
        result = cdo("--warehouse", scored_warehouse, *command)
        assert result.exit_code == 2, result.output
        assert said[command[0]] in " ".join(result.output.split()), result.output


def test_a_row_rule_names_fields_in_any_case_as_sql_does(
    cdo, scored_warehouse: str, base_registry: Path
) -> None:
    """Election results name their columns in capitals (``VOL_SEZNAM``); a row rule
    written ``odevz_obal <= vol_seznam`` names them as SQL reads names: lint passes it, and
    the file and the warehouse (where the columns keep their capitals) count the same."""
    from cdo_toolkit.validation.api import Options, validate

    (base_registry / "sources" / "volby.yaml").write_text(
        source_yaml(
            "volby",
            "Volby",
            "Výsledky voleb v okrscích.",
            """\
personal_data: false
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: OKRSEK, type: integer}
    - {name: VOL_SEZNAM, type: integer}
    - {name: ODEVZ_OBAL, type: integer}
  primaryKey: [OKRSEK]
checks:
  - {type: row-rule, name: obalky, expression: "odevz_obal <= vol_seznam"}
warehouse: {table: volby}
""",
        ),
        "utf-8",
    )
    Path("volby.csv").write_text(
        "OKRSEK;VOL_SEZNAM;ODEVZ_OBAL\n1;100;60\n2;50;51\n3;80;80\n", "utf-8"
    )
    lint = cdo("registry", "lint")
    assert lint.exit_code == 0, lint.output
    submitted = cdo("--warehouse", scored_warehouse, "submit", "volby", "volby.csv")
    assert submitted.exit_code == 0, submitted.output
    report = validate("volby.csv", Options(source="volby"), registry=load_valid(base_registry))
    by_file = {a["rule"]: a["failures"] for a in report.tasks[0].assertions if "rule" in a}
    scored = _score(scored_warehouse, base_registry)["volby"]
    in_sql = {c["rule"]: c["rows"] for c in scored.failing_checks if c["check"] == "row-rule"}
    assert by_file == in_sql == {"obalky": 1}


@pytest.mark.parametrize(
    ("check", "rows", "english", "czech"),
    [
        ("required", 1, "1 row has datum empty, which is required", "1 řádek má prázdné povinné pole datum"),
        ("enum", 3, "3 rows have datum outside its allowed values", "3 řádky mají datum mimo povolené hodnoty"),
        ("maximum", 5, "5 rows have datum above its maximum", "5 řádků má datum nad jeho maximem"),
        ("pattern", 2, "2 rows have datum not written as its pattern says", "2 řádky mají datum zapsané jinak, než říká jeho vzor"),
        ("primaryKey", 2, "2 rows repeat the primary key of others", "2 řádky opakují primární klíč jiných"),
        ("unknown-check", 2, "2 rows break unknown-check on datum", "2 řádky porušují unknown-check ve sloupci datum"),
    ],
)  # fmt: skip
def test_failing_checks_are_said_as_what_the_rows_have(
    check: str, rows: int, english: str, czech: str
) -> None:
    from cdo_toolkit import i18n
    from cdo_toolkit.quality.audit import _failing_check

    failing = {"check": check, "column": None if check == "primaryKey" else "datum", "rows": rows}
    assert _failing_check(failing) == english
    try:
        i18n.use("cs")
        assert _failing_check(failing) == czech
    finally:
        i18n.use("en")


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_a_referenced_source_not_loaded_is_not_measured(
    cdo, base_registry: Path, request: pytest.FixtureRequest, engine: str
) -> None:
    """mesta's foreign key points at obce, which was never submitted: the score says what
    it could not measure (it failed with an internal error), consistency comes from the
    reconciliation alone."""
    url = (
        "duckdb:///warehouse/fk.duckdb"
        if engine == "duckdb"
        else request.getfixturevalue("postgres_url")
    )
    (base_registry / "sources" / "mesta.yaml").write_text(SOURCE, "utf-8")
    (base_registry / "sources" / "obce.yaml").write_text(OBCE, "utf-8")
    clean = FIRST.replace("561380;;36853;XX", "561380;Lípa;36853;LK")
    Path("mesta.csv").write_text(HEADER + clean, "utf-8")
    assert cdo("--warehouse", url, "submit", "mesta", "mesta.csv").exit_code == 0
    result = cdo("--warehouse", url, "score", "mesta", "--format", "json")
    assert result.exit_code == 0, result.output
    item = json.loads(result.output)[0]
    assert item["status"] == "scored" and item["dimensions"]["consistency"] == 100.0
    assert item["notes"] == [
        "mesta refers to obce, which the warehouse does not hold yet: not measured (submit obce)"
    ]
    audit = cdo("--warehouse", url, "audit", "--markdown", "audit.md")
    assert audit.exit_code == 0, audit.output
    assert "mesta refers to obce, which the warehouse does not hold yet" in Path(
        "audit.md"
    ).read_text("utf-8")


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_a_key_kept_as_text_against_one_loaded_as_a_number(
    cdo, base_registry: Path, request: pytest.FixtureRequest, engine: str
) -> None:
    """mesta keeps its municipality codes as strings, obce loads them as integers: the
    foreign key is compared as text, as validation compares it (both engines refused to
    compare text with a number, an internal error)."""
    url = (
        "duckdb:///warehouse/types.duckdb"
        if engine == "duckdb"
        else request.getfixturevalue("postgres_url")
    )
    (base_registry / "sources" / "mesta.yaml").write_text(SOURCE, "utf-8")
    numeric = OBCE.replace("{name: kod_obce, type: string}", "{name: kod_obce, type: integer}")
    assert numeric != OBCE
    (base_registry / "sources" / "obce.yaml").write_text(numeric, "utf-8")
    standards = yaml.safe_load((base_registry / "standards.yaml").read_text("utf-8"))
    standards["standards"][0]["max_error_rows"] = 100  # 599999 is no municipality: keep it
    (base_registry / "standards.yaml").write_text(
        yaml.safe_dump(standards, allow_unicode=True), "utf-8"
    )
    Path("obce.csv").write_text("kod_obce\n563889\n563510\n561380\n577626\n", "utf-8")
    assert cdo("--warehouse", url, "submit", "obce", "obce.csv").exit_code == 0
    clean = FIRST.replace("561380;;36853;XX", "561380;Lípa;36853;LK")
    Path("mesta.csv").write_text(HEADER + clean, "utf-8")
    assert cdo("--warehouse", url, "submit", "mesta", "mesta.csv").exit_code == 0
    result = cdo("--warehouse", url, "score", "mesta", "--format", "json")
    assert result.exit_code == 0, result.output
    # 4 of the 5 codes are municipalities (599999 is not); the reconciliation matched.
    assert json.loads(result.output)[0]["dimensions"]["consistency"] == round((80.0 + 100) / 2, 1)


def test_a_field_added_to_the_schema_after_the_last_load(
    cdo, base_registry: Path, scored_warehouse: str
) -> None:
    """The registry's schema gained a field the loaded table lacks: the score counts it
    as empty and says so (the query failed on the missing column)."""
    grown = SOURCE.replace(
        "    - {name: starosta, type: string}\n",
        "    - {name: starosta, type: string}\n"
        "    - {name: web, type: string, constraints: {required: true}}\n",
    )
    assert grown != SOURCE
    (base_registry / "sources" / "mesta.yaml").write_text(grown, "utf-8")
    result = _score(scored_warehouse, base_registry)["mesta"]
    assert result.status == "scored" and result.rows == 6
    # 37 of 42 cells before; web adds 2 × 6 required cells, none filled: 37 / 54.
    assert result.dimensions["completeness"] == round(100 * 37 / 54, 1)
    assert result.dimensions["validity"] == 0.0  # web is required and empty in every row
    assert any("raw.mesta has no column web" in note for note in result.notes)


def test_never_submitted_is_not_a_perfect_score(cdo, base_registry: Path) -> None:
    from cdo_toolkit.warehouse.connection import Warehouse

    with Warehouse(parse_url("duckdb:///warehouse/empty.duckdb", Path.cwd())):
        pass  # a warehouse that exists and has no submission
    result = cdo("--warehouse", "duckdb:///warehouse/empty.duckdb", "score", "--format", "json")
    assert result.exit_code == 0, result.output
    for item in json.loads(result.output):
        assert item["status"] == "not submitted"
        assert item["score"] is None and item["grade"] == "–"
        assert item["dimensions"]["validity"] is None
        assert item["passes_standard"] is False


def test_a_warehouse_that_does_not_exist_is_said_and_not_created(cdo, base_registry: Path) -> None:
    """A mistyped --warehouse made an empty warehouse there and scored every source as
    never submitted, without a word."""
    runner = CliRunner()  # stderr apart from stdout
    from cdo_toolkit.cli.app import app

    nowhere = ["--warehouse", "duckdb:///preklep/cdo.duckdb"]
    scored = runner.invoke(app, [*nowhere, "score", "--format", "json"], env={"COLUMNS": "200"})
    assert scored.exit_code == 0, scored.output
    assert {item["status"] for item in json.loads(scored.stdout)} == {"not submitted"}
    assert "the warehouse" in scored.stderr and "does not exist" in scored.stderr
    audited = runner.invoke(app, [*nowhere, "audit", "--format", "json", "--markdown", "a.md"])
    assert audited.exit_code == 0, audited.output
    assert json.loads(audited.stdout)["warehouse_exists"] is False
    assert "The warehouse does not exist yet" in Path("a.md").read_text("utf-8")
    (base_registry / "builds").mkdir()
    (base_registry / "builds" / "pocty.sql").write_text(
        "SELECT count(*) AS n FROM raw.obce", "utf-8"
    )
    (base_registry / "builds" / "pocty.yaml").write_text(
        "id: pocty\ntitle: Počty\ndescription: Počet obcí.\nsql: builds/pocty.sql\ntable: pocty\n",
        "utf-8",
    )
    built = cdo(*nowhere, "build")
    assert built.exit_code == 2 and "does not exist yet" in built.output
    assert not Path("preklep").exists()
    # A mistyped source or guarantor is the one thing said, not after the warehouse's warning.
    for args in (
        ["score", "obcee"],
        ["score", "--guarantor", "gys"],
        ["audit", "--guarantor", "gys"],
    ):
        typo = runner.invoke(app, [*nowhere, *args])
        assert typo.exit_code == 2, typo.output
        assert typo.stderr.startswith("error: unknown"), typo.stderr


@pytest.mark.parametrize(
    ("columns", "header", "never"),
    [
        (200, "Completeness", "not submitted"),  # every dimension, whole names
        (130, "Compl.", "not submitted"),  # every dimension, names cut to fit
        (80, "standard", "–"),  # the verdicts; under the table what is below the standard
    ],
)
def test_scorecard_fits_the_terminal(
    base_registry: Path, columns: int, header: str, never: str
) -> None:
    from cdo_toolkit.cli.app import app

    result = CliRunner().invoke(app, ["score"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= columns
    assert "…" not in result.stdout  # nothing cut short by the terminal
    assert header in " ".join(" ".join(lines[:4]).split())
    obce = next(line for line in lines if line.strip().startswith("obce "))
    assert obce.split()[1] == never.split()[0]
    if columns == 80:
        assert "Compl" not in result.stdout
    assert "obce does not meet the standard zakladni: not submitted" in result.stdout


def test_scorecard_keeps_long_ids_and_verdicts_whole_on_a_narrow_terminal(
    base_registry: Path,
) -> None:
    """Ids of thirty letters left the verdicts a column of six, cut to 'not accep…'."""
    from cdo_toolkit.cli.app import app

    long_id = "cernosice-00241121-budget-2016"
    register_copy(base_registry, "obce", long_id, "rozpocet")
    result = CliRunner().invoke(app, ["score"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80
    said = " ".join(result.stdout.split())
    assert f"{long_id} does not meet the standard zakladni: not submitted" in said


def test_output_without_a_terminal_is_not_cut_to_80_columns(
    base_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI log or a file has no width: rich's 80 columns left out the dimensions."""
    from cdo_toolkit.cli.app import app

    def no_terminal(descriptor: int = 1) -> os.terminal_size:
        raise OSError(25, "Inappropriate ioctl for device")

    # As in CI, whether or not the tests run in a terminal (pytest -s).
    monkeypatch.setattr(os, "get_terminal_size", no_terminal)
    result = CliRunner().invoke(app, ["score"], env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    assert "Completeness" in result.stdout and "Consistency" in result.stdout
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) > 80


def _audit_items(cdo, url: str, source: str) -> list[str]:  # type: ignore[no-untyped-def]
    data = json.loads(cdo("--warehouse", url, "audit", "--format", "json").output)
    entries = [e for items in data["to_fix"].values() for e in items if e["source"] == source]
    return [item["what"] for e in entries for item in e["items"]]


def test_a_rejected_submission_is_named_with_its_reason(
    cdo, base_registry: Path, scored_warehouse: str
) -> None:
    """The newest submission rejected: the scores stay those of the accepted data, and
    the audit tells the guarantor which file was rejected, why, and what to do."""
    Path("spatne.csv").write_text(HEADER + FIRST + "563889;Liberec znovu;1;LK;X\n", "utf-8")
    rejected = cdo("--warehouse", scored_warehouse, "submit", "mesta", "spatne.csv")
    assert rejected.exit_code == 1, rejected.output
    result = _score(scored_warehouse, base_registry)["mesta"]
    assert result.status == "scored" and result.rows == 6
    assert result.last_submission is not None
    assert (result.last_submission["file"], result.last_submission["status"]) == (
        "spatne.csv",
        "rejected",
    )
    assert result.rejected_since
    (item,) = [i for i in _audit_items(cdo, scored_warehouse, "mesta") if "spatne.csv" in i]
    number = result.last_submission["id"]
    assert item.startswith(f"submission #{number} (spatne.csv, ") and " rejected: " in item
    assert result.last_submission["message"] in item
    assert item.endswith("(the scores are of the data accepted before it)")


def test_submitted_but_never_accepted_is_not_called_not_submitted(cdo, base_registry: Path) -> None:
    (base_registry / "sources" / "mesta.yaml").write_text(SOURCE, "utf-8")
    (base_registry / "sources" / "obce.yaml").write_text(OBCE, "utf-8")
    url = "duckdb:///warehouse/rejected.duckdb"
    Path("mesta.csv").write_text(HEADER + FIRST + "563889;Liberec znovu;1;LK;X\n", "utf-8")
    assert cdo("--warehouse", url, "submit", "mesta", "mesta.csv").exit_code == 1
    scores = {
        s["source"]: s
        for s in json.loads(cdo("--warehouse", url, "score", "--format", "json").output)
    }
    assert scores["mesta"]["status"] == "not accepted" and scores["mesta"]["score"] is None
    assert scores["obce"]["status"] == "not submitted"
    (item,) = _audit_items(cdo, url, "mesta")
    assert (
        item.startswith("submission #1 (mesta.csv, ") and "fix the file and submit it again" in item
    )
    assert _audit_items(cdo, url, "obce") == [
        "nothing submitted yet: submit the source (cdo submit)"
    ]
    table = cdo("--warehouse", url, "score").output
    assert "not accepted" in table and "not submitted" in table
    Path("r.md").unlink(missing_ok=True)
    assert cdo("--warehouse", url, "audit", "--markdown", "r.md").exit_code == 0
    assert "| not accepted |" in Path("r.md").read_text("utf-8")
    history = " ".join(cdo("--warehouse", url, "history").output.split())
    assert "rejected" in history
    assert (
        f"submission 1 (mesta) rejected: {scores['mesta']['last_submission']['message']}" in history
    )


def test_a_dropped_table_is_not_loaded_not_unsubmitted(
    cdo, base_registry: Path, scored_warehouse: str
) -> None:
    from cdo_toolkit.warehouse.connection import Warehouse

    with Warehouse(parse_url(scored_warehouse, Path.cwd())) as warehouse:
        warehouse.execute("DROP TABLE raw.mesta")
    result = _score(scored_warehouse, base_registry)["mesta"]
    assert result.status == "not loaded" and result.score is None
    assert _audit_items(cdo, scored_warehouse, "mesta") == [
        "the warehouse no longer holds the table its accepted data were loaded into: submit "
        "the source again (cdo submit)"
    ]


def test_an_emptied_table_is_no_perfect_score(
    cdo, base_registry: Path, scored_warehouse: str
) -> None:
    # A header-only file loaded on purpose (--accept-volume-change): no row is no evidence.
    registry_file = base_registry / "sources" / "mesta.yaml"
    registry_file.write_text(
        registry_file.read_text("utf-8").replace("load_mode: append", "load_mode: replace"), "utf-8"
    )
    Path("prazdne.csv").write_text(HEADER, "utf-8")
    emptied = cdo(
        "--warehouse", scored_warehouse, "submit", "mesta", "prazdne.csv", "--accept-volume-change"
    )
    assert emptied.exit_code == 0, emptied.output
    result = _score(scored_warehouse, base_registry)["mesta"]
    assert (result.status, result.rows, result.score, result.grade) == ("empty", 0, None, "–")
    assert result.passes is False
    assert {d: v for d, v in result.dimensions.items() if v is not None} == {
        "metadata": result.metadata["score"]
    }
    assert _audit_items(cdo, scored_warehouse, "mesta")[0].startswith(
        "the accepted data has no rows (submission #4, prazdne.csv, "
    )


def test_history_trend_and_fail_under(cdo, scored_warehouse: str) -> None:
    first = json.loads(
        cdo("--warehouse", scored_warehouse, "score", "mesta", "--format", "json").output
    )[0]
    assert first["previous"] is None
    registry_file = Path("registry/sources/mesta.yaml")
    registry_file.write_text(
        registry_file.read_text("utf-8").replace("load_mode: append", "load_mode: replace"), "utf-8"
    )
    Path("opraveno.csv").write_text(
        MESTA.replace("563510;Jablonec 2", "563511;Jablonec 2"), "utf-8"
    )
    assert cdo("--warehouse", scored_warehouse, "submit", "mesta", "opraveno.csv").exit_code == 0
    second = json.loads(
        cdo("--warehouse", scored_warehouse, "score", "mesta", "--format", "json").output
    )[0]
    assert second["previous"] == first["score"]
    assert second["trend"] == round(second["score"] - first["score"], 1) and second["trend"] > 0
    assert (
        cdo("--warehouse", scored_warehouse, "score", "mesta", "--fail-under", "99").exit_code == 1
    )
    assert (
        cdo("--warehouse", scored_warehouse, "score", "mesta", "--fail-under", "10").exit_code == 0
    )
    out_of_range = cdo("--warehouse", scored_warehouse, "score", "--fail-under", "200")
    assert out_of_range.exit_code == 2 and "less than or equal to 100" in out_of_range.output
    table = cdo("--warehouse", scored_warehouse, "score", "mesta").output
    assert "mesta" in table and "+" in table


def test_scorecard_says_in_words_what_is_below_the_standard(cdo, scored_warehouse: str) -> None:
    """A red cell says nothing in a log without colours: each dimension below its threshold
    is said under the table, with its value and the threshold, in every layout."""
    from cdo_toolkit.cli.app import app
    from cdo_toolkit.quality.score import DIMENSION_LABELS

    data = json.loads(
        cdo("--warehouse", scored_warehouse, "score", "mesta", "--format", "json").output
    )[0]
    below = [key for key in DIMENSION_LABELS if data["met"].get(key) is False]
    assert below, data  # the fixture's defects keep mesta under its standard
    what = ", ".join(
        f"{DIMENSION_LABELS[key]} {data['dimensions'][key]:.1f} (at least {data['thresholds'][key]:g})"
        for key in below
    )
    for columns in ("200", "80"):
        result = CliRunner().invoke(
            app, ["--warehouse", scored_warehouse, "score", "mesta"], env={"COLUMNS": columns}
        )
        said = " ".join(result.stdout.split())
        assert f"mesta does not meet the standard {data['standard']}: {what}" in said


def test_audit_masks_personal_data_everywhere(cdo, scored_warehouse: str) -> None:
    data = json.loads(
        cdo(
            "--warehouse",
            scored_warehouse,
            "audit",
            "--format",
            "json",
            "--html",
            "r.html",
            "--markdown",
            "r.md",
        ).output
    )
    samples = [s for entries in data["to_fix"].values() for e in entries for s in e["samples"]]
    assert samples and all(
        "Jitka Volfová" not in json.dumps(s, ensure_ascii=False) for s in samples
    )
    assert any("•••" in s["cells"] for s in samples)
    for path in ("r.html", "r.md"):
        text = Path(path).read_text("utf-8")
        assert "Volfová" not in text and "Zámečník" not in text
    assert "What to fix" in Path("r.md").read_text("utf-8")
    czech = cdo(
        "--lang",
        "cs",
        "--warehouse",
        scored_warehouse,
        "audit",
        "--markdown",
        "cs.md",
        "--html",
        "cs.html",
    )
    assert czech.exit_code == 0, czech.output
    assert "Co opravit – podle garantů" in Path("cs.md").read_text("utf-8")
    page = Path("cs.html").read_text("utf-8")
    assert '<html lang="cs">' in page and "Standard splněn" in page and "Úplnost" in page


def test_audit_samples_say_what_to_do(cdo, scored_warehouse: str) -> None:
    """A sample row's constraint error says what to do of the constraint it breaks, in the
    JSON, Markdown and HTML reports; a row's error keeps its note."""
    data = json.loads(
        cdo("--warehouse", scored_warehouse, "audit", "--format", "json", "--markdown", "r.md", "--html", "r.html").stdout
    )  # fmt: skip
    samples = [s for entries in data["to_fix"].values() for e in entries for s in e["samples"]]
    said = {s["what_to_do"] for s in samples if s["type"] == "constraint-error"}
    assert said and all(
        text.startswith(
            ("the value must be at most", "use one of the allowed values", "the field is required")
        )
        for text in said
    ), said
    assert all(s["what_to_do"] is None for s in samples if s["type"] == "primary-key")
    markdown = Path("r.md").read_text("utf-8")
    page = Path("r.html").read_text("utf-8")
    for text in said:
        assert f"– {text}" in markdown.replace("\\", "")
        assert text.split(":")[0] in page


def test_czech_reports_write_decimal_commas(cdo, scored_warehouse: str) -> None:
    """Scores read 95,4 in Czech, in the terminal, the Markdown and the HTML report and
    its charts; JSON keeps numbers."""
    data = json.loads(cdo("--warehouse", scored_warehouse, "audit", "--format", "json").stdout)
    score = next(s["score"] for s in data["scores"] if s["score"] and s["score"] % 1)
    assert isinstance(score, float)
    dotted, comma = f"{score:.1f}", f"{score:.1f}".replace(".", ",")
    czech = cdo(
        "--lang", "cs", "--warehouse", scored_warehouse, "audit", "--markdown", "cs.md", "--html", "cs.html"
    )  # fmt: skip
    assert czech.exit_code == 0, czech.output
    assert comma in czech.stdout and dotted not in czech.stdout
    assert f"| {comma} |" in Path("cs.md").read_text("utf-8")
    page = Path("cs.html").read_text("utf-8")
    assert f'<td class="num">{comma}</td>' in page
    # Each chart drawn (no lineage: the registry declares no build) with a decimal comma.
    assert page.count('"separators": ", "') == page.count('class="chart"') == 3
    # The time of the report as Czech write it, too.
    assert re.search(
        r"Vygenerováno \d{1,2}\. \d{1,2}\. \d{4} \d\d:\d\d UTC\.", Path("cs.md").read_text("utf-8")
    )
    assert re.search(r"Vygenerováno \d{1,2}\. \d{1,2}\. \d{4} \d\d:\d\d UTC ·", page)
    english = cdo("--warehouse", scored_warehouse, "audit", "--markdown", "en.md")
    assert dotted in english.stdout and f"| {dotted} |" in Path("en.md").read_text("utf-8")
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", Path("en.md").read_text("utf-8"))


def test_numbers_and_times_follow_the_language() -> None:
    from cdo_toolkit import i18n

    try:
        i18n.use("cs")
        assert i18n.decimal(95.44) == "95,4" and i18n.decimal(-2.5, "+.1f") == "-2,5"
        assert i18n.decimal(5.0, "g") == "5" and i18n.decimal(0.125, "g") == "0,125"
        assert i18n.moment("2026-12-01T02:26:19.063307Z") == "1. 12. 2026 02:26 UTC"
        assert i18n.moment("2026-12-01T02:26:19Z", time=False) == "1. 12. 2026"
        assert i18n.moment("") == "" and i18n.moment("včera") == "včera"
        i18n.use("en")
        assert i18n.decimal(95.44) == "95.4" and i18n.decimal(2.5, "+.1f") == "+2.5"
        assert i18n.moment("2026-12-01T02:26:19Z") == "2026-12-01 02:26 UTC"
        assert i18n.moment("2026-12-01T02:26:19Z", time=False) == "2026-12-01"
    finally:
        i18n.use("en")


def test_policy_grades_come_from_policies_folder(tmp_path: Path) -> None:
    (tmp_path / "quality.yaml").write_text(
        "grades: {A: 99, B: 50}\nweights: {metadata: 0}\n", "utf-8"
    )
    policy = load_policy(tmp_path)
    assert policy.grade(99.5) == "A" and policy.grade(60) == "B" and policy.grade(10) == "E"
    assert policy.weights["metadata"] == 0 and policy.weights["validity"] == 1


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("no headless Chromium (Debian package chromium) to open the report")
    return path


def test_report_renders_in_a_browser(cdo, shipped_registry: Path, tmp_path: Path) -> None:
    browser = _chromium()
    for source in ("obce", "zastavky", "dopravni-nehody", "skoly"):
        cdo("submit", source, f"examples/{source}.csv")
    assert cdo("build").exit_code == 0
    cdo("score")
    result = cdo("audit", "--html", "report.html")
    assert result.exit_code == 0, result.output
    html = Path("report.html").read_text("utf-8")
    import re

    # The scorecard names each source's standard by its title, as the leadership knows it.
    assert "<td>Zlatý standard</td>" in html and "<td>zlaty</td>" not in html
    # Self-contained: no script or stylesheet is fetched from anywhere.
    assert (
        re.findall(r"<script[^>]*\bsrc=", html) == []
        and re.findall(r"<link[^>]*\bhref=", html) == []
    )
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=8000",
        "--enable-logging=stderr",
        "--v=0",
    ]
    url = Path("report.html").resolve().as_uri()
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    for chart in ("scorecard", "dimensions", "history", "lineage"):
        start = dom.stdout.index(f'id="{chart}"')
        assert "main-svg" in dom.stdout[start : start + 20000], f"chart {chart} did not render"
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console
    shot = subprocess.run(
        [browser, *flags, "--window-size=1200,2000", f"--screenshot={tmp_path / 'r.png'}", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.returncode == 0 and (tmp_path / "r.png").stat().st_size > 50_000


def test_markdown_samples_read_as_sentences() -> None:
    """A repeated key has no field and no cell: its note says what is wrong (the line read
    ``row 43, : primary-key „“``)."""
    from cdo_toolkit.quality.report import _sample_line

    coded = {"row": 17, "field": "kod_obce", "type": "code-list", "cell": "530000", "note": "x"}
    assert _sample_line(coded) == "row 17, kod_obce: code-list „530000“"
    repeated = {
        "row": 43,
        "field": None,
        "type": "primary-key",
        "cell": "",
        "note": "the same as in the row at position 42",
    }
    assert _sample_line(repeated) == "row 43: primary-key – the same as in the row at position 42"
    assert _sample_line({"row": None, "type": "source-error", "cell": "", "note": ""}) == (
        "source-error"
    )


def test_scorecard_chart_puts_the_worst_source_on_top() -> None:
    from cdo_toolkit.quality.audit import Audit
    from cdo_toolkit.quality.report import _figures
    from cdo_toolkit.quality.score import SourceScore

    def scored(source: str, value: float | None, grade: str) -> SourceScore:
        status = "scored" if value is not None else "not submitted"
        return SourceScore(source, source, "g", "s", status, score=value, grade=grade)

    audit = Audit(
        "2026-11-30T00:00:00Z",
        "kraj",
        "duckdb:///w",
        [
            scored("a", 91.0, "C"),
            scored("b", 99.0, "A"),
            scored("c", None, "–"),
            scored("d", 72.5, "E"),
        ],
    )
    bars = _figures(audit)["scorecard"]["data"][0]
    # Plotly draws the first bar at the bottom.
    assert list(bars["y"]) == ["b", "a", "d"]
    assert list(bars["x"]) == [99.0, 91.0, 72.5]


@pytest.mark.parametrize("count", [1, 2, 12])
def test_scorecard_chart_gives_each_bar_its_height(count: int) -> None:
    """One source's bar was a hairline: the chart's height (148 px) went to plotly's default
    margins (100 px above, 80 below); a chart of no scored source, or a registry without
    builds, drew empty axes."""
    from cdo_toolkit.quality.audit import Audit
    from cdo_toolkit.quality.report import _figures
    from cdo_toolkit.quality.score import SourceScore

    scores = [
        SourceScore(f"z{i}", f"z{i}", "g", "s", "scored", score=90.0, grade="C")
        for i in range(count)
    ]
    figures = _figures(Audit("2026-11-30T00:00:00Z", "kraj", "duckdb:///w", scores))
    layout = figures["scorecard"]["layout"]
    plot_area = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    assert plot_area >= 28 * count
    assert "lineage" not in figures  # no build declared
    unscored = [SourceScore("a", "a", "g", "s", "not submitted", grade="–")]
    assert "scorecard" not in _figures(
        Audit("2026-11-30T00:00:00Z", "kraj", "duckdb:///w", unscored)
    )


def test_audit_lists_the_policies_findings(cdo, shipped_registry: Path) -> None:
    """The audit adds the governance policies' findings to the registry's (it had only
    lint's): in JSON, Markdown, the HTML report and the terminal summary."""
    shutil.copytree(Path(__file__).parent.parent / "policies", shipped_registry.parent / "policies")
    source = shipped_registry / "sources" / "obce.yaml"
    source.write_text(
        source.read_text("utf-8").replace("licence: CC-BY-4.0", "licence: proprietary"), "utf-8"
    )
    assert cdo("policy", "check").exit_code == 1
    result = cdo("audit", "--format", "json", "--markdown", "a.md", "--html", "a.html")
    assert result.exit_code == 0, result.output
    # No warehouse here: a warning on stderr says so; the JSON is on stdout.
    data = json.loads(result.stdout)
    codes = {f["code"] for f in data["findings"]}
    assert "POL:open-licence" in codes
    assert "POL:open-licence" in Path("a.md").read_text("utf-8")
    assert "POL:open-licence" in Path("a.html").read_text("utf-8")
    # Nothing is loaded here, so no data dimension has a value: the reports say why.
    for report in ("a.md", "a.html"):
        assert "uniqueness needs a primary key" in Path(report).read_text("utf-8")
    # The finding is on the list of the guarantor of the source whose file it is in, below
    # "nothing submitted yet" and with the place to fix it.
    (obce,) = [e for e in data["to_fix"]["gis"] if e["source"] == "obce"]
    items = [item["what"] for item in obce["items"]]
    assert items[0].startswith("nothing submitted yet")
    assert any("(POL:open-licence, registry/sources/obce.yaml:" in what for what in items), items
    output = cdo("audit").output
    summary = " ".join(output.split())
    assert "registry and policies: 1 error, 0 warnings" in summary
    # Each source on a line of its own under its guarantor, its worst item first.
    lines = [line.rstrip() for line in output.splitlines()]
    below = lines[lines.index(data["guarantors"]["gis"]["name"]) + 1 :]
    assert below[0].startswith("  obce: nothing submitted yet"), below
    assert (
        f"obce: nothing submitted yet: submit the source (cdo submit) (and {len(items) - 1} more)"
        in summary
    )


def test_audit_says_when_no_policy_was_checked(cdo, shipped_registry: Path) -> None:
    """Without a policy folder the audit checked no governance rule, and said nothing of
    it: "registry and policies: 0 errors" read as if the policies had passed."""
    said = "no governance policy was checked: the policy folder policies does not exist"
    result = cdo("audit", "--markdown", "a.md", "--html", "a.html")
    assert result.exit_code == 0, result.output
    assert said in " ".join(result.output.split())
    for report in ("a.md", "a.html"):
        assert said in Path(report).read_text("utf-8")
    assert json.loads(cdo("audit", "--format", "json").stdout)["policy_rules"] is None
    shutil.copytree(Path(__file__).parent.parent / "policies", shipped_registry.parent / "policies")
    rules = len(yaml.safe_load(Path("policies/registry.yaml").read_text("utf-8"))["rules"])
    assert json.loads(cdo("audit", "--format", "json").stdout)["policy_rules"] == rules
    checked = cdo("audit", "--markdown", "a.md")
    assert "no governance policy" not in checked.output + Path("a.md").read_text("utf-8")


def test_audit_refuses_one_file_for_both_reports(cdo, shipped_registry: Path) -> None:
    result = cdo("audit", "--markdown", "report", "--html", "./report")
    assert result.exit_code == 2
    assert "--html and --markdown name the same file" in result.output
    assert not Path("report").exists()


def test_audit_for_one_guarantor(cdo, shipped_registry: Path) -> None:
    """A guarantor's own to-do list: their sources, the findings in their files, their
    builds; a guarantor that does not exist is an error with the one probably meant."""
    shutil.copytree(Path(__file__).parent.parent / "policies", shipped_registry.parent / "policies")
    source = shipped_registry / "sources" / "obce.yaml"
    source.write_text(
        source.read_text("utf-8").replace("licence: CC-BY-4.0", "licence: proprietary"), "utf-8"
    )
    for name in ("obce", "dopravni-nehody"):
        cdo("submit", name, f"examples/{name}.csv")
    police = cdo(
        "audit", "--guarantor", "policie-analytik", "--format", "json", "--markdown", "p.md"
    )
    assert police.exit_code == 0, police.output
    report = json.loads(police.output)
    assert [s["source"] for s in report["scores"]] == ["dopravni-nehody"]
    assert report["findings"] == []  # the licence finding is in the municipalities' file
    assert [b["id"] for b in report["builds"]] == ["nehody-okresy"]
    assert list(report["to_fix"]) in ([], ["policie-analytik"])
    assert "For the guarantor npor. Martin Král: their sources only" in Path("p.md").read_text(
        "utf-8"
    )
    gis = json.loads(cdo("audit", "--guarantor", "gis", "--format", "json").output)
    assert [s["source"] for s in gis["scores"]] == ["obce"]
    assert {f["code"] for f in gis["findings"]} == {"POL:open-licence"}
    everyone = json.loads(cdo("audit", "--format", "json").output)
    assert len(everyone["scores"]) == 12 and everyone["guarantor"] is None
    wrong = cdo("audit", "--guarantor", "policie")
    assert wrong.exit_code == 2
    assert "unknown guarantor 'policie' (did you mean 'policie-analytik'?)" in wrong.output
    scored = json.loads(cdo("score", "--guarantor", "policie-analytik", "--format", "json").output)
    assert [s["source"] for s in scored] == ["dopravni-nehody"]
    assert cdo("score", "obce", "--guarantor", "gis").exit_code == 2
    # A guarantor left with no source has nothing to score (not every source).
    source.write_text(
        source.read_text("utf-8").replace("guarantor: gis", "guarantor: odbor-skolstvi"), "utf-8"
    )
    assert json.loads(cdo("score", "--guarantor", "gis", "--format", "json").output) == []
    assert json.loads(cdo("audit", "--guarantor", "gis", "--format", "json").output)["scores"] == []


def test_a_history_of_one_day_says_the_trend_is_to_come() -> None:
    from datetime import datetime

    from cdo_toolkit.quality.audit import Audit
    from cdo_toolkit.quality.report import _figures

    def history_of(*days: int) -> dict:  # type: ignore[type-arg]
        audit = Audit("2026-12-07T00:00:00Z", "kraj", "duckdb:///w", [])
        audit.history = {"obce": [(datetime(2026, 12, d, 9).isoformat(), 90.0 + d) for d in days]}
        return _figures(audit)["history"]["layout"]

    said = [a["text"] for a in history_of(7, 7).get("annotations", [])]
    assert said == ["Scored on one day only: later scores will draw the trend."]
    assert "annotations" not in history_of(1, 7)
