"""Report renderers: text for people, JSON, JUnit XML, GitHub annotations, Markdown, CSV.

Every renderer escapes what it prints: cells are data, never markup. XML gets its special
characters escaped and the control characters XML cannot hold removed; Markdown gets
``|``, backticks and angle brackets escaped; GitHub workflow commands get ``%``, new
lines, ``:`` and ``,`` encoded; CSV cells that a spreadsheet would run as a formula are
prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import Any

from cdo_toolkit.errors import with_hint
from cdo_toolkit.i18n import N_, _, ngettext
from cdo_toolkit.validation.catalogue import CATALOGUE, CONSTRAINT_NOTE, TYPE_NOTE, readable_note
from cdo_toolkit.validation.report import Report, ReportError, Task

FORMATS = ("text", "json", "junit", "github", "markdown", "csv")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HINTS = {
    "type-error": N_(
        "the value is not of the field's type or format: correct it or leave the cell empty"
    ),
    "constraint-error": N_("the value breaks a rule of the field: correct it"),
    "missing-cell": N_("the row has fewer cells than the header: a delimiter is missing"),
    "extra-cell": N_(
        "the row has more cells than the header: an unquoted delimiter inside a value?"
    ),
    "blank-row": N_("remove the empty row"),
    "primary-key": N_("each row needs its own key: remove or correct the repeated one"),
    "unique-error": N_("the value must not repeat: correct the repeated one"),
    "foreign-key": N_("the value must exist in the referenced table"),
    "encoding-error": N_(
        "save the file in the declared encoding, or declare the right one (--encoding)"
    ),
    "incorrect-label": N_("rename the column to the field name of the schema"),
    "missing-label": N_("add the missing column"),
    "extra-label": N_("remove the column, or add the field to the schema"),
    "duplicate-label": N_("give each column its own name"),
    "blank-label": N_("name the column"),
    "source-error": N_("the file cannot be read as a table: save it again as CSV or XLSX"),
    "format-error": N_("save the data as CSV (UTF-8, the header in the first row) or XLSX"),
    "scheme-error": N_("check the file's path"),
    "compression-error": N_("compress the file again, or send it uncompressed"),
    "ico-checksum": N_("check the IČO in the business register (ARES) and correct it"),
    "code-list": N_("use a code the referenced source holds (e.g. the RÚIAN municipality code)"),
    "row-constraint": N_("the row's values contradict each other: correct them"),
    "deviated-value": N_("the value is far from the others: check it, and correct it if wrong"),
    "null-share": N_("too many cells are empty: fill in the missing values"),
}

# What to do about a constraint error, said of the constraint the cells break (from
# Frictionless's note: constraint "minimum" is "0").
CONSTRAINT_HINTS = {
    "required": N_("the field is required: fill in the empty cells"),
    "minimum": N_("the value must be at least {value}: correct it"),
    "maximum": N_("the value must be at most {value}: correct it"),
    "exclusiveMinimum": N_("the value must be greater than {value}: correct it"),
    "exclusiveMaximum": N_("the value must be less than {value}: correct it"),
    "pattern": N_("write the value as the pattern {value} says (a code with its leading zeros)"),
    "enum": N_("use one of the allowed values: {value}"),
}
# What to write in a field of a type, with an example where one helps.
TYPE_HINTS = {
    "integer": N_("write a whole number (e.g. 120), or leave the cell empty"),
    # No example: the field's decimal mark is not in the note (a note names a wrong one).
    "number": N_("write a number, or leave the cell empty"),
    "date": N_("write a date as {example}, or leave the cell empty"),
    "datetime": N_("write a date and time as {example}, or leave the cell empty"),
    "time": N_("write a time as {example}, or leave the cell empty"),
    "year": N_("write a year of four digits (e.g. 2024), or leave the cell empty"),
    "boolean": N_("write a yes or no value the field allows, or leave the cell empty"),
}
_EXAMPLE = datetime(2024, 2, 1, 14, 30)
_DEFAULT_FORMATS = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%dT%H:%M:%S", "time": "%H:%M:%S"}


def _type_hint(kind: str, written: str) -> str | None:
    """What to write in a field of type ``kind`` and format ``written`` (as Frictionless's
    note gives them: ``date/%d.%m.%Y``): a date as 01.02.2024."""
    if kind not in TYPE_HINTS:
        return None
    example = ""
    if kind in _DEFAULT_FORMATS:
        pattern = _DEFAULT_FORMATS[kind] if written in ("default", "") else written
        if written == "any" or "%" not in pattern:
            return None  # any form Frictionless reads: no one example to give
        try:
            example = _EXAMPLE.strftime(pattern)
        except ValueError:
            return None
    return _(TYPE_HINTS[kind]).format(example=example)


def advice(kind: str, note: str) -> str | None:
    """What to do about one error of ``kind`` with Frictionless's ``note``, where the note
    tells more than the type: the constraint broken, the type and format expected."""
    match = CONSTRAINT_NOTE.match(note) if kind == "constraint-error" else None
    if match and match["name"] in ("minLength", "maxLength") and match["value"].isdigit():
        return _length_hint(match["name"], int(match["value"]))
    if match and match["name"] in CONSTRAINT_HINTS:
        return _(CONSTRAINT_HINTS[match["name"]]).format(value=_listed(match["value"]))
    if kind == "type-error" and (match := TYPE_NOTE.match(note)):
        field_type, _slash, written = match["type"].partition("/")
        return _type_hint(field_type, written)
    return None


def _length_hint(name: str, length: int) -> str:
    """What to do about a value too short or too long, its count of characters said in the
    plural the count takes (2 znaky, 5 znaků)."""
    if name == "minLength":
        text = ngettext(
            "the value must have at least {value} character: correct it",
            "the value must have at least {value} characters: correct it",
            length,
        )
    else:
        text = ngettext(
            "the value must have at most {value} character: correct it",
            "the value must have at most {value} characters: correct it",
            length,
        )
    return text.format(value=length)


def _hint(kind: str) -> str:
    """What to do about any error of ``kind``, in the active language; "" if unknown."""
    return _(HINTS[kind]) if kind in HINTS else ""


class WhatToDo:
    """What to do about the errors of a kind in a field of ``task``: said of the
    constraint broken, or of the type and format expected, when its listed errors all say
    the same; else what to do about any error of the kind. The listed errors are gone
    through once, and each distinct note read once."""

    def __init__(self, task: Task) -> None:
        notes: dict[tuple[str, str], set[str]] = {}
        for error in task.errors:
            notes.setdefault((error.type, error.field_name or ""), set()).add(error.note)
        self._said: dict[tuple[str, str], str] = {}
        for (kind, field_name), group in notes.items():
            said = {advice(kind, note) for note in group}
            if len(said) == 1 and (only := said.pop()):
                self._said[(kind, field_name)] = only

    def __call__(self, kind: str, field_name: str | None) -> str:
        return self._said.get((kind, field_name or "")) or _hint(kind)


def _listed(value: str) -> str:
    """An enum's values as Frictionless's note writes them (``['A', 'B']``) listed plainly."""
    import ast

    if not value.startswith("["):
        return value
    try:
        items = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    return ", ".join(str(item) for item in items) if isinstance(items, list) else value


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """``text`` with control characters written out (``\\n``, ``\\x1b``): a cell's line
    break cannot start a line of its own (a CI log reads ``::warning::`` at a line's start
    as a command) and an escape sequence cannot recolour or rewrite the terminal."""
    return _CONTROL.sub(lambda m: _CONTROL_NAMES.get(m[0], f"\\x{ord(m[0]):02x}"), text)


# Characters a reader cannot tell from a space, or cannot see at all, that make a cell
# fail although it looks right.
_HIDDEN = {
    "\u00a0": N_("a no-break space (U+00A0), which looks like a space"),
    "\u202f": N_("a narrow no-break space (U+202F), which looks like a space"),
    "\u2007": N_("a figure space (U+2007), which looks like a space"),
    "\u200b": N_("an invisible zero-width space (U+200B)"),
    "\u2060": N_("an invisible word joiner (U+2060)"),
    "\ufeff": N_("an invisible byte order mark (U+FEFF)"),
    "\u00ad": N_("an invisible soft hyphen (U+00AD)"),
}


def hidden_characters(cell: str | None) -> str | None:
    """What a reader cannot see in ``cell`` that may be why it fails, said in words."""
    if not cell:
        return None
    found = [_(what) for char, what in _HIDDEN.items() if char in cell]
    if cell != cell.strip(" "):
        found.append(_("spaces before or after the value"))
    if not found:
        return None
    return _("the cell holds {what}").format(what=", ".join(found))


def explained(error: ReportError, text: str | None = None) -> str:
    """The error's message (or ``text`` said of it), and what is hidden in its cell when
    that may be the reason."""
    return with_hint(error.message if text is None else text, hidden_characters(error.cell))


def _where(error: ReportError) -> str:
    parts = []
    if error.row_number is not None:
        parts.append(_("row {row}").format(row=error.row_number))
    if error.field_name or error.field_number:
        name = error.field_name or ""
        column = _("col {n}").format(n=error.field_number)
        parts.append(f"{name} ({column})" if name else column)
    return ", ".join(parts) or _("file")


def render(report: Report, fmt: str, *, place: str = "", unicode: bool = True) -> str:
    """``report`` in ``fmt``, for an output that holds all of Unicode or, without
    ``unicode``, one that may not (JSON escapes what is not ASCII; CSV has no byte order
    mark saying UTF-8)."""
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=not unicode, indent=2) + "\n"
    if fmt == "junit":
        return junit(report)
    if fmt == "github":
        return github(report)
    if fmt == "markdown":
        return markdown(report)
    if fmt == "csv":
        return errors_csv(report, mark=unicode)
    raise ValueError(fmt)


def _counts(task: Task) -> str:
    """ "3 errors, 0 warnings; 120 rows, 8 fields" in the active language."""
    e, w, r, f = task.error_count, task.warning_count, task.rows, task.fields
    return _("{errors}, {warnings}; {rows}, {fields}").format(
        errors=ngettext("{count} error", "{count} errors", e).format(count=e),
        warnings=ngettext("{count} warning", "{count} warnings", w).format(count=w),
        rows=ngettext("{count} row", "{count} rows", r).format(count=r),
        fields=ngettext("{count} field", "{count} fields", f).format(count=f),
    )


def _severity_mark(warnings: int, count: int) -> str:
    """ " (warning)" after a summary's type whose count is all warnings, " (2 warnings)"
    where errors and warnings share it; nothing for errors alone."""
    if not warnings:
        return ""
    if warnings == count:
        return " (" + _("warning") + ")"
    return (
        " ("
        + ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings)
        + ")"
    )


SUMMARY_ROWS = 25
"""Rows of a summary given one by one; the rest are counted per error type."""


def _summary(task: Task) -> list[tuple[str, str, int, str]]:
    """The summary's rows, most frequent first, then by type and the field's place: error
    type (and severity), field, count, what to do. Past ``SUMMARY_ROWS``, one row per
    error type counts the further fields (a sheet of thousands of columns without a label
    is no thousands of lines to read)."""
    what_to_do = WhatToDo(task)
    names = [name for name, _type in task.schema_fields] or task.labels
    position: dict[str, int] = {}
    for at, name in enumerate(names):
        position.setdefault(name, at)  # a repeated label sorts at its first place
    ordered = sorted(
        task.summary.items(),
        key=lambda i: (-i[1], i[0][0], position.get(i[0][1], len(names)), i[0][1]),
    )
    if len(ordered) > SUMMARY_ROWS + 1:
        ordered, further = ordered[:SUMMARY_ROWS], ordered[SUMMARY_ROWS:]
    else:
        further = []
    rows = [
        (
            kind + _severity_mark(task.warning_summary.get((kind, name), 0), count),
            name or "–",
            count,
            what_to_do(kind, name),
        )
        for (kind, name), count in ordered
    ]
    grouped: dict[str, tuple[int, int, int]] = {}
    for (kind, name), count in further:
        fields, total, warnings = grouped.get(kind, (0, 0, 0))
        warned = task.warning_summary.get((kind, name), 0)
        grouped[kind] = (fields + 1, total + count, warnings + warned)
    for kind, (fields, total, warnings) in grouped.items():
        more = ngettext("{count} more field", "{count} more fields", fields).format(count=fields)
        rows.append((kind + _severity_mark(warnings, total), more, total, what_to_do(kind, "")))
    return rows


def _repeats(items: list[ReportError]) -> list[tuple[ReportError, list[int]]]:
    """The listed errors, each said once with the further rows where it repeats: the same
    type, field, cell and note (a code missing from a code list in 160 rows is one line
    to read, not 160). Errors of no row, or of a cell of their own, stay one line each."""
    said: dict[tuple[Any, ...], list[int]] = {}
    grouped: list[tuple[ReportError, list[int]]] = []
    for error in items:
        key = (error.type, error.field_name, error.field_number, error.cell, error.note)
        if error.row_number is not None and key in said:
            said[key].append(error.row_number)
            continue
        rows: list[int] = []
        if error.row_number is not None:
            said[key] = rows
        grouped.append((error, rows))
    return grouped


RANGES_SHOWN = 10
"""Runs of rows given in a repeat's line; more are left as "…"."""


