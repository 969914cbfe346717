"""``cdo score`` and ``cdo audit``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cdo_toolkit.cli.output import (
    TableOrJson,
    TableOrJsonOption,
    console,
    escape,
    fitting,
    print_json,
)
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _, decimal, ngettext


def _context(ctx: typer.Context) -> tuple[Any, Any, Path]:
    from cdo_toolkit.registry import load_valid
    from cdo_toolkit.warehouse.url import parse_url

    settings = ctx.obj.settings
    registry = load_valid(Path(settings.registry), thorough=False)
    return parse_url(settings.warehouse, settings.root), registry, Path(settings.root) / "policies"


def _scorecard(scores: list[Any]) -> None:
    out = console()
    # Every dimension with its whole name where that fits, else with names cut; a narrow
    # terminal gets the verdicts alone.
    _layout, table = fitting(
        out, lambda layout: _score_table(scores, layout), ("full", "short", "narrow")
    )
    out.print(table)
    # What is below the standard, in words under the table: a red cell says nothing in a
    # log without colours, and a narrow terminal shows no dimension at all.
    for s in scores:
        if below := _below_standard(s):
            out.print(
                _("{source} does not meet the standard {standard}: {what}").format(
                    source=escape(s.source), standard=escape(s.standard), what=", ".join(below)
                )
            )


def _below_standard(s: Any) -> list[str]:
    """What keeps a source below its standard: not scored, or each dimension under its
    threshold, with its value and the threshold ("Completeness 70.4 (at least 95)")."""
    from cdo_toolkit.quality.score import DIMENSION_LABELS, status_label

    if s.score is None:
        return [status_label(s.status)]
    return [
        _("{dimension} {value} (at least {threshold})").format(
            dimension=_(label),
            value=decimal(s.dimensions[key]),
            threshold=decimal(s.thresholds[key], "g"),
        )
        for key, label in DIMENSION_LABELS.items()
        if s.met.get(key) is False
    ]


def _score_table(scores: list[Any], layout: str) -> Any:
    from rich import box
    from rich.table import Table

    from cdo_toolkit.quality.score import DIMENSION_LABELS, status_label

    narrow = layout == "narrow"
    table = Table(
        title=_("Quality of the region's sources"), title_justify="left", box=box.SIMPLE_HEAD
    )
    table.add_column(_("source"), no_wrap=True)
    table.add_column(_("score"), justify="right", no_wrap=True)
    table.add_column(_("grade"), justify="center")
    table.add_column(_("trend"), justify="right")
    table.add_column(_("standard"), no_wrap=True)
    if not narrow:
        for label in DIMENSION_LABELS.values():
            name = _(label)
            cut = layout == "short" and len(name) > 6
            table.add_column(name[:5] + "." if cut else name, justify="right", no_wrap=True)
    for s in scores:
        if s.score is not None:
            shown = decimal(s.score)
        else:
            shown = "–" if narrow else f"[dim]{status_label(s.status)}[/]"
        cells = [
            escape(s.source),
            shown,
            s.grade,
            "" if s.trend is None else decimal(s.trend, "+.1f"),
            f"[green]{escape(s.standard)} ✓[/]" if s.passes else f"[red]{escape(s.standard)} ✗[/]",
        ]
        if not narrow:
            for key in DIMENSION_LABELS:
                value = s.dimensions.get(key)
                text = "–" if value is None else f"{value:.0f}"
                cells.append(f"[red]{text}[/]" if s.met.get(key) is False else text)
        table.add_row(*cells)
    return table


def _warn_if_absent(url: Any) -> None:
    """A mistyped --warehouse reads as a warehouse that holds nothing: said, on stderr."""
    from cdo_toolkit.warehouse.connection import absent

    if absent(url):
        console(stderr=True).print(
            "[yellow]"
            + _("warning")
            + ":[/] "
            + escape(
                _(
                    "the warehouse {path} does not exist: every source is scored as never "
                    "submitted and nothing is stored (check --warehouse, or submit first)"
                ).format(path=display_path(url.path))
            )
        )


def _warn_unstored(reason: str) -> None:
    console(stderr=True).print(
        "[yellow]"
        + _("warning")
        + ":[/] "
        + escape(
            _(
                "the scores were not stored, so the history misses this run ({reason}); "
                "an account that may write cdo_meta.scores keeps it"
            ).format(reason=reason)
        )
    )


def _exit_if_below(scores: list[Any], fail_under: float | None) -> None:
    """Exit 1 when a scored source is below ``fail_under`` (unscored ones do not count)."""
    if fail_under is not None and any(s.score is not None and s.score < fail_under for s in scores):
        raise typer.Exit(1)


FailUnderOption = Annotated[
    float | None,
    typer.Option(
        "--fail-under",
        metavar="SCORE",
        min=0,
        max=100,
        help="Exit 1 if a scored source is below this score (0-100).",
    ),
]


GuarantorOption = Annotated[
    str | None,
    typer.Option("--guarantor", metavar="ID", help="Only the sources of this guarantor."),
]


def score(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None,
        typer.Argument(metavar="SOURCE", help="Sources to score (default: all)."),
    ] = None,
    guarantor: GuarantorOption = None,
    format: TableOrJsonOption = TableOrJson.TABLE,
    fail_under: FailUnderOption = None,
) -> None:
    """Score sources in the warehouse, per dimension, and store the result."""
    from cdo_toolkit.quality.policy import load_policy
    from cdo_toolkit.quality.score import score as run

    url, registry, policies = _context(ctx)
    wanted = sources or None
    if guarantor is not None:
        if sources:
            from cdo_toolkit.errors import CdoError

            raise CdoError(_("give sources or --guarantor, not both"))
        wanted = registry.sources_of(guarantor)
    for source in wanted or []:
        registry.source(source)  # a mistyped id is said before the warehouse's warning
    _warn_if_absent(url)
    results = run(url, registry, wanted, policy=load_policy(policies), on_unstored=_warn_unstored)
    if format is TableOrJson.JSON:
        print_json([r.to_dict() for r in results])
    else:
        _scorecard(results)
    _exit_if_below(results, fail_under)


def audit(
    ctx: typer.Context,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Write the report for the leadership here."),
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option("--markdown", metavar="FILE", help="Write the report as Markdown here."),
    ] = None,
    guarantor: GuarantorOption = None,
    format: TableOrJsonOption = TableOrJson.TABLE,
    fail_under: FailUnderOption = None,
) -> None:
    """Score every source, list what each guarantor must fix, write the reports."""
    from cdo_toolkit.files import same_file

    if html is not None and markdown is not None and same_file(html, markdown):
        from cdo_toolkit.errors import CdoError

        raise CdoError(
            _("--html and --markdown name the same file, {file}").format(file=html),
            hint=_("give each report its own name"),
        )
    from cdo_toolkit.quality import report
    from cdo_toolkit.quality.audit import audit as run

    url, registry, policies = _context(ctx)
    if guarantor is not None:
        registry.sources_of(guarantor)  # a mistyped id is said before the warehouse's warning
    _warn_if_absent(url)
    result = run(url, registry, policies, guarantor, on_unstored=_warn_unstored)
    from cdo_toolkit.files import write_atomic

    if html is not None:
        write_atomic(html, report.html(result))
    if markdown is not None:
        write_atomic(markdown, report.markdown(result))
    if format is TableOrJson.JSON:
        print_json(result.to_dict())
    else:
        _scorecard(result.scores)
        out = console()
        if result.to_fix:
            out.print("\n[bold]" + escape(_("What to fix – by guarantor")) + "[/]")
        # One line per source, its worst item first: a guarantor of many sources read as
        # one paragraph of them.
        from rich.table import Table

        for guarantor, entries in result.to_fix.items():
            name = result.guarantors.get(guarantor, {}).get("name", guarantor)
            out.print(f"[bold]{escape(name)}[/]")
            rows = Table.grid(padding=(0, 1))
            rows.add_column(no_wrap=True)
            rows.add_column()
            for e in entries:
                rows.add_row(f"  {escape(e['source'])}:", escape(_worst(e["items"])))
            out.print(rows)
        if result.findings:
            errors = sum(1 for f in result.findings if f["severity"] == "error")
            out.print(
                _(
                    "registry and policies: {errors}, {warnings} (cdo registry lint, cdo policy check)"
                ).format(
                    errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
                    warnings=ngettext(
                        "{count} warning", "{count} warnings", len(result.findings) - errors
                    ).format(count=len(result.findings) - errors),
                )
            )
        if unchecked := result.unchecked_policies:
            out.print("[yellow]" + _("note") + f":[/] {escape(unchecked)}")
        for path in (html, markdown):
            if path is not None:
                out.print(_("report written: {path}").format(path=escape(str(path))))
    _exit_if_below(result.scores, fail_under)


def _worst(items: list[dict[str, Any]]) -> str:
    """A source's worst item, and how many more the JSON, Markdown and HTML reports list."""
    more = len(items) - 1
    if not more:
        return str(items[0]["what"])
    return _("{what} (and {more})").format(
        what=items[0]["what"],
        more=ngettext("{count} more", "{count} more", more).format(count=more),
    )
