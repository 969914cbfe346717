"""Emitting OpenLineage events: always to the local log, and to the configured endpoint.

The local log is the client's file transport in append mode (JSON Lines) under the
warehouse folder (``lineage/events.jsonl``); ``cdo lineage show`` reads it. A further
transport comes from the client's own mechanisms (``openlineage.yml``, ``OPENLINEAGE_URL``,
``OPENLINEAGE__TRANSPORT__…``) or from ``lineage:`` in ``cdo.yaml``: HTTP to Marquez,
console, composite. HTTP gets a short timeout and one retry, so a dead endpoint costs
seconds, not minutes. When the endpoint fails, the command still succeeds, warns once, and
the event goes to a durable spool (``lineage/spool.jsonl``, written and synced line by
line); ``cdo lineage flush`` sends the spool again, in order, and removes only what was
delivered.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from cdo_toolkit.i18n import _, ngettext

HTTP_TIMEOUT = 3.0
HTTP_RETRY = {
    "total": 1,
    "backoff_factor": 0.2,
    "status_forcelist": [500, 502, 503, 504],
    "allowed_methods": ["POST"],
}
PRODUCER = "https://github.com/liberecky-kraj/cdo-toolkit"


def _configured_transport(extra: dict[str, Any] | None) -> dict[str, Any] | None:
    """The transport the user configured, as a client config dict, or None."""
    from openlineage.client import OpenLineageClient
    from openlineage.client.transport.noop import NoopConfig, NoopTransport

    if os.getenv("OPENLINEAGE_DISABLED", "").lower().strip() == "true":
        return None
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
        self._local: Any = None
        self._remote: Any = None
        self._remote_resolved = False
        self.warned = False

    def _local_client(self) -> Any:
        if self._local is None:
            from openlineage.client import OpenLineageClient

            self.folder.mkdir(parents=True, exist_ok=True)
            self._local = OpenLineageClient(
                config={
                    "transport": {
                        "type": "file",
                        "log_file_path": str(self.log_path),
                        "append": True,
                    }
                }
            )
        return self._local

    def remote_client(self) -> Any:
        if not self._remote_resolved:
            self._remote_resolved = True
            transport = _configured_transport(self.extra_config)
            if transport is not None:
                from openlineage.client import OpenLineageClient

                self._remote = OpenLineageClient(config={"transport": _bounded(transport)})
        return self._remote

    def emit(self, event: Any) -> None:
        """Write ``event`` to the local log, and send it on (or spool it)."""
        try:
            self._local_client().emit(event)
        except Exception as exc:  # the local log must not take the command down with it
            self._warn(
                _("lineage could not be written to {path}: {reason}").format(
                    path=self.log_path, reason=exc
                )
            )
        remote = self.remote_client()
        if remote is None:
            return
        try:
            remote.emit(event)
        except Exception as exc:  # any transport failure: keep the event for a later flush
            from openlineage.client.serde import Serde

            self.spool(Serde.to_json(event))
            self._warn(
                _(
                    "the lineage endpoint did not take the event ({reason}); it is kept in {path}, "
                    "send it later with 'cdo lineage flush'"
                ).format(reason=type(exc).__name__, path=self.spool_path)
            )

    def spool(self, line: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.spool_path.open("a", encoding="utf-8") as handle:
            handle.write(line.rstrip("\n") + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def _warn(self, message: str) -> None:
        if not self.warned:
            sys.stderr.write(f"warning: {message}\n")
            self.warned = True

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