def _ranges(rows: list[int]) -> str:
    """``[4, 5, 6, 9]`` as "4–6, 9"."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    said = [f"{a}–{b}" if b > a else str(a) for a, b in runs[:RANGES_SHOWN]]
    return ", ".join(said) + (", …" if len(runs) > RANGES_SHOWN else "")


def print_text(report: Report, console: Any) -> None:
    """The rich summary: a verdict per table, errors per type and field, then the listed errors."""
    from rich.markup import escape
    from rich.table import Table

    for task in report.tasks:
        verdict = "[green]" + _("valid") + "[/]" if task.valid else "[red]" + _("invalid") + "[/]"
        console.print(f"[bold]{escape(task.place)}[/]: {verdict} — " + _counts(task))
        if task.summary:
            table = Table(box=None, padding=(0, 2), show_edge=False)
            table.add_column(_("error type"), no_wrap=True)
            table.add_column(_("field"))
            table.add_column(_("count"), justify="right")
            table.add_column(_("what to do"), style="dim")
            for kind, field_name, count, what_to_do in _summary(task):
                table.add_row(kind, escape(field_name), str(count), what_to_do)
            console.print(table)
        for label, items in ((_("errors"), task.errors), (_("warnings"), task.warnings)):
            if not items:
                continue
            listed = len(items)
            total = task.error_count if items is task.errors else task.warning_count
            console.print(
                _("first {listed} of {total} {label}:").format(
                    listed=listed, total=total, label=label
                )
                if listed < total
                else f"{label}:"
            )
            for error, rows in _repeats(items):
                console.print(
                    f"  {escape(visible(_where(error)))}: [bold]{error.type}[/] "
                    + escape(visible(explained(error))),
                    soft_wrap=True,
                )
                if rows:
                    console.print(
                        "    "
                        + ngettext(
                            "the same in {count} more row: {rows}",
                            "the same in {count} more rows: {rows}",
                            len(rows),
                        ).format(count=len(rows), rows=_ranges(rows)),
                        style="dim",
                        soft_wrap=True,
                    )
        for note in task.notes:
            console.print("[yellow]" + _("note") + f":[/] {escape(visible(note))}")
    for error in report.errors:
        console.print(f"[red]{error.type}[/] {escape(visible(error.message))}")
    if not report.tasks and not report.errors:
        console.print(_("no tables to validate: the data package lists no resources"))
    if len(report.tasks) > 1:
        # Many files or resources scroll by: the verdict over all of them closes the report.
        invalid = sum(1 for task in report.tasks if not task.valid)
        console.print(
            _("{tables}: {valid} valid, {invalid} invalid").format(
                tables=ngettext("{count} table", "{count} tables", len(report.tasks)).format(
                    count=len(report.tasks)
                ),
                valid=len(report.tasks) - invalid,
                invalid=invalid,
            )
        )


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _by_type_and_field(items: list[ReportError]) -> dict[tuple[str, str], list[ReportError]]:
    grouped: dict[tuple[str, str], list[ReportError]] = {}
    for item in items:
        grouped.setdefault((item.type, item.field_name or ""), []).append(item)
    return grouped


def junit(report: Report) -> str:
    """One test suite per table, one test case per error type and field (a failing one lists the errors)."""
    import xml.etree.ElementTree as ET

    suites = ET.Element("testsuites", name="cdo validate", tests="0", failures="0")
    total_tests = total_failures = 0
    for task in report.tasks:
        groups = _by_type_and_field(task.errors)
        warned = _by_type_and_field(task.warnings)
        cases = task.summary or {}
        # A check of severity warning does not fail the file, nor its test case: its
        # warnings are the case's output, as the exit code of cdo validate says.
        failing = {k: n - task.warning_summary.get(k, 0) for k, n in cases.items()}
        failures = sum(1 for n in failing.values() if n)
        what_to_do = WhatToDo(task)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=_xml_text(task.place),
            tests=str(max(len(cases), 1)),
            failures=str(failures),
            time=f"{task.seconds:.3f}",
        )
        total_tests += max(len(cases), 1)
        total_failures += failures
        if not cases:
            ET.SubElement(suite, "testcase", classname=_xml_text(task.name), name="valid")
        for (kind, field_name), count in sorted(cases.items()):
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_xml_text(task.name),
                name=_xml_text(f"{kind} {field_name}".strip()),
            )
            if task.warning_summary.get((kind, field_name)):
                ET.SubElement(case, "system-out").text = _xml_text(
                    "\n".join(
                        f"{_where(w)}: {w.message}" for w in warned.get((kind, field_name), [])
                    )
                )
            count = failing[(kind, field_name)]
            if not count:
                continue
            listed = groups.get((kind, field_name), [])
            failure = ET.SubElement(
                case,
                "failure",
                type=kind,
                message=_xml_text(
                    with_hint(f"{count} × {CATALOGUE[kind].title}", what_to_do(kind, field_name))
                ),
            )
            failure.text = _xml_text("\n".join(f"{_where(e)}: {e.message}" for e in listed))
        if task.notes:
            # Notes (what was not checked, why many cells fail) as the suite's output,
            # which CI test viewers show beside the failures.
            ET.SubElement(suite, "system-out").text = _xml_text("\n".join(task.notes))
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _gh_data(text: str) -> str:
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(escaped)


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """GitHub Actions workflow commands: an annotation per listed error, at the file and line.

    GitHub shows 10 error and 10 warning annotations of a step and drops the rest from
    the pull request (the log keeps them all): the first error of each kind and field
    comes first, then the first of each other value (a second code missing from a code
    list), then the repetitions, so that those 10 show as many different problems as
    there are."""
    first: list[str] = [f"::error::{_gh_data(error.message)}" for error in report.errors]
    other: list[str] = []
    rest: list[str] = []
    notices: list[str] = []
    for task in report.tasks:
        place = _gh_property(task.place)
        for level, items in (("error", task.errors), ("warning", task.warnings)):
            kinds: set[tuple[str, str | None]] = set()
            values: set[tuple[Any, ...]] = set()
            for error in items:
                kind = (error.type, error.field_name)
                value = (*kind, error.cell, error.note)
                tier = first if kind not in kinds else other if value not in values else rest
                tier.append(_annotation(level, place, error))
                kinds.add(kind)
                values.add(value)
        unlisted = task.error_count - len(task.errors)
        if unlisted > 0:
            notices.append(
                f"::notice file={place}::"
                + _gh_data(
                    ngettext(
                        "{count} more error not listed", "{count} more errors not listed", unlisted
                    ).format(count=unlisted)
                )
            )
        # A note says what was not checked or why many cells fail: a job summary shows it.
        for note in task.notes:
            notices.append(
                f"::notice file={place},title={_gh_property(_('note'))}::{_gh_data(note)}"
            )
    lines = first + other + rest + notices
    return "\n".join(lines) + ("\n" if lines else "")


def _annotation(level: str, place: str, error: ReportError) -> str:
    props = [f"file={place}"]
    if error.row_number is not None:
        props.append(f"line={error.row_number}")
    if error.field_number:
        props.append(f"col={error.field_number}")
    title = f"{error.type} {error.field_name or ''}".strip()
    props.append(f"title={_gh_property(title)}")
    # An annotation stands alone beside the diff: it says what to do, too.
    said = with_hint(explained(error), advice(error.type, error.note))
    return f"::{level} {','.join(props)}::{_gh_data(said)}"


def _md(text: Any) -> str:
    value = "" if text is None else str(text)
    value = value.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.replace("\r", " ").replace("\n", " ")
    return visible(value)


def markdown(report: Report) -> str:
    """A Markdown summary for a CI job page, in the active language."""
    verdict = _("valid") if report.valid else _("invalid")
    out = ["## " + _("Validation: {verdict}").format(verdict=verdict), ""]
    for task in report.tasks:
        mark = "✅" if task.valid else "❌"
        out += [f"### {mark} {_md(task.place)}", "", _md(_counts(task)) + ".", ""]
        if task.summary:
            summary = (_("error type"), _("field"), _("count"), _("what to do"))
            out += ["| " + " | ".join(summary) + " |", "|---|---|---:|---|"]
            for kind, field_name, count, what_to_do in _summary(task):
                out.append(f"| {_md(kind)} | {_md(field_name)} | {count} | {_md(what_to_do)} |")
            out.append("")
        if task.errors:
            heads = (_("row"), _("field"), _("type"), _("cell"), _("note"))
            out += ["| " + " | ".join(heads) + " |", "|---:|---|---|---|---|"]
            for error, rows in _repeats(task.errors):
                note = explained(error, readable_note(error.note))
                # A repeated error is one row of the table, naming every row it is in.
                first = error.row_number
                where = _ranges([first, *rows]) if first is not None and rows else first or ""
                out.append(
                    f"| {where} | {_md(error.field_name or '')} | {_md(error.type)} "
                    f"| {_md(error.cell or '')} | {_md(note)} |"
                )
            out.append("")
        for note in task.notes:
            out += [f"> {_md(note)}", ""]
    return "\n".join(out)


def _spreadsheet_safe(value: Any) -> str:
    text = visible("" if value is None else str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def errors_csv(report: Report, *, mark: bool = True) -> str:
    """The listed errors as CSV, safe to open in a spreadsheet, each with what to do.

    Written as Czech Excel opens a CSV file it is given: cells parted by ``;`` (the list
    separator of the Czech locale; with ``,`` each row would fill one cell) and, with
    ``mark``, a byte order mark first (without one, Excel reads the file as windows-1250)."""
    buffer = io.StringIO()
    buffer.write("\ufeff" if mark else "")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["file", "row", "field", "column", "type", "cell", "message", "what_to_do"])
    said: dict[tuple[str, str], str] = {}  # errors repeat their notes: each read once
    for task in report.tasks:
        for error in task.errors:
            if (error.type, error.note) not in said:
                said[(error.type, error.note)] = advice(error.type, error.note) or _hint(error.type)
            writer.writerow(
                [
                    _spreadsheet_safe(v)
                    for v in (
                        task.place,
                        error.row_number,
                        error.field_name,
                        error.field_number,
                        error.type,
                        error.cell,
                        error.message,
                        said[(error.type, error.note)],
                    )
                ]
            )
    return buffer.getvalue()


__all__ = ["FORMATS", "Task", "render"]
