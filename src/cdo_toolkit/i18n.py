"""Message translation.

Every user-facing message goes through :func:`_`, so that the message catalogue
mechanism (gettext) can carry it into Czech. Until a catalogue is installed, the
English source text is shown.
"""

from __future__ import annotations

import gettext as _gettext

_translation: _gettext.NullTranslations = _gettext.NullTranslations()


def _(message: str) -> str:
    """Translate ``message`` with the active catalogue."""
    return _translation.gettext(message)
