"""``cdo catalog …``: publication of the public sources to the national catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cdo_toolkit.cli.output import TextOrJson, TextOrJsonOption, console, escape, print_json
from cdo_toolkit.i18n import _, ngettext

app = typer.Typer(
    help="The region's open-data catalogue in DCAT-AP-CZ (2024-05-28).", no_args_is_help=True
)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder of the catalogue's records.")
    ] = Path("catalog"),
) -> None:
    """Write katalog.jsonld and datove-sady/<id>.jsonld for every public source.

    A source that lacks something publication needs is left out and named (exit 1).
    """
    from cdo_toolkit.catalog.dcat import build, write
    from cdo_toolkit.findings import display_path
    from cdo_toolkit.registry import load_valid

    result = build(load_valid(Path(ctx.obj.settings.registry), thorough=False))
    written = write(result, out)
    out_console = console()
    for source_id, gaps in result.gaps.items():
        out_console.print(
            "[yellow]" + _("left out") + f"[/] {escape(source_id)}: {escape('; '.join(gaps))}"
        )
    out_console.print(
        _("{datasets} and the catalogue written to {folder} ({files})").format(
            datasets=ngettext("{count} dataset", "{count} datasets", len(result.datasets)).format(
                count=len(result.datasets)
            ),
            folder=escape(display_path(out)),
            files=ngettext("{count} file", "{count} files", len(written)).format(
                count=len(written)
            ),
        )
    )
    raise typer.Exit(1 if result.gaps else 0)


@app.command("check")
def check(
    ctx: typer.Context,
    format: TextOrJsonOption = TextOrJson.TEXT,
) -> None:
    """Publication readiness of each public dataset: metadata and valid latest data.

    Exit 0 when every public dataset is ready, 1 when one is not.
    """
    from cdo_toolkit.catalog.readiness import check as run_check
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.warehouse.url import parse_url

    settings = ctx.obj.settings
    registry = load_valid(Path(settings.registry), thorough=False)
    results = run_check(registry, parse_url(settings.warehouse, settings.root))
    if format is TextOrJson.JSON:
        print_json([r.to_dict() for r in results])
    else:
        from rich.table import Table

        out = console()
        for item in results:
            if item.ready:
                out.print("[green]" + _("ready") + f"[/] {escape(item.source)}")
                continue
            out.print("[red]" + _("not ready") + f"[/] {escape(item.source)}")
            # A grid, so that a long gap wraps under its own text, not under the dash.
            gaps = Table.grid(padding=(0, 1))
            gaps.add_column(width=3, justify="right")
            gaps.add_column()
            for gap in item.gaps:
                gaps.add_row("–", escape(gap))
            out.print(gaps)
        ready = sum(r.ready for r in results)
        if not results:
            out.print(
                _(
                    "no public dataset: the catalogue publishes the sources whose entry says "
                    "access: public"
                )
            )
            raise typer.Exit(0)
        out.print(
            ngettext(
                "{ready} of {total} public dataset ready for publication",
                "{ready} of {total} public datasets ready for publication",
                len(results),
            ).format(ready=ready, total=len(results))
        )
    raise typer.Exit(0 if all(r.ready for r in results) else 1)
