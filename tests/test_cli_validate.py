"""``cdo validate`` through the CLI: exit codes and every output format."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cdo_toolkit.registry import load_valid
from cdo_toolkit.validation.api import Options, validate

HOSTILE = 'id,nazev\n1,"<script>alert(1)</script> | `x` ]]> &amp;"\n2,=HYPERLINK(""http://x"")\nx,\x01ok\n'
SCHEMA = '{"fields": [{"name": "id", "type": "integer"}, {"name": "nazev", "type": "string", "constraints": {"maxLength": 5}}]}'


def _hostile(workdir: Path) -> None:
    Path("h.csv").write_text(HOSTILE, "utf-8")
    Path("s.json").write_text(SCHEMA, "utf-8")


def test_source_from_registry_valid_and_invalid(cdo, shipped_registry: Path) -> None:
    valid = cdo("validate", "examples/obce.csv", "--source", "obce")
    assert valid.exit_code == 0, valid.output
    assert "valid" in valid.output
    invalid = cdo("validate", "examples/skoly.csv", "--source", "skoly")
    assert invalid.exit_code == 1
    assert "row 9, ico (col 2)" in invalid.output
    assert "type-error" in invalid.output


def test_unknown_source_is_unusable_input(cdo, shipped_registry: Path) -> None:
    result = cdo("validate", "examples/skoly.csv", "--source", "skola")
    assert result.exit_code == 2
    assert result.output.strip() == "error: unknown source 'skola' (did you mean 'skoly'?)"


def test_json_equals_library_report(cdo, shipped_registry: Path) -> None:
    result = cdo("validate", "examples/skoly.csv", "--source", "skoly", "--format", "json")
    data = json.loads(result.output)
    library = validate(
        "examples/skoly.csv", Options(source="skoly"), registry=load_valid(shipped_registry)
    ).to_dict()
    for report in (data, library):
        report["stats"].pop("seconds")
        for task in report["tasks"]:
            task["stats"].pop("seconds")
    assert data == library
    assert data["valid"] is False
    assert {
        "type",
        "title",
        "description",
        "message",
        "tags",
        "note",
        "rowNumber",
        "fieldName",
        "fieldNumber",
        "cell",
        "cells",
    } <= set(data["tasks"][0]["errors"][0])


def test_foreign_keys_and_code_lists_with_reference_data(cdo, shipped_registry: Path) -> None:
    without = json.loads(
        cdo(
            "validate",
            "examples/dopravni-nehody.csv",
            "--source",
            "dopravni-nehody",
            "--format",
            "json",
        ).output
    )
    assert any("not checked" in note for note in without["tasks"][0]["notes"])
    with_reference = (
        "validate",
        "examples/dopravni-nehody.csv",
        "--source",
        "dopravni-nehody",
        "--reference",
        "obce=examples/obce.csv",
    )
    task = json.loads(cdo(*with_reference, "--format", "json").output)["tasks"][0]
    found = {(e["type"], e["rowNumber"]) for e in task["errors"]}
    assert {("foreign-key", 17), ("foreign-key", 90), ("code-list", 17), ("code-list", 90)} <= found
    assert task["notes"] == []
    # The text summary says what to do about a registry check too.
    lines = cdo(*with_reference).output.split("\n")
    line = next(i for i, text in enumerate(lines) if text.strip().startswith("code-list"))
    assert "use a code the referenced" in " ".join(lines[line : line + 2])


def test_reference_mistakes_are_errors_not_silent(cdo, shipped_registry: Path) -> None:
    """A --reference whose check would silently not run (a missing file, an unknown source,
    no --source to say what refers to what) stops with exit 2; one the source does not use
    is a note, so that a script may pass the same references to every source."""
    base = ("validate", "examples/dopravni-nehody.csv", "--source", "dopravni-nehody")
    for reference, message in (
        ("obce=chybi.csv", "--reference obce: file chybi.csv not found"),
        ("obec=examples/obce.csv", "--reference obec: unknown source 'obec'"),
    ):
        result = cdo(*base, "--reference", reference)
        assert result.exit_code == 2, result.output
        assert message in result.output, result.output
        assert "refers to: obce" in result.output or "not found" in message, result.output
    unused = cdo(
        *base, "--reference", "obce=examples/obce.csv", "--reference", "skoly=examples/skoly.csv"
    )
    assert unused.exit_code == 1, unused.output  # the sample's own errors
    assert "--reference skoly is not used: dopravni-nehody has no foreign key or code list" in (
        " ".join(unused.output.split())
    )
    assert "foreign-key" in unused.output  # the used reference was checked
    Path("s.json").write_text('{"fields": [{"name": "a", "type": "string"}]}', "utf-8")
    result = cdo(
        "validate",
        "examples/obce.csv",
        "--schema",
        "s.json",
        "--reference",
        "obce=examples/obce.csv",
    )
    assert result.exit_code == 2 and "--reference needs --source" in result.output


def test_limit_errors_cuts_the_listing_not_the_count(cdo, workdir: Path) -> None:
    Path("many.csv").write_text("a\n" + "x\n" * 50, "utf-8")
    Path("int.json").write_text('{"fields": [{"name": "a", "type": "integer"}]}', "utf-8")
    data = json.loads(
        cdo(
            "validate",
            "many.csv",
            "--schema",
            "int.json",
            "--limit-errors",
            "3",
            "--format",
            "json",
        ).output
    )
    task = data["tasks"][0]
    assert len(task["errors"]) == 3
    assert task["stats"]["errors"] == 50
    assert task["summary"] == [{"type": "type-error", "fieldName": "a", "count": 50, "warnings": 0}]


def test_pick_and_skip_errors(cdo, workdir: Path) -> None:
    Path("r.csv").write_text("a,b\n1\nx,2\n", "utf-8")
    Path("int.json").write_text(
        '{"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]}', "utf-8"
    )
    picked = json.loads(
        cdo(
            "validate",
            "r.csv",
            "--schema",
            "int.json",
            "--pick-errors",
            "type-error",
            "--format",
            "json",
        ).output
    )
    assert {e["type"] for e in picked["tasks"][0]["errors"]} == {"type-error"}
    skipped = json.loads(
        cdo(
            "validate",
            "r.csv",
            "--schema",
            "int.json",
            "--skip-errors",
            "type-error",
            "--format",
            "json",
        ).output
    )
    assert {e["type"] for e in skipped["tasks"][0]["errors"]} == {"missing-cell"}
    # Frictionless's tags stand for their types; a name that is neither is an error (a
    # typo picked nothing, so the file passed as valid).
    args = ("validate", "r.csv", "--schema", "int.json", "--format", "json")
    cells = json.loads(cdo(*args, "--pick-errors", "#cell").output)["tasks"][0]["errors"]
    assert {e["type"] for e in cells} == {"type-error", "missing-cell"}
    header = cdo(*args, "--skip-errors", "#table")
    assert header.exit_code == 0 and json.loads(header.output)["valid"]
    typo = cdo(*args, "--pick-errors", "type-eror")
    assert typo.exit_code == 2
    assert "--pick-errors: unknown error type 'type-eror'" in typo.output
    assert "did you mean 'type-error'?" in typo.output


def test_junit_is_well_formed_whatever_the_cells(cdo, workdir: Path) -> None:
    _hostile(workdir)
    result = cdo("validate", "h.csv", "--schema", "s.json", "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.output)
    assert root.tag == "testsuites"
    assert int(root.get("failures", "0")) >= 2
    text = ET.tostring(root, encoding="unicode")
    assert "<script>" not in text


def test_github_annotations_point_at_file_and_line(cdo, workdir: Path) -> None:
    _hostile(workdir)
    lines = cdo("validate", "h.csv", "--schema", "s.json", "--format", "github").output.splitlines()
    assert any(
        line.startswith("::error file=h.csv,line=4,col=1,title=type-error id::") for line in lines
    )
    assert all("\n" not in line for line in lines)


def test_markdown_escapes_markup(cdo, workdir: Path) -> None:
    _hostile(workdir)
    text = cdo("validate", "h.csv", "--schema", "s.json", "--format", "markdown").output
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\|" in text
    assert "| error type | field | count | what to do |" in text


def _broken_constraints() -> None:
    """A code that is missing in one row and lacks its zero in another, a kind outside its
    list and a negative count."""
    schema = {
        "fields": [
            {
                "name": "kod",
                "type": "string",
                "constraints": {"required": True, "pattern": r"\d{3}"},
            },
            {"name": "druh", "type": "string", "constraints": {"enum": ["A", "B"]}},
            {"name": "pocet", "type": "integer", "constraints": {"minimum": 0}},
        ]
    }
    Path("s.json").write_text(json.dumps(schema), "utf-8")
    Path("d.csv").write_text("kod,druh,pocet\n,A,1\n012,C,-1\n12,B,2\n", "utf-8")


def test_the_summary_says_what_to_do_of_the_constraint_broken(cdo, workdir: Path) -> None:
    _broken_constraints()
    result = cdo("validate", "d.csv", "--schema", "s.json")
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "use one of the allowed values: A, B" in text
    assert "the value must be at least 0: correct it" in text
    # Two constraints of kod are broken: the advice is the general one.
    assert "the value breaks a rule of the field: correct it" in text
    assert "the field is required" not in text


def test_the_summary_says_what_to_write_in_a_field_of_a_type(cdo, workdir: Path) -> None:
    """A type error's advice names the type, with an example in the field's date format."""
    schema = {
        "fields": [
            {"name": "datum", "type": "date", "format": "%d.%m.%Y"},
            {"name": "cas", "type": "datetime"},
            {"name": "pocet", "type": "integer"},
            {"name": "libovolne", "type": "date", "format": "any"},
        ]
    }
    Path("s.json").write_text(json.dumps(schema), "utf-8")
    Path("d.csv").write_text("datum,cas,pocet,libovolne\n2024-02-01,1.2.2024,12.5,x\n", "utf-8")
    text = " ".join(cdo("validate", "d.csv", "--schema", "s.json").output.split())
    assert "write a date as 01.02.2024, or leave the cell empty" in text
    assert "write a date and time as 2024-02-01T14:30:00, or leave the cell empty" in text
    assert "write a whole number (e.g. 120), or leave the cell empty" in text
    # A date in any form Frictionless reads has no one example: the general advice.
    assert (
        "the value is not of the field's type or format: correct it or leave the cell empty" in text
    )
    czech = " ".join(cdo("--lang", "cs", "validate", "d.csv", "--schema", "s.json").output.split())
    assert "zapište datum jako 01.02.2024, nebo nechte buňku prázdnou" in czech


def test_github_annotations_say_what_to_do(cdo, workdir: Path) -> None:
    _broken_constraints()
    lines = cdo("validate", "d.csv", "--schema", "s.json", "--format", "github").stdout.splitlines()
    druh = next(line for line in lines if "title=constraint-error druh::" in line)
    assert druh.endswith("(use one of the allowed values: A, B)")
    missing = next(line for line in lines if line.startswith("::error file=d.csv,line=2,"))
    assert missing.endswith("(the field is required: fill in the empty cells)")


def test_github_shows_each_kind_of_error_within_its_ten_annotations(cdo, workdir: Path) -> None:
    """GitHub shows 10 error annotations of a step: a pattern broken in 20 rows and a
    minimum broken in the last one are both among the first 10 lines; every error is still
    written (the log keeps them), each kind in its rows' order."""
    schema = {
        "fields": [
            {"name": "kod", "type": "string", "constraints": {"pattern": r"\d{3}"}},
            {"name": "pocet", "type": "integer", "constraints": {"minimum": 0}},
        ]
    }
    Path("s.json").write_text(json.dumps(schema), "utf-8")
    rows = [f"{i},1" for i in range(20)] + ["100,-1"]
    Path("d.csv").write_text("kod,pocet\n" + "\n".join(rows) + "\n", "utf-8")
    lines = cdo("validate", "d.csv", "--schema", "s.json", "--format", "github").stdout.splitlines()
    assert len(lines) == 21
    titles = [line.partition("title=")[2].partition("::")[0] for line in lines]
    assert titles[:2] == ["constraint-error kod", "constraint-error pocet"]
    assert [line.partition("line=")[2].partition(",")[0] for line in lines[2:]] == [
        str(row) for row in range(3, 22)
    ]


