"""``cdo registry add``: onboarding a source from one of its files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from cdo_toolkit.registry.infer import refine_field
from cdo_toolkit.registry.lint import lint
from tests.conftest import add_refused, notes_and_data, registry_add

CZECH_CSV = (
    "ico;nazev;datum_zahajeni;castka;kod_obce;otevreno;pocet\r\n"
    "00241121;Obec Černošice;1.2.2024;12,5;563889;ano;10\r\n"
    "70891508;Liberecký kraj;15.12.2023;1 234,50;577626;ne;7\r\n"
    "00262978;Město Žďár;3.11.2021;0,75;561380;ano;12\r\n"
)


def _added(cdo: Any, source_id: str, data: Path | str, theme: str) -> dict[str, Any]:
    """``cdo registry add`` of a source from ``data`` (guarantor gis): the entry written."""
    _result, entry = registry_add(cdo, source_id, data, theme)
    return entry


def test_add_infers_czech_types_and_passes_lint(cdo, base_registry: Path) -> None:
    data = Path("podniky.csv")
    data.write_bytes(CZECH_CSV.encode("cp1250"))
    result = cdo(
        "registry",
        "add",
        "podniky",
        "--from",
        str(data),
        "--guarantor",
        "gis",
        "--theme",
        "economy",
    )
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.strip())
    assert written == Path("registry/sources/podniky.yaml")
    entry = yaml.safe_load(written.read_text("utf-8"))
    assert entry["encoding"] == "windows-1250"
    assert entry["dialect"] == {"delimiter": ";"}
    assert entry["guarantor"] == "gis"
    assert entry["standard"] == "zakladni"  # the registry default
    fields = {f["name"]: f for f in entry["schema"]["fields"]}
    assert fields["ico"]["type"] == "string"
    # The key's cells must be filled: required, as Table Schema implies of a key.
    assert fields["ico"]["constraints"] == {"pattern": r"\d{8}", "required": True}
    # No leading zero, but the code list it refers to (obce.kod_obce) holds its codes as
    # text: so does the new source, or a build joining the two would need a cast.
    assert fields["kod_obce"] == {"name": "kod_obce", "type": "string"}
    assert fields["castka"] == {
        "name": "castka",
        "type": "number",
        "decimalChar": ",",
        "groupChar": " ",
    }
    assert fields["datum_zahajeni"] == {
        "name": "datum_zahajeni",
        "type": "date",
        "format": "%d.%m.%Y",
    }
    assert fields["otevreno"]["type"] == "boolean"
    assert fields["otevreno"]["trueValues"] == ["ano"]
    assert fields["pocet"]["type"] == "integer"
    assert entry["warehouse"] == {"table": "podniky", "load_mode": "replace"}
    # An IČO column gets an ico check, a column named as the key of the municipalities a
    # code list into them; warnings, so that the file is reported on, not rejected.
    assert entry["checks"] == [
        {"type": "ico", "field": "ico", "severity": "warning"},
        {
            "type": "code-list",
            "field": "kod_obce",
            "source": "obce",
            "source_field": "kod_obce",
            "severity": "warning",
        },
    ]
    assert lint(base_registry).findings == []
    assert cdo("validate", str(data), "--source", "podniky").exit_code == 0


def test_a_column_named_as_a_code_list_takes_its_type(cdo, base_registry: Path) -> None:
    """Digits without leading zeros read as integers; where the registry's code list of
    that name holds text, the new column is text too, keeping only the constraints text
    can have; a code list of integers leaves it an integer. On PostgreSQL a build joining
    an integer column to a text one fails (``operator does not exist: bigint = text``)."""
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.registry.infer import typed_as_code_lists

    registry = load_valid(base_registry)
    schema = {
        "fields": [
            {
                "name": "kod_obce",
                "type": "integer",
                "constraints": {"required": True, "minimum": 0},
            },
            {"name": "pocet", "type": "integer"},
            {"name": "nazev", "type": "string"},
        ]
    }
    assert typed_as_code_lists(registry, schema)["fields"] == [
        {"name": "kod_obce", "type": "string", "constraints": {"required": True}},
        {"name": "pocet", "type": "integer"},
        {"name": "nazev", "type": "string"},
    ]
    obce = base_registry / "schemas" / "obce.json"
    descriptor = json.loads(obce.read_text("utf-8"))
    descriptor["fields"][0] = {"name": "kod_obce", "type": "integer"}
    obce.write_text(json.dumps(descriptor), "utf-8")
    registry = load_valid(base_registry)
    assert typed_as_code_lists(registry, schema) == schema


def test_add_from_a_workbook_then_validate_it(cdo, base_registry: Path) -> None:
    """An .xlsx with codes as text, native numbers and dates, and ano/ne: the entry says
    xlsx, dates are dates, codes keep their zeros, and the workbook validates against it."""
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ico", "nazev", "zahajeni", "castka", "otevreno"])
    sheet.append(["00241121", "Obec Černošice", datetime(2024, 2, 1), 12.5, "ano"])
    sheet.append(["70891508", "Liberecký kraj", datetime(2023, 12, 15), 1234.5, "ne"])
    book.save("podniky.xlsx")
    entry = _added(cdo, "podniky", "podniky.xlsx", "economy")
    assert entry["format"] == "xlsx" and "encoding" not in entry
    fields = {f["name"]: f for f in entry["schema"]["fields"]}
    assert fields["ico"] == {
        "name": "ico",
        "type": "string",
        "constraints": {"pattern": r"\d{8}", "required": True},
    }
    assert fields["zahajeni"]["type"] == "date"
    assert fields["castka"]["type"] == "number"
    assert fields["otevreno"]["type"] == "boolean"
    assert entry["schema"]["primaryKey"] == ["ico"]  # checked in the workbook, as in a CSV
    assert lint(base_registry).findings == []
    checked = cdo("validate", "podniky.xlsx", "--source", "podniky")
    assert checked.exit_code == 0, checked.output
    # The same workbook renamed .xls, as some systems export them: described as a workbook.
    Path("podniky.xls").write_bytes(Path("podniky.xlsx").read_bytes())
    again = _added(cdo, "podniky-xls", "podniky.xls", "economy")
    assert again["format"] == "xlsx" and again["schema"] == entry["schema"]


def test_add_proposes_a_schema_the_whole_file_meets(cdo, base_registry: Path) -> None:
    """Types come from the first rows; later rows loosen them (an altitude with a decimal
    point after 120 whole ones becomes a number, ``NA`` a missing value, a code that is no
    longer all digits a string), so the file the source was described from validates."""
    rows = [f"{11500 + n};{200 + n};{n:03d}" for n in range(120)]
    rows += ["11999;223.6;12A", "12000;NA;130"]
    Path("stanice.csv").write_text("id;vyska;kod\n" + "\n".join(rows) + "\n", "utf-8")
    entry = _added(cdo, "stanice", "stanice.csv", "environment")
    fields = {f["name"]: f for f in entry["schema"]["fields"]}
    assert fields["id"]["type"] == "integer"
    assert fields["vyska"] == {"name": "vyska", "type": "number"}
    assert fields["kod"] == {"name": "kod", "type": "string"}
    assert entry["schema"]["missingValues"] == ["", "NA"]
    checked = cdo("validate", "stanice.csv", "--source", "stanice")
    assert checked.exit_code == 0, checked.output


def test_add_reads_the_rows_after_a_preamble(cdo, base_registry: Path, shared: Path) -> None:
    """The ČNB rates: a preamble line, the header on line 2, decimal commas, named .txt."""
    data = shared / "data" / "real" / "cnb-kurzy" / "denni_kurz.txt"
    entry = _added(cdo, "kurzy", data, "economy")
    fields = {f["name"]: f for f in entry["schema"]["fields"]}
    assert fields["kurz"] == {"name": "kurz", "type": "number", "decimalChar": ","}
    assert fields["množství"]["type"] == "integer"
    checked = cdo("validate", str(data), "--source", "kurzy")
    assert checked.exit_code == 0, checked.output


def test_add_reads_old_mac_line_ends(cdo, base_registry: Path) -> None:
    Path("obce.csv").write_bytes("kod;název\r554782;Praha\r563889;Liberec\r".encode())
    entry = _added(cdo, "obce-mac", "obce.csv", "territory")
    assert [f["name"] for f in entry["schema"]["fields"]] == ["kod", "název"]
    assert cdo("validate", "obce.csv", "--source", "obce-mac").exit_code == 0


def test_add_refuses_what_is_no_table(cdo, base_registry: Path) -> None:
    """What validation refuses, onboarding refuses too, rather than describing a web page
    or a file with a NUL byte deep inside as a source."""
    Path("stranka.csv").write_text("<!DOCTYPE html><html><body>Nenalezeno</body></html>", "utf-8")
    rows = "".join(f"{n};x\n" for n in range(5000))
    Path("nul.csv").write_bytes(f"a;b\n{rows}".encode() + b"1;x\x00y\n")
    for name, message in (
        ("stranka.csv", "an HTML or XML page"),
        ("nul.csv", "a NUL byte on line 5002"),
    ):
        said = add_refused(
            cdo, base_registry, "nova", name, "--guarantor", "gis", "--theme", "health"
        )
        assert message in said, said


def test_add_refuses_to_overwrite(cdo, base_registry: Path) -> None:
    Path("skoly.csv").write_text("a,b\n1,2\n", "utf-8")
    before = (base_registry / "sources" / "skoly.yaml").read_bytes()
    result = cdo(
        "registry",
        "add",
        "skoly",
        "--from",
        "skoly.csv",
        "--guarantor",
        "gis",
        "--theme",
        "education",
    )
    assert result.exit_code == 2
    assert "source 'skoly' already exists" in result.output
    assert (base_registry / "sources" / "skoly.yaml").read_bytes() == before


def test_add_needs_a_guarantor_when_there_is_no_default(cdo, base_registry: Path) -> None:
    Path("x.csv").write_text("a,b\n1,2\n", "utf-8")
    said = add_refused(cdo, base_registry, "nova", "x.csv", "--theme", "health")
    assert "no guarantor given" in said
    assert "gis, odbor-skolstvi" in said
    themeless = cdo("registry", "add", "nova", "--from", "x.csv", "--guarantor", "gis")
    assert themeless.exit_code == 2
    assert themeless.output.startswith(
        "error: no theme given and the registry has no default (pass --theme with one of: "
    )


def test_add_to_a_registry_without_guarantors_says_where_to_add_one(cdo, workdir: Path) -> None:
    Path("registry").mkdir()
    Path("x.csv").write_text("a,b\n1,2\n", "utf-8")
    result = cdo("registry", "add", "nova", "--from", "x.csv", "--theme", "health")
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "the registry has no guarantor yet (add one to registry/guarantors.yaml first" in message
    assert "one of: )" not in message


def test_add_names_the_error_of_a_standards_file_that_does_not_read(
    cdo, base_registry: Path
) -> None:
    """A standards.yaml with an error was 'no standard yet', as if the file were empty."""
    standards = base_registry / "standards.yaml"
    standards.write_text(standards.read_text("utf-8").replace("validity:", "validty:"), "utf-8")
    Path("x.csv").write_text("a,b\n1,2\n", "utf-8")
    message = add_refused(
        cdo, base_registry, "nova", "x.csv", "--theme", "health", "--guarantor", "gis"
    )
    assert "no standard yet" not in message
    assert "no standard could be read: registry/standards.yaml:" in message
    assert "missing key 'validity'" in message and "cdo registry lint" in message


def test_add_rejects_bad_id_unknown_references_and_missing_file(cdo, base_registry: Path) -> None:
    Path("x.csv").write_text("a,b\n1,2\n", "utf-8")
    bad_id = cdo("registry", "add", "Nova_Data", "--from", "x.csv")
    assert bad_id.exit_code == 2 and "invalid id 'Nova_Data'" in bad_id.output
    unknown = cdo(
        "registry", "add", "nova", "--from", "x.csv", "--guarantor", "nikdo", "--theme", "health"
    )
    assert unknown.exit_code == 2 and "unknown guarantor 'nikdo'" in unknown.output
    missing = cdo(
        "registry", "add", "nova", "--from", "chybi.csv", "--guarantor", "gis", "--theme", "health"
    )
    assert missing.exit_code == 2 and "file chybi.csv not found" in missing.output
    Path("data").mkdir()
    folder = cdo(
        "registry", "add", "nova", "--from", "data", "--guarantor", "gis", "--theme", "health"
    )
    assert folder.exit_code == 2 and "data is a folder, not a file" in folder.output
    theme = cdo("registry", "add", "nova", "--from", "x.csv", "--guarantor", "gis")
    assert theme.exit_code == 2 and "pass --theme" in theme.output
    # The options are checked before the file is read: a page saved as CSV is not reported.
    Path("page.csv").write_text("<!DOCTYPE html><html><body>x</body></html>\n", "utf-8")
    first = cdo("registry", "add", "nova", "--from", "page.csv", "--guarantor", "gis")
    assert first.exit_code == 2 and "pass --theme" in first.output
    assert "HTML" not in first.output
    Path("x.parquet").write_bytes(b"PAR1")
    other = cdo("registry", "add", "nova", "--from", "x.parquet", "--guarantor", "gis")
    assert (
        other.exit_code == 2 and "only CSV, TSV, Excel, OpenDocument and JSON files" in other.output
    )
    assert "save the data as CSV" in other.output


@pytest.mark.parametrize("packing", ["gz", "zip"])
def test_add_from_a_packed_file_describes_the_table_inside(
    cdo, base_registry: Path, packing: str
) -> None:
    """A table sent as .csv.gz or in a .zip is described as the CSV inside, and the
    packed file validates against its entry as it is."""
    import gzip
    import zipfile

    if packing == "gz":
        Path("podniky.csv.gz").write_bytes(gzip.compress(CZECH_CSV.encode("cp1250")))
        name = "podniky.csv.gz"
    else:
        with zipfile.ZipFile("podniky.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data/podniky.csv", CZECH_CSV.encode("cp1250"))
        name = "podniky.zip"
    _result, entry = registry_add(cdo, "podniky", name, "economy")
    assert entry["encoding"] == "windows-1250" and entry["dialect"] == {"delimiter": ";"}
    fields = {f["name"]: f for f in entry["schema"]["fields"]}
    assert fields["ico"]["constraints"]["pattern"] == r"\d{8}"
    assert entry["schema"]["primaryKey"] == ["ico"]
    written = Path("registry/sources/podniky.yaml").read_text("utf-8")
    assert f"from {name}." in written and "cdo-add-" not in written
    checked = cdo("validate", name, "--source", "podniky")
    assert checked.exit_code == 0, checked.output


def test_add_from_a_packed_file_with_no_room_to_unpack_it(
    cdo, base_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip
    import shutil

    def full(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    Path("podniky.csv.gz").write_bytes(gzip.compress(CZECH_CSV.encode("cp1250")))
    monkeypatch.setattr(shutil, "copyfileobj", full)
    result = cdo(
        "registry", "add", "podniky", "--from", "podniky.csv.gz", "--guarantor", "gis", "--theme", "economy"
    )  # fmt: skip
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert (
        "podniky.csv.gz: the archive cannot be unpacked: [Errno 28] No space left on device" in said
    )
    assert not Path("registry/sources/podniky.yaml").exists()


def test_add_from_a_packed_file_refuses_what_is_no_table(cdo, base_registry: Path) -> None:
    import gzip
    import zipfile

    Path("zprava.pdf.gz").write_bytes(gzip.compress(b"%PDF-1.4"))
    with zipfile.ZipFile("dva.zip", "w") as archive:
        archive.writestr("a.csv", "a\n1\n")
        archive.writestr("b.csv", "b\n2\n")
    Path("rozbity.csv.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    Path("stranka.csv.gz").write_bytes(gzip.compress(b"<!DOCTYPE html><html><body>x</body></html>"))
    said = {
        "zprava.pdf.gz": "zprava.pdf.gz holds zprava.pdf: only CSV, TSV, Excel, OpenDocument and JSON files",
        "dva.zip": "dva.zip: the zip archive must hold exactly one table, it holds 2 files",
        "stranka.csv.gz": "stranka.csv.gz: the file is an HTML or XML page",
    }
    for name, message in said.items():
        result = cdo(
            "registry", "add", "nova", "--from", name, "--guarantor", "gis", "--theme", "health"
        )
        assert result.exit_code == 2, result.output
        assert message in " ".join(result.output.split()), result.output
        assert "Traceback" not in result.output and "cdo-add-" not in result.output
    broken = cdo(
        "registry",
        "add",
        "nova",
        "--from",
        "rozbity.csv.gz",
        "--guarantor",
        "gis",
        "--theme",
        "health",
    )
    assert broken.exit_code == 2 and "rozbity.csv.gz" in broken.output
    assert "Traceback" not in broken.output and "cdo-add-" not in broken.output
    assert not Path("registry/sources/nova.yaml").exists()


def test_add_writes_the_entry_comments_in_the_language_of_the_messages(
    cdo, base_registry: Path
) -> None:
    Path("podniky.csv").write_bytes(CZECH_CSV.encode("cp1250"))
    result = cdo(
        "--lang", "cs", "registry", "add", "podniky", "--from", "podniky.csv", "--guarantor", "gis", "--theme", "economy"
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = Path("registry/sources/podniky.yaml").read_text("utf-8")
    header = text.split("\nid: podniky\n")[0]
    assert header.startswith("# Založeno příkazem `cdo registry add` ze souboru podniky.csv.")
    assert "# Primární klíč (ico) je navržen" in header
    assert all(line.startswith("# ") and len(line) <= 92 for line in header.splitlines())
    assert "`severity: warning`" in header  # a code span is not broken across lines
    assert yaml.safe_load(text)["description"].endswith(
        f"dne {date.today().day}. {date.today().month}. {date.today().year}; popis doplní garant."
    )


def test_add_describes_the_sheet_asked_for(cdo, base_registry: Path) -> None:
    """A workbook's data on another sheet than the first: --sheet names it (or numbers
    it), the entry's dialect says which, and the workbook validates against it."""
    rows: list[list[Any]] = [["kod_skoly", "nazev", "kapacita"]]
    notes_and_data(
        Path("skoly.xlsx"), rows + [[f"{n:06d}", f"Škola {n}", 100 + n] for n in range(1, 6)]
    )
    first = cdo(
        "registry", "add", "skoly-prvni", "--from", "skoly.xlsx", "--guarantor", "gis", "--theme", "education"
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    assert (
        "the workbook has 2 sheets (poznamky, data): the first, poznamky, is described"
        in " ".join(first.stderr.split())
    )
    for source_id, sheet, said in (("skoly-data", "data", "data"), ("skoly-cislem", "2", 2)):
        result = cdo(
            "registry", "add", source_id, "--from", "skoly.xlsx", "--guarantor", "gis", "--theme", "education", "--sheet", sheet
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "sheets" not in result.stderr
        entry = yaml.safe_load(Path(result.stdout.strip()).read_text("utf-8"))
        assert entry["dialect"] == {"sheet": said}
        assert [f["name"] for f in entry["schema"]["fields"]] == ["kod_skoly", "nazev", "kapacita"]
        assert entry["schema"]["primaryKey"] == ["kod_skoly"]
        checked = cdo("validate", "skoly.xlsx", "--source", source_id)
        assert checked.exit_code == 0, checked.output
    missing = cdo(
        "registry", "add", "nova", "--from", "skoly.xlsx", "--guarantor", "gis", "--theme", "education", "--sheet", "skoly"
    )  # fmt: skip
    assert missing.exit_code == 2
    assert "the workbook has no sheet 'skoly' (its sheets: poznamky, data)" in " ".join(
        missing.output.split()
    )
    Path("x.csv").write_text("a;b\n1;2\n", "utf-8")
    csv_sheet = cdo(
        "registry", "add", "nova", "--from", "x.csv", "--guarantor", "gis", "--theme", "education", "--sheet", "1"
    )  # fmt: skip
    assert (
        csv_sheet.exit_code == 2
        and "--sheet names a sheet of a workbook, and x.csv is none" in csv_sheet.output
    )
    assert not Path("registry/sources/nova.yaml").exists()


def test_add_real_czech_file_utf16(cdo, base_registry: Path, shared: Path) -> None:
    source = shared / "data" / "real" / "vozidla-crv-obce" / "obec_dr_2023_utf16le.csv"
    entry = _added(cdo, "vozidla", source, "transport")
    assert entry["encoding"] == "utf-16"
    assert entry["dialect"] == {"delimiter": ";"}
    names = [f["name"] for f in entry["schema"]["fields"]]
    assert names[:2] == ["obec", "pou"] and names[-1] == "Celkem"
    assert lint(base_registry).errors == 0


def test_refine_keeps_leading_zeros_and_reads_decimal_commas() -> None:
    assert refine_field({"name": "p1", "type": "integer"}, ["002100200001", "002100200002"]) == {
        "name": "p1",
        "type": "string",
        "constraints": {"pattern": r"\d{12}"},
    }
    assert (
        refine_field({"name": "kurz", "type": "string"}, ["14,104", "", "3,5"])["decimalChar"]
        == ","
    )
    # Mixed content stays as Frictionless described it.
    assert refine_field({"name": "x", "type": "string"}, ["1,5", "abc"]) == {
        "name": "x",
        "type": "string",
    }
    # "31.2.2024" is no date: the column stays text.
    assert refine_field({"name": "d", "type": "string"}, ["31.2.2024"])["type"] == "string"


def test_phone_numbers_grouped_by_spaces_stay_text() -> None:
    """485 226 111 looks like grouped thousands; a column named as phones is not counted
    (and "obyvatel", inhabitants, holds the letters "tel" but is no phone)."""
    phones = ["485 226 111", "485 226 1", "604 123"]
    for name in ("telefon", "tel", "Mobil", "kontaktni_telefon", "fax", "Telefonní číslo"):
        assert refine_field({"name": name, "type": "string"}, phones)["type"] == "string", name
    counts = refine_field({"name": "Počet obyvatel", "type": "string"}, ["104 261", "45 830"])
    assert counts["type"] == "number"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["8:30", "17:05", "9:00"], {"type": "time", "format": "%H:%M"}),
        (["08:30:15", "17:05:00"], {"type": "time", "format": "%H:%M:%S"}),
        (["8:30", "17:05:00"], {"type": "string"}),  # two formats: the guarantor decides
        (["25:30"], {"type": "string"}),
        (["12,5 %", "3 %", "100 %"], {"type": "number", "bareNumber": False, "decimalChar": ","}),
        (
            ["1 234,50 Kč", "99 Kč"],
            {"type": "number", "bareNumber": False, "decimalChar": ",", "groupChar": " "},
        ),
        (["3 ks", "12 ks"], {"type": "integer", "bareNumber": False}),
        (["2.5 km", "10 km"], {"type": "number", "bareNumber": False}),
        (
            ["1.234,50", "12.000,00", "7,25"],
            {"type": "number", "decimalChar": ",", "groupChar": "."},
        ),
        (["1.234", "12.000"], {"type": "string"}),  # no comma: dots alone are no grouping
        # Whole numbers grouped by a space (a count of inhabitants), four digits ungrouped.
        (
            ["104 261", "45 830", "1234", "999"],
            {"type": "number", "decimalChar": ",", "groupChar": " "},
        ),
        (["104\u00a0261", "830"], {"type": "number", "decimalChar": ",", "groupChar": "\u00a0"}),
        (["123 456 789", "223 456 789"], {"type": "string"}),  # codes all as long
        (["12 34", "1 000"], {"type": "string"}),  # no thousands
        (["12 %", "3 Kč"], {"type": "string"}),  # two units: no one quantity
        (["−1 234,5", "7,25"], {"type": "string"}),
    ],
)
def test_refine_reads_times_and_numbers_with_a_unit(
    values: list[str], expected: dict[str, object]
) -> None:
    """Times like 8:30 and numbers with one unit (12,5 %, 1 234 Kč) get the format or the
    bareNumber: false that Frictionless reads them with; the value a source writes them in
    is validated by the entry (below)."""
    assert refine_field({"name": "x", "type": "string"}, values) == {"name": "x", **expected}


