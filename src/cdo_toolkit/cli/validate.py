"""``cdo validate``: check a file against a registered source, a Table Schema, or a Data Package."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cdo_toolkit.cli.output import console

if TYPE_CHECKING:
    from cdo_toolkit.lineage.emitter import Emitter
    from cdo_toolkit.registry import Registry
    from cdo_toolkit.registry.registry import SourceEntry
    from cdo_toolkit.validation.api import Options
    from cdo_toolkit.validation.report import Report
    from cdo_toolkit.warehouse.keys import WarehouseKeys


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"
    CSV = "csv"


class Engine(StrEnum):
    FAST = "fast"
    FRICTIONLESS = "frictionless"


def _types(value: str | None, option: str) -> frozenset[str] | None:
    if not value:
        return None
    from cdo_toolkit.validation.catalogue import error_types

    return error_types(value, option)


def _references(values: list[str]) -> dict[str, Path]:
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.i18n import _

    result = {}
    for value in values:
        source_id, sep, file = value.partition("=")
        if not sep or not source_id or not file:
            raise CdoError(
                _("--reference {value!r}: expected SOURCE=FILE").format(value=value),
                hint=_("e.g. --reference obce=examples/obce.csv"),
            )
        result[source_id] = Path(file)
    return result


_DELIMITER_NAMES = {"\\t": "\t", "tab": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}


def _delimiter(value: str | None) -> str | None:
    """One character; a tab may also be given as the two characters backslash-t, or "tab"."""
    if value is None:
        return None
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.i18n import _

    delimiter = _DELIMITER_NAMES.get(value.lower(), value)
    if len(delimiter) != 1:
        raise CdoError(
            _("--delimiter must be one character, not {value!r}").format(value=value),
            hint=_("e.g. --delimiter ';' or --delimiter tab"),
        )
    return delimiter


def _encoding(value: str | None) -> str | None:
    """The encoding named by --encoding, refused at once when Python knows no such name."""
    if value is None:
        return None
    import codecs

    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.i18n import _

    try:
        codecs.lookup(value)
    except LookupError:
        raise CdoError(
            _("--encoding {value!r} is no encoding known").format(value=value),
            hint=_("e.g. --encoding windows-1250, utf-8 or utf-16"),
        ) from None
    return value


ReferenceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--reference",
        metavar="SOURCE=FILE",
        help="Data of a registered source that foreign keys or code lists use.",
    ),
]
"""--reference SOURCE=FILE, of validate and submit; read by :func:`_references`."""


class _Progress:
    """A progress bar on stderr for files that take more than a second, on a terminal only."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty() or time.monotonic() - self.started < 1.0:
            return
        if self.bar is None:
            from rich.progress import Progress

            self.bar = Progress(console=console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("validating", total=total or None)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def validate(
    ctx: typer.Context,
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE",
            help="CSV, TSV, XLSX, XLS, ODS or JSON files (also .csv.gz, .zip), or "
            "datapackage.json; each is validated, in one report. '-' reads standard input.",
        ),
    ],
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="SOURCE", help="Validate as this registered source."),
    ] = None,
    schema: Annotated[
        Path | None,
        typer.Option(
            "--schema",
            metavar="FILE",
            help="A Table Schema file (JSON or YAML), or a CSVW description (*.csv-metadata.json).",
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", metavar="FILE", help="Write the report to this file.")
    ] = None,
    limit_errors: Annotated[
        int,
        typer.Option(
            "--limit-errors",
            metavar="N",
            min=0,
            help="How many errors are listed (all are counted).",
        ),
    ] = 1000,
    pick_errors: Annotated[
        str | None,
        typer.Option(
            "--pick-errors", metavar="TYPES", help="Only these error types, comma-separated."
        ),
    ] = None,
    skip_errors: Annotated[
        str | None,
        typer.Option(
            "--skip-errors", metavar="TYPES", help="Not these error types, comma-separated."
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", metavar="ENCODING", help="Text encoding, e.g. windows-1250."),
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", metavar="CHAR", help="CSV delimiter, e.g. ';'.")
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            metavar="NAME|NUMBER",
            help="The workbook's sheet: its name, or its number from 1 [default: the "
            "entry's, or the first].",
        ),
    ] = None,
    engine: Annotated[
        Engine, typer.Option("--engine", help="fast (vectorised) or frictionless (the reference).")
    ] = Engine.FAST,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Fetch http(s) URLs.")
    ] = False,
    reference: ReferenceOption = None,
) -> None:
    """Validate files; exit 0 all valid, 1 one is invalid, 2 unusable input."""
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.i18n import _
    from cdo_toolkit.validation.api import Options
    from cdo_toolkit.validation.engine import Limits

    if source and schema:
        raise CdoError(_("give --source or --schema, not both"))
    references = _references(reference or [])
    if output is not None:
        from cdo_toolkit.files import refuse_overwriting

        read = [*map(Path, files), *([schema] if schema else []), *references.values()]
        refuse_overwriting(output, read, "--output")
    options = Options(
        source=source,
        schema=schema,
        encoding=_encoding(encoding),
        delimiter=_delimiter(delimiter),
        sheet=int(sheet) if sheet is not None and sheet.isdigit() else sheet,
        limits=Limits(
            errors=limit_errors,
            pick=_types(pick_errors, "--pick-errors"),
            skip=_types(skip_errors, "--skip-errors") or frozenset(),
        ),
        allow_remote=allow_remote,
        engine=engine.value,
        references=references,
    )
    registry = None
    if source:
        from cdo_toolkit.registry import load_valid

        registry = load_valid(Path(ctx.obj.settings.registry), thorough=frozenset({source}))
    from cdo_toolkit.files import require_file
    from cdo_toolkit.validation.piped import STDIN, read_once
    from cdo_toolkit.validation.report import Report
    from cdo_toolkit.validation.source import is_remote

    read_once(files)
    # A mistyped name among many is unusable input, said before any file is validated.
    for file in files:
        if is_remote(file) or file == STDIN:
            continue
        package = Path(file) / "datapackage.json"
        require_file(
            Path(file),
            folder_hint=_("to validate the data package in it: cdo validate {package}").format(
                package=package
            )
            if package.is_file()
            else None,
        )
    entry = registry.source(source) if registry and source else None
    keys = _warehouse_keys(ctx, registry) if registry is not None else None
    options.stored_keys = keys
    try:
        from cdo_toolkit.lineage.context import emitter_for

        emitter = emitter_for(ctx.obj.settings)
        reports = [_validate_file(ctx, emitter, file, options, registry, entry) for file in files]
    finally:
        if keys is not None:
            keys.close()
    report = reports[0] if len(reports) == 1 else Report.combine(reports)
    if keys is not None and keys.problem:
        note = _(
            "foreign keys and code lists into other sources were not checked: the warehouse "
            "could not be read ({reason})"
        ).format(reason=keys.problem)
        for task in report.tasks:
            task.notes.append(note)
    if entry is not None:
        from cdo_toolkit.masking import mask_report

        mask_report(report, entry.source.personal_data.columns)
    if output is not None:
        from cdo_toolkit.files import refuse_overwriting

        refuse_overwriting(output, [Path(task.place) for task in report.tasks], "--output")
    _emit(report, format, output)
    raise typer.Exit(0 if report.valid else 1)