def test_github_shows_each_value_before_its_repetitions(cdo, workdir: Path) -> None:
    """A code missing from a code list in twelve rows, another in one more: the second is
    among the first annotations, before the first one's repetitions."""
    Path("s.json").write_text('{"fields": [{"name": "a", "type": "integer"}]}', "utf-8")
    Path("d.csv").write_text("a\n" + "x\n" * 12 + "y\n", "utf-8")
    lines = cdo("validate", "d.csv", "--schema", "s.json", "--format", "github").stdout.splitlines()
    rows = [line.partition("line=")[2].partition(",")[0] for line in lines]
    assert rows == ["2", "14", *[str(row) for row in range(3, 14)]]


def test_junit_failures_say_what_to_do(cdo, workdir: Path) -> None:
    _broken_constraints()
    root = ET.fromstring(cdo("validate", "d.csv", "--schema", "s.json", "--format", "junit").stdout)
    messages = {
        case.get("name"): failure.get("message")
        for case in root.iter("testcase")
        if (failure := case.find("failure")) is not None
    }
    assert (
        messages["constraint-error druh"]
        == "1 × Constraint Error (use one of the allowed values: A, B)"
    )
    assert (
        messages["constraint-error pocet"]
        == "1 × Constraint Error (the value must be at least 0: correct it)"
    )


