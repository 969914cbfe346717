"""``cdo submit``, ``cdo history`` and ``cdo warehouse status``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cdo_toolkit.cli.output import (
    TableOrJson,
    TableOrJsonOption,
    console,
    escape,
    fitting,
    listing,
    print_error,
    print_json,
    when,
)
from cdo_toolkit.cli.validate import ReferenceOption
from cdo_toolkit.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.table import Table

    from cdo_toolkit.warehouse.url import WarehouseUrl

app = typer.Typer(help="The warehouse: what it holds.", no_args_is_help=True, rich_markup_mode=None)


def _url(ctx: typer.Context) -> WarehouseUrl:
    from cdo_toolkit.warehouse.url import parse_url

    settings = ctx.obj.settings
    return parse_url(settings.warehouse, settings.root)


def submit(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(metavar="SOURCE", help="The registered source the file belongs to.")
    ],
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="The file to submit; several are submitted in the order given, until one "
            "is rejected. '-' reads standard input.",
        ),
    ],
    guarantor: Annotated[
        str | None, typer.Option("--guarantor", metavar="ID", help="Who submits (a guarantor id).")
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            metavar="SECONDS",
            min=0,
            max=3600,
            help="Seconds to wait for a busy DuckDB warehouse.",
        ),
    ] = 30.0,
    format: TableOrJsonOption = TableOrJson.TABLE,
    reference: ReferenceOption = None,
    accept_volume_change: Annotated[
        bool,
        typer.Option(
            "--accept-volume-change",
            help="Load a file whose row count differs from the last load's beyond the "
            "standard's limit (or that empties the table): the change is real.",
        ),
    ] = False,
) -> None:
    """Store, validate and load a file; exit 0 accepted (or already loaded), 1 rejected, 2 unusable."""
    from cdo_toolkit.cli.validate import _references
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.files import require_file
    from cdo_toolkit.lineage.context import emitter_for
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.validation.piped import STDIN, read_once, unless_a_file
    from cdo_toolkit.warehouse.submit import submit as run

    registry = load_valid(Path(ctx.obj.settings.registry), thorough=frozenset({source}))
    registry.source(source)  # an unknown id stops here, with the id probably meant
    read_once(files)
    # A mistyped name among several is unusable input, said before anything is submitted.
    for file in files:
        if file != Path(STDIN):
            require_file(file)
    err = console(stderr=True)
    references = _references(reference or [])
    url, emitter = _url(ctx), emitter_for(ctx.obj.settings)
    results: list[dict[str, Any]] = []
    for file in files:
        if len(files) > 1 and format is not TableOrJson.JSON:
            console().print(f"[bold]{escape(str(file))}[/]")
        try:
            with unless_a_file(file) as given:
                result = run(
                    registry,
                    url,
                    source,
                    given,
                    guarantor=guarantor,
                    wait_seconds=wait,
                    on_wait=lambda message: err.print(f"[yellow]{escape(message)}[/]"),
                    references=references,
                    emitter=emitter,
                    namespace=ctx.obj.settings.namespace,
                    accept_volume_change=accept_volume_change,
                    piped=given != file,
                )
        except CdoError as error:
            if len(files) == 1:
                raise
            # What was submitted before stays said (and in JSON) when a later file fails.
            results.append({"file": str(file), "status": "error", "error": str(error)})
            if format is not TableOrJson.JSON:
                print_error(str(error))
            break
        results.append({"file": str(file), **result.to_dict()})
        if format is not TableOrJson.JSON:
            _print_result(result)
        if result.status == "rejected":
            break
    # The files after a rejected one wait: an appended month must not skip the one before.
    waiting = files[len(results) :]
    last = results[-1]["status"]
    if format is TableOrJson.JSON:
        if len(files) == 1:
            print_json({k: v for k, v in results[0].items() if k != "file"})
        else:
            print_json(results + [{"file": str(f), "status": "not submitted"} for f in waiting])
    elif waiting:
        message = (
            _("not submitted, as the file before was rejected: {files}")
            if last == "rejected"
            else _("not submitted, as the file before failed: {files}")
        )
        console().print(
            "[yellow]" + message.format(files=escape(", ".join(str(f) for f in waiting))) + "[/]"
        )
    raise typer.Exit({"rejected": 1, "error": 2}.get(last, 0))


def _print_result(result: Any) -> None:
    out = console()
    if result.status == "duplicate":
        out.print(
            "[green]"
            + _("already loaded")
            + "[/]: "
            + _(
                "the same file was accepted as submission {first}; "
                "nothing was loaded again (submission {id})"
            ).format(first=result.duplicate_of, id=result.submission_id)
        )
        return
    if result.status == "accepted":
        out.print(
            "[green]"
            + _("accepted")
            + "[/]: "
            + ngettext(
                "{rows} row loaded into {table} (submission {id})",
                "{rows} rows loaded into {table} (submission {id})",
                result.rows,
            ).format(rows=result.rows, table=result.table, id=result.submission_id)
        )
        replaced = result.reconciliation.get("replaced_rows")
        # More replaced than loaded only where the table held a key twice (appended before).
        if replaced is not None and replaced <= result.rows:
            out.print(
                ngettext(
                    "by key: {replaced} row replaced, {added} added",
                    "by key: {replaced} rows replaced, {added} added",
                    replaced,
                ).format(replaced=replaced, added=result.rows - replaced)
            )
        elif replaced is not None:
            out.print(
                ngettext(
                    "by key: {replaced} row of the table replaced",
                    "by key: {replaced} rows of the table replaced",
                    replaced,
                ).format(replaced=replaced)
            )
        for warning in result.warnings:
            out.print("[yellow]" + _("warning") + f":[/] {escape(warning)}")
        return
    # A valid file is rejected for its size alone: its report has nothing to fix.
    said = (
        _("(submission {id}): the file was not loaded; fix these and submit again.")
        if result.report is None or not result.report.valid
        else _("(submission {id}): the file was not loaded.")
    )
    out.print("[red]" + _("rejected") + "[/] " + said.format(id=result.submission_id))
    if result.reason:
        out.print(_("why") + f": {escape(result.reason)}")
    if result.quarantine_path:
        from cdo_toolkit.findings import display_path
        from cdo_toolkit.warehouse.landing import quarantined_report

        kept = Path(result.quarantine_path)
        out.print(
            _("the file is kept as {file}, its report as {report}").format(
                file=escape(display_path(kept)),
                report=escape(display_path(quarantined_report(kept))),
            ),
            soft_wrap=True,
        )
    from cdo_toolkit.validation.render import print_text

    print_text(result.report, out)


def _known_source(ctx: typer.Context, source: str) -> None:
    """A source with no submissions must at least be registered: a typo gave an empty list."""
    from cdo_toolkit.registry import load_valid

    load_valid(Path(ctx.obj.settings.registry), thorough=False).source(source)


def history(
    ctx: typer.Context,
    source: Annotated[
        str | None, typer.Argument(metavar="SOURCE", help="Only this source.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=1, help="How many submissions, newest first.")
    ] = 50,
    format: TableOrJsonOption = TableOrJson.TABLE,
) -> None:
    """Submissions: when, who, file, sha256, rows, status."""
    from cdo_toolkit.warehouse.status import history as load_history

    rows = load_history(_url(ctx), source, limit)
    if source and not rows:
        _known_source(ctx, source)
    if format is TableOrJson.JSON:
        print_json(rows)
        return
    from cdo_toolkit.warehouse.meta import status_label

    out = console()
    # A narrow terminal keeps the names whole and leaves the hash, then who submitted, to
    # --format json.
    _layout, table = fitting(
        out, lambda layout: _history_table(rows, layout), ("full", "unhashed", "bare")
    )
    reasons = [
        _("submission {id} ({source}) {status}: {why}").format(
            id=row["id"],
            source=escape(row["source"]),
            status=status_label(row["status"]),
            why=escape(row["message"]),
        )
        for row in rows
        if row["message"]
    ]
    out.print(table)
    # Under the table, where a reason has the whole width rather than a narrow column.
    for reason in reasons:
        out.print(reason)


def _history_table(rows: list[dict[str, Any]], layout: str) -> Table:
    """The submissions; ``layout`` full (who submitted and the hash), unhashed, or bare."""
    from cdo_toolkit.warehouse.meta import VALID, status_label

    table = listing(_("Submissions ({count})").format(count=len(rows)))
    names = ["id", N_("source"), N_("status"), N_("file"), N_("rows"), N_("finished (UTC)")]
    names += [N_("submitted by")] if layout != "bare" else []
    for name in [*names, "sha256"] if layout == "full" else names:
        # A source id stays whole; a long file name folds, a time breaks between date and
        # hour; numbers and hashes stay on one line.
        table.add_column(_(name), overflow="fold", no_wrap=name not in ("file", "finished (UTC)"))
    for row in rows:
        label = status_label(row["status"])
        cells = [
            str(row["id"]),
            escape(row["source"]),
            f"[green]{label}[/]" if row["status"] in VALID else f"[red]{label}[/]",
            escape(row["file"]),
            "" if row["rows"] is None else str(row["rows"]),
            when(row["finished_at"]),
        ]
        if layout != "bare":
            cells.append(escape(row.get("guarantor") or "–"))
        table.add_row(*cells, *([row["sha256"][:12]] if layout == "full" else []))
    return table


@app.command()
def status(
    ctx: typer.Context,
    format: TableOrJsonOption = TableOrJson.TABLE,
) -> None:
    """Tables, rows, last accepted load and columns of every registered source."""
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.warehouse.status import status as load_status

    data = load_status(_url(ctx), load_valid(Path(ctx.obj.settings.registry), thorough=False))
    if format is TableOrJson.JSON:
        print_json(data)
        return
    out = console()
    # A narrower terminal leaves out the count of columns, then the table names (the
    # source's, in raw); --format json has them all.
    _layout, table = fitting(
        out, lambda layout: _status_table(data, layout), ("full", "short", "least")
    )
    out.print(table)


def _status_table(data: dict[str, Any], layout: str) -> Table:
    table = listing(_("Warehouse {url}").format(url=escape(data["warehouse"])))
    names = [N_("source"), N_("table"), N_("rows"), N_("last accepted (UTC)"), N_("columns")]
    shown = {"full": names, "short": names[:4], "least": [names[0], *names[2:4]]}
    for name in shown[layout]:
        # Ids and table names stay whole; a time breaks between date and hour.
        table.add_column(_(name), no_wrap=name != "last accepted (UTC)")
    for item in data["tables"]:
        cells = {
            "source": escape(item["source"]),
            "table": item["table"],
            "rows": "–" if item["rows"] is None else str(item["rows"]),
            "last accepted (UTC)": when(item["last_accepted"]) or _("never"),
            "columns": str(len(item["columns"]) or "–"),
        }
        table.add_row(*(cells[name] for name in shown[layout]))
    return table
