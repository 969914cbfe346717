"""The root ``cdo`` command: global options, command groups, and error handling.

Every expected failure is a :class:`~cdo_toolkit.errors.CdoError`, printed as one line
``error: …`` with exit code 2. Anything else is a bug: one line too, unless ``--debug``
asks for the traceback. No traceback reaches a user otherwise.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from cdo_toolkit import __version__
from cdo_toolkit.cli import catalog as catalog_cli
from cdo_toolkit.cli import lineage as lineage_cli
from cdo_toolkit.cli import policy as policy_cli
from cdo_toolkit.cli import quality as quality_cli
from cdo_toolkit.cli import registry as registry_cli
from cdo_toolkit.cli import validate as validate_cli
from cdo_toolkit.cli import warehouse as warehouse_cli
from cdo_toolkit.cli.output import print_error, tolerate_narrow_streams
from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import LANGUAGES, _, active, locale_language, use

if TYPE_CHECKING:
    from cdo_toolkit.config import Settings

EXIT_UNUSABLE = 2


@dataclass
class State:
    """Global options, resolved into settings when a command first needs them."""

    registry: str | None = None
    warehouse: str | None = None
    lang: str | None = None
    debug: bool = False
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from cdo_toolkit.config import load_settings

            self._settings = load_settings(
                registry=self.registry, warehouse=self.warehouse, lang=self.lang
            )
            use(self._settings.language)  # cdo.yaml may name the language
        return self._settings


GLOBAL_OPTIONS = {"--registry": True, "--warehouse": True, "--lang": True, "--debug": False}
"""The root command's options, and whether each takes a value."""


def hoist_global_options(args: list[str], ctx: Any = None) -> list[str]:
    """``args`` with the root command's options moved before the command.

    People write ``cdo submit skoly skoly.csv --warehouse postgresql://…`` as often as
    ``cdo --warehouse … submit …``; click would refuse the first with "No such option".
    No command has an option of these names, so they can be taken from anywhere before a
    ``--`` that ends the options.
    """
    hoisted: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            takes_value = GLOBAL_OPTIONS[name] and "=" not in arg
            if takes_value and index + 1 == len(args):
                # Hoisted alone, it would take the command's name for its value.
                raise typer.BadParameter(_("it needs a value"), ctx=ctx, param_hint=name)
            hoisted.extend(args[index : index + 1 + takes_value])
            index += 1 + takes_value
            continue
        rest.append(arg)
        index += 1
    return hoisted + rest


