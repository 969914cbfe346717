"""Personal data never leaves: validation reports, submit output and lineage mask it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdo_toolkit.lineage.emitter import Emitter
from cdo_toolkit.lineage.events import Dataset, run
from cdo_toolkit.masking import MASK, mask_note, redact_message
from tests.conftest import source_yaml

# Both sources are internal datasets of the education theme holding personal data.
SOURCE = source_yaml(
    "ucastnici",
    "Účastníci kurzů",
    "Účastníci kurzů kraje.",
    """\
access: internal
personal_data:
  contains: true
  columns: [jmeno, rodne_cislo]
  legal_basis: "čl. 6 odst. 1 písm. e) GDPR"
  retention: P5Y
encoding: utf-8
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: id, type: integer, constraints: {required: true}}
    - {name: jmeno, type: string, constraints: {required: true, maxLength: 20}}
    - {name: rodne_cislo, type: string, constraints: {unique: true, pattern: '\\d{6}/\\d{3,4}'}}
    - {name: obec, type: string}
  primaryKey: [id]
  foreignKeys:
    - {fields: [rodne_cislo], reference: {resource: osoby, fields: [rodne_cislo]}}
warehouse: {table: ucastnici}
""",
    theme="education",
)
OSOBY = source_yaml(
    "osoby",
    "Osoby",
    "Evidence osob.",
    """\
access: internal
personal_data: {contains: true, columns: [rodne_cislo], legal_basis: "zákon", retention: P5Y}
dialect: {delimiter: ";"}
schema:
  fields:
    - {name: rodne_cislo, type: string}
  primaryKey: [rodne_cislo]
