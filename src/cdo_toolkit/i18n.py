"""Message translation with gettext.

Every user-facing message of the toolkit goes through :func:`_` (or is marked with
:func:`N_` where it is defined, and translated where it is shown). The English text is
the message's key; the Czech catalogue is ``locale/cs/LC_MESSAGES/cdo.po``, compiled to
``cdo.mo`` by ``make messages`` (Babel). A test fails when a message has no translation
or the compiled catalogue is older than its source.

The language is chosen by ``--lang``, ``CDO_LANG``, ``lang:`` in ``cdo.yaml`` or the locale.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

DOMAIN = "cdo"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("cs", "en")

T = TypeVar("T")

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_active = "en"


def _(message: str) -> str:
    """Translate ``message`` with the active catalogue."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate by the number ``n``: Czech has three forms (1 chyba, 2 chyby, 5 chyb)."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (at import time)."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular and plural pair for the catalogue, for :func:`ngettext` where shown."""
    return singular, plural


def locale_language() -> str:
    """``cs`` when the locale is Czech, else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "cs" if value.lower().startswith("cs") else "en"
    return "en"


def use(language: str) -> None:
    """Make ``language`` (``cs`` or ``en``) the language of every message from now on."""
    global _translation, _active
    if language == _active:
        return
    _translation = (
        _gettext.NullTranslations()
        if language == "en"
        else _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    )
    _active = language


def active() -> str:
    return _active


def every_language(make: Callable[[], str | None]) -> str | None:
    """What ``make`` says, in every language, as one text to store (see :func:`stored`)."""
    return stored(in_every_language(make))


def in_every_language(make: Callable[[], T]) -> dict[str, T]:
    """What ``make`` returns with each language active, by language."""
    return {language: in_language(language, make) for language in LANGUAGES}


def stored(texts: dict[str, str | None]) -> str | None:
    """A message in every language as one text to store; None when there is none.

    A submission's verdict is stored once and read by whoever looks later, in their own
    language: the CDO's English audit should not quote a Czech guarantor's rejection in
    Czech. :func:`localized` reads it back.
    """
    import json

    if any(text is None for text in texts.values()):
        return None
    return json.dumps(texts, ensure_ascii=False)


def pick(texts: dict[str, str], language: str) -> str:
    """The text of ``language``, else the English one, else any."""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()))


def in_language(language: str, make: Callable[[], T]) -> T:
    """What ``make`` returns with ``language`` active; the active language is kept."""
    before = _active
    try:
        use(language)
        return make()
    finally:
        use(before)


def localized(stored: str | None) -> str | None:
    """A stored message in the active language: one written by :func:`every_language`
    in that language, any other (older records, a driver's error) as it was written."""
    if not stored or not stored.startswith("{"):
        return stored
    import json

    try:
        texts = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(texts, dict) or not texts or not texts.keys() <= set(LANGUAGES):
        return stored
    return str(pick(texts, _active))


def decimal(value: float, spec: str = ".1f") -> str:
    """``value`` formatted by ``spec`` as the active language writes numbers: 95,4 in
    Czech, 95.4 in English. (Machine outputs, JSON and SQL, keep their numbers.)"""
    text = format(value, spec)
    return text.replace(".", ",") if _active == "cs" else text


def chart_separators() -> str:
    """Plotly's ``separators`` (decimal mark, then thousands separator) of the active
    language."""
    return ", " if _active == "cs" else ".,"


def moment(iso: str, *, time: bool = True) -> str:
    """A UTC time written ISO-style (``2026-12-01T14:05:09Z``) as the active language
    writes it: ``1. 12. 2026 14:05 UTC`` in Czech, ``2026-12-01 14:05 UTC`` in English, or
    only the day (``time=False``); the text as it is when it is no such time."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    day = f"{when.day}. {when.month}. {when.year}" if _active == "cs" else f"{when:%Y-%m-%d}"
    return f"{day} {when:%H:%M} UTC" if time else day
