"""``cdo registry …``: read, list, check and extend the registry of data sources."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cdo_toolkit.cli.output import (
    FindingsFormat,
    FindingsFormatOption,
    TableOrJson,
    TableOrJsonOption,
    TextOrJson,
    TextOrJsonOption,
    console,
    escape,
    fitting,
    listing,
    print_findings,
    print_json,
)
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import N_, _, decimal, ngettext

if TYPE_CHECKING:
    from rich.table import Table

    from cdo_toolkit.registry import LintResult

app = typer.Typer(
    help="The registry of data sources, guarantors and quality standards.", no_args_is_help=True
)

SCHEMA_KINDS = ("source", "registry", "organisations", "guarantors", "standards", "build")


def _registry_path(ctx: typer.Context) -> Path:
    return Path(ctx.obj.settings.registry)


@app.command()
def lint(
    ctx: typer.Context,
    format: FindingsFormatOption = FindingsFormat.TEXT,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
) -> None:
    """Check every registry file; exit 0 clean, 1 findings, 2 unusable registry."""
    from cdo_toolkit.findings import github_annotations
    from cdo_toolkit.registry.lint import lint as run_lint

    result = run_lint(_registry_path(ctx))
    if format is FindingsFormat.JSON:
        print_json(result.to_dict())
    elif format is FindingsFormat.GITHUB:
        typer.echo(github_annotations(result.findings), nl=False)
    else:
        _print_lint(result)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    raise typer.Exit(1 if failed else 0)


def _print_lint(result: LintResult) -> None:
    out = console()
    print_findings(result.findings)
    if result.findings:
        out.print(
            _(
                "{errors} error(s), {warnings} warning(s) in {registry} ({sources} sources read)"
            ).format(
                errors=result.errors,
                warnings=result.warnings,
                registry=result.registry,
                sources=result.sources,
            )
        )
    else:
        message = ngettext(
            "{registry}: {sources} source, no findings",
            "{registry}: {sources} sources, no findings",
            result.sources,
        ).format(registry=escape(result.registry), sources=result.sources)
        out.print(f"[green]{message}[/]")


def _refuse_unknown(option: str, value: str | None, known: list[str]) -> None:
    if value is None or value in known:
        return
    from cdo_toolkit.errors import CdoError, closest

    raise CdoError(
        _("{option}: no such value {value!r}").format(option=option, value=value),
        hint=closest(value, known, _("known: {names}").format(names=", ".join(known))),
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    theme: Annotated[
        str | None, typer.Option("--theme", metavar="THEME", help="Only sources of this theme.")
    ] = None,
    guarantor: Annotated[
        str | None,
        typer.Option("--guarantor", metavar="ID", help="Only sources of this guarantor (id)."),
    ] = None,
    format: TableOrJsonOption = TableOrJson.TABLE,
) -> None:
    """List the registered sources."""
    from cdo_toolkit.registry import list_sources, load_valid
    from cdo_toolkit.registry.models import Theme

    registry = load_valid(_registry_path(ctx), thorough=False)
    # A misspelt filter would list no source, as if the region had none of them.
    _refuse_unknown("--theme", theme, [t.value for t in Theme])
    if guarantor is not None:
        registry.sources_of(guarantor)  # an unknown id stops here, with the id probably meant
    rows = list_sources(registry, theme=theme, guarantor=guarantor)
    if format is TableOrJson.JSON:
        print_json(rows)
        return
    out = console()
    # A narrower terminal gets fewer columns, those that identify a source first.
    _layout, table = fitting(
        out, lambda layout: _sources_table(rows, layout), ("wide", "ids", "standard", "bare")
    )
    out.print(table)


def _id_cell(row: dict[str, Any]) -> str:
    return escape(row["id"]) + (" *" if row["personal_data"] else "")


def _sources_table(rows: list[dict[str, Any]], layout: str) -> Table:
    from rich import box
    from rich.table import Table

    wide = layout == "wide"
    table = Table(
        title=_("Registered sources ({count})").format(count=len(rows)),
        title_justify="left",
        caption=_("* holds personal data; 'cdo registry show ID' tells more")
        if any(row["personal_data"] for row in rows)
        else None,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
    # Ids, themes, standards and frequencies stay whole; titles and names wrap.
    whole = {"no_wrap": True}
    columns: list[tuple[str, dict[str, Any], Callable[[dict[str, Any]], str]]] = [
        ("id", {**whole, "style": "bold"}, _id_cell),
        (_("title"), {"ratio": 3, "min_width": 20}, lambda row: escape(row["title"])),
    ]
    if wide:
        columns += [
            (_("theme"), whole, lambda row: row["theme"]),
            (
                _("guarantor"),
                {"ratio": 2},
                lambda row: escape(row["guarantor_name"] or row["guarantor"]),
            ),
        ]
    elif layout == "ids":
        columns.append((_("guarantor"), {"ratio": 2}, lambda row: escape(row["guarantor"])))
    if layout != "bare":
        columns.append((_("standard"), whole, lambda row: escape(row["standard"])))
    if wide:
        columns.append((_("frequency"), whole, lambda row: row["update_frequency"]))
    for header, options, _cell in columns:
        table.add_column(header, **options)
    for row in rows:
        table.add_row(*(cell(row) for _header, _options, cell in columns))
    return table


@app.command()
def show(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(metavar="ID", help="Source id.")],
    format: TextOrJsonOption = TextOrJson.TEXT,
) -> None:
    """Show everything the registry says of one source."""
    from cdo_toolkit.registry import load_valid, source_details

    details = source_details(load_valid(_registry_path(ctx), thorough=False), source_id)
    if format is TextOrJson.JSON:
        print_json(details)
        return
    _print_details(details)


def _print_details(details: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    title, source_id, file = (escape(details[key]) for key in ("title", "id", "file"))
    out.print(f"[bold]{title}[/] ({source_id})  [dim]{file}[/]")
    out.print(escape(details["description"]))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    guarantor = details.get("guarantor_entry") or {}
    publisher = details.get("publisher_entry") or {}
    standard = details.get("standard_entry") or {}
    personal = details["personal_data"]
    rows = [
        (N_("theme"), details["theme"]),
        (N_("keywords"), ", ".join(details.get("keywords", []))),
        (
            N_("guarantor"),
            f"{guarantor.get('name', details['guarantor'])} <{guarantor.get('email', '?')}>",
        ),
        (N_("publisher"), publisher.get("name", details["publisher"])),
        (N_("standard"), f"{standard.get('title', details['standard'])} ({details['standard']})"),
        (N_("update frequency"), details["update_frequency"]),
        (N_("licence"), details["licence"]),
        (N_("access"), details["access"]),
        (
            N_("personal data"),
            (_("yes") + ": " + ", ".join(personal.get("columns", [])))
            if personal["contains"]
            else _("no"),
        ),
        (
            N_("format"),
            f"{details['format']}, {details.get('encoding') or _('encoding detected')}",
        ),
        (
            N_("dialect"),
            ", ".join(f"{k}={v!r}" for k, v in details["dialect"].items()) or _("detected"),
        ),
        (
            N_("warehouse"),
            f"raw.{details['warehouse']['table']} ({details['warehouse']['load_mode']})",
        ),
        (N_("schema"), details.get("schema_file") or _("inline")),
    ]
    for key, value in rows:
        grid.add_row(_(key), escape(str(value)))
    out.print(grid)
    fields = (details.get("schema") or {}).get("fields", [])
    table = listing("Table Schema")
    for column in (
        N_("field"),
        N_("type"),
        N_("format"),
        N_("required"),
        N_("constraints"),
        N_("title"),
    ):
        # A field name folded mid-word reads as two names.
        table.add_column(_(column), overflow="fold", no_wrap=column in ("field", "type"))
    for item in fields:
        constraints = dict(item.get("constraints", {}))
        required = constraints.pop("required", False)
        table.add_row(
            escape(item.get("name", "")),
            item.get("type", "string"),
            escape(str(item.get("format", ""))),
            _("yes") if required else "",
            escape("; ".join(_constraint(k, v) for k, v in constraints.items())),
            escape(item.get("title", "")),
        )
    out.print(table)
    _print_keys(out, details.get("schema") or {})
    if details.get("checks"):
        _print_checks(out, details["checks"])


def _print_keys(out: Any, schema: dict[str, Any]) -> None:
    """The primary key and the foreign keys, each on a line."""
    from rich.table import Table

    from cdo_toolkit.registry.tableschema import as_list

    keys = Table.grid(padding=(0, 2))
    keys.add_column(style="dim")
    keys.add_column()
    if primary := schema.get("primaryKey"):
        keys.add_row(_("primary key"), escape(", ".join(as_list(primary))))
    for fk in schema.get("foreignKeys", []):
        reference = fk.get("reference") or {}
        resource = reference.get("resource") or ""
        target = ", ".join(f"{resource}.{f}".lstrip(".") for f in as_list(reference["fields"]))
        said = f"{', '.join(as_list(fk['fields']))} → {target}"
        keys.add_row(_("foreign key"), escape(said))
    if keys.row_count:
        out.print(keys)


SEVERITIES = {"error": N_("error"), "warning": N_("warning")}


def _print_checks(out: Any, checks: list[dict[str, Any]]) -> None:
    """The registry's checks beyond the Table Schema, each in words with its severity."""
    table = listing(_("Checks beyond the Table Schema"))
    for column in (N_("check"), N_("field"), N_("rule"), N_("severity")):
        table.add_column(_(column), overflow="fold", no_wrap=column == "check")
    for check in checks:
        table.add_row(
            check["type"],
            escape(check.get("field") or ""),
            escape(_check_rule(check)),
            _(SEVERITIES[check.get("severity", "error")]),
        )
    out.print(table)