class CdoGroup(TyperGroup):
    """Turns errors into one line and an exit code, for the whole command tree."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            if ctx.parent is None:
                args = hoist_global_options(args, ctx)
            result: list[str] = super().parse_args(ctx, args)
        except typer.TyperException as error:
            _in_language(error, ctx)
            raise
        return result

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CdoError as error:
            if ctx.params.get("debug"):
                raise
            print_error(str(error))
            sys.exit(EXIT_UNUSABLE)
        except KeyboardInterrupt as stop:
            # Ctrl-C: typer would end silently; say what was left (a command that knows
            # more, as submit does, says it in the interruption).
            print_error(str(stop) or _("interrupted"))
            sys.exit(130)
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as error:
            _in_language(error, ctx)  # usage errors: typer prints them and exits
            raise
        except OSError as error:
            # A file the system refused (no permission, a full disk, a folder where a file
            # belongs) where no command foresaw it: the file and the reason, not a bug report.
            if ctx.params.get("debug"):
                raise
            if error.filename is None:
                _internal_error(error)
            print_error(_file_refused(error))
            sys.exit(EXIT_UNUSABLE)
        except Exception as error:
            if ctx.params.get("debug"):
                if isinstance(error, EOFError):  # click would print only "Aborted!"
                    import traceback

                    traceback.print_exc()
                    sys.exit(EXIT_UNUSABLE)
                raise
            _internal_error(error)
        except BaseException as error:
            # A panic of a library written in Rust (polars, calamine) is raised as pyo3's
            # PanicException, which derives from BaseException so as to pass ``except
            # Exception``: an internal error all the same.
            if type(error).__name__ != "PanicException" or ctx.params.get("debug"):
                raise
            _internal_error(error)


def _in_language(error: Exception, ctx: Any) -> None:
    from cdo_toolkit.cli.usage import in_language

    in_language(error, lambda: _language(ctx))


def _language(ctx: Any) -> str:
    """The language of messages, made the active one, for a usage error: said before the
    command has read its settings (cdo.yaml may name the language), or while it does."""
    root = ctx.find_root()
    try:
        if isinstance(root.obj, State):
            return root.obj.settings.language
        from cdo_toolkit.config import load_settings

        language = load_settings(lang=root.params.get("lang")).language
    except CdoError:
        return active()
    use(language)
    return language


def _file_refused(error: OSError) -> str:
    from pathlib import Path

    from cdo_toolkit.errors import with_hint
    from cdo_toolkit.findings import display_path

    return with_hint(
        f"{display_path(Path(error.filename))}: {error.strerror or error}",
        _("check the name, its permissions and the free disk space"),
    )


def _internal_error(error: BaseException) -> NoReturn:
    print_error(
        f"internal error: {type(error).__name__}: {error} "
        "(run again with --debug for the details and report it)"
    )
    sys.exit(EXIT_UNUSABLE)


def _arguments_named_in_words() -> None:
    """Help lists an argument as ``SOURCE <str>``, ``FILE <list[Path]>``: a programmer's
    types, where the option values read ``--source SOURCE``. typer has no setting for it,
    so an argument given a name in words (a metavar) is listed by that name alone. A typer
    without the method keeps its own form (tests/test_cli_registry.py says so)."""
    from typer.core import TyperArgument

    typed = getattr(TyperArgument, "display_type_rich", None)
    if typed is None:
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if self.metavar else typed(self, ctx)

    TyperArgument.display_type_rich = display_type_rich  # type: ignore[method-assign]


_arguments_named_in_words()

app = typer.Typer(
    name="cdo",
    cls=CdoGroup,
    help="Data-governance toolkit of the Liberec Region's Chief Data Officer.",
    epilog="The options may also follow the command: cdo submit SOURCE FILE --warehouse URL.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help: typer's rich help formatter costs more start-up than the rest of the CLI.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(registry_cli.app, name="registry")
app.command("validate")(validate_cli.validate)
app.command("submit")(warehouse_cli.submit)
app.command("history")(warehouse_cli.history)
app.add_typer(warehouse_cli.app, name="warehouse")
app.command("build")(lineage_cli.build)
app.add_typer(lineage_cli.app, name="lineage")
app.command("score")(quality_cli.score)
app.command("audit")(quality_cli.audit)
app.add_typer(policy_cli.app, name="policy")
app.add_typer(catalog_cli.app, name="catalog")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cdo {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    registry: Annotated[
        str | None,
        typer.Option(
            "--registry",
            metavar="PATH",
            help="Registry folder [env CDO_REGISTRY; default ./registry].",
        ),
    ] = None,
    warehouse: Annotated[
        str | None,
        typer.Option(
            "--warehouse",
            metavar="URL",
            help="Warehouse URL [env CDO_WAREHOUSE; default duckdb:///warehouse/cdo.duckdb].",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", metavar="cs|en", help="Language of messages [env CDO_LANG; default locale]."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Registry, validation, warehouse, lineage and quality of the region's data sources."""
    language = lang or os.environ.get("CDO_LANG") or locale_language()
    if language not in LANGUAGES:
        raise CdoError(
            _("unknown language {lang!r}").format(lang=language),
            hint=_("use one of: {langs}").format(langs=", ".join(LANGUAGES)),
        )
    use(language)  # before anything is said; cdo.yaml's lang applies once settings load
    ctx.obj = State(registry=registry, warehouse=warehouse, lang=lang, debug=debug)


def main() -> None:
    """Console-script entry point."""
    # A command lives for seconds, and its objects (the imported libraries', the parsed
    # registry's) mostly live as long. Python's full collections scan them all, again and
    # again as they grow: 0.25-0.3 s of a command over a registry of 500 sources, 0.08 s
    # over the shipped one (docs/performance.md). Full collections wait 10 times longer
    # here; the young generations are collected as usual.
    gc.set_threshold(*gc.get_threshold()[:2], 100)
    tolerate_narrow_streams()
    app(prog_name="cdo")