def test_markdown_speaks_the_language_of_the_text(cdo, workdir: Path) -> None:
    _broken_constraints()
    text = cdo("--lang", "cs", "validate", "d.csv", "--schema", "s.json", "--format", "markdown")
    assert text.exit_code == 1
    lines = text.stdout.splitlines()
    assert lines[0] == "## Validace: neplatný"
    assert "| druh chyby | pole | počet | co udělat |" in lines
    assert "| constraint-error | druh | 1 | použijte jednu z povolených hodnot: A, B |" in lines
    assert "4 chyby, 0 varování; 3 řádky, 3 pole." in lines
    english = cdo("validate", "d.csv", "--schema", "s.json", "--format", "markdown").stdout
    assert english.startswith("## Validation: invalid\n")
    assert "4 errors, 0 warnings; 3 rows, 3 fields." in english.splitlines()


def test_csv_output_neutralises_formulas(cdo, workdir: Path) -> None:
    _hostile(workdir)
    text = cdo("validate", "h.csv", "--schema", "s.json", "--format", "csv").output
    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text


def test_csv_output_says_what_to_do(cdo, workdir: Path) -> None:
    import csv
    import io

    _broken_constraints()
    text = cdo("--lang", "cs", "validate", "d.csv", "--schema", "s.json", "--format", "csv").stdout
    # As Czech Excel opens it: UTF-8 said by a byte order mark, cells parted by semicolons.
    assert text.startswith("\ufefffile;row;field;column;type;cell;message;what_to_do\n")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    by_field = {(r["row"], r["field"]): r["what_to_do"] for r in rows}
    assert by_field[("3", "druh")] == "použijte jednu z povolených hodnot: A, B"
    assert by_field[("2", "kod")] == "pole je povinné: vyplňte prázdné buňky"
    assert all(r["what_to_do"] for r in rows)


