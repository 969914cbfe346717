"""Opening a submitted file safely: what it is, how it is compressed, whether it may be read.

Checks made before a single row is parsed, each a clear report error rather than a crash:
an empty file, a binary file or an HTML page named ``.csv``, a remote URL (refused unless
allowed), a zip with several members or with member paths that climb out, and a
compressed stream that expands beyond a limit (a "zip bomb").
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from cdo_toolkit.i18n import N_, _

MAX_EXPANDED_BYTES = 16 * 1024**3
"""A compressed file may expand to at most this much (16 GiB) ..."""
MAX_EXPANSION_RATIO = 200
"""... and to at most this many times its compressed size once past 64 MiB."""
_RATIO_FLOOR = 64 * 1024**2

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
"""How an old Office file (.xls, .doc) starts."""
# What a file starting with these bytes is, translated where it is shown.
_BINARY_MAGIC = {
    b"%PDF": N_("a PDF document"),
    b"\x89PNG": N_("a PNG image"),
    b"\xff\xd8\xff": N_("a JPEG image"),
    b"GIF8": N_("a GIF image"),
    OLE_MAGIC: N_("an old Excel or Word file (.xls/.doc) not named .xls"),
    b"\x7fELF": N_("a program"),
    b"MZ": N_("a Windows program"),
}


class SourceProblem(Exception):
    """The file cannot be read as a table; ``kind`` is the report error type."""

    def __init__(self, kind: str, note: str) -> None:
        super().__init__(note)
        self.kind = kind
        self.note = note


@dataclass(frozen=True)
class Opened:
    """What a path turned out to be."""

    path: Path
    format: str
    """csv, tsv, txt, json, jsonl, or a workbook's: xlsx, xls or ods."""
    compression: str | None
    """None, gzip or zip."""
    member: str | None = None
    size: int = 0
    parts: tuple[Path, ...] = ()
    """Further files whose rows continue the table: a multipart resource of a Data
    Package, its parts read one after the other as one text."""
    part_headers: bool = False
    """Whether the first line of each further part is a header, skipped (as Frictionless
    does for CSV with a header)."""
    note: str | None = None
    """What the report should say of how the file was read (a workbook named .xls…)."""


def is_remote(place: str) -> bool:
    return "://" in place and not place.startswith("file://")


def detect(
    path: Path,
    *,
    declared_format: str | None = None,
    parts: tuple[Path, ...] = (),
    header: bool | None = None,
) -> Opened:
    """Decide what ``path`` is (with the further ``parts`` of a multipart resource, whose
    dialect says ``header``), refusing what is no table."""
    if parts:
        first = detect(path, declared_format=declared_format)
        rest = [detect(part, declared_format=declared_format) for part in parts]
        if any(o.compression or o.format in WORKBOOK_FORMATS for o in [first, *rest]):
            raise SourceProblem(
                "scheme-error",
                _("the parts of a multipart resource must be plain CSV or TSV files"),
            )
        return Opened(
            path,
            first.format,
            None,
            size=first.size + sum(o.size for o in rest),
            parts=tuple(parts),
            part_headers=header is not False and first.format == "csv",
        )
    opened = _detect(path, declared_format)
    declared = (declared_format or "").lower()
    if declared in TEXT_FORMATS and opened.format in WORKBOOK_FORMATS and not opened.note:
        # A workbook is read for a source (or resource) of CSV files, the same rows typed
        # natively, but said: it may be the wrong file, whose errors would not say why.
        note = _(
            "the declared format is {declared}, and this file is {workbook}: read as one; is "
            "it the right file?"
        ).format(declared=declared.upper(), workbook=_(WORKBOOK_NAMES[opened.format]))
        return replace(opened, note=note)
    return opened


WORKBOOK_NAMES = {
    "xlsx": N_("an Excel workbook (.xlsx)"),
    "xls": N_("an old Excel workbook (.xls)"),
    "ods": N_("an OpenDocument spreadsheet (.ods)"),
}


