"""Usage errors (an unknown option or command, a missing argument, a value out of range)
said in the language of messages.

typer words them in English, partly in pydantic's words (``Input should be a valid
integer``); a guarantor working in Czech reads them in Czech. Each kind known here is
said again from what the error holds; a wording not known here keeps typer's English,
so that nothing is lost when typer words it otherwise.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from cdo_toolkit.i18n import _

# typer's suggestions come quoted, one or several: "Did you mean 'list', 'lint'?"
_NO_COMMAND = re.compile(r"No such command '(?P<name>.*?)'\.(?: Did you mean (?P<near>.+)\?)?$")
_EXTRA = re.compile(r"Got unexpected extra arguments? ?(?:\(s\))? \((?P<args>.*)\)$")
_NEEDS_VALUE = re.compile(r"Option '(?P<name>.*?)' requires an argument\.$")
_LESS = re.compile(r"Input should be less than or equal to (?P<n>\S+)$")
_GREATER = re.compile(r"Input should be greater than or equal to (?P<n>\S+)$")
_INTEGER = re.compile(r"Input should be a valid integer\b.*$")
_NUMBER = re.compile(r"Input should be a valid number\b.*$")
_NAMED = re.compile(
    r"(?:Invalid value for|Missing (?:argument|option|parameter)) (?P<name>.+?)(?::|\.)"
)
_CHOICE = re.compile(r"(?:Value error, )?'(?P<value>.*?)' is not one of (?P<choices>.*?)\.?$")


def in_language(error: Any, language: Callable[[], str]) -> None:
    """Have ``error`` (a click/typer usage error) shown in the language ``language()``
    names, when that is not English: its message, the usage line and the hint to help."""
    if getattr(error, "exit_code", None) != 2 or not hasattr(error, "format_message"):
        return
    if language() == "en":
        return
    try:
        message = said(error)
    except Exception:  # an error typer built otherwise: shown as typer words it
        message = None
    if message is None:
        return
    ctx = getattr(error, "ctx", None)

    def show(file: Any = None) -> None:
        # "Usage:" and "Error:" stay as markers, as every error of cdo starts "error:".
        out = file or sys.stderr
        if ctx is not None:
            option = ctx.help_option_names[0] if ctx.help_option_names else "--help"
            hint = _("Help: {command} {option}").format(command=ctx.command_path, option=option)
            print(f"{ctx.get_usage()}\n{hint}\n", file=out)
        print(f"Error: {message}", file=out)

    error.show = show  # typer calls show() (its rich formatting is off: cli/app.py)


def said(error: Any) -> str | None:
    """The error's message in the active language, or None where its wording is not known."""
    kind = type(error).__name__
    text = str(getattr(error, "message", "") or "")
    if kind == "NoSuchOption":
        near = sorted(getattr(error, "possibilities", None) or [])
        unknown = _("no such option: {name}").format(name=error.option_name)
        return unknown + (
            " (" + _("did you mean {names}?").format(names=", ".join(near)) + ")" if near else ""
        )
    if kind == "MissingParameter":
        hint = _hint(error)
        if getattr(error.param, "param_type_name", "") == "argument":
            return _("missing argument {name}").format(name=hint)
        return _("missing option {name}").format(name=hint)
    if kind == "BadParameter":
        return _("invalid value of {name}: {reason}").format(
            name=_hint(error), reason=_value_said(text)
        )
    if found := _NO_COMMAND.match(text):
        unknown = _("no such command {name!r}").format(name=found["name"])
        if found["near"]:
            return unknown + " (" + _("did you mean {names}?").format(names=found["near"]) + ")"
        return unknown
    if found := _EXTRA.match(text):
        return _("unexpected extra arguments: {args}").format(args=found["args"])
    if found := _NEEDS_VALUE.match(text):
        return _("option {name} needs a value").format(name=found["name"])
    return None


def _hint(error: Any) -> str:
    """The parameter as typer names it in its own message (``'--from'``, ``'FILE'``):
    its way of naming one differs between its versions, its message's form does not."""
    found = _NAMED.match(error.format_message())
    return found["name"] if found else ""


def _value_said(text: str) -> str:
    """A value's fault in the active language: the words typer takes from pydantic said
    again where known; our own checks' words are in it already."""
    if found := _LESS.match(text):
        return _("it must be at most {n}").format(n=found["n"])
    if found := _GREATER.match(text):
        return _("it must be at least {n}").format(n=found["n"])
    if _INTEGER.match(text):
        return _("write a whole number")
    if _NUMBER.match(text):
        return _("write a number")
    if found := _CHOICE.match(text):
        return _("{value!r} is none of {choices}").format(
            value=found["value"], choices=found["choices"]
        )
    # Our own words, said before the language was chosen (`cdo --lang` with no value),
    # are a message of the catalogue: looked up again now.
    return _(text)