def test_an_ico_column_is_text_of_eight_digits_even_without_leading_zeros() -> None:
    """IČOs of this file happen to have no leading zero: typed as integers, a later file's
    00241121 would load as 241121. A column named as an IČO stays text of eight digits
    (and so gets the proposed IČO check)."""
    for name in ("ico", "ICO", "zrizovatel_ico", "ic"):
        assert refine_field({"name": name, "type": "integer"}, ["70891508", "44224800"]) == {
            "name": name,
            "type": "string",
            "constraints": {"pattern": r"\d{8}"},
        }
    # Other digits, or another name, are as they were.
    assert refine_field({"name": "ico", "type": "integer"}, ["123456789"])["type"] == "integer"
    assert refine_field({"name": "kapacita", "type": "integer"}, ["70891508"])["type"] == "integer"


def test_refine_reads_decimal_commas_frictionless_took_for_points() -> None:
    """Frictionless describes a column of 7,25 and 12,5 as a geopoint (longitude 7,
    latitude 25): in Czech data they are numbers with a decimal comma. A point written
    with decimal points stays a point."""
    point = {"name": "x", "type": "geopoint"}
    assert refine_field(point, ["7,25", "12,5", "100,0"]) == {
        "name": "x",
        "type": "number",
        "decimalChar": ",",
    }
    assert refine_field(point, ["14.5,50.1", "15.02,49.9"]) == point