def _check_rule(check: dict[str, Any]) -> str:
    """What a registry check asks, in words: ``codes of obce.kod_obce``, ``at most 2 per cent
    of the cells empty``, ``cerpani: skutecnost <= upraveny_rozpocet * 1.5``."""
    kind = check["type"]
    if kind == "code-list":
        return _("codes of {source}.{field}").format(
            source=check["source"], field=check["source_field"]
        )
    if kind == "ico":
        return _("an IČO with a valid check digit")
    if kind == "deviation":
        return _("within {sigma} standard deviations of the mean").format(
            sigma=decimal(check["sigma"], "g")
        )
    if kind == "null-share":
        return _("at most {max} per cent of the cells empty").format(max=decimal(check["max"], "g"))
    if kind == "row-rule":
        return f"{check['name']}: {check['expression']}"
    return ", ".join(f"{k} {v}" for k, v in check.items() if k not in ("type", "severity"))


def _constraint(name: str, value: object) -> str:
    """A constraint as its author wrote it, not as Python prints it: ``unique``,
    ``maximum 5000``, ``enum: mateřská škola | základní škola``."""
    if value is True:
        return name
    if isinstance(value, list):
        return f"{name}: " + " | ".join(str(v) for v in value)
    return f"{name} {value}"


@app.command()
def schema(
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="Which file: source, registry, organisations, guarantors or standards.",
        ),
    ] = "source",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FOLDER",
            help="Write the schemas of all kinds into this folder instead.",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of registry files, for editor completion."""
    import json

    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.registry.jsonschema import file_json_schema

    if out is not None:
        from cdo_toolkit.files import make_folder, write_atomic

        make_folder(out)
        for name in SCHEMA_KINDS:
            target = out / f"{name}.schema.json"
            write_atomic(
                target, json.dumps(file_json_schema(name), ensure_ascii=False, indent=2) + "\n"
            )
            typer.echo(target.as_posix())
        return
    if kind not in SCHEMA_KINDS:
        raise CdoError(
            _("unknown kind {kind!r}").format(kind=kind),
            hint=_("one of: {kinds}").format(kinds=", ".join(SCHEMA_KINDS)),
        )
    print_json(file_json_schema(kind))


@app.command()
def add(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(metavar="ID", help="Id of the new source.")],
    from_file: Annotated[
        Path,
        typer.Option(
            "--from",
            metavar="FILE",
            help="A data file of the source (CSV, TSV, XLSX, XLS, ODS, JSON, JSON lines; "
            "also in .gz or .zip).",
        ),
    ],
    guarantor: Annotated[
        str | None, typer.Option("--guarantor", metavar="ID", help="Guarantor id.")
    ] = None,
    standard: Annotated[
        str | None, typer.Option("--standard", metavar="ID", help="Quality standard id.")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", metavar="TEXT", help="Title in Czech.")
    ] = None,
    theme: Annotated[str | None, typer.Option("--theme", metavar="THEME", help="Theme.")] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            metavar="NAME|NUMBER",
            help="The workbook's sheet to describe: its name or number.",
        ),
    ] = None,
    schema: Annotated[
        Path | None,
        typer.Option(
            "--schema",
            metavar="FILE",
            help="A Table Schema, or a CSVW description (*.csv-metadata.json), to take as "
            "given rather than infer one.",
        ),
    ] = None,
) -> None:
    """Onboard a source: infer its dialect, encoding and Table Schema from a file."""
    from cdo_toolkit.registry.infer import add_source

    path, warnings = add_source(
        _registry_path(ctx),
        source_id,
        from_file,
        guarantor=guarantor,
        standard=standard,
        title=title,
        theme=theme,
        sheet=sheet,
        schema=schema,
    )
    typer.echo(display_path(path))
    err = console(stderr=True)
    for warning in warnings:
        err.print("[yellow]" + _("warning") + f":[/] {escape(warning)}")


@app.command()
def init(ctx: typer.Context) -> None:
    """Begin a new registry at --registry: the region, its office and three quality
    standards; guarantors and sources to be added."""
    from cdo_toolkit.registry.scaffold import init_registry

    root = _registry_path(ctx)
    for path in init_registry(root):
        typer.echo(display_path(path) + ("/" if path.is_dir() else ""))
    console(stderr=True).print(
        escape(
            _(
                "next: add the region's guarantors to {guarantors}, onboard each source with "
                "'cdo registry add ID --from FILE', and check the registry with "
                "'cdo registry lint'"
            ).format(guarantors=display_path(root / "guarantors.yaml"))
        )
    )
