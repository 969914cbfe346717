""".xlsx sheets read by python-calamine exactly as openpyxl reads them (which Frictionless
reads): the same rows, as wide and as many, the same values of the same types; and sheets
calamine would read otherwise left to openpyxl (validation/xlsx.py)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from cdo_toolkit.validation.reader import Dialect
from cdo_toolkit.validation.source import detect
from cdo_toolkit.validation.workbook import open_sheet
from cdo_toolkit.validation.xlsx import sheet_part, sheet_size, sheet_within
from tests.conftest import SHARED
from tests.test_validation_workbooks import unsized_workbook

Writer = Callable[[Path, list[list[Any]]], None]


def _openpyxl_rows(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """The rows as Frictionless's reader gets them from openpyxl (read-only, values)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        chosen = book[sheet] if sheet else book.worksheets[0]
        return [list(row) for row in chosen.iter_rows(values_only=True)]
    finally:
        book.close()


def _our_rows(path: Path, sheet: str | None = None) -> list[list[Any]]:
    read = open_sheet(detect(path), Dialect(sheet=sheet))
    try:
        return [list(row) for row in read.rows]
    finally:
        read.close()


def calamine_layout(path: Path, sheet: str | None) -> tuple[int, int] | None:
    """The width and height calamine reads the sheet with; None where openpyxl reads it."""
    part = sheet_part(path, sheet)
    return None if part is None or not sheet_within(path, part) else sheet_size(path, part)


def _rewritten(plain: Path, path: Path, change: Callable[[bytes], bytes]) -> None:
    """``plain`` written to ``path`` with its first sheet's XML changed by ``change``."""
    import zipfile

    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                changed = change(data)
                assert changed != data
                data = changed
            target.writestr(info, data)


def _same_rows(path: Path, sheet: str | None = None) -> None:
    theirs, ours = _openpyxl_rows(path, sheet), _our_rows(path, sheet)
    assert ours == theirs
    # Equal is not enough: 1 == 1.0 == True, and a datetime is not a date to Frictionless.
    kinds = [[type(v) for v in row] for row in ours]
    assert kinds == [[type(v) for v in row] for row in theirs]


