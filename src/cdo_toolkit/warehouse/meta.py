"""``cdo_meta``: the record of every submission, in the warehouse itself.

A submission's status moves ``validating`` → ``rejected`` | ``accepted`` | ``duplicate`` |
``failed``. ``accepted`` is written in the same transaction as the load, so it is true
exactly when the data is there. A process killed mid-way leaves ``validating`` or
``loading``; the next submission of the source marks such rows ``interrupted`` (on
PostgreSQL only those whose session has ended, see :func:`running`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from cdo_toolkit.i18n import N_, _, every_language, localized
from cdo_toolkit.warehouse.connection import Warehouse

SCHEMA = "cdo_meta"
FINAL = ("rejected", "accepted", "duplicate", "failed", "interrupted")
# A duplicate re-sends the data of an accepted submission, so it leaves the data valid.
VALID = frozenset({"accepted", "duplicate"})
STATUS_LABELS = {
    "accepted": N_("accepted"),
    "duplicate": N_("duplicate"),
    "rejected": N_("rejected"),
    "failed": N_("failed"),
    "interrupted": N_("interrupted"),
    "validating": N_("validating"),
    "loading": N_("loading"),
}


def status_label(status: str) -> str:
    """A submission's status in the reader's language (``odmítnuto``)."""
    return _(STATUS_LABELS.get(status, status))


COLUMNS = (
    ("id", "BIGINT"),
    ("source", "TEXT"),
    ("guarantor", "TEXT"),
    ("file_name", "TEXT"),
    ("sha256", "TEXT"),
    ("bytes", "BIGINT"),
    ("rows", "BIGINT"),
    ("started_at", "TIMESTAMP"),
    ("finished_at", "TIMESTAMP"),
    ("status", "TEXT"),
    ("message", "TEXT"),
    ("landing_path", "TEXT"),
    ("report", "TEXT"),
    ("reconciliation", "TEXT"),
    ("table_schema", "TEXT"),
)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def exists(warehouse: Warehouse, table: str) -> bool:
    """Whether ``cdo_meta.<table>`` exists (and this account may see it)."""
    from cdo_toolkit.warehouse.load import table_columns

    return table_columns(warehouse, SCHEMA, table) is not None


def ensure(warehouse: Warehouse) -> None:
    """Create ``cdo_meta`` and its tables if missing (idempotent). Where they exist, nothing
    is run that needs more than reading: an account that may only read can score."""
    from sqlglot import exp

    from cdo_toolkit.warehouse import sql

    if exists(warehouse, "submissions"):
        return

    definitions = [exp.ColumnDef(this=sql.ident(n), kind=exp.DataType.build(t)) for n, t in COLUMNS]
    create = exp.Create(
        this=exp.Schema(this=sql.table(SCHEMA, "submissions"), expressions=definitions),
        kind="TABLE",
        exists=True,
    )
    with warehouse.transaction():
        warehouse.lock("schema " + SCHEMA)  # first submissions may start at the same moment
        warehouse.execute(sql.create_schema(SCHEMA, warehouse.kind))
        warehouse.execute("CREATE SEQUENCE IF NOT EXISTS cdo_meta.submission_ids")
        warehouse.execute(sql.render(create, warehouse.kind))


def _run(warehouse: Warehouse, statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from cdo_toolkit.warehouse import sql

    return warehouse.execute(sql.for_engine(statement, warehouse.kind), params)


def next_id(warehouse: Warehouse) -> int:
    return int(_run(warehouse, "SELECT nextval('cdo_meta.submission_ids')", [])[0][0])


def insert(warehouse: Warehouse, values: dict[str, Any]) -> None:
    from sqlglot import exp

    from cdo_toolkit.warehouse import sql

    statement = exp.Insert(
        this=exp.Schema(
            this=sql.table(SCHEMA, "submissions"), expressions=[sql.ident(n) for n in values]
        ),
        expression=exp.Values(
            expressions=[exp.Tuple(expressions=[sql.placeholder() for _value in values])]
        ),
    )
    warehouse.execute(sql.render(statement, warehouse.kind), list(values.values()))


def update(warehouse: Warehouse, submission_id: int, values: dict[str, Any]) -> None:
    from sqlglot import exp

    from cdo_toolkit.warehouse import sql

    statement = exp.Update(
        this=sql.table(SCHEMA, "submissions"),
        expressions=[exp.EQ(this=sql.column(n), expression=sql.placeholder()) for n in values],
        where=exp.Where(this=exp.EQ(this=sql.column("id"), expression=sql.placeholder())),
    )
    warehouse.execute(sql.render(statement, warehouse.kind), [*values.values(), submission_id])


# PostgreSQL's advisory locks are keyed by two integers: a class of ours, and a submission's id.
_LOCK = "SELECT pg_advisory_lock(hashtext('cdo submission running'), %s)"
_TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext('cdo submission running'), %s)"
_UNLOCK = "SELECT pg_advisory_unlock(hashtext('cdo submission running'), %s)"


@contextlib.contextmanager
def running(warehouse: Warehouse, submission_id: int) -> Iterator[None]:
    """The span of a submission in progress, which :func:`mark_interrupted` leaves alone.

    On PostgreSQL, submissions of one source may run at once in several sessions; each
    holds a session lock on its id while it runs, which the server releases when the
    session ends, however it ends. On DuckDB a process holds the whole warehouse while
    it submits, so any unfinished submission another process finds has ended.
    """
    if warehouse.kind != "postgres":
        yield
        return
    warehouse.execute(_LOCK, [submission_id])
    try:
        yield
    finally:
        with contextlib.suppress(*warehouse.errors):  # a lost session has released it
            warehouse.execute(_UNLOCK, [submission_id])


def _ended(warehouse: Warehouse, submission_id: int) -> bool:
    """Whether the process of an unfinished submission has ended (its lock is free)."""
    if warehouse.kind != "postgres":
        return True
    taken = warehouse.execute(_TRY_LOCK, [submission_id])
    if not taken[0][0]:
        return False
    warehouse.execute(_UNLOCK, [submission_id])
    return True


def mark_interrupted(warehouse: Warehouse, source: str) -> int:
    """Submissions of ``source`` left unfinished by a process that has ended: now
    ``interrupted``. One still running in another session is left to finish."""
    unfinished = _run(
        warehouse,
        "SELECT id FROM cdo_meta.submissions WHERE source = ? "
        "AND status NOT IN ('rejected', 'accepted', 'duplicate', 'failed', 'interrupted')",
        [source],
    )
    stale = [int(row[0]) for row in unfinished if _ended(warehouse, int(row[0]))]
    for submission_id in stale:
        interrupt(warehouse, submission_id)
    return len(stale)


def interrupt(warehouse: Warehouse, submission_id: int) -> None:
    """Record that the submission's process ended before it finished."""
    update(
        warehouse,
        submission_id,
        {
            "status": "interrupted",
            "finished_at": now(),
            "message": every_language(
                lambda: _("the process ended before the submission finished")
            ),
        },
    )


