"""Reading a table in batches of raw text cells, with its header and its ragged rows.

CSV is parsed by pyarrow's streaming reader: every cell is read as text (typing is the
validator's job, with Frictionless's semantics), memory stays bounded by the batch size
whatever the file size, and rows whose number of cells differs from the header are
handed to us through ``invalid_row_handler`` instead of failing the read, so ragged rows
cost no Python loop over the good ones. Row numbers follow Frictionless: the header is
row 1 and every record counts, blank or ragged; rows the dialect passes over (comments,
blank rows when asked) keep their numbers, as the rows after them do.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cdo_toolkit.i18n import _
from cdo_toolkit.validation.source import Opened, SourceProblem, open_binary

if TYPE_CHECKING:
    import polars as pl

BLOCK_BYTES = 4 * 1024 * 1024
"""Bytes of CSV pyarrow parses at once: also the largest record that can be read."""
BATCH_BYTES = 32 * 1024 * 1024
"""Bytes of parsed cells checked at once: blocks are gathered into batches this large,
since each check of a batch has a fixed cost."""


@dataclass(frozen=True)
class Dialect:
    """How the table is written; Frictionless's CSV dialect options."""

    delimiter: str | None = None
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None
    skip_initial_space: bool = False
    header: bool | None = None
    """None: as Frictionless, detect (a header unless the file says otherwise)."""
    header_rows: tuple[int, ...] | None = None
    """None: detect the header row among the first rows, as Frictionless does."""
    header_join: str = " "
    comment_char: str | None = None
    comment_rows: tuple[int, ...] = ()
    skip_blank_rows: bool = False
    sheet: str | int | None = None

    @property
    def skips_rows(self) -> bool:
        return bool(self.comment_char or self.comment_rows or self.skip_blank_rows)

    def is_comment(self, row_number: int, cells: Sequence[Any]) -> bool:
        """Frictionless's comment filter: a listed row, or a first cell of text that
        starts with the comment character."""
        if row_number in self.comment_rows:
            return True
        first = cells[0] if cells else None
        return bool(
            self.comment_char and isinstance(first, str) and first.startswith(self.comment_char)
        )

    def passes_over(self, row_number: int, cells: Sequence[Any]) -> bool:
        """Whether a content row is left out: a comment, or a blank row when asked."""
        if self.is_comment(row_number, cells):
            return True
        return self.skip_blank_rows and all(c is None or c == "" for c in cells)


@dataclass
class RaggedRow:
    row_number: int
    cells: list[str]


@dataclass
class TableText:
    """A table being read: header labels, batches of text cells, ragged rows met so far."""

    labels: list[str]
    has_header: bool
    width: int
    """Cells a regular row has: the number of labels (or of fields, without a header)."""
    first_row: int
    """Row number of the first data row."""
    encoding: str | None
    delimiter: str | None
    batches: Iterator[pl.DataFrame]
    ragged: list[RaggedRow] = field(default_factory=list)
    passed_over: list[int] = field(default_factory=list)
    """Numbers of the rows the dialect leaves out (comments, blank rows when asked)."""
    bytes_read: int = 0
    marks_native: bool = False
    """Whether cells may start with ``workbook.NATIVE_MARK`` (a native value refused)."""
    head: list[list[str]] = field(default_factory=list)
    """The first records as text, read for the header."""

    def gaps(self) -> list[int]:
        """Numbers of the data rows that are not in the batches: ragged and passed over."""
        return sorted([r.row_number for r in self.ragged] + self.passed_over)


def row_numbers(indices: pl.Series, first_row: int, gaps: list[int]) -> pl.Series:
    """Row numbers of the rows at ``indices`` of the batches, given the numbers of the
    rows after the header that are not in them (sorted)."""
    import polars as pl

    indices = indices.cast(pl.Int64)
    if not gaps:
        return indices + first_row
    # Rows in the batches before each gap: the j-th gap, at number r, has r - first - j.
    before = pl.Series([r - first_row - j for j, r in enumerate(gaps)], dtype=pl.Int64)
    return indices + first_row + before.search_sorted(indices, side="right").cast(pl.Int64)


