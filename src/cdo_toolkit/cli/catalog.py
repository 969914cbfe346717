"""``cdo catalog …``: publication of the public sources to the national catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cdo_toolkit.cli.output import TextOrJson, console, escape, print_json

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
        out_console.print(f"[yellow]left out[/] {escape(source_id)}: {escape('; '.join(gaps))}")
    out_console.print(
        f"{len(result.datasets)} dataset(s) and the catalogue written to "
        f"{escape(display_path(out))} ({len(written)} files)"
    )
    raise typer.Exit(1 if result.gaps else 0)


@app.command("check")
def check(
    ctx: typer.Context,
    format: Annotated[
        TextOrJson, typer.Option("--format", help="Output format.")
    ] = TextOrJson.TEXT,
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
        out = console()
        for item in results:
            if item.ready:
                out.print(f"[green]ready[/]     {escape(item.source)}")
                continue
            out.print(f"[red]not ready[/] {escape(item.source)}")
            for gap in item.gaps:
                out.print(f"          - {escape(gap)}")
        ready = sum(r.ready for r in results)
        out.print(f"{ready} of {len(results)} public dataset(s) ready for publication")
    raise typer.Exit(0 if all(r.ready for r in results) else 1)