def test_add_types_times_and_units_and_warns_of_a_typographic_minus(
    cdo, base_registry: Path
) -> None:
    Path("saldo.csv").write_text(
        "kod;saldo;cas;podil\n1;−1 234,5;8:30;12,5 %\n2;1 200,0;17:05;3 %\n3;−7,25;9:00;100 %\n",
        "utf-8",
    )
    result, entry = registry_add(cdo, "saldo", "saldo.csv", "economy")
    types = {f["name"]: f["type"] for f in entry["schema"]["fields"]}
    assert types == {"kod": "integer", "saldo": "string", "cas": "time", "podil": "number"}
    assert 'column saldo holds numbers written with the sign "−" for a minus' in " ".join(
        result.stderr.split()
    )
    for engine in ("fast", "frictionless"):
        checked = cdo("validate", "saldo.csv", "--source", "saldo", "--engine", engine)
        assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["3/5/2021 12:00:00 AM", "3/6/2021 12:00:00 AM"], ("date", "%m/%d/%Y %I:%M:%S %p")),
        (["3/5/2021 2:15:00 PM", "3/6/2021 12:00:00 AM"], ("datetime", "%m/%d/%Y %I:%M:%S %p")),
        (["1. 2. 2024", "15. 3. 2024"], ("date", "%d. %m. %Y")),
        (["25/12/2023", "1/2/2024"], ("date", "%d/%m/%Y")),  # a day over 12 decides
        (["12/25/2023", "1/2/2024"], ("date", "%m/%d/%Y")),
        (["1.2.2024 08:30:15", "2.2.2024 17:00:00"], ("datetime", "%d.%m.%Y %H:%M:%S")),
    ],
)
def test_refine_finds_the_one_format_of_written_dates(
    values: list[str], expected: tuple[str, str]
) -> None:
    refined = refine_field({"name": "d", "type": "string"}, values)
    assert (refined["type"], refined["format"]) == expected