def without_passed_over(
    table: TableText, batches: Iterator[pl.DataFrame], dialect: Dialect
) -> Iterator[pl.DataFrame]:
    """The batches of a CSV table without the rows its dialect leaves out; their numbers
    go to ``table.passed_over``. Ragged rows the dialect leaves out are taken off at the end."""
    if not dialect.skips_rows:
        yield from batches
        return
    import polars as pl

    listed = sorted(set(dialect.comment_rows))
    read = 0
    for frame in batches:
        # Ragged rows are not in the batches: number this one's rows past those met so far.
        numbers = row_numbers(
            pl.int_range(read, read + frame.height, eager=True),
            table.first_row,
            sorted(r.row_number for r in table.ragged),
        )
        read += frame.height
        left_out = numbers.is_in(listed)
        if dialect.comment_char and frame.width:
            left_out |= (
                frame.get_column("c0").str.starts_with(dialect.comment_char).fill_null(False)
            )
        if dialect.skip_blank_rows:
            left_out |= frame.select(
                pl.all_horizontal(pl.all().is_null() | (pl.all() == ""))
            ).to_series()
        if left_out.any():
            table.passed_over.extend(numbers.filter(left_out).to_list())
            frame = frame.filter(~left_out)
        yield frame
    kept = []
    for ragged in table.ragged:
        if dialect.passes_over(ragged.row_number, ragged.cells):
            table.passed_over.append(ragged.row_number)
        else:
            kept.append(ragged)
    table.ragged[:] = kept


def column_names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def _python_dialect(dialect: Dialect, delimiter: str) -> dict[str, Any]:
    return {
        "delimiter": delimiter,
        "quotechar": dialect.quote_char or '"',
        "doublequote": dialect.double_quote,
        "escapechar": dialect.escape_char,
        "skipinitialspace": dialect.skip_initial_space,
        "quoting": csv.QUOTE_MINIMAL if dialect.quote_char else csv.QUOTE_NONE,
    }


HEADER_SAMPLE_ROWS = 100


def detect_header_rows(sample: list[list[str]], dialect: Dialect | None = None) -> tuple[int, ...]:
    """Frictionless's guess of the header row: the first row about as wide as the sample.

    Rows narrower or wider than the average by more than a tenth (a title, a comment
    line before the header) are passed over, as are the dialect's comment rows.
    """
    widths = [len(cells) for cells in sample]
    if not widths:
        return (1,)
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    for number, cells in enumerate(sample, start=1):
        if dialect is not None and dialect.is_comment(number, cells):
            continue
        if width - drift <= len(cells) <= width + drift:
            return (number,)
    return (1,)


def header_of(sample: list[list[str]], dialect: Dialect) -> tuple[list[str], int, bool]:
    """Labels, the number of records the header takes, and whether there is a header."""
    if dialect.header is False:
        return [], 0, False
    header_rows = dialect.header_rows or (
        detect_header_rows(sample, dialect) if dialect.header is None else (1,)
    )
    last = max(header_rows)
    if len(sample) < last:
        return [], len(sample), True
    # As Frictionless: labels are stripped; header rows are joined column by column,
    # a cell repeating the one above (a merged title) taken once; comment rows left out.
    labels: list[str] = []
    previous: dict[int, str] = {}
    for number in header_rows:
        if dialect.is_comment(number, sample[number - 1]):
            continue
        for index, cell in enumerate(c.strip() for c in sample[number - 1]):
            if previous.get(index) == cell:
                continue
            previous[index] = cell
            if len(labels) <= index:
                labels.append(cell)
            else:
                labels[index] = dialect.header_join.join([labels[index], cell])
    return labels, last, True


def _read_header(
    stream: IO[bytes], encoding: str, dialect: Dialect, delimiter: str
) -> tuple[list[str], int, bool, list[list[str]]]:
    """Labels, the number of records the header takes, whether there is a header, and
    the first records, read for it."""
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    sample: list[list[str]] = []
    try:
        reader = csv.reader(text, **_python_dialect(dialect, delimiter))
        for row in reader:
            sample.append(row)
            if len(sample) >= HEADER_SAMPLE_ROWS:
                break
    except UnicodeError as exc:  # also UTF-16's and UTF-32's missing byte order mark
        raise SourceProblem(
            "encoding-error",
            _("the file cannot be decoded as {encoding}: {reason}").format(
                encoding=encoding, reason=exc
            ),
        ) from None
    except csv.Error as exc:
        raise SourceProblem(
            "source-error", _("the header cannot be parsed: {reason}").format(reason=exc)
        ) from None
    finally:
        text.detach()
    labels, records, has_header = header_of(sample, dialect)
    if labels and encoding.replace("-", "").lower() in ("utf8", "utf8sig"):
        labels[0] = labels[0].removeprefix("\ufeff")
    return labels, records, has_header, sample


