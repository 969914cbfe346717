"""Rendering results: JSON to stdout, rich tables for people, one-line errors to stderr.

rich is imported only when something is rendered, to keep ``cdo --help`` fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


class TextOrJson(StrEnum):
    TEXT = "text"
    JSON = "json"


class FindingsFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


class TableOrJson(StrEnum):
    TABLE = "table"
    JSON = "json"


TableOrJsonOption = Annotated[TableOrJson, typer.Option("--format", help="Output format.")]
"""The --format option of the commands that print a table or JSON."""
TextOrJsonOption = Annotated[TextOrJson, typer.Option("--format", help="Output format.")]
"""The --format option of the commands that print text or JSON."""
FindingsFormatOption = Annotated[FindingsFormat, typer.Option("--format", help="Output format.")]
"""The --format option of the commands that print findings (text, JSON, GitHub annotations)."""


UNBOUNDED = 10_000
"""The width of output that no terminal shows: a CI log, a file, a pipe without a terminal."""

Layout = TypeVar("Layout")


def console(*, stderr: bool = False) -> Console:
    """A console as wide as the terminal (or ``COLUMNS``); without any terminal, one that
    never cuts a line, since a CI log or a file has no width to fit (rich assumes 80)."""
    from rich.console import Console

    width = None if _has_width() else UNBOUNDED
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _has_width() -> bool:
    """Whether a terminal (on any standard stream, as rich looks) or ``COLUMNS`` sets a width."""
    if os.environ.get("COLUMNS", "").isdigit():
        return True
    for descriptor in (0, 1, 2):
        try:
            os.get_terminal_size(descriptor)
        except (OSError, ValueError):
            continue
        return True
    return False


def fitting(
    out: Console, build: Callable[[Layout], Table], layouts: Sequence[Layout]
) -> tuple[Layout, Table]:
    """The first of ``layouts`` (fullest first) whose table has all its cells whole in the
    console's width, wrapping what may wrap, and that table; else the last."""
    for layout in layouts[:-1]:
        table = build(layout)
        if _narrowest(out, table) <= out.width:
            return layout, table
    return layouts[-1], build(layouts[-1])


def _narrowest(out: Console, table: Table) -> int:
    """The least width ``table`` takes with no cell cut: rich's own minimum lets every
    column wrap at spaces, also those kept on one line (``no_wrap``)."""
    from rich.measure import Measurement

    # Measured without the console's bound, which the measurement would be clipped to.
    options = out.options.update_width(UNBOUNDED)
    least = Measurement.get(out, options, table).minimum
    for column in table.columns:
        if column.no_wrap:
            cells = [Measurement.get(out, options, cell) for cell in [column.header, *column.cells]]
            least += max(m.maximum for m in cells) - max(m.minimum for m in cells)
    return least


def listing(title: str) -> Table:
    """A table of records: its title, a rule under the header, no borders, so that an
    80-column terminal keeps ids and names whole."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
    )


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout: Czech letters as they are, or escaped
    where stdout cannot hold them."""
    text = json.dumps(data, ensure_ascii=not holds_unicode(sys.stdout), indent=2, default=str)
    sys.stdout.write(text + "\n")


def holds_unicode(stream: Any) -> bool:
    """Whether ``stream`` writes in an encoding of all of Unicode (a UTF)."""
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name.startswith("utf")
    except LookupError:
        return False


def tolerate_narrow_streams() -> None:
    """Let stdout and stderr in a narrower encoding than Unicode (ASCII, or cp1250 for a
    redirected output on Czech Windows) show what they cannot hold as "?", rather than end
    the command with an encoding error; JSON written to them escapes it instead."""
    import io

    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and not holds_unicode(stream):
            stream.reconfigure(errors="replace")


def when(iso: str | None, *, seconds: bool = False) -> str:
    """An ISO time as tables show it, ``2026-11-30 22:08`` (the full time is in the JSON)."""
    return (iso or "")[: 19 if seconds else 16].replace("T", " ")


def print_error(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")


def escape(text: str) -> str:
    """Keep rich from reading ``[...]`` in data as markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def print_findings(findings: Any) -> None:
    """Findings one per line, as compilers print them, coloured by severity, never wrapped."""
    out = console()
    for item in findings:
        colour = "red" if item.severity.value == "error" else "yellow"
        out.print(
            f"{escape(str(item.location))}: [{colour}]{item.severity.value}[/] "
            f"[bold]{item.code}[/] {escape(item.message)}"
            + (f" [dim]({escape(item.hint)})[/]" if item.hint else ""),
            soft_wrap=True,  # one finding, one line: editors and CI logs parse them
        )
