"""Encoding and CSV dialect detection for the files Czech systems export.

Encodings seen in the region: UTF-8, UTF-8 with BOM (Excel), UTF-16 with BOM,
windows-1250 (older systems), ISO-8859-2, and code page 852 (Excel's "CSV (MS-DOS)"). A BOM decides at once. Otherwise the whole file is checked
as UTF-8 in streaming fashion (a sample is not enough: a file may be pure ASCII for its
first kilobytes); failing that, charset-normalizer chooses among single-byte encodings,
preferring windows-1250 for Czech text.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
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
_ASCII = frozenset(map(chr, range(128)))
# Letters of Czech (and of the German names common in the region) and the punctuation
# Czech texts use, as windows-1250 and ISO-8859-2 can write them.
_CZECH = frozenset("áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽäöüÄÖÜß„“”‚‘’–—…°§×÷«»·€\u00a0")


def utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for text written in UTF-16 without its byte order
    mark (as some Windows tools save "Unicode" text): a NUL byte beside most characters,
    on the same side, and the text read so holding no control characters; else None."""
    sample = head[:4096]
    sample = sample[: len(sample) - len(sample) % 2]  # whole characters of two bytes
    if len(sample) < 8:
        return None
    half = len(sample) // 2
    for encoding, nul_side, other in (("utf-16-le", 1, 0), ("utf-16-be", 0, 1)):
        if sample[nul_side::2].count(0) >= 0.6 * half and sample[other::2].count(0) == 0:
            try:
                text = sample.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not any(ord(c) < 32 and c not in "\t\r\n" for c in text):
                return encoding
    return None


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
                    if unmarked := utf16_without_bom(chunk):
                        return unmarked
                    first = False
                if len(sample) < SAMPLE_BYTES:
                    sample += chunk[: SAMPLE_BYTES - len(sample)]
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    return _single_byte_encoding(
                        sample, chunk[max(0, exc.start - 4096) : exc.start + 4096]
                    )
            return _utf8_or_czech(sample)
    except OSError as exc:
        raise CdoError(
            _("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)
        ) from None


def _utf8_or_czech(sample: bytes) -> str:
    """UTF-8, unless only a windows-1250 reading of the sample gives Czech letters.

    A short windows-1250 file can be valid UTF-8 by accident: "ČŠ" is the bytes C8 8A,
    which UTF-8 reads as "Ȋ". Longer Czech text is never valid UTF-8 by accident.
    """
    text = sample.decode("utf-8", errors="ignore")
    letters = set(text) - _ASCII
    if not letters or letters <= _CZECH:
        return "utf-8"
    single = set(sample.decode("windows-1250", errors="replace")) - _ASCII
    return "windows-1250" if single <= _CZECH else "utf-8"


@dataclass(frozen=True)
class Misread:
    """A UTF-8 file declared in a single-byte encoding: a word of it, read both ways
    (no word: the file opens with UTF-8's byte order mark)."""

    line: int
    word: str
    misread: str


def misread_utf8(sample: bytes, declared: str) -> Misread | None:
    """The first word that the declared single-byte encoding would garble, when ``sample``
    (the start of a file) is UTF-8 with letters beyond ASCII, or opens with UTF-8's BOM.

    windows-1250 decodes any byte, so such a file reads without an error, every Czech
    letter wrong (``střední`` as ``stĹ™ednĂ­``): data that passes the checks would be
    loaded garbled. Czech text in windows-1250 is never valid UTF-8 beyond a few letters
    (see :func:`_utf8_or_czech`), so the test is safe.
    """
    if is_unicode(declared) or not _known(declared):
        return None
    if sample.startswith(codecs.BOM_UTF8):
        return Misread(1, "", codecs.BOM_UTF8.decode(declared, "replace"))
    if _BEYOND_ASCII.search(sample) is None:
        return None
    try:  # incremental: the sample may end inside a character
        codecs.getincrementaldecoder("utf-8")().decode(sample)
    except UnicodeDecodeError:
        return None
    if _utf8_or_czech(sample) != "utf-8":
        return None
    return _word_both_ways(sample, "utf-8", declared)


def is_unicode(encoding: str) -> bool:
    """Whether ``encoding`` is one of UTF-8, UTF-16 or UTF-32 (with or without a BOM)."""
    return _known(encoding) and codecs.lookup(encoding).name.startswith("utf")


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


_BEYOND_ASCII = re.compile(rb"[\x80-\xff]")
CZECH_SINGLE_BYTE = ("windows-1250", "iso-8859-2", "cp852")
MISREAD_EVIDENCE = 3
"""Characters that no Czech text holds, read as declared, before another encoding is named."""
"""The single-byte encodings Czech files come in, in the order detection tries them."""


def misread_single_byte(sample: bytes, declared: str) -> tuple[str, Misread] | None:
    """The Czech single-byte encoding ``sample`` is really in, and a word of it read both
    ways, when the declared single-byte encoding garbles it (a file saved as Excel's "CSV
    (MS-DOS)", code page 852, for a source declared windows-1250: ``Šumperk`` would load as
    ``ćumperk``).

    Said only when the evidence is plain: read as declared, three characters or more are
    no Czech ones, and read as the other encoding, every one is. (windows-1250 and
    ISO-8859-2 differ only in š ť ž Š Ť Ž, so no share of the letters would tell them
    apart.) A Slovak ``ľ`` among Czech letters reads as no Czech letter in the others, and
    leaves a declared encoding alone.
    """
    if not _known(declared) or is_unicode(declared):
        return None
    declared_name = codecs.lookup(declared).name
    if declared_name == "ascii":  # the reader refuses its bytes beyond ASCII anyway
        return None
    as_declared = sample.decode(declared, "replace")
    foreign = [c for c in as_declared if c not in _ASCII and c not in _CZECH]
    if len(foreign) < MISREAD_EVIDENCE:
        return None
    for other in CZECH_SINGLE_BYTE:
        if codecs.lookup(other).name == declared_name:
            continue
        if set(sample.decode(other, "replace")) - _ASCII <= _CZECH:
            return other, _word_both_ways(sample, other, declared)
    return None


def _word_both_ways(sample: bytes, written: str, declared: str) -> Misread:
    """The first word of ``sample`` beyond ASCII, as ``written`` and as ``declared``."""
    beyond = _BEYOND_ASCII.search(sample)  # not a Python loop over 256 KB
    assert beyond is not None
    first = beyond.start()
    bounds = (b" ", b"\n", b"\r", b",", b";", b"\t", b'"', b"|")
    start = max(sample.rfind(bound, 0, first) for bound in bounds)
    ends = [i for i in (sample.find(b, first) for b in bounds) if i != -1]
    raw = sample[start + 1 : min(ends, default=len(sample))][:60]
    return Misread(
        sample.count(b"\n", 0, first) + 1,
        raw.decode(written, "replace"),
        raw.decode(declared, "replace"),
    )


def _single_byte_encoding(sample: bytes, around_error: bytes) -> str:
    data = sample + around_error
    # Czech first: a file whose letters all read as Czech in windows-1250 (or, failing
    # that, ISO-8859-2, or the DOS code page 852 of Excel's "CSV (MS-DOS)") is taken as
    # such. A statistical guess on a few bytes is no better than a coin: one "Á" made a
    # file Greek, and code page 852 read as windows-1250 passed as "ćumperk".
    for name in ("windows-1250", "iso-8859-2", "cp852"):
        if set(data.decode(name, errors="replace")) - _ASCII <= _CZECH:
            return name
    from charset_normalizer import from_bytes

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


# A comma is common inside Czech text ("Cena, Kč"); a tab, pipe or semicolon much less.
_STRAY_WEIGHT = {",": 0.4}
_PLAIN_VALUE = re.compile(r"-?\d+(?:[.,]\d+)?|\d{1,2}\.\d{1,2}\.\d{4}")


def detect_delimiter(text: str) -> str:
    """The delimiter of CSV ``text`` (a sample of whole lines), among ``; , tab |``.

    Each candidate parses the sample (quotes respected); the one that splits the header
    into several fields and the most records into as many wins. Ties go to the candidate
    leaving fewer blank or repeated labels, then to the one leaving fewer cells that hold
    another candidate (a comma, common in text, counts less; a decimal comma in a number
    not at all: ``Cena, Kč;Počet`` over ``1,5;2`` is split by ``;``), then to ``;``, the
    delimiter of Czech exports. ``csv.Sniffer`` was not enough: it guesses from character
    frequencies and took a lone comma in a cell over a tab that split every line alike.
    """
    best: tuple[float, float, float, int] | None = None
    chosen = ","
    for rank, delimiter in enumerate(DELIMITERS):
        try:  # newline="": a lone \r ends a record too, as in the file reader
            rows = [
                row
                for row in itertools.islice(
                    csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 200
                )
                if row
            ]
        except csv.Error:  # a cell over the csv module's limit: a reason to not guess on
            continue
        if len(rows) > 2 and not text.endswith(("\n", "\r")):
            rows.pop()  # the sample may end inside a record
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(row) == width for row in rows) / len(rows)
        others = set(DELIMITERS) - {delimiter}
        cells = [cell for row in rows for cell in row]
        stray = sum(
            max((_STRAY_WEIGHT.get(c, 1.0) for c in others & set(cell)), default=0.0)
            for cell in cells
            if not _PLAIN_VALUE.fullmatch(cell.strip())
        )
        # A wrong delimiter leaves blank or repeated labels ("a,;a,a" split by ",").
        labelled = len({label.strip() for label in rows[0]} - {""}) / width
        # Per record, not per cell: a wrong split makes more cells, which must not dilute
        # its stray delimiters ("aa,;a,a" is two labels with commas, not three).
        score = (consistent, labelled, -stray / len(rows), -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    if best is not None:
        return chosen
    # No candidate splits the header: one column, or a header unlike its rows.
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
    most = max(counts, key=lambda d: counts[d])
    return most if counts[most] else ","


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
