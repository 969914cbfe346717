"""Bad input: each case gets a clear error (file and place), exit 1 or 2, no traceback."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from cdo_toolkit.validation.api import Options, validate
from cdo_toolkit.validation.sniff import sniff


def _errors(place: Path | str, **options: object) -> list[tuple[str, str]]:
    report = validate(str(place), Options(**options))  # type: ignore[arg-type]
    return [(e.type, e.note) for task in report.tasks for e in task.errors] + [
        (e.type, e.note) for e in report.errors
    ]


def _cli(cdo, *args: str):  # type: ignore[no-untyped-def]
    result = cdo("validate", *args)
    assert "Traceback" not in result.output
    return result


def test_empty_file(cdo, workdir: Path) -> None:
    Path("empty.csv").write_bytes(b"")
    assert _errors("empty.csv") == [("source-error", "the source is empty")]
    result = _cli(cdo, "empty.csv")
    assert result.exit_code == 1
    assert "the source is empty" in result.output


def test_header_only_is_valid(workdir: Path) -> None:
    Path("h.csv").write_text("a,b\n", "utf-8")
    report = validate("h.csv")
    assert report.valid and report.tasks[0].rows == 0


def test_binary_file_named_csv(cdo, workdir: Path) -> None:
    Path("photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    assert _errors("photo.csv") == [("format-error", "the file is a PNG image, not a CSV table")]
    Path("blob.csv").write_bytes(b"a,b\n\x00\x01\x02\x03")
    assert _errors("blob.csv")[0][0] == "format-error"
    assert _cli(cdo, "blob.csv").exit_code == 1


def test_stray_nul_byte_is_found_with_its_line(workdir: Path) -> None:
    """A NUL inside a cell (Frictionless lets it pass; PostgreSQL cannot store it) is named
    by line and byte, near the start, deep in the file, and inside a gzip."""
    Path("early.csv").write_bytes(b"kod;nazev\n1;Liberec\n2;Jab\x00lonec\n")
    assert _errors("early.csv") == [
        (
            "format-error",
            "the file contains a NUL byte on line 3 (byte 26), which no text cell can hold; "
            "remove it from the export and validate again",
        )
    ]
    lines = [b"kod;nazev"] + [b"%d;Obec %d" % (i, i) for i in range(300_000)]
    lines[250_000] = b"249999;Ob\x00ec"
    data = b"\n".join(lines) + b"\n"
    offset = data.index(b"\x00") + 1
    Path("late.csv").write_bytes(data)
    Path("late.csv.gz").write_bytes(gzip.compress(data))
    for name in ("late.csv", "late.csv.gz"):
        [(kind, message)] = _errors(name)
        assert kind == "format-error"
        assert f"NUL byte on line 250001 (byte {offset})" in message, message


def test_mixed_line_endings_are_one_table(workdir: Path) -> None:
    """CR LF, LF and a lone CR in one file (Frictionless reads this file as one column)."""
    Path("m.csv").write_bytes(b"kod;nazev\r\n1;Liberec\n2;Jablonec\r\n3;Turnov\r4;Semily\n")
    report = validate("m.csv")
    assert report.valid and report.tasks[0].rows == 4
    assert report.tasks[0].labels == ["kod", "nazev"]


def test_html_page_saved_as_csv(shared: Path) -> None:
    errors = _errors(shared / "data" / "real" / "covid-mzcr" / "web_orp.csv")
    assert errors[0][0] == "format-error"
    assert "HTML" in errors[0][1]


def test_ragged_rows_are_reported_not_fatal(workdir: Path) -> None:
    Path("r.csv").write_text("a,b,c\n1,2\n1,2,3,4\n5,6,7\n", "utf-8")
    report = validate("r.csv")
    assert {(e.type, e.row_number) for e in report.tasks[0].errors} == {
        ("missing-cell", 2),
        ("extra-cell", 3),
    }


def test_a_stray_quote_in_a_large_file_is_read_as_text(workdir: Path) -> None:
    """A quote inside an unquoted cell (`24"`) is text, as Frictionless reads it, in a file
    larger than what is parsed at once and than the 32 MB chunks the reader once cut by
    counting quotes (that count took the rest of such a file for one record, for minutes):
    no quote is matched across the file, the ragged and the bad rows past it keep their
    numbers."""
    rows = ["kod,nazev,cena"]
    rows += [f'{n},Monitor 24" model {n},{n}' if n % 400_000 == 3 else f"{n},Monitor {n},{n}"
             for n in range(1, 1_500_001)]  # fmt: skip
    rows[750_000] = "750000,ragged"
    rows[1_250_000] = "1250000,Monitor,x"
    Path("monitory.csv").write_text("\n".join(rows) + "\n", "utf-8")
    assert Path("monitory.csv").stat().st_size > 33 * 1024 * 1024
    report = validate(
        "monitory.csv",
        Options(schema=_schema_file({"fields": [
            {"name": "kod", "type": "integer"},
            {"name": "nazev", "type": "string"},
            {"name": "cena", "type": "integer"},
        ]})),
    )  # fmt: skip
    (task,) = report.tasks
    assert task.rows == 1_500_000
    assert {(e.type, e.row_number, e.field_name) for e in task.errors} == {
        ("missing-cell", 750_001, "cena"),
        ("type-error", 1_250_001, "cena"),
    }


def _schema_file(schema: dict[str, object]) -> Path:
    path = Path("schema.json")
    path.write_text(json.dumps(schema), "utf-8")
    return path


def test_huge_cell_is_refused_in_bounded_memory(workdir: Path) -> None:
    import resource

    with Path("big.csv").open("wb") as handle:
        handle.write(b"a,b\n1,")
        handle.write(b"x" * (20 * 1024 * 1024))
        handle.write(b"\n2,y\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    errors = _errors("big.csv")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    # Frictionless refuses cells over 128 KB; we allow records up to 4 MB and refuse the rest.
    assert errors[0][0] == "source-error" and "larger than 4 MB" in errors[0][1]
    assert grown_mb < 600


def test_gzip_bomb_is_refused(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cdo_toolkit.validation.source as source

    monkeypatch.setattr(source, "_RATIO_FLOOR", 1024 * 1024)
    with gzip.open("bomb.csv.gz", "wb", compresslevel=9) as handle:
        handle.write(b"a,b\n")
        for _ in range(64):
            handle.write(b"0" * (1024 * 1024))
    assert Path("bomb.csv.gz").stat().st_size < 1024 * 1024
    errors = _errors("bomb.csv.gz")
    assert errors[0][0] == "compression-error"
    assert "decompression bomb" in errors[0][1]


def _rows(count: int) -> bytes:
    import random

    generator = random.Random(7)  # incompressible enough that a cut lands mid-table
    return b"kod,hodnota\n" + b"".join(
        b"%06d,%016x\n" % (i, generator.getrandbits(64)) for i in range(count)
    )


@pytest.mark.parametrize("where", ["start", "deep"])
def test_damaged_gzip_is_a_compression_error(cdo, workdir: Path, where: str) -> None:
    """A gzip cut off in transfer, or with a damaged byte, is named as such: near its start
    (met while the encoding is guessed) and deep inside (met by the reader's thread)."""
    packed = gzip.compress(_rows(20_000 if where == "start" else 400_000))
    Path("cut.csv.gz").write_bytes(packed[: len(packed) * 3 // 4])
    damaged = bytearray(packed)
    damaged[len(damaged) * 3 // 4] ^= 0xFF
    Path("damaged.csv.gz").write_bytes(bytes(damaged))
    schema = {"fields": [{"name": "kod", "type": "string"}, {"name": "hodnota", "type": "string"}]}
    Path("s.json").write_text(json.dumps(schema), "utf-8")
    for name in ("cut.csv.gz", "damaged.csv.gz"):
        options = {"schema": Path("s.json"), "encoding": "utf-8"} if where == "deep" else {}
        errors = _errors(name, **options)
        assert [kind for kind, _note in errors] == ["compression-error"], (name, errors)
        assert "damaged or incomplete" in errors[0][1]
        result = _cli(cdo, name)
        assert result.exit_code == 1, result.output
        assert "compress the file again" in result.output
    # Frictionless reports a cut-off gzip as a source-error, but raises EOFError when the
    # cut falls within the sample it opens the file with: a source-error all the same.
    small = gzip.compress(_rows(200))
    Path("small.csv.gz").write_bytes(small[: len(small) // 2])
    for name in ("cut.csv.gz", "small.csv.gz"):
        assert [kind for kind, _note in _errors(name, engine="frictionless")] == ["source-error"]
    assert [kind for kind, _note in _errors("small.csv.gz")] == ["compression-error"]


def test_damaged_zip_member_is_a_compression_error(cdo, workdir: Path) -> None:
    with zipfile.ZipFile("t.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", _rows(50_000))
    packed = bytearray(Path("t.zip").read_bytes())
    packed[len(packed) // 2] ^= 0xFF  # inside the member's compressed data
    Path("t.zip").write_bytes(bytes(packed))
    errors = _errors("t.zip")
    assert [kind for kind, _note in errors] == ["compression-error"], errors
    assert _cli(cdo, "t.zip").exit_code == 1


def test_gzip_and_zip_tables_are_read(workdir: Path) -> None:
    with gzip.open("t.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write("a,b\n1,2\n3,4\n")
    assert validate("t.csv.gz").tasks[0].rows == 2
    with zipfile.ZipFile("t.zip", "w") as archive:
        archive.writestr("data.csv", "a;b\n1;2\n")
    assert validate("t.zip").tasks[0].rows == 1


def test_zip_with_several_files_or_climbing_paths(workdir: Path) -> None:
    with zipfile.ZipFile("two.zip", "w") as archive:
        archive.writestr("a.csv", "a\n1\n")
        archive.writestr("b.csv", "a\n1\n")
    assert "exactly one table" in _errors("two.zip")[0][1]
    with zipfile.ZipFile("evil.zip", "w") as archive:
        archive.writestr("../../etc/passwd.csv", "a\n1\n")
    assert "leads outside the archive" in _errors("evil.zip")[0][1]


def test_zip_bomb_is_refused_before_reading(workdir: Path) -> None:
    with (
        zipfile.ZipFile("bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomb.csv", "w", force_zip64=True) as member,
    ):
        for _ in range(300):
            member.write(b"0" * (1024 * 1024))
    errors = _errors("bomb.zip")
    assert errors[0][0] == "compression-error" and "bomb" in errors[0][1]


def _package(folder: Path, path: str) -> Path:
    descriptor = {
        "name": "p",
        "resources": [
            {"name": "data", "path": path, "schema": {"fields": [{"name": "a", "type": "string"}]}}
        ],
    }
    folder.mkdir(exist_ok=True)
    target = folder / "datapackage.json"
    target.write_text(json.dumps(descriptor), "utf-8")
    return target


def test_package_paths_climbing_out_are_refused(workdir: Path) -> None:
    Path("secret.csv").write_text("a\nsecret\n", "utf-8")
    for path in ("../secret.csv", "/etc/passwd"):
        errors = _errors(_package(Path("pkg"), path))
        assert errors[0][0] == "scheme-error"
        assert "outside the data package folder" in errors[0][1]


def test_package_symlink_leading_out_is_refused(workdir: Path) -> None:
    Path("outside.csv").write_text("a\nsecret\n", "utf-8")
    Path("pkg").mkdir()
    Path("pkg/data.csv").symlink_to(Path("outside.csv").resolve())
    errors = _errors(_package(Path("pkg"), "data.csv"))
    assert "symbolic link" in errors[0][1]


def test_remote_urls_are_refused_without_allow_remote(cdo, workdir: Path) -> None:
    result = _cli(cdo, "https://example.org/data.csv")
    assert result.exit_code == 2
    assert "remote URL" in result.output and "--allow-remote" in result.output


def test_remote_urls_fetched_with_allow_remote(workdir: Path) -> None:
    import http.server
    import threading

    Path("served.csv").write_text("a,b\n1,x\n", "utf-8")
    handler = http.server.SimpleHTTPRequestHandler
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: handler(*a, directory=str(Path.cwd()))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/served.csv"
        report = validate(url, Options(allow_remote=True))
        assert report.tasks[0].rows == 1
        # Named by its URL, not by the temporary copy validated.
        assert report.tasks[0].place == url
    finally:
        server.shutdown()


def test_wrong_declared_encoding_names_line_and_byte(workdir: Path) -> None:
    """Where the bad bytes are, counted as a person counts: in the header (read while the
    schema is inferred), deep in a file (read by pyarrow, which says no place), and a byte
    windows-1250 leaves undefined."""
    Path("cz.csv").write_bytes("a,b\nŠkola,Žár\n".encode("cp1250"))
    assert _errors("cz.csv", encoding="utf-8") == [
        (
            "encoding-error",
            "the file is not valid utf-8: line 2 (byte 5) holds the bytes 8A, which are no "
            "utf-8 text; it looks like windows-1250: declare that (--encoding windows-1250, or "
            "encoding: in the source's entry)",
        )
    ]
    rows = b"".join(b"%d;Obec %d\n" % (n, n) for n in range(300_000))
    Path("deep.csv").write_bytes(b"kod;nazev\n" + rows + "x;Žďár\n".encode("cp1250"))
    schema = {"fields": [{"name": "kod"}, {"name": "nazev"}]}
    Path("s.json").write_text(json.dumps(schema), "utf-8")
    for options in ({}, {"schema": Path("s.json")}):
        errors = _errors("deep.csv", encoding="utf-8", **options)
        assert errors == [
            (
                "encoding-error",
                f"the file is not valid utf-8: line 300002 (byte {10 + len(rows) + 3}) holds "
                "the bytes 8E, which are no utf-8 text; it looks like windows-1250: declare "
                "that (--encoding windows-1250, or encoding: in the source's entry)",
            )
        ], options
    Path("undefined.csv").write_bytes(b"a;b\n1;\x98\n")
    assert _errors("undefined.csv", encoding="windows-1250", schema=Path("s.json")) == [
        (
            "encoding-error",
            "the file is not valid windows-1250: line 2 (byte 7) holds the bytes 98, which "
            "are no windows-1250 text; declare its real encoding (--encoding)",
        )
    ]


def test_utf16_declared_for_a_file_without_its_byte_order_mark(cdo, workdir: Path) -> None:
    """UTF-16 needs a byte order mark to be read as declared: a file without one (last
    year's windows-1250 export, or UTF-16 saved without a mark) is an encoding error with
    the encoding its bytes look like, not an internal error."""
    text = "obec;pocet\nČeská Lípa;12\nŽďár;3\n"
    Path("bare.csv").write_bytes(text.encode("utf-16-le"))
    assert _errors("bare.csv", encoding="utf-16") == [
        (
            "encoding-error",
            "the file is not utf-16: it does not start with the byte order mark that utf-16 "
            "needs (FF FE or FE FF); it looks like utf-16-le: declare that (--encoding "
            "utf-16-le, or encoding: in the source's entry)",
        )
    ]
    assert validate("bare.csv", Options(encoding="utf-16-le")).valid
    Path("cz.csv").write_bytes(text.encode("cp1250"))
    result = cdo("validate", "cz.csv", "--encoding", "utf-16")
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert "it looks like windows-1250: declare that (--encoding windows-1250" in " ".join(
        result.output.split()
    )


def test_detected_encodings_keep_czech_letters(workdir: Path) -> None:
    text = "název;město\nZákladní škola;Česká Lípa\nŠumperk;Žďár nad Sázavou\n"
    # cp852: Excel's "CSV (MS-DOS)" on a Czech Windows, which windows-1250 read as "ćumperk".
    for encoding in ("cp1250", "iso-8859-2", "cp852", "utf-8-sig", "utf-16"):
        Path("t.csv").write_bytes(text.encode(encoding))
        report = validate("t.csv")
        assert report.tasks[0].labels == ["název", "město"], encoding
        assert report.valid, encoding
        cells = Path("t.csv").read_bytes().decode(sniff(Path("t.csv")).encoding)
        assert "Šumperk;Žďár nad Sázavou" in cells, encoding


def test_a_detected_single_byte_encoding_is_said_with_a_word_as_read(workdir: Path) -> None:
    """Any byte is some letter in a single-byte encoding, so a wrong guess reads without
    an error: the guess is said with a word as read, for the guarantor to check. Not for
    UTF-8 (its bytes are checked) nor for a declared encoding."""
    text = "název;město\nZákladní škola;Česká Lípa\n"
    Path("t.csv").write_bytes(text.encode("cp852"))
    assert validate("t.csv").tasks[0].notes == [
        'the file was read as cp852, as detected from its bytes: it reads "název"; if that '
        "is not what the file says, declare its real encoding (--encoding, or encoding: in "
        "the source's entry)"
    ]
    assert validate("t.csv", Options(encoding="cp852")).tasks[0].notes == []
    Path("t.csv").write_text(text, "utf-8")
    assert validate("t.csv").tasks[0].notes == []


def test_missing_file_and_schema_are_unusable_input(cdo, workdir: Path) -> None:
    assert _cli(cdo, "nowhere.csv").exit_code == 2
    Path("a.csv").write_text("a\n1\n", "utf-8")
    Path("bad.json").write_text('{"fields": [{"name": "a", "type": "magical"}]}', "utf-8")
    result = _cli(cdo, "a.csv", "--schema", "bad.json")
    assert result.exit_code == 2
    assert "not a valid Table Schema" in result.output
    result = _cli(cdo, "a.csv", "--schema", "missing.json")
    assert result.exit_code == 2 and "not found" in result.output


def test_ten_thousand_columns(workdir: Path) -> None:
    """Header checks are linear in the columns: 10,000 of them, one label repeated."""
    import json

    count = 10_000
    labels = [f"c{i}" for i in range(count - 1)] + ["c5"]
    Path("wide.csv").write_text(
        ",".join(labels) + "\n" + ",".join(str(i) for i in range(count)) + "\n", "utf-8"
    )
    names = [f"c{i}" for i in range(count - 1)] + ["posledni"]
    Path("wide.json").write_text(
        json.dumps({"fields": [{"name": n, "type": "integer"} for n in names]}), "utf-8"
    )
    report = validate("wide.csv", Options(schema=Path("wide.json")))
    task = report.tasks[0]
    assert (task.fields, task.rows) == (count, 1)
    duplicates = [e for e in task.errors if e.type == "duplicate-label"]
    assert [(e.field_number, e.note) for e in duplicates] == [(count, 'at position "6"')]


def test_json_documents_are_refused_with_what_to_do(workdir: Path, shared: Path) -> None:
    """A Table Schema given as the data, and JSON saved under .csv: each a format error
    that says what to do, not a parse failure. (A JSON array of rows named .json is a
    table: tests/test_validation_json.py.)"""
    assert _errors(shared / "data" / "real" / "cnb-kurzy" / "history.json") == []
    Path("schema.json").write_text('{"fields": [{"name": "a", "type": "string"}]}', "utf-8")
    schema = _errors(Path("schema.json"))
    assert schema[0][0] == "format-error" and "--schema" in schema[0][1]
    # A package descriptor under another name is validated as a package (as Frictionless
    # tells it by content), and refused as a table where one is wanted (cdo submit).
    Path("a.csv").write_text("kod\n1\n", "utf-8")
    descriptor = {"resources": [{"name": "a", "path": "a.csv", "schema": {"fields": []}}]}
    Path("balicek.json").write_text(json.dumps(descriptor), "utf-8")
    report = validate("balicek.json")
    assert [task.name for task in report.tasks] == ["a"]
    from cdo_toolkit.validation.source import SourceProblem, detect

    with pytest.raises(SourceProblem, match="Data Package descriptor"):
        detect(Path("balicek.json"))
    Path("data.csv").write_text('[{"a": 1}, {"a": 2}]\n', "utf-8")
    saved = _errors(Path("data.csv"))
    assert saved[0][0] == "format-error" and "JSON" in saved[0][1]


def test_package_descriptor_without_a_resources_list(cdo, workdir: Path) -> None:
    """Frictionless's verdict on the descriptor is kept: no ``resources``, or resources that
    are no list, is an invalid package (exit 2); an empty list says there is nothing to do."""
    for descriptor, message in (
        ({}, "'resources' is a required property"),
        ({"resources": {}}, "is not of type 'array'"),
    ):
        Path("datapackage.json").write_text(json.dumps(descriptor), "utf-8")
        result = _cli(cdo, "datapackage.json")
        assert result.exit_code == 2, result.output
        assert "not a valid Data Package" in result.output and message in result.output
    Path("datapackage.json").write_text('{"resources": []}', "utf-8")
    result = _cli(cdo, "datapackage.json")
    assert result.exit_code == 0 and "lists no resources" in result.output


def test_a_yaml_package_with_an_alias_chain_is_refused_before_expansion(cdo, workdir: Path) -> None:
    """Nine levels of nine aliases (a "billion laughs") would be 387 million strings when
    Frictionless walks the descriptor; the alias is refused where it stands."""
    Path("d.csv").write_text("a;b\n1;2\n", "utf-8")
    levels = ["x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + [
        f"x{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)
    ]
    Path("datapackage.yaml").write_text(
        "\n".join(["name: bomb", *levels, "resources:", "  - {name: d, path: d.csv}", ""]),
        "utf-8",
    )
    result = _cli(cdo, "datapackage.yaml")
    assert result.exit_code == 2, result.output
    assert "datapackage.yaml:3:10: YAML aliases (*name) are not allowed" in result.output
    assert "registry" not in result.output


def test_a_declared_format_that_cannot_be_read(cdo, workdir: Path) -> None:
    """A resource declaring Parquet (or JSON) is not read as CSV behind the user's back."""
    Path("d.csv").write_text("a,b\n1,2\n", "utf-8")
    expected = {
        "parquet": "the declared format 'parquet' cannot be read: tables are read from CSV, "
        "TSV, XLSX, XLS, ODS, JSON and JSON lines files",
        # JSON is read, and a CSV file declared to be JSON is said not to be.
        "json": 'the file is not JSON (its first line is "a,b"), though its format is declared '
        "as json: give the JSON file, or correct the declared format",
        "ods": "the source's files are OpenDocument spreadsheets (.ods), and this file is not "
        "one: submit the spreadsheet, or change the source's format in the registry",
        "CSV": None,
    }
    for declared, message in expected.items():
        resource = {"name": "d", "path": "d.csv", "format": declared}
        Path("datapackage.json").write_text(json.dumps({"resources": [resource]}), "utf-8")
        found = _errors("datapackage.json")
        assert found == ([("format-error", message)] if message else []), declared


def test_utf8_file_declared_windows_1250_is_an_encoding_error(cdo, workdir: Path) -> None:
    """windows-1250 decodes any byte: read as declared, a UTF-8 file raises no error and
    every Czech letter is garbled, so data passing the checks would be loaded garbled."""
    Path("skoly.csv").write_text(
        "ico;nazev\n00360091;Gymnázium\n25304950;Střední škola Turnov\n", "utf-8"
    )
    ((kind, note),) = _errors("skoly.csv", encoding="windows-1250")
    assert kind == "encoding-error"
    assert 'read so, "Gymnázium" (line 2) would become "GymnĂˇzium"' in note
    assert "declare its encoding as utf-8" in note
    result = _cli(cdo, "skoly.csv", "--encoding", "windows-1250")
    assert result.exit_code == 1 and "the file is UTF-8" in result.output
    # UTF-8's byte order mark would be the start of the first label.
    Path("bom.csv").write_bytes(b"\xef\xbb\xbfico;nazev\n00360091;Gym\n")
    ((kind, note),) = _errors("bom.csv", encoding="windows-1250")
    assert kind == "encoding-error" and 'would start with "ď»ż"' in note
    # Declared as what it is, the same file is valid.
    assert _errors("skoly.csv", encoding="utf-8") == []


@pytest.mark.parametrize(
    ("written", "declared"),
    [
        ("cp852", "windows-1250"),  # Excel's "CSV (MS-DOS)" for a windows-1250 source
        ("windows-1250", "cp852"),
        ("iso-8859-2", "windows-1250"),  # they differ only in š ť ž Š Ť Ž
        ("windows-1250", "iso-8859-2"),
    ],
)
def test_a_file_in_another_czech_encoding_than_declared_is_an_encoding_error(
    workdir: Path, written: str, declared: str
) -> None:
    """A single-byte encoding decodes any byte, so a file saved in another one than the
    source declares reads without an error, Šumperk as ćumperk, and would be loaded so."""
    text = "kod;nazev\n1;Šumperk\n2;Žďár nad Sázavou\n3;Štětí\n"
    Path("obce.csv").write_bytes(text.encode(written))
    ((kind, note),) = _errors("obce.csv", encoding=declared)
    assert kind == "encoding-error"
    from cdo_toolkit.validation.render import visible

    misread = visible("Šumperk".encode(written).decode(declared))  # a C1 control as \x8a
    assert note.startswith(
        f"the file is {written}, but its encoding is declared as {declared}: read so, "
        f'"Šumperk" (line 2) would become "{misread}"'
    )
    assert _errors("obce.csv", encoding=written) == []


def test_slovak_letters_leave_a_declared_encoding_alone(workdir: Path) -> None:
    text = "jmeno;obec\nĽubomír Kováč;Žilina\nĽudmila Šťastná;Poľsko\nĽudovít Štúr;Modra\n"
    Path("t.csv").write_bytes(text.encode("windows-1250"))
    assert _errors("t.csv", encoding="windows-1250") == []


@pytest.mark.parametrize(
    "text",
    [
        "kod;nazev\n1;Liberec\n",  # ASCII reads alike in both
        "kod;nazev\n1;Úštěk\n2;Česká Lípa\n",
        "kod;nazev\n1;ČŠ\n",  # the bytes C8 8A: valid UTF-8 by accident
    ],
    ids=["ascii", "czech", "utf8-by-accident"],
)
def test_windows_1250_declared_as_such_is_not_suspected(workdir: Path, text: str) -> None:
    Path("t.csv").write_bytes(text.encode("windows-1250"))
    assert _errors("t.csv", encoding="windows-1250") == []


@pytest.mark.parametrize("written", [",", "\t"], ids=["comma", "tab"])
def test_a_file_with_another_delimiter_than_declared_says_which(
    workdir: Path, written: str
) -> None:
    Path("schema.json").write_text(
        json.dumps({"fields": [{"name": n, "type": "string"} for n in ("kod", "nazev", "okres")]}),
        "utf-8",
    )
    Path("obce.csv").write_text(
        written.join(["kod", "nazev", "okres"])
        + "\n"
        + written.join(["1", "Liberec", "LI"])
        + "\n",
        "utf-8",
    )
    report = validate("obce.csv", Options(schema=Path("schema.json"), delimiter=";"))
    assert not report.valid
    (note,) = report.tasks[0].notes
    shown = "tab" if written == "\t" else written
    assert note.startswith(f"the header splits into the schema's fields by {shown!r}, not by")
    assert f"declare the delimiter {shown!r}" in note
    # A header that is wrong in its own right gets no such note.
    Path("obce.csv").write_text("kod;jmeno;okres\n1;Liberec;LI\n", "utf-8")
    report = validate("obce.csv", Options(schema=Path("schema.json"), delimiter=";"))
    assert not report.valid and report.tasks[0].notes == []


def _zipped_package(archive: Path, top: str = "") -> None:
    """A Data Package of one resource with a repeated key and a wrong type, zipped with
    its descriptor at the top of the archive or in the folder ``top``."""
    descriptor = {
        "name": "skoly",
        "resources": [
            {
                "name": "skoly",
                "path": "data/skoly.csv",
                "schema": {
                    "fields": [
                        {"name": "id", "type": "integer"},
                        {"name": "nazev", "type": "string"},
                    ],
                    "primaryKey": ["id"],
                },
            }
        ],
    }
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr(f"{top}datapackage.json", json.dumps(descriptor))
        packed.writestr(f"{top}data/skoly.csv", "id,nazev\n1,A\n1,B\nx,C\n")


@pytest.mark.parametrize("top", ["", "balik/"])
def test_a_zipped_data_package_is_validated_as_frictionless_does(
    cdo, workdir: Path, top: str
) -> None:
    """``package.zip`` holding datapackage.json and its files, at its top or in one
    folder: every resource validated, with Frictionless's errors, named as in the
    archive."""
    from frictionless import Package

    _zipped_package(workdir / "balik.zip", top)
    result = cdo("validate", "balik.zip", "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    task = report["tasks"][0]
    assert task["place"] == "data/skoly.csv" and task["stats"]["rows"] == 3
    ours = {(e["type"], e["rowNumber"], e.get("fieldName")) for e in task["errors"]}
    assert ours == {("primary-key", 3, None), ("type-error", 4, "id"), ("primary-key", 4, None)}
    if not top:  # Frictionless reads a descriptor at the archive's top only
        package = Package(str(workdir / "balik.zip"))
        theirs = package.validate().flatten(["type", "rowNumber", "fieldName"])
        assert ours == {tuple(e) for e in theirs}
    assert "cdo-package-" not in result.output
    # Given a schema, a zip is the one table it should hold: two files are refused.
    Path("s.json").write_text('{"fields": [{"name": "id", "type": "integer"}]}', "utf-8")
    as_table = cdo("validate", "balik.zip", "--schema", "s.json", "--format", "json")
    errors = json.loads(as_table.stdout)["tasks"][0]["errors"]
    assert [e["type"] for e in errors] == ["compression-error"]
    assert "must hold exactly one table, it holds 2 files" in errors[0]["note"]


def test_a_zipped_package_leading_out_or_expanding_too_far_is_refused(
    cdo, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cdo_toolkit.validation.source as source

    monkeypatch.setattr(source, "_RATIO_FLOOR", 1024 * 1024)
    with zipfile.ZipFile("ven.zip", "w") as packed:
        packed.writestr("datapackage.json", '{"resources": []}')
        packed.writestr("../ven.csv", "a\n1\n")
    out = cdo("validate", "ven.zip")
    assert out.exit_code == 2
    assert (
        "ven.zip: the zip member '../ven.csv' has a path that leads outside the archive"
        in " ".join(out.output.split())
    )
    with zipfile.ZipFile("bomba.zip", "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("datapackage.json", '{"resources": [{"name": "a", "path": "a.csv"}]}')
        packed.writestr("a.csv", "a\n" + "1\n" * 20_000_000)
    bomb = cdo("validate", "bomba.zip")
    assert bomb.exit_code == 2 and "likely decompression bomb" in bomb.output
    assert "Traceback" not in out.output + bomb.output
    # A zip of one table without a descriptor is still a zipped table.
    with zipfile.ZipFile("tabulka.zip", "w") as packed:
        packed.writestr("skoly.csv", "id\n1\n")
    assert cdo("validate", "tabulka.zip").exit_code == 0


def test_a_damaged_zip_is_named_not_an_internal_error(cdo, workdir: Path) -> None:
    """A zipped package whose file is damaged cannot be unpacked; a zipped table whose
    member's header is damaged cannot be read: each is said of the file, exit 2 or 1, no
    internal error."""
    with zipfile.ZipFile("balik.zip", "w", zipfile.ZIP_STORED) as packed:
        packed.writestr("datapackage.json", '{"resources": [{"name": "a", "path": "a.csv"}]}')
        packed.writestr("a.csv", "a\n" + "1\n" * 100)
    data = bytearray(Path("balik.zip").read_bytes())
    data[data.index(b"1\n1\n") + 10] = ord("x")  # the CRC no longer matches
    Path("balik.zip").write_bytes(bytes(data))
    package = cdo("validate", "balik.zip")
    assert package.exit_code == 2
    assert "balik.zip: the archive cannot be unpacked: Bad CRC-32" in " ".join(
        package.output.split()
    )
    with zipfile.ZipFile("tabulka.zip", "w") as packed:
        packed.writestr("a.csv", "a\n1\n")
    data = bytearray(Path("tabulka.zip").read_bytes())
    data[0:4] = b"XXXX"  # the member's own header, the archive's directory intact
    Path("tabulka.zip").write_bytes(bytes(data))
    table = cdo("validate", "tabulka.zip", "--format", "json")
    errors = json.loads(table.stdout)["tasks"][0]["errors"]
    assert [e["type"] for e in errors] == ["compression-error"]
    assert "not a readable zip archive" in errors[0]["note"]
    assert "internal error" not in package.output + table.output


def test_an_opendocument_spreadsheet_is_told_by_its_bytes(cdo, workdir: Path) -> None:
    """LibreOffice's .ods is a zip archive too: under a .csv name it is named as the
    spreadsheet it is (it was called a zip archive to rename .zip); a damaged one is a
    spreadsheet that cannot be opened."""
    with zipfile.ZipFile("obce.ods", "w") as archive:
        # ODF stores its mimetype first and uncompressed, so it can be told from its bytes.
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", "<office:document-content/>")
    Path("obce.csv").write_bytes(Path("obce.ods").read_bytes())
    expected = {
        "obce.ods": "the workbook cannot be opened",
        "obce.csv": "the file is an OpenDocument spreadsheet (.ods) named obce.csv: name it .ods",
    }
    for name, message in expected.items():
        result = _cli(cdo, name)
        assert result.exit_code == 1
        assert message in " ".join(result.output.split()), result.output


def test_a_spreadsheet_inside_an_archive_is_said_to_be_unpacked(cdo, base_registry: Path) -> None:
    """A workbook in a .zip or .gz was read as text and failed as an encoding error (while
    registry add described it); both now say to unpack it."""
    import gzip

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kod", "pocet"])
    sheet.append(["563889", 3])
    book.save("data.xlsx")
    with zipfile.ZipFile("data.zip", "w") as archive:
        archive.write("data.xlsx")
    Path("data.xlsx.gz").write_bytes(gzip.compress(Path("data.xlsx").read_bytes()))
    said = (
        "the archive holds a spreadsheet, data.xlsx, which is read only as a file of its own: "
        "unpack it and validate or submit the spreadsheet itself (it is compressed already)"
    )
    for packed in ("data.zip", "data.xlsx.gz"):
        assert _errors(packed) == [("format-error", said)]
        assert _cli(cdo, packed).exit_code == 1
    added = cdo(
        "registry", "add", "data", "--from", "data.zip", "--guarantor", "gis", "--theme", "health"
    )
    assert added.exit_code == 2
    assert said in " ".join(added.output.split())


def test_a_file_saved_with_two_byte_order_marks(cdo, base_registry: Path) -> None:
    """A UTF-8 file saved again by a tool that adds a BOM to one that had it: decoding
    takes the first, the second is no part of the first label, nor of the first field's
    name, inferred or onboarded: the file is valid, as Frictionless finds it."""
    from tests.parity import frictionless_errors

    data = Path("obce.csv")
    data.write_bytes("\ufeff\ufeffkod,nazev\n563889,Liberec\n".encode())
    report = validate(str(data))
    assert report.valid and report.tasks[0].labels == ["kod", "nazev"]
    assert frictionless_errors(data) == set()
    added = cdo(
        "registry", "add", "obce-2", "--from", str(data), "--guarantor", "gis", "--theme", "economy"
    )
    assert added.exit_code == 0, added.output
    entry = Path(added.output.split()[0]).read_text("utf-8")
    assert "name: kod" in entry and "\\uFEFF" not in entry
    assert cdo("validate", str(data), "--source", "obce-2").exit_code == 0


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_byte_order_mark_is_read(workdir: Path, encoding: str) -> None:
    """Some Windows tools save "Unicode" text as UTF-16 without the mark: read as such
    (Frictionless stops at an encoding-error), where it was refused as a binary file for
    its NUL bytes; a binary file still is."""
    text = "kód;název obce;počet\n1;Česká Lípa;37000\n2;Žďár;21000\n"
    data = Path("obce.csv")
    data.write_bytes(text.encode(encoding))
    report = validate(str(data))
    assert report.valid, report.to_dict()
    assert report.tasks[0].labels == ["kód", "název obce", "počet"]
    assert report.tasks[0].rows == 2
    from cdo_toolkit.validation.sniff import utf16_without_bom

    # A head cut in the middle of a character (a stream's first chunk) tells it too.
    assert utf16_without_bom(text.encode(encoding)[:-1]) == encoding
    binary = Path("data.csv")
    binary.write_bytes(bytes(range(256)) * 8)
    (error,) = validate(str(binary)).tasks[0].errors
    assert error.type == "format-error"


def test_a_dos_end_of_file_mark_is_told_for_what_it_is(workdir: Path) -> None:
    """Old DOS programs end a file with Ctrl+Z, which a CSV reader reads as one more row,
    missing its cells (as Frictionless reads it too, its delimiter guessed right): the
    error stands, and a note says what the row is."""
    data = Path("obce.csv")
    data.write_bytes("kod;nazev\r\n1;Liberec\r\n2;Turnov\r\n\x1a".encode("cp852"))
    (task,) = validate(str(data), Options(encoding="cp852")).tasks
    assert [(e.type, e.row_number) for e in task.errors] == [("missing-cell", 4)]
    assert any(note.startswith("row 4 is the end-of-file mark of DOS") for note in task.notes)


def test_blank_lines_above_the_header_are_said(workdir: Path) -> None:
    """Two blank lines above the header: the first is taken for the header (as
    Frictionless takes it), so the errors puzzle; a note says where the header is."""
    data = Path("obce.csv")
    data.write_text("\n\nkod,nazev\n563889,Liberec\n", "utf-8")
    (task,) = validate(str(data)).tasks
    assert not task.valid
    assert any(
        note.startswith(
            "the file has rows above its header (a title, blank lines): its header is row 3"
        )
        for note in task.notes
    )
