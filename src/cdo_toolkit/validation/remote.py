"""Fetching a remote file, only when ``--allow-remote`` says so, with a size limit."""

from __future__ import annotations

import contextlib
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import _

MAX_DOWNLOAD_BYTES = 4 * 1024**3
TIMEOUT_SECONDS = 60


@contextlib.contextmanager
def download(url: str) -> Iterator[Path]:
    """The URL's content in a temporary file, kept while the block runs."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise CdoError(
            _("only http and https URLs can be fetched, not {scheme}").format(scheme=parsed.scheme)
        )
    name = PurePosixPath(parsed.path).name or "download.csv"
    with tempfile.TemporaryDirectory(prefix="cdo-remote-") as folder:
        target = Path(folder) / name
        try:
            with (
                urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response,
                target.open("wb") as out,
            ):
                total = 0
                while chunk := response.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_DOWNLOAD_BYTES:
                        raise CdoError(
                            _("{url} is larger than {limit} bytes").format(
                                url=url, limit=MAX_DOWNLOAD_BYTES
                            )
                        )
                    out.write(chunk)
        except OSError as exc:
            raise CdoError(_("cannot fetch {url}: {reason}").format(url=url, reason=exc)) from None
        yield target