def open_csv(
    opened: Opened, dialect: Dialect, encoding: str, delimiter: str, width_hint: int
) -> TableText:
    """Start reading a CSV/TSV table; batches are produced as the caller iterates."""
    import polars as pl
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        with open_binary(opened) as head_stream:
            labels, header_records, has_header, head = _read_header(
                head_stream, encoding, dialect, delimiter
            )
    except SourceProblem as problem:
        raise located(problem, opened, encoding) from None
    width = len(labels) if has_header else width_hint
    if width == 0:
        width = 1
    table = TableText(
        labels=labels,
        has_header=has_header,
        width=width,
        first_row=header_records + 1,
        encoding=encoding,
        delimiter=delimiter,
        batches=iter(()),
        head=head,
    )
    py_dialect = _python_dialect(dialect, delimiter)

    def handler(row: Any) -> str:
        cells = next(csv.reader([row.text], **py_dialect), [])
        table.ragged.append(RaggedRow(int(row.number), cells))
        return "skip"

    names = column_names(width)
    normalised = encoding.replace("-", "").replace("_", "").lower()
    utf8 = normalised in ("utf8", "utf8sig")
    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )

    def to_frame(batches: list[Any]) -> pl.DataFrame:
        frame = pl.from_arrow(pa.Table.from_batches(batches))
        assert isinstance(frame, pl.DataFrame)
        if dialect.skip_initial_space:
            frame = frame.with_columns(pl.all().str.strip_chars_start(" "))
        return frame

    def streamed() -> Iterator[pl.DataFrame]:
        stream = open_binary(opened)
        # A NUL byte is no text (UTF-16 and UTF-32 are full of them, and decoding them
        # finds any that is no character).
        source = _Counted(stream, refuse_nul=not normalised.startswith(("utf16", "utf32")))
        try:
            reader = pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(
                    use_threads=False,
                    block_size=BLOCK_BYTES,
                    column_names=names,
                    # Records, as the header was read: skip_rows would count lines, and a
                    # label holding a line break (Alt+Enter in Excel) would shift the data.
                    skip_rows_after_names=header_records,
                    encoding="utf8" if utf8 else encoding,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    quote_char=dialect.quote_char or False,
                    double_quote=dialect.double_quote,
                    escape_char=dialect.escape_char or False,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=handler,
                ),
                convert_options=convert,
            )
            pending: list[Any] = []
            size = 0
            for batch in reader:
                pending.append(batch)
                size += batch.nbytes
                if size >= BATCH_BYTES:
                    table.bytes_read = source.tell()
                    yield to_frame(pending)
                    pending, size = [], 0
            table.bytes_read = source.tell()
            if pending:
                yield to_frame(pending)
        except _NulFound as found:
            raise nul_problem(_line_of(opened, found.offset), found.offset) from None
        except pa.ArrowInvalid as exc:
            raise _arrow_problem(exc, encoding) from None
        finally:
            stream.close()

    def guarded(batches: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
        try:
            yield from batches
        except SourceProblem as problem:
            raise located(problem, opened, encoding) from None

    table.batches = without_passed_over(table, guarded(streamed()), dialect)
    return table


def located(problem: SourceProblem, opened: Opened, encoding: str) -> SourceProblem:
    """An encoding error with the line and byte of the first bytes ``encoding`` refuses.

    The decoders and pyarrow say where in their own buffer the bad bytes were, or nothing;
    a person needs the line to look at. Only on this error path is the file read again,
    up to the bad bytes.
    """
    if problem.kind != "encoding-error":
        return problem
    try:
        where = first_undecodable(opened, encoding)
    except (OSError, LookupError, SourceProblem):
        return problem
    if where is None:
        return problem
    line, offset, bad = where
    if line == 0:
        note = _(
            "the file is not {encoding}: it does not start with the byte order mark that "
            "{encoding} needs (FF FE or FE FF)"
        ).format(encoding=encoding)
    else:
        note = _(
            "the file is not valid {encoding}: line {line} (byte {offset}) holds the bytes "
            "{bytes}, which are no {encoding} text"
        ).format(
            encoding=encoding, line=line, offset=offset, bytes=" ".join(f"{b:02X}" for b in bad)
        )
    return SourceProblem("encoding-error", f"{note}; {_encoding_hint(opened, encoding)}")


def _encoding_hint(opened: Opened, declared: str) -> str:
    """What to declare: the encoding the file's bytes look like, where that is another."""
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.validation.sniff import detect_encoding

    try:
        guess = detect_encoding(opened.path, lambda: open_binary(opened), limit=1 << 24)
    except (CdoError, SourceProblem, OSError):  # a hint only: the error is said without it
        guess = None
    if guess and codecs.lookup(guess).name != codecs.lookup(declared).name:
        return _(
            "it looks like {guess}: declare that (--encoding {guess}, or encoding: in the "
            "source's entry)"
        ).format(guess=guess)
    return _("declare its real encoding (--encoding)")


def first_undecodable(opened: Opened, encoding: str) -> tuple[int, int, bytes] | None:
    """(line, byte, the refused bytes) of the first bytes not of ``encoding``; lines and
    bytes counted from 1, as the NUL byte's message counts them. Line 0: the file lacks
    the byte order mark ``encoding`` needs (UTF-16, UTF-32)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    lines = 1
    with open_binary(opened) as stream:
        while chunk := stream.read(1 << 20):
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                data = pending + chunk
                start = offset - len(pending) + exc.start
                before = data[: exc.start]
                line = lines - pending.count(b"\n") + before.count(b"\n")
                return line, start + 1, bytes(data[exc.start : max(exc.end, exc.start + 1)])
            except UnicodeError:  # UTF-16 or UTF-32 without its byte order mark
                return 0, 1, bytes(chunk[:2])
            offset += len(chunk)
            lines += chunk.count(b"\n")
    return None


class _NulFound(Exception):
    def __init__(self, offset: int) -> None:
        self.offset = offset


class _Counted:
    """A binary stream that counts the bytes read (the progress of a compressed file
    too) and, with ``refuse_nul``, stops at the first NUL byte: pyarrow would read it
    into a cell, and the engine takes a cell starting with NUL for a workbook's refused
    value."""

    def __init__(self, stream: IO[bytes], *, refuse_nul: bool) -> None:
        self._stream = stream
        self._refuse_nul = refuse_nul
        self._offset = 0
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        nul = data.find(b"\x00") if self._refuse_nul else -1
        if nul != -1:
            raise _NulFound(self._offset + nul)
        self._offset += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._offset

    def close(self) -> None:
        self.closed = True


def _line_of(opened: Opened, offset: int) -> int:
    """The line (from 1) that byte ``offset`` of the file is on; read again, on the error
    path only."""
    lines = 1
    with open_binary(opened) as stream:
        while offset > 0 and (chunk := stream.read(min(offset, 1 << 20))):
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


def nul_problem(line: int, offset: int) -> SourceProblem:
    """A NUL byte in a text file (a database export's doing): no text cell can hold it."""
    return SourceProblem(
        "format-error",
        _(
            "the file contains a NUL byte on line {line} (byte {offset}), which no text cell "
            "can hold; remove it from the export and validate again"
        ).format(line=line, offset=offset + 1),
    )


def _arrow_problem(exc: Exception, encoding: str) -> SourceProblem:
    text = str(exc)
    if "UTF8" in text or "UTF-8" in text or "decode" in text.lower():
        return SourceProblem(
            "encoding-error",
            _(
                "the file is not valid {encoding}; declare its real encoding (e.g. --encoding windows-1250)"
            ).format(encoding=encoding),
        )
    if "straddling" in text or "block size" in text:
        return SourceProblem(
            "source-error",
            _(
                "a record is larger than {size} MB (a runaway quote, or a cell of embedded data?); "
                "such records are refused"
            ).format(size=BLOCK_BYTES // 2**20),
        )
    return SourceProblem(
        "source-error", _("the CSV cannot be parsed: {reason}").format(reason=text)
    )


def check_codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise SourceProblem(
            "encoding-error", _("unknown encoding {encoding!r}").format(encoding=encoding)
        ) from None


__all__ = ["Dialect", "Path", "RaggedRow", "TableText", "open_csv"]