def accepted_with_hash(warehouse: Warehouse, source: str, sha256: str) -> int | None:
    rows = _run(
        warehouse,
        "SELECT id FROM cdo_meta.submissions WHERE source = ? AND sha256 = ? AND status = 'accepted' "
        "ORDER BY id DESC LIMIT 1",
        [source, sha256],
    )
    return int(rows[0][0]) if rows else None


def last_accepted(warehouse: Warehouse, source: str) -> dict[str, Any] | None:
    rows = _run(
        warehouse,
        "SELECT id, rows, table_schema, finished_at FROM cdo_meta.submissions "
        "WHERE source = ? AND status = 'accepted' ORDER BY id DESC LIMIT 1",
        [source],
    )
    if not rows:
        return None
    submission_id, count, schema, finished = rows[0]
    return {
        "id": submission_id,
        "rows": count,
        "schema": json.loads(schema) if schema else None,
        "finished_at": finished,
    }


@dataclass(frozen=True)
class HistoryRow:
    id: int
    source: str
    guarantor: str | None
    file_name: str
    sha256: str
    bytes: int
    rows: int | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    message: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "guarantor": self.guarantor,
            "file": self.file_name,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "rows": self.rows,
            "started_at": self.started_at.isoformat() + "Z" if self.started_at else None,
            "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
            "status": self.status,
            "message": self.message,
        }


def history(warehouse: Warehouse, source: str | None = None, limit: int = 100) -> list[HistoryRow]:
    select = (
        "SELECT id, source, guarantor, file_name, sha256, bytes, rows, started_at, finished_at, status, message "
        "FROM cdo_meta.submissions "
    )
    if source:
        rows = _run(
            warehouse, select + "WHERE source = ? ORDER BY id DESC LIMIT ?", [source, limit]
        )
    else:
        rows = _run(warehouse, select + "ORDER BY id DESC LIMIT ?", [limit])
    return [replace(HistoryRow(*row), message=localized(row[-1])) for row in rows]
