"""``cdo policy …``: the region's governance rules over the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cdo_toolkit.cli.output import (
    FindingsFormat,
    FindingsFormatOption,
    console,
    print_findings,
    print_json,
)
from cdo_toolkit.i18n import _, ngettext

app = typer.Typer(help="Governance policies as code (policies/*.yaml).", no_args_is_help=True)


@app.command("check")
def check(
    ctx: typer.Context,
    format: FindingsFormatOption = FindingsFormat.TEXT,
    policies: Annotated[
        Path | None,
        typer.Option("--policies", metavar="PATH", help="Policy folder [default ./policies]."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
) -> None:
    """Check the registry against every policy; exit 1 on a violation of error severity."""
    from cdo_toolkit.findings import github_annotations
    from cdo_toolkit.policies.check import check as run_check
    from cdo_toolkit.policies.check import load_rules
    from cdo_toolkit.registry import load_valid

    settings = ctx.obj.settings
    folder = policies or Path(settings.root) / "policies"
    rules = load_rules(folder)
    from cdo_toolkit.quality.policy import load_policy

    load_policy(folder)  # the scoring settings beside the rules: a mistake stops CI here too
    registry = load_valid(Path(settings.registry), thorough=False)
    findings = run_check(registry, rules, lang=settings.language)
    errors = sum(1 for f in findings if f.severity.value == "error")
    warnings = len(findings) - errors
    if format is FindingsFormat.JSON:
        print_json(
            {
                "rules": len(rules),
                "errors": errors,
                "warnings": warnings,
                "findings": [f.to_dict() for f in findings],
            }
        )
    elif format is FindingsFormat.GITHUB:
        typer.echo(github_annotations(findings), nl=False)
    else:
        print_findings(findings)
        out = console()
        if findings:
            out.print(
                _("{errors}, {warnings} {rules}").format(
                    errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
                    warnings=ngettext("{count} warning", "{count} warnings", warnings).format(
                        count=warnings
                    ),
                    rules=ngettext("from {count} rule", "from {count} rules", len(rules)).format(
                        count=len(rules)
                    ),
                )
            )
        else:
            clean = _("{rules} rules, no violations").format(rules=len(rules))
            out.print(f"[green]{clean}[/]")
    raise typer.Exit(1 if errors or (strict and warnings) else 0)