def _by_openpyxl(path: Path, rows: list[list[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    # Formatted cells under the data and beside it: rows and columns of the sheet's size.
    sheet.cell(row=len(rows) + 2, column=len(rows[0]) + 1).font = Font(bold=True)
    book.save(path)


def _by_xlsxwriter(path: Path, rows: list[list[Any]]) -> None:
    """As Excel and pandas' exporters write: shared strings, dates as styled numbers."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("data")
    day = book.add_format({"num_format": "d.m.yyyy"})
    moment = book.add_format({"num_format": "d.m.yyyy hh:mm:ss"})
    clock = book.add_format({"num_format": "hh:mm"})
    for y, row in enumerate(rows):
        for x, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(y, x, value, moment)
            elif isinstance(value, date):
                sheet.write_datetime(y, x, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, time):
                sheet.write_datetime(y, x, value, clock)
            elif value is not None:
                sheet.write(y, x, value)
    sheet.write_blank(len(rows) + 1, len(rows[0]), None, book.add_format({"bold": True}))
    book.close()


WRITERS = pytest.mark.parametrize("write", [_by_openpyxl, _by_xlsxwriter])

ROWS: list[list[Any]] = [
    ["ico", "nazev", "kapacita", "prumer", "zahajeni", "cas", "bezbarierovy"],
    ["00241121", "ZŠ Liberec", 120, 1.5, date(2015, 9, 1), time(8, 30), True],
    ["70891508", " MŠ Turnov ", -3, 0.125, datetime(2001, 9, 1, 7, 5, 9), time(0, 0), False],
    [None, "", 123456789012345, -2.5, date(1900, 1, 1), None, None],
    ["x" * 300, "a\nb", 0, 1e-7, date(2100, 12, 31), time(23, 59), "ano"],
]


@WRITERS
def test_a_sheet_is_read_by_calamine_as_openpyxl_reads_it(tmp_path: Path, write: Writer) -> None:
    path = tmp_path / "skoly.xlsx"
    write(path, ROWS)
    layout = calamine_layout(path, None)
    assert layout is not None  # read by calamine: nothing in it that calamine reads otherwise
    # The formatted cell a row under the data and a column beside it counts, as in openpyxl.
    assert layout == (8, len(ROWS) + 2)
    _same_rows(path)


@pytest.mark.parametrize(
    "cell",
    [
        datetime(1352, 1, 1),  # before 1900: a negative number, a time to calamine
        10**20,  # written with an exponent: a float to openpyxl
        2**53,  # more digits than a float holds exactly: an int to openpyxl
        "#DIV/0!",  # openpyxl writes it as an error cell, which calamine reads as empty
        "=1/0",  # a formula without a cached value
        time(23, 59, 59, 999_999),  # a hair short of a day: 1 January 1900 to openpyxl
    ],
)
def test_a_sheet_calamine_would_read_otherwise_is_read_by_openpyxl(
    tmp_path: Path, cell: Any
) -> None:
    path = tmp_path / "zvlastni.xlsx"
    _by_openpyxl(path, [["a", "b"], [1, cell]])
    if cell != "=1/0":
        assert calamine_layout(path, None) is None
    _same_rows(path)


def test_leading_empty_rows_and_columns_and_a_second_sheet(tmp_path: Path) -> None:
    """Rows and columns before the data are read, as openpyxl reads from A1."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "poznamky"
    first["A1"] = "Zdroj: ČSÚ"
    data = book.create_sheet("data")
    data["C3"], data["D3"], data["C4"], data["D5"] = "kod", "nazev", 563889, "Liberec"
    path = tmp_path / "listy.xlsx"
    book.save(path)
    assert calamine_layout(path, "data") is not None
    _same_rows(path, "data")
    _same_rows(path, "poznamky")


def test_a_workbook_written_without_a_size_is_read_by_openpyxl(tmp_path: Path) -> None:
    path = unsized_workbook(tmp_path / "bez-rozmeru.xlsx", ROWS, "data")
    assert calamine_layout(path, None) is None
    _same_rows(path, "data")


@pytest.mark.parametrize("seed", range(12))
@WRITERS
def test_random_sheets_are_read_alike(tmp_path: Path, write: Writer, seed: int) -> None:
    """Cells of every kind in random places, some rows shorter than the header."""
    chance = random.Random(seed)
    kinds: list[Callable[[], Any]] = [
        lambda: None,
        lambda: chance.randint(-(10**6), 10**6),
        lambda: round(chance.uniform(-1e6, 1e6), chance.randrange(6)),
        lambda: chance.choice(["Liberec", " mezera ", "0123", "TRUE", "1.5.2024", "N/A"]),
        lambda: chance.choice([True, False]),
        lambda: date(chance.randint(1900, 2100), chance.randint(1, 12), chance.randint(1, 28)),
        lambda: datetime(2024, chance.randint(1, 12), 3, chance.randrange(24), 59, 1),
        lambda: time(chance.randrange(24), chance.randrange(60)),
        lambda: chance.randint(0, 99_999_999),
    ]
    width = chance.randint(1, 7)
    rows = [[f"c{x}" for x in range(width)]] + [
        [chance.choice(kinds)() for _ in range(chance.choice([width, width, max(width - 1, 1)]))]
        for _ in range(chance.randint(0, 25))
    ]
    path = tmp_path / f"nahodny-{seed}.xlsx"
    write(path, rows)
    assert calamine_layout(path, None) is not None
    _same_rows(path)


@pytest.mark.parametrize(
    ("name", "sheet"),
    [
        ("rud-mf-2026/projekce_RUD_2026.xlsx", "obce"),
        ("rud-mf-2026/projekce_RUD_2026.xlsx", "kraje"),
        ("nehody-pcr-praha-2020/polozky-formulare-hlavicky-souboru.xlsx", "POLOŽKY"),
    ],
)
def test_real_workbooks_saved_by_excel_are_read_alike(name: str, sheet: str) -> None:
    path = SHARED / "data" / "real" / name
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared/ is absent in a user's clone)")
    assert calamine_layout(path, sheet) is not None
    _same_rows(path, sheet)


def test_chart_sheets_and_1904_dates_leave_the_workbook_to_openpyxl(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["a", "b"], [1, 2], [3, 4]]:
        sheet.append(row)
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    book.create_chartsheet("graf", 0).add_chart(chart)
    charted = tmp_path / "graf.xlsx"
    book.save(charted)
    assert calamine_layout(charted, None) is None
    _same_rows(charted)

    book = Workbook()
    book.epoch = datetime(1904, 1, 1)  # as Excel for Mac saved workbooks
    sheet = book.active
    assert sheet is not None
    sheet.append(["den"])
    sheet.append([datetime(2024, 1, 31)])
    old_mac = tmp_path / "mac.xlsx"
    book.save(old_mac)
    assert calamine_layout(old_mac, None) is None
    _same_rows(old_mac)


def test_time_and_duration_cells(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "casy.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["zacatek", "trvani"])
    sheet.write_datetime(1, 0, time(12, 30), book.add_format({"num_format": "hh:mm"}))
    sheet.write_datetime(1, 1, timedelta(hours=30), book.add_format({"num_format": "[h]:mm"}))
    book.close()
    assert calamine_layout(path, None) is not None
    _same_rows(path)


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_a_sheet_or_strings_expanding_as_a_bomb_are_refused(tmp_path: Path, member: str) -> None:
    """Both readers hold a sheet's strings in memory, calamine its cells too: a part of the
    workbook expanding 200-fold past 64 MiB is refused from the zip's directory."""
    import zipfile

    from tests.parity import engine_errors

    plain = tmp_path / "maly.xlsx"
    _by_xlsxwriter(plain, [["kod", "nazev"], [1, "Liberec"]])
    bomb = tmp_path / "bomba.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:  # whitespace before the end tag: still valid XML
                end = data.rindex(b"</")
                data = data[:end] + b" " * (70 * 1024**2) + data[end:]
            target.writestr(info.filename, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    assert bomb.stat().st_size < 1024**2
    ((kind, _row, _field),) = engine_errors(bomb)
    assert kind == "compression-error"


def test_a_sheet_larger_than_its_zip_entry_says_is_a_format_error(tmp_path: Path) -> None:
    """A sheet whose zip entry understates its size (to pass the size checks) is caught
    by both readers as they unpack it, not read on past what it declares."""
    import struct
    import zipfile

    from tests.parity import engine_errors

    path = tmp_path / "podvrh.xlsx"
    _by_xlsxwriter(path, [["kod"], *([n] for n in range(50_000))])
    with zipfile.ZipFile(path) as archive:
        entry = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, entry.header_offset + 22, 1000)  # the local header's size
    central = data.find(b"PK\x01\x02")  # the central directory's entries, in turn
    while data[central + 46 : central + 46 + len(entry.filename)] != entry.filename.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 1000)  # and the central directory's
    path.write_bytes(bytes(data))
    ((kind, _row, _field),) = engine_errors(path)
    assert kind == "format-error"


def test_rows_out_of_order_or_unnumbered_are_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    """openpyxl skips a row numbered below the one before, and counts rows without a
    number by their order: such a sheet is left to it."""
    import re

    plain = tmp_path / "rady.xlsx"
    _by_openpyxl(plain, [["kod"], [1], [2], [3]])
    for name, change in (
        ("prehozene.xlsx", lambda xml: re.sub(rb'(<row r="3".*?</row>)(<row r="4".*?</row>)', rb"\2\1", xml)),
        ("bez-cisel.xlsx", lambda xml: re.sub(rb'<row r="\d+"', b"<row", xml)),
    ):  # fmt: skip
        path = tmp_path / name
        _rewritten(plain, path, change)
        assert calamine_layout(path, None) is None
        _same_rows(path)


@pytest.mark.parametrize(
    ("cell", "moved"),
    [
        (b'r="A2"', b'r="A99999999999"'),  # far right of Excel's last column: calamine aborts
        (b'r="B3"', b'r="XFD1048576"'),  # Excel's last cell, out of the recorded size
        (b'r="B3"', b'r="B30"'),  # below the recorded size: openpyxl leaves it out
        (b'<c r="A2"', b"<c"),  # no reference: placed by counting
        (b'<c r="A2"', b'<c s="0" r="A2"'),  # the reference not first
    ],
)
def test_cells_out_of_the_recorded_size_are_read_by_openpyxl(
    tmp_path: Path, cell: bytes, moved: bytes
) -> None:
    """calamine lays cells out in a grid from the first to the last, wherever they lie;
    one far away asks for more memory than there is, which ends the process (calamine
    issue 693). openpyxl, reading within the recorded size, leaves it out."""
    plain = tmp_path / "obce.xlsx"
    _by_openpyxl(plain, [["kod", "nazev"], [1, "Liberec"], [2, "Turnov"]])
    path = tmp_path / "posunute.xlsx"
    _rewritten(plain, path, lambda xml: xml.replace(cell, moved, 1))
    assert calamine_layout(path, None) is None
    _same_rows(path)


def test_a_recorded_size_too_large_for_calamine_is_read_by_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdo_toolkit.validation import xlsx

    path = tmp_path / "obce.xlsx"
    _by_openpyxl(path, [["kod", "nazev"], [1, "Liberec"], [2, "Turnov"]])
    assert calamine_layout(path, None) == (3, 5)
    monkeypatch.setattr(xlsx, "MAX_GRID", 3 * 5 - 1)
    assert calamine_layout(path, None) is None
    _same_rows(path)


@pytest.mark.parametrize("most", [1, 9, 10, 26, 27, 99, 100, 702, 703, 16384, 100_001, 1_048_576])
def test_patterns_of_references_within_a_size(most: int) -> None:
    import re

    from cdo_toolkit.validation.xlsx import _letters, _letters_up_to, _numbers_up_to

    numbers = re.compile(_numbers_up_to(most) + rb"\Z")
    letters = re.compile(_letters_up_to(most) + rb"\Z")
    tried = {*range(1, 2000), *range(most - 1000, most + 1000)} - {0, *range(-1000, 0)}
    for number in sorted(tried):
        assert bool(numbers.match(str(number).encode())) == (number <= most), number
        assert bool(letters.match(_letters(number).encode())) == (number <= most), number
    assert not numbers.match(b"0") and not numbers.match(b"01")


def test_a_sheet_damaged_midway_is_a_format_error(tmp_path: Path) -> None:
    """Bytes spoilt in the middle of a sheet's compressed XML: the workbook opens, its
    reading fails midway, and that is a format-error, not the reader's exception."""
    import struct
    import zipfile

    from tests.parity import engine_errors

    path = tmp_path / "poskozeny.xlsx"
    _by_xlsxwriter(path, [["kod", "nazev"], *([n, f"obec {n}"] for n in range(50_000))])
    with zipfile.ZipFile(path) as archive:
        entry = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    name, extra = struct.unpack("<HH", data[entry.header_offset + 26 : entry.header_offset + 30])
    middle = entry.header_offset + 30 + name + extra + entry.compress_size // 2
    data[middle : middle + 200] = bytes(b ^ 0x5A for b in data[middle : middle + 200])
    path.write_bytes(bytes(data))
    ((kind, _row, _field),) = engine_errors(path)
    assert kind == "format-error"


def _with_a_stray_cell(path: Path, row: int, column: int) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for values in (["kod", "nazev"], [1, "Liberec"], [2, "Turnov"]):
        sheet.append(values)
    sheet.cell(row=row, column=column).value = "x"
    book.save(path)
    return path


def test_a_stray_cell_in_excel_s_last_cell_is_said_not_read_for_hours(tmp_path: Path) -> None:
    """A value typed in XFD1048576: openpyxl (and Frictionless with it) would give a million
    rows 16,384 cells wide, 17 billion cells. The sheet holds values in under a hundredth
    of its recorded size: said at once, with how to find the cell."""
    from cdo_toolkit.validation.api import validate

    path = _with_a_stray_cell(tmp_path / "obce.xlsx", 1_048_576, 16_384)
    (task,) = validate(str(path)).tasks
    (error,) = task.errors
    assert error.type == "source-error"
    assert "spans 1048576 rows by 16384 columns" in error.note
    assert "Ctrl+End" in error.note


def test_a_sheet_mostly_written_is_read_however_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a sheet that writes under a hundredth of its size is refused: a full one is
    read, as large as it is (the limit made small here)."""
    from cdo_toolkit.validation import xlsx

    monkeypatch.setattr(xlsx, "MOST_PADDING", 4)
    monkeypatch.setattr(xlsx, "MAX_GRID", 4)  # so that calamine leaves it to openpyxl
    full = tmp_path / "obce.xlsx"
    _by_openpyxl(full, [["kod", "nazev"], [1, "Liberec"], [2, "Turnov"]])
    part = sheet_part(full, None)
    assert part is not None and xlsx.sheet_padding(full, part) is None
    _same_rows(full)
    sparse = _with_a_stray_cell(tmp_path / "ridky.xlsx", 300, 40)
    part = sheet_part(sparse, None)
    assert part is not None and xlsx.sheet_padding(sparse, part) == (300, 40)


def test_a_cell_far_below_the_table_is_told_where_to_look(tmp_path: Path) -> None:
    """A value 3,000 rows below a table of two: 2,996 blank rows, each an error as
    Frictionless reports it, and one note saying why and what to do."""
    from cdo_toolkit.validation.api import validate

    path = _with_a_stray_cell(tmp_path / "obce.xlsx", 3000, 2)
    (task,) = validate(str(path)).tasks
    assert task.summary[("blank-row", "")] == 2996
    assert any(note.startswith("2996 of the 2999 rows are blank") for note in task.notes)
    assert any("Ctrl+End" in note for note in task.notes)
