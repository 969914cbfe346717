"""The one error type of the project.

Every expected failure (a missing file, an unusable registry, a bad option) raises
:class:`CdoError`. The CLI prints it as one line, ``error: …``, and exits with 2.
"""

from __future__ import annotations


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
        return f"{self.message} ({self.hint})" if self.hint else self.message
