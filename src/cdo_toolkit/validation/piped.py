"""A table piped to ``cdo validate -``: kept in a temporary file while it is validated.

The engine reads a file more than once (the encoding and delimiter from its start, then
the rows; a workbook by its parts), so standard input is copied to disk first, in
chunks, never held whole. The copy is named by what its first bytes are, as a file's
name would say: a workbook is a workbook, JSON is JSON, anything else is read as
delimited text.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cdo_toolkit.validation.source import OLE_MAGIC

STDIN = "-"
"""The file name that means standard input, as for most command-line tools."""

PLACE = "stdin"
"""How the report names a table read from standard input."""


@contextmanager
def piped(stream: IO[bytes] | None = None) -> Iterator[Path]:
    """Standard input (or ``stream``) in a temporary file, removed after the block.

    Raises:
        CdoError: standard input is a terminal: nothing is piped in, and reading would
            wait for typing.
    """
    if stream is None and sys.stdin.isatty():
        from cdo_toolkit.errors import CdoError
        from cdo_toolkit.i18n import _

        raise CdoError(
            _("'-' reads a table piped to standard input, and nothing is piped in"),
            hint=_("pipe one in, as in: cat skoly.csv | cdo validate -; or give the file's path"),
        )
    source = stream if stream is not None else sys.stdin.buffer
    with tempfile.TemporaryDirectory(prefix="cdo-stdin-") as folder:
        head = source.read(4096)
        target = Path(folder) / f"{PLACE}{suffix_for(head)}"
        with target.open("wb") as out:
            out.write(head)
            shutil.copyfileobj(source, out, 1 << 20)
        yield target


@contextmanager
def unless_a_file(file: Path) -> Iterator[Path]:
    """``file``, or for ``-`` a temporary copy of standard input, removed after the block."""
    if file != Path(STDIN):
        yield file
        return
    with piped() as local:
        yield local


def read_once(files: Sequence[str | Path]) -> None:
    """Refuse ``-`` given more than once: standard input is read once.

    Raises:
        CdoError: ``-`` is among ``files`` twice or more.
    """
    if sum(str(file) == STDIN for file in files) > 1:
        from cdo_toolkit.errors import CdoError
        from cdo_toolkit.i18n import _

        raise CdoError(_("standard input is read once: give '-' once"))


def suffix_for(head: bytes) -> str:
    """The file suffix the first bytes of a table say."""
    if head.startswith(b"PK\x03\x04"):
        ods = head[30:38] == b"mimetype" and b"opendocument.spreadsheet" in head[:100]
        return ".ods" if ods else ".xlsx"
    if head.startswith(OLE_MAGIC):
        return ".xls"
    if head.startswith(b"\x1f\x8b"):
        return ".csv.gz"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"["):
        return ".json"
    if text.startswith(b"{"):
        return ".jsonl"  # a JSON object a line: rows; one object is no table
    return ".csv"
