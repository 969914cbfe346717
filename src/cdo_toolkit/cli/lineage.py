"""``cdo build`` and ``cdo lineage show|columns|flush``."""

from __future__ import annotations

from enum import StrEnum
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
    print_json,
    when,
)
from cdo_toolkit.errors import with_hint
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import N_, _, decimal, ngettext

if TYPE_CHECKING:
    from rich.table import Table

app = typer.Typer(
    help="Lineage recorded as OpenLineage events.", no_args_is_help=True, rich_markup_mode=None
)


class GraphFormat(StrEnum):
    TREE = "tree"
    JSON = "json"
    MERMAID = "mermaid"
    DOT = "dot"


def build(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(metavar="NAME", help="Builds to run (default: all).")
    ] = None,
    format: TableOrJsonOption = TableOrJson.TABLE,
) -> None:
    """Run the registry's SQL builds in dependency order, recording column lineage.

    Exit 0 when every build was built, 1 when one failed or was skipped (the others still
    run), 2 when the builds cannot be planned (unknown build, cycle, unreadable SQL).
    """
    from cdo_toolkit.lineage.builds import run_builds
    from cdo_toolkit.lineage.context import emitter_for
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.warehouse.url import parse_url

    settings = ctx.obj.settings
    registry = load_valid(Path(settings.registry), thorough=False)
    if not registry.builds and not names:
        # Silence would read as builds that ran; the warehouse does not matter then.
        if format is TableOrJson.JSON:
            print_json([])
        else:
            console().print(
                escape(
                    _("the registry has no builds: each is declared in {folder}/<id>.yaml").format(
                        folder=display_path(Path(settings.registry) / "builds")
                    )
                )
            )
        return
    results = run_builds(
        registry,
        parse_url(settings.warehouse, settings.root),
        names or None,
        emitter=emitter_for(settings),
        namespace=settings.namespace,
    )
    if format is TableOrJson.JSON:
        print_json([r.to_dict() for r in results])
    else:
        out = console()
        for result in results:
            if result.status == "built":
                out.print(
                    "[green]"
                    + _("built")
                    + "[/] "
                    + escape(
                        ngettext(
                            "{table}: {rows} row from {inputs}",
                            "{table}: {rows} rows from {inputs}",
                            result.rows,
                        ).format(
                            table=result.table, rows=result.rows, inputs=", ".join(result.inputs)
                        )
                    )
                )
                continue
            label = _("failed") if result.status == "failed" else _("skipped")
            text = with_hint(
                _("{table} (build {id}): {reason}").format(
                    table=result.table, id=result.id, reason=result.reason
                ),
                result.hint,
            )
            out.print(f"[red]{label}[/] {escape(text)}")
    raise typer.Exit(0 if all(r.status == "built" for r in results) else 1)


def _graph(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from cdo_toolkit.lineage.context import lineage_folder
    from cdo_toolkit.lineage.graph import read_graph

    return read_graph(lineage_folder(ctx.obj.settings) / "events.jsonl")


def _runs_table(rows: list[dict[str, Any]], with_ids: bool) -> Table:
    table = listing(_("Runs ({count})").format(count=len(rows)))
    names = [N_("job"), N_("state"), N_("started (UTC)"), N_("took")]
    for name in [*names, N_("run id")] if with_ids else names:
        table.add_column(_(name), no_wrap=True)
    for row in rows:
        finished = row["state"] not in ("START", "RUNNING")
        state = row["state"] if finished else "[yellow]" + _("unfinished") + "[/]"
        table.add_row(
            escape(row["job"] or ""),
            state,
            when(row["started"], seconds=True),
            _took(row["started"], row["ended"]),
            *([row["run_id"]] if with_ids else []),
        )
    return table


@app.command()
def runs(
    ctx: typer.Context,
    unfinished: Annotated[
        bool, typer.Option("--unfinished", help="Only runs that started and never ended.")
    ] = False,
    format: TableOrJsonOption = TableOrJson.TABLE,
) -> None:
    """The recorded runs of validate, submit, build and score, newest first.

    A run that started and never ended was killed or crashed: it is shown as unfinished.
    """
    graph = _graph(ctx)
    rows = sorted(graph.runs.values(), key=lambda r: r["started"] or "", reverse=True)
    if unfinished:
        rows = [r for r in rows if r in graph.unfinished]
    if format is TableOrJson.JSON:
        print_json({"runs": rows, "damaged_lines": graph.damaged})
        return
    out = console()
    # A narrow terminal keeps the job names whole and leaves the run ids to --format json.
    _layout, table = fitting(out, lambda with_ids: _runs_table(rows, with_ids), (True, False))
    out.print(table)
    if graph.damaged:
        out.print(
            ngettext(
                "{count} damaged line in the log skipped (a write cut short)",
                "{count} damaged lines in the log skipped (a write cut short)",
                graph.damaged,
            ).format(count=graph.damaged)
        )


@app.command()
def show(
    ctx: typer.Context,
    dataset: Annotated[
        str,
        typer.Argument(
            metavar="DATASET",
            help="A dataset name, or its unique ending (raw.obce, zastavky_obce).",
        ),
    ],
    downstream: Annotated[
        bool, typer.Option("--downstream/--upstream", help="Direction (upstream by default).")
    ] = False,
    depth: Annotated[
        int, typer.Option("--depth", metavar="N", min=1, help="How many levels.")
    ] = 10,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            metavar="N",
            min=1,
            help="How many datasets under each one, newest first (the rest counted).",
        ),
    ] = 10,
    format: Annotated[
        GraphFormat, typer.Option("--format", help="Output format.")
    ] = GraphFormat.TREE,
) -> None:
    """Where a dataset comes from (or what is made of it), with last runs and checks."""
    from cdo_toolkit.lineage import graph as graphs

    graph = _graph(ctx)
    start = graph.find(dataset)
    if format is GraphFormat.JSON:
        print_json(
            graphs.render_json(graph, start, downstream=downstream, depth=depth, breadth=limit)
        )
        return
    render = {
        GraphFormat.TREE: graphs.render_tree,
        GraphFormat.MERMAID: graphs.render_mermaid,
        GraphFormat.DOT: graphs.render_dot,
    }[format]
    typer.echo(render(graph, start, downstream=downstream, depth=depth, breadth=limit))


