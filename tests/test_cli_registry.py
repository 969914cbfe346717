"""``cdo registry`` through the CLI: exit codes, outputs, and JSON equal to the library."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from cdo_toolkit import __version__
from cdo_toolkit.registry import list_sources, load_valid, source_details
from cdo_toolkit.registry.lint import lint
from tests.conftest import register_copy


def test_version(cdo) -> None:
    result = cdo("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"cdo {__version__}"


def test_lint_clean_registry_exits_0(cdo, base_registry: Path) -> None:
    result = cdo("registry", "lint")
    assert result.exit_code == 0
    assert "2 sources, no findings" in result.output


def test_lint_findings_exit_1_with_file_line_column(cdo, base_registry: Path) -> None:
    source = base_registry / "sources" / "skoly.yaml"
    source.write_text(source.read_text("utf-8").replace("guarantor:", "guarantr:"), "utf-8")
    result = cdo("registry", "lint")
    assert result.exit_code == 1
    assert (
        "registry/sources/skoly.yaml:5:1: error REG010 unknown key 'guarantr' "
        "(did you mean 'guarantor'?)" in result.output
    )


def test_lint_warnings_pass_unless_strict(cdo, base_registry: Path) -> None:
    guarantors = base_registry / "guarantors.yaml"
    guarantors.write_text(
        guarantors.read_text("utf-8")
        + "  - id: nikdo\n    name: Nikdo\n    organisation: kraj\n    email: nikdo@example.cz\n",
        "utf-8",
    )
    assert cdo("registry", "lint").exit_code == 0
    assert cdo("registry", "lint", "--strict").exit_code == 1


def _add_source_with_heavy_findings(registry: Path) -> None:
    """A third source whose mistakes only Frictionless (missingValues not a list) and
    sqlglot (a row rule that does not parse) find."""
    skoly = (registry / "sources" / "skoly.yaml").read_text("utf-8")
    hriste = skoly.replace("id: skoly", "id: hriste").replace("table: skoly", "table: hriste")
    hriste = hriste.replace("  primaryKey: [ico]", '  primaryKey: [ico]\n  missingValues: "NA"')
    hriste = hriste.replace(
        "warehouse:", "checks:\n  - {type: row-rule, name: r, expression: 'ico >'}\nwarehouse:"
    )
    (registry / "sources" / "hriste.yaml").write_text(hriste, "utf-8")


def test_a_source_is_judged_with_what_it_refers_to_not_the_whole_registry(
    cdo, base_registry: Path
) -> None:
    """Validating or submitting a source has Frictionless and sqlglot judge the entries it
    uses (its own and those its keys refer to), not each of hundreds of sources; lint
    judges all."""
    from cdo_toolkit.registry import load

    _add_source_with_heavy_findings(base_registry)
    everything = {(f.code, f.location.file) for f in load(base_registry).errors}
    assert everything == {
        ("REG031", "registry/sources/hriste.yaml"),
        ("REG035", "registry/sources/hriste.yaml"),
    }
    assert load(base_registry, thorough=frozenset({"skoly"})).errors == []
    assert load(base_registry, thorough=False).errors == []
    focused = {
        (f.code, f.location.file)
        for f in load(base_registry, thorough=frozenset({"hriste"})).errors
    }
    assert focused == everything

    # skoly's foreign key refers to obce: a mistake in obce's schema file stops skoly.
    obce = base_registry / "schemas" / "obce.json"
    descriptor = json.loads(obce.read_text("utf-8"))
    obce.write_text(json.dumps({**descriptor, "missingValues": "NA"}), "utf-8")
    judged = load(base_registry, thorough=frozenset({"skoly"}))
    assert [(f.code, f.location.file) for f in judged.errors] == [
        ("REG031", "registry/schemas/obce.json")
    ]
    assert judged.judged("obce") and not judged.judged("hriste")

    obce.write_text(json.dumps(descriptor), "utf-8")
    Path("skoly.csv").write_text("ico;nazev;kod_obce\n12345678;ZŠ;563889\n", "windows-1250")
    result = cdo("validate", "skoly.csv", "--source", "skoly")
    assert result.exit_code == 0, result.output
    result = cdo("validate", "skoly.csv", "--source", "hriste")
    assert result.exit_code == 2 and "invalid Table Schema" in result.output, result.output
    assert cdo("registry", "lint").exit_code == 1


def test_lint_missing_registry_exits_2_with_one_line(cdo, workdir: Path) -> None:
    result = cdo("--registry", "nowhere", "registry", "lint")
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: registry folder nowhere not found")
    assert "Traceback" not in result.output


def test_another_folder_named_as_the_registry_is_said_with_the_one_meant(
    cdo, base_registry: Path
) -> None:
    """--registry at the registry's sources/ or at a folder of data: one line naming the
    folder probably meant, not five findings of missing files. An empty folder is still a
    registry to be written, whose findings say what it lacks."""
    Path("data").mkdir()
    Path("data/obce.csv").write_text("kod\n1\n", "utf-8")
    for folder in ("registry/sources", "data"):
        result = cdo("--registry", folder, "registry", "lint")
        assert result.exit_code == 2, result.output
        assert result.output.strip() == (
            f"error: {folder} holds no registry (no registry.yaml, guarantors.yaml or "
            "sources/) (did you mean registry?)"
        )
    Path("nova").mkdir()
    result = cdo("--registry", "nova", "registry", "lint")
    assert result.exit_code == 1 and "the registry has no guarantors.yaml" in result.output


def test_lint_json_equals_library_result(cdo, base_registry: Path) -> None:
    (base_registry / "sources" / "obce.yaml").write_text("id: obce\n", "utf-8")
    result = cdo("registry", "lint", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output) == lint(base_registry).to_dict()
    assert json.loads(result.output)["errors"] >= 1


def test_registry_from_environment_and_config(cdo, base_registry: Path, monkeypatch) -> None:
    moved = base_registry.rename(base_registry.parent / "jinde")
    monkeypatch.setenv("CDO_REGISTRY", str(moved))
    assert cdo("registry", "lint").exit_code == 0
    monkeypatch.delenv("CDO_REGISTRY")
    assert cdo("registry", "lint").exit_code == 2
    (moved.parent / "cdo.yaml").write_text("registry: jinde\n", "utf-8")
    assert cdo("registry", "lint").exit_code == 0
    # From a folder of the project, cdo.yaml is found above it.
    Path("examples").mkdir()
    monkeypatch.chdir("examples")
    assert cdo("registry", "lint").exit_code == 0


def test_config_with_unknown_key_is_a_clear_error(cdo, base_registry: Path) -> None:
    Path("cdo.yaml").write_text("registri: registry\n", "utf-8")
    result = cdo("registry", "lint")
    assert result.exit_code == 2
    assert "cdo.yaml:1:1: unknown key 'registri'" in result.output


def test_list_table_and_filters(cdo, shipped_registry: Path) -> None:
    result = cdo("registry", "list")
    assert result.exit_code == 0
    assert "skoly" in result.output and "dotace" in result.output
    only = cdo("registry", "list", "--theme", "education", "--format", "json")
    assert [row["id"] for row in json.loads(only.output)] == ["skoly"]
    by_guarantor = json.loads(
        cdo("registry", "list", "--guarantor", "odbor-ekonomiky", "--format", "json").output
    )
    assert [row["id"] for row in by_guarantor] == ["rozpocet"]
    # A misspelt filter is an error, not an empty list that says the region has no such data.
    typo = cdo("registry", "list", "--theme", "educaton")
    assert typo.exit_code == 2
    assert "--theme: no such value 'educaton' (did you mean 'education'?)" in typo.output
    nobody = cdo("registry", "list", "--guarantor", "nikdo")
    assert nobody.exit_code == 2 and "known: chmu-pobocka, gis," in nobody.output
    # A known theme without sources is an empty list.
    none = cdo("registry", "list", "--theme", "energy", "--format", "json")
    assert none.exit_code == 0 and json.loads(none.output) == []


@pytest.mark.parametrize(
    ("columns", "headers"),
    [
        (120, ["id", "title", "theme", "guarantor", "standard", "frequency"]),
        (80, ["id", "title", "standard"]),
        (60, ["id", "title"]),
    ],
)
def test_list_leaves_out_columns_rather_than_cut_them(
    shipped_registry: Path, columns: int, headers: list[str]
) -> None:
    """An id of thirty letters cut the standards to 'st' at 80 columns."""
    from typer.testing import CliRunner

    from cdo_toolkit.cli.app import app

    long_id = "cernosice-00241121-budget-2016"
    register_copy(shipped_registry, "skoly", long_id, "rozpocet_c")
    result = CliRunner().invoke(app, ["registry", "list"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "…" not in result.stdout and max(len(line.rstrip()) for line in lines) <= columns
    assert lines[2].split() == headers
    row = next(line for line in lines if line.strip().startswith(long_id))
    assert ("zlaty" in row.split()) == ("standard" in headers)


def test_list_explains_the_star_only_where_a_source_has_one(cdo, base_registry: Path) -> None:
    result = cdo("registry", "list")
    assert result.exit_code == 0 and "skoly" in result.output
    assert "holds personal data" not in result.output
    skoly = base_registry / "sources" / "skoly.yaml"
    skoly.write_text(
        skoly.read_text("utf-8").replace(
            "personal_data: false",
            "personal_data: {contains: true, columns: [ico], legal_basis: zákon, retention: P1Y}",
        ),
        "utf-8",
    )
    starred = cdo("registry", "list")
    assert starred.exit_code == 0, starred.output
    assert "skoly *" in starred.output and "* holds personal data" in starred.output


def test_list_json_equals_library_result(cdo, shipped_registry: Path) -> None:
    result = cdo("registry", "list", "--format", "json")
    assert json.loads(result.output) == list_sources(load_valid(shipped_registry))


def test_list_refuses_a_broken_registry(cdo, base_registry: Path) -> None:
    (base_registry / "standards.yaml").write_text("standards: [}\n", "utf-8")
    result = cdo("registry", "list")
    assert result.exit_code == 2
    assert "error: the registry has" in result.output
    assert "registry/standards.yaml:1:" in result.output
    assert "run 'cdo registry lint'" in result.output


def test_show_text_and_json(cdo, shipped_registry: Path) -> None:
    text = cdo("registry", "show", "dotace")
    assert text.exit_code == 0
    assert "Poskytnuté dotace" in text.output
    assert "prijemce_nazev" in text.output
    # Constraints as their author wrote them, not as Python prints them.
    flat = " ".join(text.output.replace("│", " ").split())
    assert "unique; pattern OLP/" in flat and "minimum 0" in flat and "=True" not in flat
    as_json = cdo("registry", "show", "dotace", "--format", "json")
    data = json.loads(as_json.output)
    assert data == source_details(load_valid(shipped_registry), "dotace")
    assert data["personal_data"]["columns"] == ["prijemce_nazev"]
    assert data["guarantor_entry"]["email"] == "pavel.horak@kraj-lbc.cz"
    assert data["schema_file"] == "schemas/dotace.schema.json"


def test_show_says_the_keys_and_the_registry_checks(cdo, shipped_registry: Path) -> None:
    """Everything the registry says of a source: its keys and its checks beyond the Table
    Schema too, each in words with its severity."""
    flat = " ".join(cdo("--lang", "en", "registry", "show", "dotace").output.split())
    assert "primary key cislo_smlouvy" in flat
    assert "foreign key kod_obce → obce.kod_obce" in flat
    assert "ico prijemce_ico an IČO with a valid check digit error" in flat
    assert "row-rule castka-v-mezich: castka_kc <= 5000000 warning" in flat
    air = " ".join(cdo("--lang", "cs", "registry", "show", "kvalita-ovzdusi").output.split())
    assert "deviation pm10 od průměru nejvýše 3× směrodatná odchylka varování" in air
    assert "null-share pm10 nejvýše 10 procent prázdných buněk varování" in air
    crossings = " ".join(cdo("--lang", "en", "registry", "show", "dopravni-nehody").output.split())
    assert "code-list kod_obce codes of obce.kod_obce error" in crossings


def test_show_unknown_source_suggests(cdo, shipped_registry: Path) -> None:
    result = cdo("registry", "show", "skolly")
    assert result.exit_code == 2
    assert result.output.strip() == "error: unknown source 'skolly' (did you mean 'skoly'?)"


def test_schema_validates_the_shipped_registry(cdo, repo: Path) -> None:
    import jsonschema

    for kind in ("source", "registry", "organisations", "guarantors", "standards"):
        result = cdo("registry", "schema", kind)
        assert result.exit_code == 0
        schema = json.loads(result.output)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        files = (
            sorted((repo / "registry" / "sources").glob("*.yaml"))
            if kind == "source"
            else [repo / "registry" / f"{kind}.yaml"]
        )
        for file in files:
            errors = list(validator.iter_errors(yaml.safe_load(file.read_text("utf-8"))))
            assert errors == [], (file, errors[:1])


def test_schema_rejects_what_lint_rejects(cdo) -> None:
    import jsonschema

    schema = json.loads(cdo("registry", "schema", "source").output)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x", "guarantr": "gis"}, schema)


def test_published_schemas_are_current(cdo, repo: Path, tmp_path: Path) -> None:
    result = cdo("registry", "schema", "--out", str(tmp_path))
    assert result.exit_code == 0
    for generated in sorted(tmp_path.glob("*.json")):
        shipped = repo / "docs" / "schema" / generated.name
        assert shipped.read_text("utf-8") == generated.read_text("utf-8"), (
            f"{shipped} is stale: run `cdo registry schema --out docs/schema`"
        )


def test_schema_unknown_kind(cdo) -> None:
    result = cdo("registry", "schema", "sources")
    assert result.exit_code == 2
    assert "unknown kind 'sources'" in result.output


def test_every_error_prints_one_line_without_traceback(cdo, base_registry: Path) -> None:
    (base_registry / "registry.yaml").unlink()
    (base_registry / "sources" / "obce.yaml").write_bytes(b"\x00\x01binary")
    result = cdo("registry", "list")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_non_utf8_registry_file(base_registry: Path) -> None:
    (base_registry / "sources" / "obce.yaml").write_bytes(
        "id: obce\ntitle: Obce Libereckého kraje\n".encode("cp1250")
    )
    findings = lint(base_registry).findings
    assert [f.render() for f in findings] == [
        "registry/sources/obce.yaml:2:21: error REG002 the file is not UTF-8 (byte 0xE9) "
        "(save it as UTF-8)"
    ]


def test_oversized_registry_file_is_refused_unread(base_registry: Path) -> None:
    big = base_registry / "sources" / "obce.yaml"
    big.write_text("id: obce\ndescription: " + "x" * (3 * 1024 * 1024) + "\n", "utf-8")
    findings = lint(base_registry).findings
    assert findings[0].code == "REG002"
    assert "more than the" in findings[0].message


def test_debug_shows_the_traceback(base_registry: Path) -> None:
    from typer.testing import CliRunner

    from cdo_toolkit.cli.app import app
    from cdo_toolkit.errors import CdoError

    result = CliRunner().invoke(app, ["--debug", "registry", "show", "nic"])
    assert isinstance(result.exception, CdoError)


def test_debug_shows_the_traceback_of_an_eof_error(
    base_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """click takes an EOFError for a closed input and prints only "Aborted!"."""
    from typer.testing import CliRunner

    import cdo_toolkit.registry as registry
    from cdo_toolkit.cli.app import app

    def cut_off(*_args: object, **_kwargs: object) -> None:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    monkeypatch.setattr(registry, "load_valid", cut_off)
    result = CliRunner().invoke(app, ["--debug", "registry", "list"])
    assert result.exit_code == 2
    assert "Traceback" in result.output and "EOFError: Compressed file ended" in result.output
    assert "Aborted" not in result.output
    plain = CliRunner().invoke(app, ["registry", "list"])
    assert plain.exit_code == 2 and "internal error: EOFError" in plain.output


def test_help_and_list_do_not_import_heavy_libraries(repo: Path, shipped_registry: Path) -> None:
    heavy = [
        "pandas",
        "polars",
        "frictionless",
        "pandera",
        "duckdb",
        "sqlglot",
        "openlineage",
        "pyarrow",
    ]
    for args in (["--help"], ["registry", "list"], ["registry", "show", "skoly"]):
        code = (
            "import sys, runpy\n"
            f"sys.argv = ['cdo', *{args!r}]\n"
            "try:\n    runpy.run_module('cdo_toolkit', run_name='__main__')\n"
            "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stderr.strip().splitlines()[-1] == "[]", (args, result.stderr)


def test_a_command_runs_full_collections_less_often(monkeypatch) -> None:
    """Full garbage collections cost a command over a large registry a quarter of a second
    (docs/performance.md): the entry point defers them; the young generations keep theirs."""
    import gc

    from cdo_toolkit.cli.app import main

    before = gc.get_threshold()
    monkeypatch.setattr(sys, "argv", ["cdo", "--version"])
    try:
        with pytest.raises(SystemExit):
            main()
        assert gc.get_threshold() == (*before[:2], 100)
    finally:
        gc.set_threshold(*before)


def test_python_dash_m_entry_point(repo: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cdo_toolkit", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"cdo {__version__}"


@pytest.mark.parametrize("encoding", ["ascii", "cp1250"])
def test_output_in_a_narrower_encoding_than_unicode(shipped_registry: Path, encoding: str) -> None:
    """Redirected output on Czech Windows is cp1250, which has no ✓; some systems still
    write ASCII. What the stream cannot hold shows as "?" (no encoding error, exit as
    usual); JSON escapes it, so that it stays whole."""
    import os

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "cdo_toolkit", "--lang", "cs", *args],
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": encoding},
            check=False,
        )

    shown = run("registry", "show", "skoly")
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout.decode(encoding)
    assert "skoly" in text and "internal error" not in text
    scored = run("--warehouse", "duckdb:///w/cdo.duckdb", "score")
    assert scored.returncode == 0, scored.stderr
    assert "✓" not in scored.stdout.decode(encoding) and "?" in scored.stdout.decode(encoding)
    listed = run("registry", "list", "--format", "json")
    assert listed.returncode == 0 and listed.stdout.isascii()
    assert {s["title"] for s in json.loads(listed.stdout)} >= {
        "Školy a školská zařízení Libereckého kraje"
    }
    checked = run("validate", "examples/skoly.csv", "--source", "skoly", "--format", "json")
    assert checked.returncode == 1 and checked.stdout.isascii(), checked.stderr
    cells = [e.get("cell") for t in json.loads(checked.stdout)["tasks"] for e in t["errors"]]
    assert "0004912" in cells
    listed = run("validate", "examples/skoly.csv", "--source", "skoly", "--format", "csv")
    assert listed.stdout.startswith(b"file;row;field;"), listed.stdout[:40]  # no mark of UTF-8


class PanicException(BaseException):
    """As pyo3 names the panic of a library written in Rust (polars, calamine)."""


@pytest.mark.parametrize(
    "error",
    [RuntimeError("disk on fire"), PanicException("index out of bounds: the len is 0")],
    ids=["exception", "rust-panic"],
)
def test_internal_error_is_one_line_without_traceback(
    cdo, base_registry: Path, monkeypatch, error: BaseException
) -> None:
    """Also a panic, which pyo3 raises as a BaseException so as to pass ``except
    Exception``; Ctrl-C and exits keep their ways."""
    import cdo_toolkit.registry.lint

    def broken(root: Path) -> None:
        raise error

    monkeypatch.setattr(cdo_toolkit.registry.lint, "lint", broken)
    result = cdo("registry", "lint")
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: internal error: {type(error).__name__}: {error} "
        "(run again with --debug for the details and report it)"
    )


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (
            PermissionError(13, "Permission denied", "registry/sources/skoly.yaml"),
            "error: registry/sources/skoly.yaml: Permission denied (check the name, its "
            "permissions and the free disk space)",
        ),
        (OSError(28, "No space left on device"), "error: internal error: OSError: "),
    ],
    ids=["of-a-file", "of-no-file"],
)
def test_a_file_the_system_refuses_is_named_not_reported_as_a_bug(
    cdo, base_registry: Path, monkeypatch, error: OSError, said: str
) -> None:
    """Where no command foresaw it, a file refused by the system (permissions, a full
    disk) was an internal error to be reported; it is the file and the reason. An error
    of the system that names no file stays an internal error."""
    import cdo_toolkit.registry.lint

    def refused(root: Path) -> None:
        raise error

    monkeypatch.setattr(cdo_toolkit.registry.lint, "lint", refused)
    result = cdo("registry", "lint")
    assert result.exit_code == 2
    assert result.output.startswith(said), result.output
    assert "Traceback" not in result.output
    with pytest.raises(OSError):
        cdo("--debug", "registry", "lint")


def test_other_base_exceptions_are_not_swallowed(cdo, base_registry: Path, monkeypatch) -> None:
    import cdo_toolkit.registry.lint

    class Other(BaseException):
        pass

    def other(root: Path) -> None:
        raise Other("not ours to swallow")

    monkeypatch.setattr(cdo_toolkit.registry.lint, "lint", other)
    with pytest.raises(Other):
        cdo("registry", "lint")


def test_usage_errors_keep_typer_messages(cdo, base_registry: Path) -> None:
    result = cdo("registry", "list", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_lint_runs_after_its_module_was_imported_elsewhere(cdo, base_registry: Path) -> None:
    """`cdo audit` imports the lint module; a later `registry lint` in the same process
    (the Python API, the test suite) took the package's ``lint`` for the function and
    called the module."""
    import importlib

    importlib.import_module("cdo_toolkit.registry.lint")
    result = cdo("registry", "lint")
    assert result.exit_code == 0, result.output


def test_sources_are_listed_and_scored_in_counting_order(cdo, base_registry: Path) -> None:
    # Ids numbered by people (e.g. by `registry add` of several files) sort as they count:
    # obec-2 before obec-10, not after it as plain text would put it.
    template = (base_registry / "sources" / "obce.yaml").read_text("utf-8")
    for number in (10, 2, 1):
        (base_registry / "sources" / f"obec-{number}.yaml").write_text(
            template.replace("id: obce", f"id: obec-{number}").replace(
                "table: obce", f"table: obec_{number}"
            ),
            "utf-8",
        )
    expected = ["obce", "obec-1", "obec-2", "obec-10", "skoly"]
    listed = cdo("registry", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert [row["id"] for row in json.loads(listed.output)] == expected
    scored = cdo("score", "--format", "json")
    assert [row["source"] for row in json.loads(scored.stdout)] == expected


def test_global_options_may_follow_the_command(cdo, base_registry: Path) -> None:
    # Without the option's value, the command's name is not taken for it.
    lacking = cdo("registry", "list", "--registry")
    assert lacking.exit_code == 2
    assert "Invalid value for --registry: it needs a value" in lacking.output
    moved = base_registry.rename(base_registry.parent / "jinde")
    before = cdo("--registry", str(moved), "--lang", "cs", "registry", "list", "--format", "json")
    after = cdo("registry", "list", "--format", "json", f"--registry={moved}", "--lang", "cs")
    assert before.exit_code == after.exit_code == 0, after.output
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert [row["id"] for row in json.loads(after.stdout)] == ["obce", "skoly"]
    # After `--`, an option's name is a file's name like any other.
    named = cdo("validate", "--", "--debug")
    assert named.exit_code == 2 and "file --debug not found" in named.output


def test_every_option_names_its_value_in_words() -> None:
    """Help read ``--limit-errors <int range>``, ``--source <str>`` and ``FILE
    <list[Path]>``: a programmer's types, where a guarantor reads what to write (``N``,
    ``SOURCE``, ``FILE``)."""
    import click
    import typer.main
    from typer.testing import CliRunner

    from cdo_toolkit.cli.app import app

    def commands(group: click.Command, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, sub in getattr(group, "commands", {}).items():
            yield from commands(sub, [*path, name])

    runner = CliRunner()
    technical = re.compile(r"<(str|int|float|path|Path|int range|float range|list\[.*?\])>")
    seen = 0
    for path in commands(typer.main.get_command(app), []):
        text = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"}).output
        options = [line for line in text.splitlines() if line.lstrip().startswith("--")]
        seen += len(options)
        assert not [line for line in options if technical.search(line)], (path, options)
        # The arguments' list too: "SOURCE  The registered source…", not "SOURCE <str>".
        listed = text.partition("Arguments:")[2].partition("Options:")[0].splitlines()
        assert not [line for line in listed if technical.search(line)], (path, listed)
        # Arguments too, in the usage line: SOURCE, not {source} or [[SOURCE]...]....
        usage = next(line for line in text.splitlines() if line.startswith("Usage:"))
        for word in usage.partition("[OPTIONS]")[2].split():
            assert re.fullmatch(r"[\[{]?[A-Z][A-Z._]*[\]}]?(\.\.\.)?", word), (path, usage)
    assert seen > 40