def _detect(path: Path, declared_format: str | None) -> Opened:
    """What the one file at ``path`` is, by its name, its first bytes and the format
    declared for it."""
    if not path.exists():
        raise SourceProblem("scheme-error", _("file not found: {path}").format(path=path))
    if path.is_dir():
        raise SourceProblem("scheme-error", _("{path} is a folder, not a file").format(path=path))
    size = path.stat().st_size
    if size == 0:
        raise SourceProblem("source-error", _("the source is empty"))
    declared_format = declared_format.lower() if declared_format else None  # "CSV" too
    if declared_format == "ndjson":  # Frictionless's other name for JSON lines
        declared_format = "jsonl"
    if declared_format and declared_format not in READABLE_FORMATS:
        raise SourceProblem(
            "format-error",
            _(
                "the declared format {format!r} cannot be read: tables are read from CSV, "
                "TSV, XLSX, XLS, ODS, JSON and JSON lines files"
            ).format(format=declared_format),
        )
    name = path.name.lower()
    with path.open("rb") as handle:
        head = handle.read(4096)
    if name.endswith(".gz"):
        if not head.startswith(b"\x1f\x8b"):
            raise SourceProblem("compression-error", _("the file is named .gz but is not gzip"))
        inner = name[:-3]
        _refuse_packed_workbook(inner)
        return Opened(path, _format_of(inner, declared_format), "gzip", size=size)
    if name.endswith(".zip"):
        return _zip_member(path, declared_format, size)
    workbook_named = name.endswith(WORKBOOK_SUFFIXES) or declared_format in WORKBOOK_FORMATS
    if head.startswith(b"PK\x03\x04") and _is_ods(path, head):
        if workbook_named:
            # Saved by LibreOffice under an Excel name, or the other way round: read as
            # what it is, with a note.
            note = None if name.endswith(".ods") else _renamed(path, ".ods")
            return Opened(path, "ods", None, size=size, note=note)
        raise SourceProblem(
            "format-error",
            _(
                "the file is an OpenDocument spreadsheet (.ods) named {name}: name it .ods, or "
                "export its sheet as CSV"
            ).format(name=path.name),
        )
    if name.endswith(".fods"):
        raise SourceProblem(
            "format-error",
            _(
                "the file is a flat OpenDocument spreadsheet (.fods), which is not read: save "
                "it as .ods, or as CSV in UTF-8 (in LibreOffice: File, Save As)"
            ),
        )
    if head.startswith(OLE_MAGIC) and workbook_named:
        # An old workbook renamed .xlsx (Excel opens it): read as what it is, with a note.
        return Opened(path, "xls", None, size=size, note=_renamed(path, ".xls"))
    if not name.endswith(".xlsx") and head.startswith(b"PK\x03\x04") and _is_xlsx(path):
        # Excel saves its workbooks as .xlsx zip archives; a file renamed .xls keeps that
        # content and Excel still opens it, so it is read as what it is, with a note.
        if workbook_named:
            return Opened(path, "xlsx", None, size=size, note=_renamed(path, ".xlsx"))
        raise SourceProblem(
            "format-error",
            _(
                "the file is an Excel workbook (.xlsx) named {name}: name it .xlsx, or export "
                "its sheet as CSV"
            ).format(name=path.name),
        )
    if name.endswith(".ods") or declared_format == "ods":
        raise SourceProblem(
            "format-error",
            _("the file is named .ods but is not an OpenDocument spreadsheet")
            if name.endswith(".ods")
            else _(
                "the source's files are OpenDocument spreadsheets (.ods), and this file is not "
                "one: submit the spreadsheet, or change the source's format in the registry"
            ),
        )
    if name.endswith(".xlsx") or declared_format == "xlsx":
        if not head.startswith(b"PK"):
            raise SourceProblem(
                "format-error",
                _("the file is named .xlsx but is not an Excel workbook")
                if name.endswith(".xlsx")
                else _(
                    "the source's files are Excel workbooks (.xlsx), and this file is not one: "
                    "submit the workbook, or change the source's format in the registry"
                ),
            )
        return Opened(path, "xlsx", None, size=size)
    _refuse_non_text(head, name, declared_format)
    return Opened(path, _format_of(name, declared_format), None, size=size)


_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
"""The ``mimetype`` an OpenDocument spreadsheet stores first in its zip, uncompressed."""


