"""Warehouse URLs: ``duckdb:///relative/path.duckdb``, ``duckdb:////absolute/path``,
``postgresql://user:password@host:port/database``, or a bare path to a ``.duckdb`` file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from cdo_toolkit.errors import CdoError
from cdo_toolkit.i18n import _


@dataclass(frozen=True)
class WarehouseUrl:
    kind: str
    """duckdb or postgres."""
    url: str
    path: Path | None = None
    """The database file (DuckDB)."""

    @property
    def safe(self) -> str:
        """The URL without its password, for messages, reports and lineage."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    @property
    def folder(self) -> Path:
        """Where the landing zone and quarantine live by default."""
        if self.path is not None:
            return self.path.parent
        return Path("warehouse")


def parse_url(url: str, root: Path) -> WarehouseUrl:
    """Read a warehouse URL; relative DuckDB paths are relative to ``root``.

    A bare path to a ``.duckdb`` file is taken for its ``duckdb://`` URL: it is what people
    type for a file, and it can mean nothing else.
    """
    if "://" not in url and url.endswith(".duckdb") and not url.startswith("duckdb:"):
        url = "duckdb:///" + Path(url).expanduser().as_posix()
    if url.startswith("duckdb:"):
        # duckdb:/x.duckdb, a slash short, would otherwise be a file under ./duckdb:/
        rest = url[len("duckdb://") :] if url.startswith("duckdb://") else ""
        if not rest.startswith("/") or rest == "/":
            raise CdoError(
                _("invalid DuckDB URL {url!r}").format(url=url),
                hint=_("use duckdb:///relative/file.duckdb or duckdb:////absolute/file.duckdb"),
            )
        relative = rest[1:]
        path = Path(relative) if relative.startswith("/") else root / relative
        return WarehouseUrl("duckdb", url, path)
    if url.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(url)
        if not parts.hostname and not parts.path.strip("/"):
            raise CdoError(
                _("invalid PostgreSQL URL {url!r}").format(url=WarehouseUrl("postgres", url).safe)
            )
        return WarehouseUrl("postgres", url)
    raise CdoError(
        _("unsupported warehouse URL {url!r}").format(url=WarehouseUrl("x", url).safe),
        hint=_("use duckdb:///warehouse/cdo.duckdb or postgresql://user@host:5432/db"),
    )