def test_text_output_escapes_rich_markup(cdo, workdir: Path) -> None:
    Path("m.csv").write_text("a\n[bold red]x[/]\n", "utf-8")
    Path("int.json").write_text('{"fields": [{"name": "a", "type": "integer"}]}', "utf-8")
    result = cdo("validate", "m.csv", "--schema", "int.json")
    assert "[bold red]x[/]" in result.output


def test_text_says_a_repeated_error_once_with_the_rows_it_repeats_in(cdo, workdir: Path) -> None:
    # Rows 2-6 and 9 hold "x", row 7 "y", row 8 a number: two lines, not seven.
    Path("r.csv").write_text("a,b\n" + "x,1\n" * 5 + "y,1\n5,1\nx,1\n", "utf-8")
    Path("int.json").write_text(
        '{"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]}',
        "utf-8",
    )
    result = cdo("validate", "r.csv", "--schema", "int.json")
    assert result.exit_code == 1
    listing = result.output.split("errors:\n", 1)[1].splitlines()
    assert [line.split(":", 1)[0].strip() for line in listing] == [
        "row 2, a (col 1)",
        "the same in 5 more rows",
        "row 7, a (col 1)",
    ]
    assert listing[1].strip() == "the same in 5 more rows: 3–6, 9"
    assert '"y"' in listing[2]
    czech = cdo("--lang", "cs", "validate", "r.csv", "--schema", "int.json")
    assert "totéž v dalších 5 řádcích: 3–6, 9" in czech.output
    # Markdown too: one row of its table, naming every row the error is in.
    markdown = cdo("validate", "r.csv", "--schema", "int.json", "--format", "markdown").output
    listed = [line for line in markdown.splitlines() if re.match(r"\| \d", line)]
    assert [line.split(" | ")[0] for line in listed] == ["| 2–6, 9", "| 7"]
    # The counts and the machine outputs keep each error.
    data = json.loads(cdo("validate", "r.csv", "--schema", "int.json", "--format", "json").output)
    assert [e["rowNumber"] for e in data["tasks"][0]["errors"]] == [2, 3, 4, 5, 6, 7, 9]


