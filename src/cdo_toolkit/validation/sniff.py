"""Encoding and CSV dialect detection for the files Czech systems export.

Encodings seen in the region: UTF-8, UTF-8 with BOM (Excel), UTF-16 with BOM, and
windows-1250 (older systems). A BOM decides at once. Otherwise the whole file is checked
as UTF-8 in streaming fashion (a sample is not enough: a file may be pure ASCII for its
first kilobytes); failing that, charset-normalizer chooses among single-byte encodings,
preferring windows-1250 for Czech text.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import _

SAMPLE_BYTES = 256 * 1024
CHUNK_BYTES = 1024 * 1024
DELIMITERS = ";,\t|"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Czech letters that windows-1250 and ISO-8859-2 place differently; their presence decides
# between the two (š ť ž Š Ť Ž are the ones that differ).
_CP1250_ONLY = frozenset(b"\x9a\x9d\x9e\x8a\x8d\x8e")


@dataclass(frozen=True)
class Sniffed:
    encoding: str
    delimiter: str


def detect_encoding(
    path: Path, opener: Callable[[], IO[bytes]] | None = None, *, limit: int | None = None
) -> str:
    """The text encoding of ``path`` (or of the stream ``opener`` gives), as a codec name.

    ``limit`` bounds how much is read: beyond it, a file that was UTF-8 so far is taken
    for UTF-8 (the CSV reader validates UTF-8 as it parses and says so otherwise).
    """
    try:
        with opener() if opener else path.open("rb") as handle:
            decoder = codecs.getincrementaldecoder("utf-8")()
            sample = b""
            first = True
            seen = 0
            while (limit is None or seen < limit) and (chunk := handle.read(CHUNK_BYTES)):
                seen += len(chunk)
                if first:
                    for bom, name in _BOMS:
                        if chunk.startswith(bom):
                            return name
                    first = False
                if len(sample) < SAMPLE_BYTES:
                    sample += chunk[: SAMPLE_BYTES - len(sample)]
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    return _single_byte_encoding(
                        sample, chunk[max(0, exc.start - 4096) : exc.start + 4096]
                    )
            return "utf-8"
    except OSError as exc:
        raise CdoError(
            _("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)
        ) from None


def _single_byte_encoding(sample: bytes, around_error: bytes) -> str:
    from charset_normalizer import from_bytes

    data = sample + around_error
    best = from_bytes(
        data, cp_isolation=["cp1250", "iso8859_2", "latin_1", "iso8859_7", "cp1252"]
    ).best()
    if best is None:
        return "cp1250"
    name = str(best.encoding)
    if name in {"iso8859_2", "cp1252", "latin_1"} and _CP1250_ONLY & set(data):
        return "cp1250"
    return {"cp1250": "windows-1250", "iso8859_2": "iso-8859-2", "latin_1": "latin-1"}.get(
        name, name
    )


def detect_delimiter(text: str) -> str:
    """The delimiter of CSV ``text`` (a sample of whole lines), among ``; , tab |``."""
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    if not lines:
        return ","
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    # The sniffer gives up on uneven rows; pick the candidate seen most often per line.
    counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_sample(path: Path, encoding: str, size: int = SAMPLE_BYTES) -> str:
    """The first ``size`` bytes of ``path`` decoded, cut back to the last whole line."""
    with path.open("rb") as handle:
        raw = handle.read(size)
    text = raw.decode(encoding, errors="replace")
    if len(raw) == size and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def sniff(path: Path) -> Sniffed:
    """Encoding and delimiter of a CSV file."""
    encoding = detect_encoding(path)
    return Sniffed(encoding, detect_delimiter(read_sample(path, encoding)))