def test_refine_leaves_ambiguous_dates_as_text() -> None:
    """3/5/2021 is 3 May or 5 March: with no day over 12, the guarantor decides."""
    assert refine_field({"name": "d", "type": "string"}, ["3/5/2021", "4/6/2021"]) == {
        "name": "d",
        "type": "string",
    }


def test_add_reads_a_us_datetime_column_and_the_file_passes(
    cdo, base_registry: Path, shared: Path
) -> None:
    """The Ministry of Health's file writes its dates as `3/5/2021 12:00:00 AM`."""
    source = shared / "data" / "real" / "covid-mzcr" / "obec_6.csv"
    entry = _added(cdo, "covid", source, "health")
    (datum,) = [f for f in entry["schema"]["fields"] if f["name"] == "datum"]
    assert (datum["type"], datum["format"]) == ("date", "%m/%d/%Y %I:%M:%S %p")
    for engine in ("fast", "frictionless"):
        checked = cdo("validate", str(source), "--source", "covid", "--engine", engine)
        assert checked.exit_code == 0, checked.output


def test_add_reads_a_report_workbook_by_its_layout(cdo, base_registry: Path, shared: Path) -> None:
    """The Ministry of Finance's RUD projection is a report: a title, a header over rows
    7 to 13 (``Počet `` / ``obyvatel`` / ``k  1. 1. 2025``), a row numbering the columns,
    then 6,254 municipalities, a totals row and notes. The entry leaves out the rows above
    the data, names the fields from the header's words, keys the rows by the municipality's
    code; validating the workbook then finds exactly the rows under the table, in both
    engines."""
    data = shared / "data" / "real" / "rud-mf-2026" / "projekce_RUD_2026.xlsx"
    result, entry = registry_add(cdo, "rud", data, "economy")
    assert entry["dialect"] == {"header": False, "comment_rows": list(range(1, 15))}
    names = [f["name"] for f in entry["schema"]["fields"]]
    assert names[:5] == [
        "NUTS 3 Název kraje",
        "LAU 1 Název okresu",
        "LAU 2 Název obce",
        "Kód obce",
        "Počet obyvatel k 1. 1. 2025",
    ]
    assert names[-1] == "Předpokládaný objem celkem 9a + 11a"
    assert [f["type"] for f in entry["schema"]["fields"][3:6]] == ["integer", "integer", "number"]
    assert entry["schema"]["primaryKey"] == ["Kód obce"]
    said = " ".join(result.stderr.split())
    assert "its header takes rows 7 to 13, above the data in row 15" in said
    assert "Row 14 numbers the columns" in said and "blank and" not in said
    written = Path("registry/sources/rud.yaml").read_text("utf-8")
    assert "comment_rows: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]" in written
    found = {}
    for engine in ("fast", "frictionless"):
        checked = cdo(
            "validate", str(data), "--source", "rud", "--engine", engine, "--format", "json"
        )
        assert checked.exit_code == 1, checked.output
        (task,) = json.loads(checked.stdout)["tasks"]
        found[engine] = {(e["type"], e.get("rowNumber")) for e in task["errors"]}
        # The rows above the data are left out by design: no note of them each time.
        assert not any("left out" in note for note in task["notes"]), task["notes"]
    assert found["fast"] == found["frictionless"]
    # The blank row under the table, the totals row and the notes: 6269 to 6278.
    assert {row for _kind, row in found["fast"]} == set(range(6269, 6279))
    checked = cdo("validate", str(data), "--source", "rud", "--format", "json")
    assert any(
        note.startswith("rows 6269 to 6278 close the file and are the only ones that fail")
        for note in json.loads(checked.stdout)["tasks"][0]["notes"]
    )