def test_standard_input_is_validated_as_a_file_is(cdo, shipped_registry: Path) -> None:
    """`cdo validate -` reads the table piped in: CSV in any encoding, JSON, a workbook, as
    their first bytes say; the report names it stdin; nothing is left in the temp folder."""
    import tempfile

    from openpyxl import Workbook

    scratch = Path(tempfile.gettempdir())
    before = set(scratch.glob("cdo-stdin-*"))
    csv_bytes = Path("examples/skoly.csv").read_bytes()
    piped = cdo("validate", "-", "--source", "skoly", "--format", "json", input=csv_bytes)
    report = json.loads(piped.output)
    assert piped.exit_code == 1 and report["tasks"][0]["place"] == "stdin"
    on_disk = json.loads(
        cdo("validate", "examples/skoly.csv", "--source", "skoly", "--format", "json").output
    )
    assert [(e["type"], e["rowNumber"]) for e in report["tasks"][0]["errors"]] == [
        (e["type"], e["rowNumber"]) for e in on_disk["tasks"][0]["errors"]
    ]
    czech = "název;počet\nČeská Lípa;37000\nŽelezný Brod;6000\n".encode("cp1250")
    text = cdo("validate", "-", input=czech)
    assert text.exit_code == 0 and text.output.startswith("stdin: valid"), text.output
    rows = json.dumps([["kod", "nazev"], ["563889", "Liberec"]]).encode("utf-8")
    assert cdo("validate", "-", input=rows).exit_code == 0
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kod", "nazev"])
    sheet.append([563889, "Liberec"])
    book.save("t.xlsx")
    workbook = cdo("validate", "-", "--format", "json", input=Path("t.xlsx").read_bytes())
    assert workbook.exit_code == 0 and json.loads(workbook.output)["tasks"][0]["stats"]["rows"] == 1
    twice = cdo("validate", "-", "-", input=b"")
    assert twice.exit_code == 2 and "standard input is read once" in twice.output
    assert set(scratch.glob("cdo-stdin-*")) == before


def test_standard_input_on_a_terminal_is_not_waited_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`cdo validate -` typed at a terminal, nothing piped: said at once, not a wait for
    typing that looks like a hang."""
    import io

    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.validation.piped import piped

    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(io.BytesIO(b"a\n1\n")))
    with pytest.raises(CdoError, match="nothing is piped in"), piped():
        pass


def test_output_file(cdo, workdir: Path) -> None:
    _hostile(workdir)
    result = cdo(
        "validate", "h.csv", "--schema", "s.json", "--format", "json", "--output", "report.json"
    )
    assert result.exit_code == 1
    assert result.output == ""
    assert json.loads(Path("report.json").read_text("utf-8"))["valid"] is False
    cdo("validate", "h.csv", "--schema", "s.json", "--output", "report.txt")
    assert "h.csv: invalid" in Path("report.txt").read_text("utf-8")


def test_data_package(cdo, shared: Path) -> None:
    package = shared / "data" / "real" / "frictionless-fixtures" / "invalid" / "datapackage.json"
    result = cdo("validate", str(package), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [t["name"] for t in data["tasks"]] == ["data", "data2"]
    found = {(t["name"], e["type"], e.get("rowNumber")) for t in data["tasks"] for e in t["errors"]}
    assert found == {
        ("data", "blank-row", 3),
        ("data", "primary-key", 3),
        ("data2", "blank-row", 4),
    }


def test_frictionless_engine_agrees_on_the_samples(cdo, shipped_registry: Path) -> None:
    for source in ("skoly", "dotace", "silnice"):
        fast = json.loads(
            cdo("validate", f"examples/{source}.csv", "--source", source, "--format", "json").output
        )
        reference = json.loads(
            cdo(
                "validate",
                f"examples/{source}.csv",
                "--source",
                source,
                "--format",
                "json",
                "--engine",
                "frictionless",
            ).output
        )
        assert _frictionless_kinds(fast) == _frictionless_kinds(reference), source
        # The same rows counted; each task's time said (the reference's task said 0 s).
        ours, theirs = fast["tasks"][0]["stats"], reference["tasks"][0]["stats"]
        assert ours["rows"] == theirs["rows"] > 0
        assert 0 < theirs["seconds"] <= reference["stats"]["seconds"]
        assert 0 < ours["seconds"] <= fast["stats"]["seconds"]


def _frictionless_kinds(report: dict) -> list[tuple]:  # type: ignore[type-arg]
    """The errors Frictionless knows of: not the registry's checks, not foreign keys to other sources."""
    ours = {
        "ico-checksum",
        "code-list",
        "row-constraint",
        "deviated-value",
        "null-share",
        "foreign-key",
    }
    return sorted(
        (e["type"], e.get("rowNumber"), e.get("fieldName"))
        for task in report["tasks"]
        for e in task["errors"]
        if e["type"] not in ours
    )


def test_the_reference_engine_says_it_skips_the_registry_checks(
    cdo, shipped_registry: Path
) -> None:
    args = ("validate", "examples/dopravni-nehody.csv", "--source", "dopravni-nehody")
    result = cdo(*args, "--engine", "frictionless", "--format", "json")
    notes = json.loads(result.output)["tasks"][0]["notes"]
    assert notes == [
        "the registry's checks of this source (code-list, row-rule) are not run by "
        "--engine frictionless, which knows Table Schema only"
    ]
    fast = json.loads(cdo(*args, "--format", "json").output)["tasks"][0]["notes"]
    assert not any("--engine frictionless" in note for note in fast)