warehouse: {table: osoby}
""",
    theme="education",
)
# Every personal value below breaks a rule, so each would be quoted by a report.
PERSONAL = [
    "Bohumila Přespříliš Dlouhojmenná",  # maxLength
    "ABC-123",  # pattern
    "900101/1234",  # unique (twice)
    "850505/5555",  # foreign key: no such person
]
DATA = (
    "id;jmeno;rodne_cislo;obec\n"
    "1;Bohumila Přespříliš Dlouhojmenná;800101/1111;Liberec\n"
    "2;Karel;ABC-123;Liberec\n"
    "3;Eva;900101/1234;Turnov\n"
    "4;Petr;900101/1234;Turnov\n"
    "5;Jana;850505/5555;Semily\n"
)


@pytest.fixture
def personal_registry(base_registry: Path) -> Path:
    (base_registry / "sources" / "ucastnici.yaml").write_text(SOURCE, "utf-8")
    (base_registry / "sources" / "osoby.yaml").write_text(OSOBY, "utf-8")
    Path("osoby.csv").write_text("rodne_cislo\n800101/1111\n900101/1234\n", "utf-8")
    Path("ucastnici.csv").write_text(DATA, "utf-8")
    return base_registry


def _assert_masked(text: str) -> None:
    for value in PERSONAL:
        assert value not in text, f"{value!r} leaked"


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "markdown", "csv"])
def test_validate_masks_personal_cells_in_every_format(
    cdo, personal_registry: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    result = cdo(
        "validate",
        "ucastnici.csv",
        "--source",
        "ucastnici",
        "--reference",
        "osoby=osoby.csv",
        "--format",
        fmt,
    )
    assert result.exit_code == 1, result.output
    _assert_masked(result.output)
    # What is wrong and where is still said: the column, and the mask where the value was.
    assert "rodne_cislo" in result.output and "jmeno" in result.output
    assert MASK in result.output or (fmt == "junit" and "&#8226;" in result.output)


def test_validate_json_keeps_every_error_and_masks_only_personal_values(
    cdo, personal_registry: Path
) -> None:  # type: ignore[no-untyped-def]
    args = ("validate", "ucastnici.csv", "--source", "ucastnici", "--reference", "osoby=osoby.csv")
    report = json.loads(cdo(*args, "--format", "json").output)
    errors = report["tasks"][0]["errors"]
    found = {(e["type"], e["rowNumber"], e.get("fieldName") or None) for e in errors}
    assert found == {
        ("constraint-error", 2, "jmeno"),
        ("constraint-error", 3, "rodne_cislo"),
        ("unique-error", 5, "rodne_cislo"),
        ("foreign-key", 3, None),
        ("foreign-key", 6, None),
    }
    for error in (e for e in errors if e["cells"]):
        assert error["cells"][0] not in ("", MASK)  # the id is no personal data
        assert error["cells"][3] in ("Liberec", "Turnov", "Semily")
        assert error["cells"][1] == MASK and error["cells"][2] == MASK
    # Per-cell errors carry the row; the table-wide ones (unique, foreign key) do not.
    assert sum(bool(e["cells"]) for e in errors) == 2
    assert all(MASK in e["note"] for e in errors if e["type"] == "foreign-key")


def test_submit_masks_personal_values_in_output_and_lineage(cdo, personal_registry: Path) -> None:  # type: ignore[no-untyped-def]
    assert cdo("submit", "osoby", "osoby.csv").exit_code == 0
    text = cdo("submit", "ucastnici", "ucastnici.csv")
    assert text.exit_code == 1, text.output
    _assert_masked(text.output)
    as_json = cdo("submit", "ucastnici", "ucastnici.csv", "--format", "json")
    _assert_masked(as_json.output)
    assert json.loads(as_json.output)["status"] == "rejected"
    assert cdo("validate", "ucastnici.csv", "--source", "ucastnici").exit_code == 1
    events = Path("warehouse/lineage/events.jsonl").read_text("utf-8")
    assert "submit.ucastnici" in events and "validate.ucastnici" in events
    _assert_masked(events)
    history = cdo("history", "--format", "json")
    _assert_masked(history.output)


def test_failed_run_of_a_personal_source_sends_no_value_to_lineage(workdir: Path) -> None:
    emitter = Emitter(workdir)
    personal = Dataset("file", "ucastnici.csv", personal=frozenset({"rodne_cislo"}))
    with (
        pytest.raises(ValueError),
        run(emitter, "kraj", "load.ucastnici", "LOAD", inputs=[personal]),
    ):
        raise ValueError(
            'duplicate key value violates unique constraint "ucastnici_pkey"\n'
            "DETAIL:  Key (rodne_cislo)=(900101/1234) already exists."
        )
    with (
        pytest.raises(ValueError),
        run(emitter, "kraj", "load.obce", "LOAD", inputs=[Dataset("file", "obce.csv")]),
    ):
        raise ValueError('invalid input syntax for type integer: "Liberec"')
    events = [json.loads(line) for line in emitter.log_path.read_text("utf-8").splitlines()]
    failures = {
        e["job"]["name"]: e["run"]["facets"]["errorMessage"]["message"]
        for e in events
        if e["eventType"] == "FAIL"
    }
    assert "900101/1234" not in failures["load.ucastnici"]
    assert failures["load.ucastnici"].startswith("duplicate key value violates unique constraint")
    # A source without personal data keeps the whole message: it is what one debugs with.
    assert failures["load.obce"] == 'invalid input syntax for type integer: "Liberec"'


def test_redaction_of_real_driver_errors(postgres_url: str) -> None:
    import duckdb
    import psycopg

    with pytest.raises(duckdb.Error) as duck:
        duckdb.sql("SELECT CAST('Jan Novák' AS INTEGER)").fetchall()
    assert "Jan Novák" in str(duck.value) and "Jan Novák" not in redact_message(str(duck.value))
    with (
        psycopg.connect(postgres_url, autocommit=True) as connection,
        pytest.raises(psycopg.Error) as pg,
    ):
        connection.execute(
            "CREATE TEMP TABLE t (rc text PRIMARY KEY); INSERT INTO t VALUES ('900101/1234');"
            " INSERT INTO t VALUES ('900101/1234')"
        )
    assert "900101/1234" in str(pg.value)
    assert "900101/1234" not in redact_message(str(pg.value))


def test_foreign_key_note_masked_only_for_personal_fields() -> None:
    note = 'for "rodne_cislo": values "850505/5555" not found in the lookup table "osoby" as "rodne_cislo"'
    assert mask_note("foreign-key", note, {"rodne_cislo"}) == note.replace("850505/5555", MASK)
    assert mask_note("foreign-key", note, {"jmeno"}) == note
    assert mask_note("unique-error", note, {"rodne_cislo"}) == note


def test_repeated_primary_key_note_masks_its_personal_values() -> None:
    """A repeated key's note names its values; those of personal columns are masked, the
    others kept, also when a value holds a comma or a quote."""
    note = 'the same as in the row at position 2 (rok "2024", rodne_cislo "900101/1234", jmeno "Novák, \\"Jan\\"")'
    assert mask_note("primary-key", note, {"rodne_cislo"}) == (
        'the same as in the row at position 2 (rok "2024", rodne_cislo "•••", jmeno "Novák, \\"Jan\\"")'
    )
    assert mask_note("primary-key", note, {"jmeno", "rodne_cislo"}) == (
        'the same as in the row at position 2 (rok "2024", rodne_cislo "•••", jmeno "•••")'
    )
    assert mask_note("primary-key", note, {"obec"}) == note
    whole = 'cells composing the primary keys are all "None"'
    assert mask_note("primary-key", whole, {"rodne_cislo"}) == whole


def test_a_repeated_personal_key_is_masked_in_the_report(cdo, personal_registry: Path) -> None:  # type: ignore[no-untyped-def]
    """The repeated primary key's values are named in its note: masked for a personal
    column, in every report."""
    Path("osoby.csv").write_text("rodne_cislo\n900101/1234\n900101/1234\n", "utf-8")
    for fmt in ("text", "json", "junit", "github", "markdown", "csv"):
        result = cdo("validate", "osoby.csv", "--source", "osoby", "--format", fmt)
        assert result.exit_code == 1, result.output
        assert "900101/1234" not in result.output
        assert MASK in result.output