def test_add_reads_a_report_csv_and_another_sheet(cdo, base_registry: Path, shared: Path) -> None:
    """A report saved as CSV (a title, a header over two rows, no numbering row) is read
    the same way; the RUD workbook's second sheet (the regions: a header in merged cells
    over rows 5 to 7) too, with --sheet."""
    report = Path("vykaz.csv")
    report.write_text(
        "Počet obyvatel obcí Libereckého kraje;;\n"
        ";;\n"
        "Kód;Název;Počet\n"
        "obce;obce;obyvatel\n"
        "563889;Liberec;104802\n"
        "563510;Jablonec nad Nisou;45368\n"
        "577626;Semily;8139\n",
        "utf-8",
    )
    result, entry = registry_add(cdo, "vykaz", report, "territory")
    assert entry["dialect"] == {"delimiter": ";", "header": False, "comment_rows": [1, 2, 3, 4]}
    fields = entry["schema"]["fields"]
    assert [f["name"] for f in fields] == ["Kód obce", "Název obce", "Počet obyvatel"]
    assert entry["schema"]["primaryKey"] == ["Kód obce"]
    assert "its header takes rows 3 to 4, above the data in row 5" in " ".join(
        result.stderr.split()
    )
    checked = cdo("validate", str(report), "--source", "vykaz")
    assert checked.exit_code == 0, checked.output
    assert "3 rows" in " ".join(checked.output.split())

    data = shared / "data" / "real" / "rud-mf-2026" / "projekce_RUD_2026.xlsx"
    result = cdo(
        "registry", "add", "rud-kraje", "--from", str(data), "--sheet", "kraje",
        "--guarantor", "gis", "--theme", "economy",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    entry = yaml.safe_load(Path("registry/sources/rud-kraje.yaml").read_text("utf-8"))
    assert entry["dialect"] == {
        "sheet": "kraje",
        "header": False,
        "comment_rows": list(range(1, 9)),
    }
    assert entry["schema"]["fields"][0]["name"] == "NUTS 3 Název kraje"


def test_add_reads_a_report_by_its_layout_with_a_given_schema(cdo, base_registry: Path) -> None:
    """With a Table Schema given, a report's rows above the data are still left out, and
    the fields are the schema's, not the header's words: the entry and the message say so."""
    Path("vykaz.csv").write_text(
        "Počet obyvatel obcí;;\n;;\nKód;Název;Počet\nobce;obce;obyvatel\n"
        "563889;Liberec;104802\n563510;Jablonec nad Nisou;45368\n577626;Semily;8139\n",
        "utf-8",
    )
    schema = {
        "fields": [
            {"name": "kod", "type": "string"},
            {"name": "nazev", "type": "string"},
            {"name": "obyvatel", "type": "integer"},
        ]
    }
    Path("vykaz.schema.json").write_text(json.dumps(schema), "utf-8")
    result, entry = registry_add(
        cdo, "vykaz", "vykaz.csv", "territory", "--schema", "vykaz.schema.json"
    )
    written = Path("registry/sources/vykaz.yaml").read_text("utf-8")
    assert entry["dialect"] == {"delimiter": ";", "header": False, "comment_rows": [1, 2, 3, 4]}
    assert [f["name"] for f in entry["schema"]["fields"]] == ["kod", "nazev", "obyvatel"]
    comment = " ".join(line.lstrip("# ") for line in written.splitlines() if line.startswith("#"))
    for said in (" ".join(result.stderr.split()), comment):
        assert "its fields are those of the given schema" in said
        assert "header's words" not in said
    checked = cdo("validate", "vykaz.csv", "--source", "vykaz")
    assert checked.exit_code == 0, checked.output


def test_add_places_a_header_under_a_title_in_a_workbook(cdo, base_registry: Path) -> None:
    """A sheet with a title, a blank row, then its header: every row of a sheet is as wide
    as the sheet, so Frictionless took the title for the header (blank labels). The entry
    names the header's row, keeps its labels (checked in every file), and the file validates."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Školy Libereckého kraje k 1. 9. 2024"])
    sheet.append([])
    sheet.append(["ico", "nazev", "kapacita"])
    for n in range(1, 6):
        sheet.append([f"0024112{n}", f"Škola {n}", 100 + n])
    book.save("skoly.xlsx")
    result, entry = registry_add(cdo, "skoly-vykaz", "skoly.xlsx", "education")
    assert entry["dialect"] == {"header_rows": [3]}
    assert [f["name"] for f in entry["schema"]["fields"]] == ["ico", "nazev", "kapacita"]
    assert entry["schema"]["primaryKey"] == ["ico"]
    said = " ".join(result.stderr.split())
    assert "its header is row 3, above the data in row 4" in said and "blank and" not in said
    checked = cdo("validate", "skoly.xlsx", "--source", "skoly-vykaz")
    assert checked.exit_code == 0, checked.output
    assert "5 rows" in checked.output


def test_add_warns_of_a_header_no_file_can_pass(cdo, base_registry: Path) -> None:
    """A header with blank and repeated labels, over data that is no report: every file
    would be rejected for them; the entry is written, and the guarantor is told why and
    what to do."""
    data = Path("obce.csv")
    data.write_text("kod;;nazev;nazev\n563889;x;Liberec;Liberec\n577626;y;Semily;Semily\n", "utf-8")
    result = cdo(
        "registry", "add", "obce-2", "--from", str(data), "--guarantor", "gis", "--theme", "economy"
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "the row taken for the header has 1 blank and 1 repeated labels of 4" in text
    assert "save the table alone" in text
    clean = Path("mesta.csv")
    clean.write_text("kod;nazev\n563889;Liberec\n", "utf-8")
    quiet = cdo(
        "registry",
        "add",
        "mesta",
        "--from",
        "mesta.csv",
        "--guarantor",
        "gis",
        "--theme",
        "economy",
    )
    assert quiet.exit_code == 0 and "warning" not in quiet.output


def test_add_says_which_empty_columns_of_a_sheet_to_delete(cdo, base_registry: Path) -> None:
    """A sheet formatted far right of its table: its blank labels close the header over
    columns without values, and the warning says to delete them, not the generic advice."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["kod", "nazev"], [563889, "Liberec"], [577626, "Semily"]):
        sheet.append(row)
    sheet.cell(row=1, column=40).font = Font(bold=True)
    book.save("obce.xlsx")
    result, _entry = registry_add(cdo, "obce-2", "obce.xlsx", "economy")
    text = " ".join(result.output.split())
    assert (
        "warning: the header ends in 38 columns without a label or values, as a spreadsheet "
        "exports columns that once held something: delete them, and describe the file again"
    ) in text
    assert "the row taken for the header" not in text


def test_add_says_that_every_line_ends_with_the_delimiter(cdo, base_registry: Path) -> None:
    """It gave the three causes a blank label may have; validation knows which it is."""
    Path("obce.csv").write_text("kod;nazev;\n563889;Liberec;\n577626;Semily;\n", "utf-8")
    result, _entry = registry_add(cdo, "obce-2", "obce.csv", "economy")
    text = " ".join(result.output.split())
    assert (
        "warning: the lines of the file end with the delimiter ';', which makes an empty last "
        "column without a label: remove the delimiter at the end of the lines (or the empty "
        "column, in the program that exports the file), and describe the file again"
    ) in text
    assert "the row taken for the header" not in text


def test_add_reads_a_file_without_a_header_row(cdo, base_registry: Path, shared: Path) -> None:
    """The police's accident file has no header row: its first record is data (an
    accident's id, numbers, a date, blank cells). The entry says header: false, names the
    fields as Frictionless does, keys them by the accident's id, and the file validates;
    the guarantor is told to name the fields."""
    accidents = shared / "data" / "real" / "nehody-pcr-praha-2020" / "00.csv"
    result, entry = registry_add(cdo, "nehody", accidents, "transport")
    assert entry["dialect"] == {"delimiter": ";", "header": False}
    fields = entry["schema"]["fields"]
    assert [f["name"] for f in fields[:3]] == ["field1", "field2", "field3"] and len(fields) == 64
    assert fields[0] == {
        "name": "field1",
        "type": "string",
        "constraints": {"pattern": r"\d{12}", "required": True},
    }  # the id, its leading zeros kept, the key
    assert fields[3]["type"] == "date"  # p2a, 2020-01-01
    assert entry["schema"]["primaryKey"] == ["field1"]
    said = " ".join(result.stderr.split())
    assert "the file has no header row" in said and "names the fields field1 to field64" in said
    assert "blank and" not in said  # no header, so no blank labels to warn of
    checked = cdo("validate", str(accidents), "--source", "nehody")
    assert checked.exit_code == 0, checked.output
    assert "11304 rows" in " ".join(checked.output.split())


def test_add_reads_a_workbook_without_a_header_row(cdo, base_registry: Path) -> None:
    """A sheet whose first row is data (a code, a name, an empty cell, a number) is read
    as rows from the first, as a CSV file is."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for n in range(1, 6):
        sheet.append([f"0024112{n}", f"Škola {n}", None, 100 + n])
    book.save("skoly.xlsx")
    result, entry = registry_add(cdo, "skoly-bez-zahlavi", "skoly.xlsx", "education")
    assert entry["dialect"] == {"header": False}
    fields = entry["schema"]["fields"]
    assert [f["name"] for f in fields] == ["field1", "field2", "field3", "field4"]
    assert fields[0]["constraints"] == {"pattern": r"\d{8}", "required": True}
    assert fields[3]["type"] == "integer"
    assert entry["schema"]["primaryKey"] == ["field1"]
    assert "the file has no header row" in " ".join(result.stderr.split())
    checked = cdo("validate", "skoly.xlsx", "--source", "skoly-bez-zahlavi")
    assert checked.exit_code == 0, checked.output
    assert "5 rows" in checked.output


@pytest.mark.parametrize(
    ("first", "data"),
    [
        (["002100200001", "5", "", "2020-01-01", "3"], True),
        (["kod", "nazev", "", "", ""], False),  # a header with blank labels: words
        (["Přehled škol k 1. 9. 2024", "", ""], False),  # a title row
        (["1", "2", "3"], False),  # numbers as labels, but every one filled and distinct
        (["1", "Liberec", "", "104261,5"], True),  # a blank cell, and mostly numbers
    ],
)
def test_a_first_record_of_data_is_told_from_a_header(first: list[str], data: bool) -> None:
    from cdo_toolkit.registry.infer import headerless

    assert headerless(first) is data


def test_add_reads_thousands_grouped_by_a_no_break_space(cdo, base_registry: Path) -> None:
    """Czech Excel writes 1 234,50 with a no-break space: the amounts are numbers grouped
    by it (they became text, as a space failed them), written visibly in the entry."""
    Path("castky.csv").write_text(
        "kod;castka\n01;1\u00a0234,50\n02;12,00\n03;2\u00a0000\u00a0000,25\n", "utf-8"
    )
    entry = _added(cdo, "castky", "castky.csv", "finance")
    castka = entry["schema"]["fields"][1]
    assert castka == {"name": "castka", "type": "number", "decimalChar": ",", "groupChar": "\u00a0"}
    text = (base_registry / "sources" / "castky.yaml").read_text("utf-8")
    assert 'groupChar: "\\u00A0"  # a no-break space' in text and "\u00a0" not in text
    assert cdo("validate", "castky.csv", "--source", "castky").exit_code == 0
    # Both kinds of space in one column: neither fits all, and the column stays text.
    Path("smisene.csv").write_text("kod;castka\n01;1\u00a0234,50\n02;1 000,00\n", "utf-8")
    mixed = _added(cdo, "smisene", "smisene.csv", "finance")["schema"]["fields"][1]
    assert mixed["type"] == "string"


def test_add_types_a_column_from_values_after_its_first_rows(cdo, base_registry: Path) -> None:
    """Frictionless types a column from its first 100 rows; one empty there (city
    districts, next year's figures) was left ``any`` and so never checked."""
    rows = [f"{n};;" for n in range(1, 301)]
    rows[250:] = [f"{n};{500000 + n};{n},5" for n in range(251, 301)]
    Path("casti.csv").write_text("id;kod_casti;podil\n" + "\n".join(rows) + "\n", "utf-8")
    entry = _added(cdo, "casti", "casti.csv", "territory")
    fields = {f["name"]: f for f in entry["schema"]["fields"]}
    assert fields["kod_casti"]["type"] == "integer"
    assert fields["podil"] == {"name": "podil", "type": "number", "decimalChar": ","}
    checked = cdo("validate", "casti.csv", "--source", "casti")
    assert checked.exit_code == 0, checked.output


def _keyed(cdo: Any, header: str, rows: list[str]) -> tuple[Any, dict[str, Any]]:
    """``cdo registry add`` of a source from these rows: the result and the entry."""
    Path("zarizeni.csv").write_text(header + "\n" + "\n".join(rows) + "\n", "utf-8")
    for written in Path("registry/sources").glob("zarizeni*.yaml"):
        written.unlink()
    return registry_add(cdo, "zarizeni", "zarizeni.csv", "health")


# Columns: a name, an IČO, the facility's id and its municipality (a column the base
# registry refers to obce by); each case spoils some in the last row, by a repeat or an
# empty cell.


@pytest.mark.parametrize(
    ("spoil", "key"),
    [
        ({}, "id_zarizeni"),  # the facility's own id before an IČO or a code
        ({"id": "7"}, "ico"),  # the id repeats: the IČO
        ({"id": "7", "ico": ""}, "kod_obce"),  # a code the registry refers to, last
        # id and kod repeat row 1 together, the IČO is missing: names are never proposed
        ({"id": "1", "ico": "", "kod": "563881"}, None),
    ],
)
def test_add_proposes_a_primary_key_unique_and_filled_in_every_row(
    cdo, base_registry: Path, spoil: dict[str, str], key: str | None
) -> None:
    rows = [f"Nemocnice {n};{70891500 + n:08d};{n};{563880 + n}".split(";") for n in range(1, 9)]
    for column, value in spoil.items():  # the last row gets the spoiling value
        rows[-1][["nazev", "ico", "id", "kod"].index(column)] = value
    result, entry = _keyed(cdo, "nazev;ico;id_zarizeni;kod_obce", [";".join(r) for r in rows])
    header = Path("registry/sources/zarizeni.yaml").read_text("utf-8").split("id: zarizeni")[0]
    if key is None:
        assert "primaryKey" not in entry["schema"]
        assert "no column, nor two or three" in " ".join(result.stderr.split())
        assert "primary key" not in header
    else:
        assert entry["schema"]["primaryKey"] == [key]
        assert f"The primary key ({key}) is proposed" in header
        assert "no column, nor" not in result.stderr
    checked = cdo("validate", "zarizeni.csv", "--source", "zarizeni")
    assert checked.exit_code == 0, checked.output


def test_add_proposes_a_first_column_of_numbers_and_names_only_without_codes(
    cdo, base_registry: Path
) -> None:
    _result, entry = _keyed(cdo, "poradi;nazev", [f"{n};Obec {n}" for n in range(1, 6)])
    assert entry["schema"]["primaryKey"] == ["poradi"]
    # A blank row is an error of its own (blank-row), not a row without a key.
    _result, entry = _keyed(cdo, "poradi;nazev", ["1;Obec 1", ";", "2;Obec 2"])
    assert entry["schema"]["primaryKey"] == ["poradi"]
    # No codes at all: the leading names, with a warning that names make a poor key.
    result, entry = _keyed(cdo, "obec;urad;pocet", [f"Obec {n % 3};Úřad {n};{n}" for n in range(6)])
    assert entry["schema"]["primaryKey"] == ["obec", "urad"]
    assert "is made of names" in " ".join(result.stderr.split())
    header = Path("registry/sources/zarizeni.yaml").read_text("utf-8").split("id: zarizeni")[0]
    assert "# The primary key (obec, urad) is proposed because these names" in header
    # A code that repeats makes no name a key: the guarantor is asked for one.
    result, entry = _keyed(cdo, "nazev;kod", [f"Obec {n};{n % 2}" for n in range(1, 6)])
    assert "primaryKey" not in entry["schema"]
    assert "no column, nor two or three" in result.stderr


def test_add_says_the_key_was_not_looked_at_on_rows_with_missing_or_extra_cells(
    cdo, base_registry: Path
) -> None:
    """Rows with missing or extra cells are not read as rows (validation reports them):
    the key is proposed from the others, and the guarantor told to check it on them."""
    result, entry = _keyed(cdo, "poradi;nazev", ["1;Obec 1", "2", "3;Obec 3;navic", "4;Obec 4"])
    assert entry["schema"]["primaryKey"] == ["poradi"]
    said = " ".join(result.stderr.split())
    assert (
        "the proposed primary key (poradi): 2 rows with missing or extra cells were not looked at"
        in said
    )
    header = Path("registry/sources/zarizeni.yaml").read_text("utf-8").split("id: zarizeni")[0]
    assert "2 rows with missing or extra cells were not looked at" in " ".join(
        header.replace("#", " ").split()
    )
    checked = json.loads(
        cdo("validate", "zarizeni.csv", "--source", "zarizeni", "--format", "json").stdout
    )
    assert {e["type"] for e in checked["tasks"][0]["errors"]} == {"missing-cell", "extra-cell"}


def test_add_from_a_file_of_no_whole_row_proposes_no_key(cdo, base_registry: Path) -> None:
    """Every row with cells missing: nothing to tell a key by, and the entry is written."""
    _result, entry = _keyed(cdo, "poradi;nazev;pocet", ["1;Obec 1", "2"])
    assert "primaryKey" not in entry["schema"]
    assert [f["name"] for f in entry["schema"]["fields"]] == ["poradi", "nazev", "pocet"]


def test_add_from_a_file_of_only_a_header_says_nothing_was_inferred(
    cdo, base_registry: Path
) -> None:
    """No data (a blank line after the header, from which Frictionless would infer
    yearmonth): every field is any, which the guarantor is told to mend; no key is asked
    for, since there was nothing to look for one in."""
    for rows in ([], ["", ";"]):
        result, entry = _keyed(cdo, "poradi;nazev", rows)
        assert [f["type"] for f in entry["schema"]["fields"]] == ["any", "any"]
        said = " ".join(result.stderr.split())
        assert "zarizeni.csv has no data, only its header, so no field's type" in said
        assert "no primary key" not in said


def _budget(rows: int, spoiled: dict[int, str]) -> list[str]:
    """A code list of budget items, ``rows`` long, some of whose codes are spoiled."""
    return [f"{spoiled.get(n, str(5000 + n))};Položka {n}" for n in range(rows)]


@pytest.mark.parametrize(
    ("spoiled", "key", "defects"),
    [
        # One empty code and one repeated in 100 rows: the key, and the two rows fail it.
        ({10: "", 20: "5019"}, ["polozka"], "2 (1 with a cell of it empty, 1 repeating"),
        # Three in 100 are more than defects: no key.
        ({10: "", 20: "5019", 30: "5029"}, None, None),
    ],
)
def test_add_proposes_a_key_the_file_fails_in_a_few_rows(
    cdo, base_registry: Path, spoiled: dict[int, str], key: list[str] | None, defects: str | None
) -> None:
    result, entry = _keyed(cdo, "polozka;nazev", _budget(100, spoiled))
    said = " ".join(result.stderr.split())
    checked = cdo(
        "--lang", "en", "validate", "zarizeni.csv", "--source", "zarizeni", "--format", "json"
    )
    if key is None:
        assert "primaryKey" not in entry["schema"]
        assert "no column, nor two or three" in said
        assert checked.exit_code == 0, checked.output
        return
    assert entry["schema"]["primaryKey"] == key
    assert (
        f"the proposed primary key (polozka) identifies every row of zarizeni.csv but {defects}"
        in said
    )
    header = Path("registry/sources/zarizeni.yaml").read_text("utf-8").split("id: zarizeni")[0]
    assert "# The primary key (polozka) is proposed because it identifies every row of" in header
    # The rows that fail it are reported, as the warning says: the empty cell, the repeat.
    report = json.loads(checked.stdout)
    assert checked.exit_code == 1
    found = {(e["type"], e["rowNumber"]) for e in report["tasks"][0]["errors"]}
    assert found == {("constraint-error", 12), ("primary-key", 12), ("primary-key", 22)}


def test_add_real_postcode_list(cdo, base_registry: Path, shared: Path) -> None:
    """RÚIAN's postcode list: city districts are empty in its first 204 rows and Prague's
    administrative districts in its first 6,721; its key spans four columns, two of them
    mostly empty, which is not guessed but warned of."""
    source = shared / "data" / "real" / "ruian-casti-obci-psc" / "psc-list.csv"
    result, entry = registry_add(cdo, "psc", source, "territory")
    fields = {f["name"]: f for f in entry["schema"]["fields"]}
    assert fields["kodmomc"]["type"] == "integer"
    assert fields["nazmomc"]["type"] == "string"
    assert fields["kodpobvod"]["type"] == "integer"
    assert fields["nazpobvod"]["type"] == "string"
    assert "primaryKey" not in entry["schema"]
    # Its key spans columns that are sometimes empty: not proposed, but asked for.
    assert "list the columns that identify a row under schema: primaryKey" in " ".join(
        result.stderr.split()
    )
    checked = cdo("validate", str(source), "--source", "psc")
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize(
    ("header", "rows", "key"),
    [
        # A station's measurements per day: neither column alone.
        ("kod_stanice;datum;pm10", [f"{s};{d}.1.2024;{s * d}" for s in ("LLIB", "LJNM") for d in (1, 2, 3)], ["kod_stanice", "datum"]),
        # A budget's items per year, the year written as a number.
        ("rok;paragraf;polozka;castka", [f"{r};{p};{i};1" for r in (2024, 2025) for p in (3113, 3114) for i in (5011, 5021)], ["rok", "paragraf", "polozka"]),
        # A station's measurements per day and element, the element a text of few values.
        ("kod_stanice;datum;prvek;hodnota", [f"{s};{d}.1.2024;{e};1" for s in ("LLIB", "LJNM") for d in range(1, 6) for e in ("T", "SRA")], ["kod_stanice", "datum", "prvek"]),
        # A note of as many values as rows says nothing of what a row is of.
        ("kod_stanice;datum;poznamka", [f"{s};1.1.2024;pozn. {s}{n}" for s in ("LLIB", "LJNM") for n in range(20)], None),
        # Two dates are no key, however unique together.
        ("od;do;castka", [f"{d}.1.2024;{d + 1}.1.2024;1" for d in range(1, 6)], None),
    ],
)  # fmt: skip
def test_add_proposes_a_key_of_several_columns(
    cdo, base_registry: Path, header: str, rows: list[str], key: list[str] | None
) -> None:
    result, entry = _keyed(cdo, header, rows)
    assert entry["schema"].get("primaryKey") == key
    if key:
        header_text = Path("registry/sources/zarizeni.yaml").read_text("utf-8")
        assert f"# The primary key ({', '.join(key)}) is proposed" in header_text
    else:
        assert "no column, nor two or three" in " ".join(result.stderr.split())
    checked = cdo("validate", "zarizeni.csv", "--source", "zarizeni")
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize(
    ("path", "key"),
    [
        # (OBEC, OKRSEK, KOLO) is unique: a polling station's result in each round.
        ("volby-prezident-2023-liberecky-kraj/pet1_liberecky_kraj.csv", ["OBEC", "OKRSEK", "KOLO"]),
        # (Paragraf, Položka) is unique in a municipality's budget.
        ("rozpocet-obce/cernosice_00241121_budget_2016.csv", ["Paragraf (kód)", "Položka (kód)"]),
        # No codes: the municipality and its office by name, which the guarantor is warned of.
        ("vozidla-crv-obce/obec_dr_2021_cp1250.csv", ["obec", "pou"]),
        # Cases per district and day; the 470 rows of no district fail it (a known defect).
        ("covid-mzcr/kraj-okres-nakazeni-vyleceni-umrti.csv", ["datum", "okres_lau_kod"]),
        # ČHMÚ's stations: a row per station, start of measuring and measured element.
        ("chmu-stanice/coords_time.csv", ["Stanice.ID", "Začátek.měření", "element"]),
        # An item code that is empty once and repeated once (known defects).
        ("rozpocet-obce/budget-items.csv", ["Položka"]),
    ],
)  # fmt: skip
def test_add_proposes_the_keys_real_files_have(
    cdo, base_registry: Path, shared: Path, path: str, key: list[str] | None
) -> None:
    """The keys the data's README documents for these files, found from the data, and
    the rows its defects make fail them reported by validation."""
    data = shared / "data" / "real" / path
    _result, entry = registry_add(cdo, "skutecny", data, "territory")
    assert entry["schema"].get("primaryKey") == key
    checked = cdo("validate", str(data), "--source", "skutecny", "--format", "json")
    errors = json.loads(checked.stdout)["tasks"][0]["errors"]
    failing = {e["rowNumber"] for e in errors if e["type"] in ("primary-key", "constraint-error")}
    assert len(failing) == {"kraj-okres": 470, "budget-ite": 2}.get(data.name[:10], 0)


def test_add_marks_columns_about_people_as_personal_data(cdo, base_registry: Path) -> None:
    """Names, a birth date and an e-mail: the entry says the source holds personal data in
    those columns (masked in every output from the first run), and the guarantor is told
    to add its legal basis and retention, which the personal-data policy asks for."""
    from cdo_toolkit.policies.check import check, load_rules
    from cdo_toolkit.registry import load_valid

    Path("osoby.csv").write_text(
        "id;jmeno;prijmeni;datum_narozeni;email;obec\n"
        "1;Jan;Novák;1.2.1980;jan@example.cz;Liberec\n"
        "2;Eva;Malá;3.4.1990;eva@example.cz;Turnov\n",
        "utf-8",
    )
    result, entry = registry_add(cdo, "osoby", "osoby.csv", "social")
    assert entry["personal_data"] == {
        "contains": True,
        "columns": ["jmeno", "prijmeni", "datum_narozeni", "email"],
    }
    said = " ".join(result.stderr.split())
    assert "the columns jmeno, prijmeni, datum_narozeni, email look like personal data" in said
    assert lint(base_registry).errors == 0
    rules = load_rules(Path(__file__).parent.parent / "policies")
    found = {f.code for f in check(load_valid(base_registry), rules) if "osoby" in f.location.file}
    assert "POL:personal-data-terms" in found
    # A file of municipalities holds no personal data.
    Path("obce.csv").write_text("kod;nazev\n563889;Liberec\n", "utf-8")
    _result, towns = registry_add(cdo, "mesta", "obce.csv", "territory")
    assert towns["personal_data"] is False