@app.command()
def columns(
    ctx: typer.Context,
    column: Annotated[
        str,
        typer.Argument(metavar="DATASET.COLUMN", help="e.g. mart.zastavky_obce.zastavek_na_1000"),
    ],
    format: TableOrJsonOption = TableOrJson.TABLE,
) -> None:
    """Trace one column to its source columns."""
    from cdo_toolkit.errors import CdoError

    dataset, _sep, name = column.rpartition(".")
    if not dataset:
        raise CdoError(_("{column!r}: give DATASET.COLUMN").format(column=column))
    graph = _graph(ctx)
    node = graph.find(dataset)
    # DuckDB matches column names whatever their case; so does this lookup, when one does.
    alike = [known for known in node.columns if known.lower() == name.lower()]
    if name not in node.columns and len(alike) == 1:
        name = alike[0]
    if name not in node.columns:
        raise CdoError(
            _("{dataset} has no recorded lineage for column {name!r}").format(
                dataset=node.name, name=name
            ),
            hint=_("known: {names}").format(names=", ".join(sorted(node.columns)))
            if node.columns
            else None,
        )
    sources = graph.column_sources(node, name)
    if format is TableOrJson.JSON:
        print_json({"dataset": node.name, "column": name, "sources": sources})
        return
    out = console()
    out.print(
        _("{column} comes from:").format(column=f"[bold]{escape(node.name)}.{escape(name)}[/]")
    )
    for places, kinds in _merged_chains(sources).items():
        # A chain ends in a file's path: the terminal, not rich, wraps it, so it stays one
        # piece to copy.
        out.print("  ← " + " ← ".join(escape(place) for place in places), soft_wrap=True)
        out.print("      [dim]" + escape(", ".join(" + ".join(k) for k in kinds)) + "[/]")


def _merged_chains(sources: list[dict[str, Any]]) -> dict[tuple[str, ...], list[list[str]]]:
    """One chain per path of columns, each step with every way it is used: a column that
    is both joined on and grouped by is one chain (``INDIRECT/GROUP_BY + INDIRECT/JOIN``),
    not two. Each step of ``via`` is ``KIND dataset.column``, from the column back."""
    chains: dict[tuple[str, ...], list[list[str]]] = {}
    for item in sources:
        steps = [step.partition(" ") for step in item["via"]]
        kinds = chains.setdefault(tuple(place for _k, _s, place in steps), [[] for _ in steps])
        for used, (kind, _sep, _place) in zip(kinds, steps, strict=True):
            if kind not in used:
                used.append(kind)
    return chains


def _took(started: str | None, ended: str | None) -> str:
    """How long a run took, ``0.4 s`` or ``2 min 5 s``; empty for a run that never ended."""
    from datetime import datetime

    if not started or not ended:
        return ""
    try:
        seconds = (datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()
    except (TypeError, ValueError):  # a time written by another producer, or none
        return ""
    if seconds < 60:
        return decimal(seconds, ".2f" if seconds < 1 else ".1f") + " s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


@app.command()
def flush(ctx: typer.Context) -> None:
    """Send the spooled events to the lineage endpoint, in order."""
    from cdo_toolkit.lineage.context import emitter_for

    emitter = emitter_for(ctx.obj.settings)
    if emitter is None:
        typer.echo(_("lineage is disabled (OPENLINEAGE_DISABLED=true)"))
        return
    delivered, remaining = emitter.flush()
    if not delivered and not remaining:
        typer.echo(
            _(
                "nothing to send: no event is spooled (events wait in the spool only while "
                "the lineage endpoint cannot be reached)"
            )
        )
        return
    typer.echo(
        ngettext(
            "{count} event delivered, {remaining} still spooled",
            "{count} events delivered, {remaining} still spooled",
            delivered,
        ).format(count=delivered, remaining=remaining)
    )
    raise typer.Exit(1 if remaining else 0)
