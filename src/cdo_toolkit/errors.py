"""The one error type of the project.

Every expected failure (a missing file, an unusable registry, a bad option) raises
:class:`CdoError`. The CLI prints it as one line, ``error: …``, and exits with 2.
"""

from __future__ import annotations

from collections.abc import Iterable


def with_hint(text: str, hint: str | None) -> str:
    """``text (hint)``: how errors, findings and report lines add what to do."""
    return f"{text} ({hint})" if hint else text


class CdoError(Exception):
    """An expected failure, told to the user in one line.

    Args:
        message: what is wrong and where (file, row, column when known).
        hint: what the user can do about it.
        code: a stable code with the slice prefix (``REG…``, ``VAL…``), when one applies.
    """

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code

    def __str__(self) -> str:
        return with_hint(self.message, self.hint)


def closest(value: str, known: Iterable[str], otherwise: str | None = None) -> str | None:
    """The hint for an unknown name: the known one probably meant, else ``otherwise``."""
    import difflib

    from cdo_toolkit.i18n import _

    close = difflib.get_close_matches(value, list(known), n=1)
    return _("did you mean {id!r}?").format(id=close[0]) if close else otherwise