def _warehouse_keys(ctx: typer.Context, registry: Registry) -> WarehouseKeys:
    """The keys of referenced sources from the configured warehouse, as ``cdo submit``
    checks them; where there is no warehouse, those checks are left out with a note."""
    from cdo_toolkit.warehouse.keys import WarehouseKeys
    from cdo_toolkit.warehouse.url import parse_url

    settings = ctx.obj.settings
    return WarehouseKeys(parse_url(settings.warehouse, settings.root), registry)


def _validate_file(
    ctx: typer.Context,
    emitter: Emitter | None,
    file: str,
    options: Options,
    registry: Registry | None,
    entry: SourceEntry | None,
) -> Report:
    """One file (or package) validated, as its own lineage run."""
    from cdo_toolkit.lineage.context import file_input, with_report
    from cdo_toolkit.lineage.events import run as lineage_run
    from cdo_toolkit.validation.api import validate as run
    from cdo_toolkit.validation.piped import PLACE, STDIN
    from cdo_toolkit.validation.source import is_remote

    settings = ctx.obj.settings
    local = not is_remote(file) and file != STDIN and Path(file).is_file()
    inputs = [file_input(Path(file), registry, entry)] if local else []
    named = PLACE if file == STDIN else Path(file).name.split(".")[0]
    job = f"validate.{options.source or named}"
    progress = _Progress()
    try:
        with lineage_run(emitter, settings.namespace, job, "VALIDATE", inputs=inputs) as current:
            report = run(file, options, registry=registry, progress=progress)
            if current is not None and inputs and len(report.tasks) == 1:
                with_report(current.inputs[0], report.tasks[0])
    finally:
        progress.close()
    return report


def _emit(report: Report, fmt: Format, output: Path | None) -> None:
    from cdo_toolkit.validation.render import print_text, render

    if fmt is Format.TEXT:
        if output is None:
            print_text(report, console())
            return
        import io

        from rich.console import Console

        buffer = io.StringIO()
        print_text(report, Console(file=buffer, width=120, no_color=True, highlight=False))
        text = buffer.getvalue()
    else:
        from cdo_toolkit.cli.output import holds_unicode

        text = render(report, fmt.value, unicode=output is not None or holds_unicode(sys.stdout))
    if output is None:
        sys.stdout.write(text)
    else:
        from cdo_toolkit.files import write_atomic

        write_atomic(output, text)
