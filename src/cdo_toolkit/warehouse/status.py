"""``cdo warehouse status`` and ``cdo history``: what the warehouse holds and how it got there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdo_toolkit.warehouse import meta
from cdo_toolkit.warehouse.connection import Warehouse
from cdo_toolkit.warehouse.load import RAW, table_columns

if TYPE_CHECKING:
    from cdo_toolkit.registry import Registry
    from cdo_toolkit.warehouse.url import WarehouseUrl


def _open(url: WarehouseUrl) -> Warehouse:
    return Warehouse(url, read_only=url.kind == "duckdb")


def history(url: WarehouseUrl, source: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    with _open(url) as warehouse:
        if table_columns(warehouse, meta.SCHEMA, "submissions") is None:
            return []
        return [row.to_dict() for row in meta.history(warehouse, source, limit)]


def latest(url: WarehouseUrl, sources: list[str]) -> dict[str, dict[str, Any]]:
    """The last submission of each of ``sources`` that has one, over one connection."""
    with _open(url) as warehouse:
        if table_columns(warehouse, meta.SCHEMA, "submissions") is None:
            return {}
        found = {}
        for source in sources:
            rows = meta.history(warehouse, source, 1)
            if rows:
                found[source] = rows[0].to_dict()
        return found


def status(url: WarehouseUrl, registry: Registry) -> dict[str, Any]:
    """Per registered source: its table, rows, last accepted load and columns."""
    from sqlglot import exp

    from cdo_toolkit.warehouse import sql

    tables = []
    with _open(url) as warehouse:
        has_meta = table_columns(warehouse, meta.SCHEMA, "submissions") is not None
        for source_id in registry.source_ids():
            source = registry.sources[source_id].source
            columns = table_columns(warehouse, RAW, source.warehouse.table)
            rows = None
            if columns is not None:
                query = sql.select(
                    [exp.Count(this=exp.Star())], sql.table(RAW, source.warehouse.table)
                )
                rows = int(warehouse.execute(sql.render(query, warehouse.kind))[0][0])
            last = meta.last_accepted(warehouse, source_id) if has_meta else None
            tables.append(
                {
                    "source": source_id,
                    "table": f"{RAW}.{source.warehouse.table}",
                    "exists": columns is not None,
                    "rows": rows,
                    "last_accepted": last["finished_at"].isoformat() + "Z"
                    if last and last["finished_at"]
                    else None,
                    "last_submission": last["id"] if last else None,
                    "columns": [{"name": n, "type": t} for n, t in columns or []],
                }
            )
    return {"warehouse": url.safe, "kind": url.kind, "tables": tables}