def _is_ods(path: Path, head: bytes) -> bool:
    """Whether the zip archive at ``path`` is an OpenDocument spreadsheet: its ``mimetype``
    says so, first and uncompressed as the standard asks, or, in a file named .ods,
    anywhere in the archive."""
    if head[30:38] == b"mimetype" and _ODS in head[:100]:
        return True
    if not path.name.lower().endswith(".ods"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "mimetype" in archive.namelist() and archive.read("mimetype").strip() == _ODS
    except (zipfile.BadZipFile, OSError):
        return False


def _renamed(path: Path, kind: str) -> str | None:
    """The note for a workbook of ``kind`` under a name that says another kind."""
    if path.name.lower().endswith(kind) or (
        kind == ".xlsx" and path.name.lower().endswith(".xlsm")
    ):
        return None
    if kind == ".ods":
        return _("{name} is an OpenDocument spreadsheet under another name: read as one").format(
            name=path.name
        )
    return _(
        "{name} is an Excel workbook of the {kind} kind under another name: read as one"
    ).format(name=path.name, kind=kind)


def _is_xlsx(path: Path) -> bool:
    """Whether the zip archive at ``path`` is an Excel workbook (it holds xl/workbook.xml)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


WORKBOOK_FORMATS = ("xlsx", "xls", "ods")
"""Spreadsheets: sheets of cells with their own types."""
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
"""Names of spreadsheet files: a macro-enabled workbook (.xlsm) is an .xlsx whose macros
are not run (its saved values are read)."""

READABLE_FORMATS = ("csv", "tsv", "txt", *WORKBOOK_FORMATS, "json", "jsonl", "ndjson")
"""Formats a resource or source may declare; ``txt`` is a table as a ``.txt`` file is."""

JSON_FORMATS = ("json", "jsonl")
TEXT_FORMATS = ("csv", "tsv", "txt", *JSON_FORMATS, "ndjson")
"""A JSON table (an array of rows) and JSON lines (a row per line)."""
_JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def _format_of(name: str, declared: str | None) -> str:
    if name.endswith(_JSON_LINES_SUFFIXES) and declared in (None, "json"):
        return "jsonl"  # the rows of a JSON source, a line each: the same table
    if declared in ("csv", "tsv", *JSON_FORMATS):
        return declared
    if name.endswith(".json"):
        return "json"
    return "tsv" if name.endswith(".tsv") else "csv"


JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".geojson", ".jsonld")


def _refuse_non_text(head: bytes, name: str, declared_format: str | None = None) -> None:
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise SourceProblem(
                "format-error", _("the file is {what}, not a CSV table").format(what=_(what))
            )
    if head.startswith(b"PK\x03\x04"):
        raise SourceProblem(
            "format-error",
            _("the file is a zip archive named {name}: name it .zip, or unpack it").format(
                name=name
            ),
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")):
        raise SourceProblem(
            "format-error",
            _(
                "the file is an HTML or XML page, not a CSV table (was a web page saved instead of the data?)"
            ),
        )
    if _is_json_table(head, text, name, declared_format):
        return
    from cdo_toolkit.validation.sniff import utf16_without_bom

    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head) is not None
    first = -1 if utf16 else head.find(b"\x00")
    if first == -1:
        return
    controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if controls > max(1, len(head) // 200):
        raise SourceProblem(
            "format-error", _("the file contains NUL bytes: it is binary, not a CSV table")
        )
    from cdo_toolkit.validation.reader import nul_problem

    raise nul_problem(head.count(b"\n", 0, first) + 1, first)


def _is_json_table(head: bytes, text: bytes, name: str, declared_format: str | None) -> bool:
    """Whether the file is a JSON table or JSON lines (read by validation/jsontable.py);
    JSON that is no table (a package descriptor, a schema, one object) is refused with
    what to do, and so is a file its name or declared format says is JSON and is not.
    ``text`` is the start of the file, lower-cased, without a BOM or leading blanks."""
    lines = name.endswith(_JSON_LINES_SUFFIXES) or declared_format == "jsonl"
    if lines and text.startswith((b"{", b"[")):
        return True  # JSON lines: a row per line
    json_table = name.endswith((".json", *_JSON_LINES_SUFFIXES)) or declared_format in JSON_FORMATS
    if json_table and not text.startswith((b"[", b"{")):
        raise SourceProblem(
            "format-error",
            _(
                'the file is not JSON (its first line is "{line}"), though its format is '
                "declared as json: give the JSON file, or correct the declared format"
            ).format(
                line=head.lstrip(b"\xef\xbb\xbf \t\r\n")
                .split(b"\n")[0][:40]
                .decode("utf-8", errors="replace")
                .strip()
            )
            if declared_format in JSON_FORMATS
            else _("the file's name says JSON, but it is not JSON: name it as what it is (.csv)"),
        )
    if json_table and text.startswith(b"["):
        return True  # a JSON table: an array of rows
    if name.endswith(JSON_SUFFIXES) or text.startswith((b"[{", b"[[", b'{"', b"[\n", b"{\n")):
        if b'"resources"' in head:
            raise SourceProblem(
                "format-error",
                _(
                    "the file is a Data Package descriptor, not a table: validate the package "
                    "with cdo validate datapackage.json, and submit the file of each resource"
                ),
            )
        if b'"fields"' in head:
            raise SourceProblem(
                "format-error",
                _(
                    "the file is a Table Schema, not a table: give it with --schema "
                    "and validate the data file"
                ),
            )
        if json_table:
            raise SourceProblem(
                "format-error",
                _(
                    "the file is a JSON document but not a table: a JSON table is an array "
                    "of rows, [{...}, {...}] with one object per row, or [[...], [...]] with "
                    "the labels first"
                ),
            )
        raise SourceProblem(
            "format-error",
            _(
                "the file is a JSON document, not a CSV table; tables are read from CSV, "
                "TSV, JSON (.json, .jsonl), .csv.gz, .zip, .xlsx, .xls and .ods files: export the "
                "data as CSV, or validate a data package through its datapackage.json"
            ),
        )
    return False


def _zip_member(path: Path, declared_format: str | None, size: int) -> Opened:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceProblem(
            "compression-error", _("not a readable zip archive: {reason}").format(reason=exc)
        ) from None
    with archive:
        members = inside_members(archive)
        if len(members) != 1:
            raise SourceProblem(
                "compression-error",
                _("the zip archive must hold exactly one table, it holds {count} files").format(
                    count=len(members)
                ),
            )
        info = members[0]
        _refuse_packed_workbook(info.filename)
        check_expansion(info.file_size, info.compress_size or 1)
        return Opened(
            path, _format_of(info.filename.lower(), declared_format), "zip", info.filename, size
        )


def _refuse_packed_workbook(name: str) -> None:
    """A workbook inside a .zip or .gz is not read (it was read as text, and failed as an
    encoding error): said, with what to do.

    Raises:
        SourceProblem: ``format-error``.
    """
    if name.lower().endswith(WORKBOOK_SUFFIXES):
        raise SourceProblem(
            "format-error",
            _(
                "the archive holds a spreadsheet, {name}, which is read only as a file of its "
                "own: unpack it and validate or submit the spreadsheet itself (it is "
                "compressed already)"
            ).format(name=Path(name).name),
        )


def inside_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files of a zip archive, none of whose paths may lead outside the folder it is
    unpacked into.

    Raises:
        SourceProblem: ``compression-error`` naming the member that leads out.
    """
    members = [info for info in archive.infolist() if not info.is_dir()]
    for info in members:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name:
            raise SourceProblem(
                "compression-error",
                _("the zip member {name!r} has a path that leads outside the archive").format(
                    name=name
                ),
            )
    return members


def check_expansion(expanded: int, compressed: int) -> None:
    """Refuse an archive expanding beyond the limits: a likely decompression bomb.

    Raises:
        SourceProblem: ``compression-error``.
    """
    if expanded > MAX_EXPANDED_BYTES or (
        expanded > _RATIO_FLOOR and expanded / max(compressed, 1) > MAX_EXPANSION_RATIO
    ):
        raise SourceProblem(
            "compression-error",
            _(
                "the archive expands to {size} bytes from {packed}: refused as a likely "
                "decompression bomb"
            ).format(size=expanded, packed=compressed),
        )


class LimitedReader(io.RawIOBase):
    """A binary stream that stops a decompression bomb while it is being read."""

    def __init__(self, inner: IO[bytes] | io.BufferedIOBase, compressed_size: int) -> None:
        self._inner = inner
        self._compressed = compressed_size
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        import zlib

        try:
            data = self._inner.read(len(buffer))
        except (EOFError, zlib.error, zipfile.BadZipFile, OSError) as exc:
            # gzip raises EOFError for a cut-off file and BadGzipFile (an OSError) for a
            # damaged one; a zip member, zlib.error or BadZipFile (a wrong checksum).
            raise SourceProblem(
                "compression-error",
                _(
                    "the compressed file is damaged or incomplete ({reason}); compress it "
                    "again, or send it uncompressed"
                ).format(reason=exc),
            ) from None
        self.count += len(data)
        check_expansion(self.count, self._compressed)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def open_binary(opened: Opened) -> IO[bytes]:
    """The decompressed bytes of a table file, guarded against bombs."""
    if opened.compression == "gzip":
        import gzip

        return io.BufferedReader(LimitedReader(gzip.open(opened.path, "rb"), opened.size), 1 << 20)
    if opened.compression == "zip":
        assert opened.member is not None
        archive = zipfile.ZipFile(opened.path)
        try:
            member = archive.open(opened.member)
        except (zipfile.BadZipFile, OSError) as exc:  # a damaged member's header
            archive.close()
            raise SourceProblem(
                "compression-error", _("not a readable zip archive: {reason}").format(reason=exc)
            ) from None
        return io.BufferedReader(LimitedReader(member, opened.size), 1 << 20)
    if opened.parts:
        return io.BufferedReader(
            _Chained([opened.path, *opened.parts], opened.part_headers), 1 << 20
        )
    return opened.path.open("rb")


class _Chained(io.RawIOBase):
    """The bytes of several files, one after the other; with ``skip_headers``, without
    the first line of each file after the first."""

    def __init__(self, paths: list[Path], skip_headers: bool) -> None:
        self._paths = list(paths)
        self._skip = skip_headers
        self._opened = 0
        self._current: IO[bytes] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._current is None:
                if not self._paths:
                    return 0
                self._current = self._paths.pop(0).open("rb")
                self._opened += 1
                if self._skip and self._opened > 1:
                    self._current.readline()
            data = self._current.read(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()
