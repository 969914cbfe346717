"""``cdo catalog check``: what each public dataset lacks before it may be published.

A dataset is ready when its DCAT-AP-CZ record has every mandatory field (see
:mod:`cdo_toolkit.catalog.dcat`) and the latest data the warehouse received for it was
valid: its last submission was accepted. Data that failed validation is not published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdo_toolkit.catalog.dcat import dataset_record, public_sources
from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _
from cdo_toolkit.registry.registry import id_order
from cdo_toolkit.warehouse.meta import VALID, status_label


@dataclass(frozen=True)
class Readiness:
    source: str
    title: str
    gaps: list[str]
    last_submission: dict[str, Any] | None

    @property
    def ready(self) -> bool:
        return not self.gaps

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "ready": self.ready,
            "gaps": self.gaps,
            "last_submission": self.last_submission,
        }


def _data_gap(last: dict[str, Any] | None) -> str | None:
    if last is None:
        return _("latest data: nothing submitted yet (run cdo submit)")
    if last["status"] not in VALID:
        return _(
            "latest data: submission #{id} ({file}) is {status}; fix the file and submit again"
        ).format(
            id=last["id"],
            file=last["file"],
            status=status_label(last["status"]),
        )
    if last["status"] == "accepted" and last.get("rows") == 0:
        # An accepted header-only file: a dataset of no records is nothing to publish.
        return _(
            "latest data: submission #{id} ({file}) has no rows; submit the source's data"
        ).format(id=last["id"], file=last["file"])
    return None


def check(registry: Any, url: Any) -> list[Readiness]:
    """Readiness of every public source, in id order."""
    from cdo_toolkit.warehouse.status import latest

    entries = sorted(public_sources(registry), key=lambda e: id_order(e.source.id))
    unreadable: str | None = None
    submissions: dict[str, dict[str, Any]] = {}
    if url.path is not None and not url.path.exists():
        unreadable = _("latest data: the warehouse {path} does not exist yet").format(
            path=display_path(url.path)
        )
    else:
        try:
            submissions = latest(url, [e.source.id for e in entries])
        except CdoError as error:
            unreadable = _("latest data: the warehouse cannot be read ({reason})").format(
                reason=error.message
            )
    results = []
    for entry in entries:
        _record, gaps = dataset_record(registry, entry)
        last = submissions.get(entry.source.id)
        gap = unreadable or _data_gap(last)
        results.append(
            Readiness(entry.source.id, entry.source.title, gaps + ([gap] if gap else []), last)
        )
    return results
