"""Emitting OpenLineage events: always to the local log, and to the configured endpoint.

The local log is a JSON Lines file under the warehouse folder (``lineage/events.jsonl``),
one event per line as the client's file transport writes it (keys sorted); ``cdo lineage
show`` reads it. A further transport comes from the client's own mechanisms
(``openlineage.yml``, ``OPENLINEAGE_URL``, ``OPENLINEAGE__TRANSPORT__…``) or from
``lineage:`` in ``cdo.yaml``: HTTP to Marquez, console, composite. The client is imported
only where one of those is present (its import costs a quarter of a second), and its
transport sends the event as the toolkit built it. HTTP gets a short timeout and one
retry, so a dead endpoint costs seconds, not minutes. When the endpoint fails, the command
still succeeds, warns once, and the event goes to a durable spool
(``lineage/spool.jsonl``, written and synced line by line); ``cdo lineage flush`` sends
the spool again, in order, and removes only what was delivered.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _, ngettext

HTTP_TIMEOUT = 3.0
HTTP_RETRY = {
    "total": 1,
    "backoff_factor": 0.2,
    "status_forcelist": [500, 502, 503, 504],
    "allowed_methods": ["POST"],
}
PRODUCER = "https://github.com/liberecky-kraj/cdo-toolkit"


def _may_be_configured(extra: dict[str, Any] | None) -> bool:
    """Whether any place the client reads its configuration from is present (the
    ``OPENLINEAGE_CONFIG`` file, ``openlineage.yml`` here or in ``~/.openlineage``,
    ``OPENLINEAGE__…`` or ``OPENLINEAGE_URL`` variables), or ``lineage:`` in cdo.yaml."""
    if extra:
        return True
    if any(k == "OPENLINEAGE_URL" or k.startswith("OPENLINEAGE__") for k in os.environ):
        return True
    if os.environ.get("OPENLINEAGE_CONFIG"):
        return True
    homes = [Path("openlineage.yml"), Path.home() / ".openlineage" / "openlineage.yml"]
    return any(path.is_file() for path in homes)


def _configured_transport(extra: dict[str, Any] | None) -> dict[str, Any] | None:
    """The transport the user configured, as a client config dict, or None."""
    if os.getenv("OPENLINEAGE_DISABLED", "").lower().strip() == "true":
        return None
    if not _may_be_configured(extra):
        return None
    from openlineage.client import OpenLineageClient
    from openlineage.client.transport.noop import NoopConfig, NoopTransport

    probe = OpenLineageClient(transport=NoopTransport(NoopConfig()), config=extra or {})
    transport = dict(probe.config.transport or {})
    if transport.get("type"):
        return transport
    url = os.environ.get("OPENLINEAGE_URL")
    if url:
        http: dict[str, Any] = {
            "type": "http",
            "url": url,
            "endpoint": os.environ.get("OPENLINEAGE_ENDPOINT", "api/v1/lineage"),
        }
        if os.environ.get("OPENLINEAGE_API_KEY"):
            http["auth"] = {"type": "api_key", "apiKey": os.environ["OPENLINEAGE_API_KEY"]}
        return http
    return None


def _bounded(transport: dict[str, Any]) -> dict[str, Any]:
    """HTTP transports (also inside a composite) with a short timeout and one retry."""
    transport = dict(transport)
    if transport.get("type") == "http":
        transport.setdefault("timeout", HTTP_TIMEOUT)
        transport["timeout"] = min(float(transport["timeout"]), 30.0)
        transport["retry"] = {
            **HTTP_RETRY,
            **{k: v for k, v in (transport.get("retry") or {}).items() if k != "total"},
        }
    if transport.get("type") == "composite":
        children = transport.get("transports") or {}
        items = children.items() if isinstance(children, dict) else enumerate(children)
        bounded = {str(k): _bounded(v) for k, v in items}
        transport["transports"] = bounded
    return transport


class Emitter:
    """Sends events; never lets lineage break the command that produces it."""

    def __init__(self, folder: Path, extra_config: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.log_path = self.folder / "events.jsonl"
        self.spool_path = self.folder / "spool.jsonl"
        self.extra_config = extra_config
        self._remote: Any = None
        self._remote_resolved = False
        self.warned: set[str] = set()

    def remote_client(self) -> Any:
        if not self._remote_resolved:
            self._remote_resolved = True
            transport = _configured_transport(self.extra_config)
            if transport is not None:
                from openlineage.client import OpenLineageClient

                self._remote = OpenLineageClient(config={"transport": _bounded(transport)})
        return self._remote

    def emit(self, event: dict[str, Any]) -> None:
        """Write ``event`` to the local log, and send it on (or spool it)."""
        line = json.dumps(event, sort_keys=True, default=str)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:  # the local log must not take the command down with it
            self._warn(
                "log",
                _("lineage could not be written to {path}: {reason}").format(
                    path=display_path(self.log_path), reason=exc
                ),
            )
        remote = self.remote_client()
        if remote is None:
            return
        try:
            # The transport serialises what it is given: the event as built, which the
            # client's emit() would refuse for not being one of its classes.
            remote.transport.emit(event)
        except Exception as exc:  # any transport failure: keep the event for a later flush
            try:
                self.spool(line)
            except OSError as lost:  # nowhere to keep it either: said, not an internal error
                self._warn(
                    "lost",
                    _(
                        "the lineage endpoint did not take the event ({reason}), and it could "
                        "not be kept in {path}: {error}"
                    ).format(
                        reason=type(exc).__name__,
                        path=display_path(self.spool_path),
                        error=lost.strerror or lost,
                    ),
                )
                return
            self._warn(
                "spooled",
                _(
                    "the lineage endpoint did not take the event ({reason}); it is kept in {path}, "
                    "send it later with 'cdo lineage flush'"
                ).format(reason=type(exc).__name__, path=display_path(self.spool_path)),
            )

    def spool(self, line: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.spool_path.open("a", encoding="utf-8") as handle:
            handle.write(line.rstrip("\n") + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def _warn(self, kind: str, message: str) -> None:
        """Say ``message`` once for each kind of trouble, not once for each event."""
        if kind not in self.warned:
            sys.stderr.write(f"warning: {message}\n")
            self.warned.add(kind)

    def flush(self) -> tuple[int, int]:
        """Send the spooled events in order; (delivered, still spooled)."""
        if not self.spool_path.exists():
            return 0, 0
        lines = [line for line in self.spool_path.read_text("utf-8").splitlines() if line.strip()]
        remote = self.remote_client()
        if remote is None:
            from cdo_toolkit.errors import CdoError

            raise CdoError(
                ngettext(
                    "no lineage endpoint is configured to send {count} spooled event to",
                    "no lineage endpoint is configured to send {count} spooled events to",
                    len(lines),
                ).format(count=len(lines)),
                hint=_("set OPENLINEAGE_URL, openlineage.yml or lineage: in cdo.yaml"),
            )
        delivered = 0
        for line in lines:
            try:
                # Transports serialise events with Serde, which takes a parsed event as it is.
                remote.transport.emit(json.loads(line))
            except Exception:  # stop at the first failure: the order of events matters
                break
            delivered += 1
        remaining = lines[delivered:]
        if remaining:
            from cdo_toolkit.files import write_atomic

            write_atomic(self.spool_path, "".join(f"{line}\n" for line in remaining), durable=True)
        else:
            self.spool_path.unlink()
        return delivered, len(remaining)