def test_output_never_overwrites_what_the_command_reads(cdo, workdir: Path) -> None:
    _hostile(workdir)
    Path("datapackage.json").write_text(
        json.dumps({"resources": [{"name": "h", "path": "h.csv", "schema": "s.json"}]}), "utf-8"
    )
    for args in (
        ("h.csv", "--schema", "s.json", "--output", "h.csv"),
        ("h.csv", "--schema", "s.json", "--output", "./s.json"),
        ("datapackage.json", "--output", "datapackage.json"),
        ("datapackage.json", "--output", "h.csv"),
    ):
        result = cdo("validate", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "would overwrite" in result.output
        assert "Traceback" not in result.output
    assert Path("h.csv").read_text("utf-8") == HOSTILE
    assert Path("s.json").read_text("utf-8") == SCHEMA
    assert (
        json.loads(Path("datapackage.json").read_text("utf-8"))["resources"][0]["path"] == "h.csv"
    )


def test_delimiter_and_encoding_options(cdo, workdir: Path) -> None:
    Path("t.tsv").write_bytes("kód\tnázev\n01\tČeská Lípa\n".encode("cp1250"))
    for tab in ("\\t", "tab", "TAB", "\t"):
        result = cdo("validate", "t.tsv", "--delimiter", tab, "--encoding", "windows-1250")
        assert result.exit_code == 0, (tab, result.output)
        assert "1 row, 2 fields" in result.output
    wrong = cdo("validate", "t.tsv", "--delimiter", "tabs")
    assert wrong.exit_code == 2
    assert "--delimiter must be one character, not 'tabs'" in wrong.output
    unknown = cdo("validate", "t.tsv", "--encoding", "windows-1205")
    assert unknown.exit_code == 2
    assert "--encoding 'windows-1205' is no encoding known" in unknown.output


def test_several_files_in_one_report(cdo, shipped_registry: Path) -> None:
    """As pre-commit passes them: each file validated and recorded, one report, exit 1
    when any is invalid; a missing name stops the run before anything is validated."""
    from tests.openlineage_spec import read_events

    events = Path("warehouse/lineage/events.jsonl")
    Path("obce-2.csv").write_bytes(Path("examples/obce.csv").read_bytes())
    result = cdo("validate", "examples/obce.csv", "obce-2.csv", "--source", "obce")
    assert result.exit_code == 0, result.output
    assert "examples/obce.csv: valid" in result.output and "obce-2.csv: valid" in result.output
    assert result.output.splitlines()[-1] == "2 tables: 2 valid, 0 invalid"
    Path("ragged.csv").write_text("kod,nazev\n1,Liberec\n2\n", "utf-8")
    both = cdo("validate", "examples/zastavky.csv", "ragged.csv", "--format", "json")
    assert both.exit_code == 1
    report = json.loads(both.output)
    assert [t["place"] for t in report["tasks"]] == ["examples/zastavky.csv", "ragged.csv"]
    assert [t["valid"] for t in report["tasks"]] == [True, False]
    assert [e["type"] for e in report["tasks"][1]["errors"]] == ["missing-cell"]
    assert report["stats"]["tasks"] == 2 and report["valid"] is False
    ended = [e["job"]["name"] for e in read_events(events) if e["eventType"] == "COMPLETE"]
    assert ended[-2:] == ["validate.zastavky", "validate.ragged"]
    before = len(read_events(events))
    missing = cdo("validate", "examples/obce.csv", "obec.csv", "--source", "obce")
    assert missing.exit_code == 2 and "file obec.csv not found" in missing.output
    assert len(read_events(events)) == before
    # A folder is unusable input too (it was a scheme-error, exit 1), one with a data
    # package in it named.
    Path("balik").mkdir()
    folder = cdo("validate", "examples/obce.csv", "balik", "--format", "json")
    assert folder.exit_code == 2 and "balik is a folder, not a file" in folder.output
    Path("balik/datapackage.json").write_text('{"resources": []}', "utf-8")
    package = cdo("validate", "balik")
    assert package.exit_code == 2
    assert "cdo validate balik/datapackage.json" in " ".join(package.output.split())
    assert len(read_events(events)) == before


def test_what_cannot_be_seen_in_a_failing_cell_is_said(cdo, workdir: Path) -> None:
    """A no-break space, a zero-width space or a trailing space makes a cell fail though
    it looks right: the text and CI outputs say what it holds; JSON keeps Frictionless's
    message as it is."""
    Path("h.csv").write_text(
        "id;castka;ico\n1;1\u00a0234,5;00241121\n2;12,0;0024112\u200b\n3;7,5;00241121 \n4;1 000,5;70891508\n",
        "utf-8",
    )
    Path("h.json").write_text(
        json.dumps(
            {
                "fields": [
                    {"name": "id", "type": "integer"},
                    {"name": "castka", "type": "number", "decimalChar": ",", "groupChar": " "},
                    {"name": "ico", "type": "string", "constraints": {"pattern": "[0-9]{8}"}},
                ]
            }
        ),
        "utf-8",
    )
    text = cdo("validate", "h.csv", "--schema", "h.json").output
    lines = [line for line in text.splitlines() if line.startswith("  row ")]
    assert len(lines) == 3, text
    assert lines[0].startswith("  row 2, castka (col 2): type-error")
    assert lines[0].endswith("(the cell holds a no-break space (U+00A0), which looks like a space)")
    assert lines[1].endswith("(the cell holds an invisible zero-width space (U+200B))")
    assert lines[2].startswith("  row 4, ico (col 3): constraint-error")
    assert lines[2].endswith("(the cell holds spaces before or after the value)")
    github = cdo("validate", "h.csv", "--schema", "h.json", "--format", "github").output
    assert "looks like a space)" in github.splitlines()[0]
    listed = json.loads(cdo("validate", "h.csv", "--schema", "h.json", "--format", "json").output)
    assert not any("cell holds" in e["message"] for e in listed["tasks"][0]["errors"])


def test_notes_reach_github_and_junit(cdo, workdir: Path) -> None:
    """A note (here: the file's real delimiter) is what a CI reader needs most."""
    Path("s.json").write_text(
        json.dumps(
            {"fields": [{"name": "kod", "type": "string"}, {"name": "nazev", "type": "string"}]}
        ),
        "utf-8",
    )
    Path("o.csv").write_text("kod,nazev\n1,Liberec\n", "utf-8")
    args = ("validate", "o.csv", "--schema", "s.json", "--delimiter", ";")
    github = cdo(*args, "--format", "github").output.splitlines()
    (notice,) = [line for line in github if line.startswith("::notice")]
    assert notice.startswith("::notice file=o.csv,title=note::the header splits into the schema")
    suite = ET.fromstring(cdo(*args, "--format", "junit").output).find("testsuite")
    assert suite is not None
    assert [child.tag for child in suite][-1] == "system-out"  # after the test cases
    out = suite.find("system-out")
    assert out is not None and out.text and "declare the delimiter ','" in out.text
    counted = json.loads(cdo(*args, "--format", "json").output)["stats"]["errors"]
    cut = cdo(*args, "--format", "github", "--limit-errors", "1").output.splitlines()
    more = counted - 1
    noun = "error" if more == 1 else "errors"
    assert f"::notice file=o.csv::{more} more {noun} not listed" in cut


def test_a_repeated_primary_key_names_its_values(cdo, workdir: Path) -> None:
    """Frictionless says only which earlier row holds the same key; the values let the
    guarantor find both rows by what they hold. A key of all-missing cells stays as is."""
    Path("k.csv").write_text("rok;kod;x\n2024;A;1\n2025;A;2\n2024;A;3\n;;4\n", "utf-8")
    schema = {
        "fields": [
            {"name": "rok", "type": "integer"},
            {"name": "kod", "type": "string"},
            {"name": "x", "type": "integer"},
        ],
        "primaryKey": ["rok", "kod"],
    }
    Path("k.json").write_text(json.dumps(schema), "utf-8")
    result = cdo("validate", "k.csv", "--schema", "k.json", "--format", "json")
    errors = json.loads(result.output)["tasks"][0]["errors"]
    assert [(e["type"], e["rowNumber"], e["note"]) for e in errors] == [
        ("primary-key", 4, 'the same as in the row at position 2 (rok "2024", kod "A")'),
        ("primary-key", 5, 'cells composing the primary keys are all "None"'),
    ]
    czech = cdo("--lang", "cs", "validate", "k.csv", "--schema", "k.json")
    assert 'stejný jako v řádku na pozici 2 (rok "2024", kod "A")' in czech.output


def test_a_workbook_sheet_is_chosen_by_name_or_number(cdo, workdir: Path, shared: Path) -> None:
    """--sheet picks the RUD workbook's second sheet, by name or number, in both engines;
    the note then places that sheet's header (rows 5 to 7). A sheet the workbook lacks is
    an error naming those it has; --sheet for a CSV file or a Data Package is exit 2."""
    rud = shared / "data" / "real" / "rud-mf-2026" / "projekce_RUD_2026.xlsx"
    found = []
    for sheet, engine in (("kraje", "fast"), ("2", "fast"), ("2", "frictionless")):
        result = cdo("validate", str(rud), "--sheet", sheet, "--engine", engine, "--format", "json")
        assert result.exit_code == 1, result.output
        (task,) = json.loads(result.stdout)["tasks"]
        found.append((task["stats"]["rows"], task["stats"]["fields"]))
        if engine == "fast":
            assert any("its header takes rows 5 to 7" in n for n in task["notes"]), task["notes"]
    assert found == [(24, 12)] * 3
    missing = cdo("validate", str(rud), "--sheet", "okresy")
    assert missing.exit_code == 1 and "its sheets: obce, kraje" in missing.output
    Path("data.csv").write_text("a,b\n1,2\n", "utf-8")
    Path("datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [{"name": "data", "path": "data.csv"}]}), "utf-8"
    )
    for given in ("data.csv", "datapackage.json"):
        refused = cdo("validate", given, "--sheet", "2")
        assert refused.exit_code == 2, refused.output
        assert f"--sheet names a sheet of a workbook, and {given} is none" in refused.output


def _warned_source(registry: Path) -> None:
    from tests.conftest import source_yaml

    (registry / "sources" / "mesta.yaml").write_text(
        source_yaml(
            "mesta",
            "Města",
            "Města kraje.",
            """\
personal_data: false
encoding: utf-8
schema:
  fields:
    - {name: kod, type: string}
    - {name: obyvatel, type: integer, constraints: {minimum: 0}}
checks:
  - {type: row-rule, name: velke-mesto, expression: obyvatel < 100000, severity: warning}
warehouse: {table: mesta}
""",
        ),
        "utf-8",
    )


def test_warnings_are_told_apart_from_errors_in_every_summary(cdo, base_registry: Path) -> None:
    _warned_source(base_registry)
    Path("m.csv").write_text("kod,obyvatel\n563889,104261\n563510,-1\n563502,120000\n", "utf-8")
    args = ("validate", "m.csv", "--source", "mesta")
    text = cdo(*args)
    assert text.exit_code == 1
    assert "row-constraint (warning)" in text.output
    assert "constraint-error (" not in text.output  # an error is not marked
    summary = json.loads(cdo(*args, "--format", "json").stdout)["tasks"][0]["summary"]
    assert {(s["type"], s["count"], s["warnings"]) for s in summary} == {
        ("row-constraint", 2, 2),
        ("constraint-error", 1, 0),
    }
    assert "| row-constraint (warning) | – | 2 |" in cdo(*args, "--format", "markdown").stdout
    # JUnit: only the error fails a test case; the warnings are their case's output.
    suite = ET.fromstring(cdo(*args, "--format", "junit").stdout).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["row-constraint"].find("failure") is None
    assert "row 2" in (cases["row-constraint"].findtext("system-out") or "")
    assert cases["constraint-error obyvatel"].find("failure") is not None
    # A file with warnings only passes, and so does its JUnit suite.
    Path("m.csv").write_text("kod,obyvatel\n563889,104261\n", "utf-8")
    assert cdo(*args).exit_code == 0
    passing = ET.fromstring(cdo(*args, "--format", "junit").stdout)
    assert passing.get("failures") == "0" and passing.get("tests") == "1"


def test_a_summary_of_many_fields_counts_the_rest_per_error_type(cdo, workdir: Path) -> None:
    """40 columns without a label: the summary gives 25 fields in their order, then counts
    the other 15 in one row, in the text and in Markdown; JSON keeps every one."""
    from cdo_toolkit.validation.render import SUMMARY_ROWS

    Path("d.csv").write_text("kod" + "," * 40 + "\n1" + "," * 40 + "\n", "utf-8")
    text = cdo("validate", "d.csv", "--format", "text")
    assert text.exit_code == 1
    lines = [line.split() for line in text.output.splitlines()]
    summary = [words for words in lines if words[:1] == ["blank-label"] and len(words) > 2]
    assert len(summary) == SUMMARY_ROWS + 1
    assert [words[1] for words in summary[:3]] == ["field2", "field3", "field4"]
    assert summary[-1] == ["blank-label", "15", "more", "fields", "15", "name", "the", "column"]
    markdown = cdo("validate", "d.csv", "--format", "markdown")
    assert "| blank-label | 15 more fields | 15 | name the column |" in markdown.output
    rows = [line for line in markdown.output.splitlines() if line.startswith("| blank-label |")]
    assert len(rows) == SUMMARY_ROWS + 1
    report = json.loads(cdo("validate", "d.csv", "--format", "json").output)
    assert report["stats"]["errors"] == 40
