"""The keys of registered sources as the warehouse holds them: what the foreign keys and
code lists of a file are checked against at submission, and by ``cdo validate --source``
where the warehouse can be read, so that validating predicts what submitting decides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdo_toolkit.errors import CdoError

if TYPE_CHECKING:
    from cdo_toolkit.registry import Registry
    from cdo_toolkit.warehouse.connection import Warehouse
    from cdo_toolkit.warehouse.url import WarehouseUrl


def stored_keys(
    warehouse: Warehouse, registry: Registry, source_id: str, fields: tuple[str, ...]
) -> set[tuple[Any, ...]] | None:
    """Distinct values (as text) of ``fields`` in the warehouse table of ``source_id``, if loaded."""
    from sqlglot import exp

    from cdo_toolkit.warehouse import sql
    from cdo_toolkit.warehouse.load import RAW, table_columns

    entry = registry.sources.get(source_id)
    if entry is None:
        return None
    table = entry.source.warehouse.table
    columns = table_columns(warehouse, RAW, table)
    if columns is None or any(name not in {n for n, _t in columns} for name in fields):
        return None
    query = (
        exp.select(*[exp.Cast(this=sql.column(n), to=exp.DataType.build("TEXT")) for n in fields])
        .from_(sql.table(RAW, table))
        .distinct()
    )
    return set(warehouse.execute(sql.render(query, warehouse.kind)))


class WarehouseKeys:
    """``stored_keys`` over a read-only connection opened on first use, each key set read
    once (several files validated in one run ask for the same keys)."""

    def __init__(self, url: WarehouseUrl, registry: Registry) -> None:
        self.url = url
        self.registry = registry
        self.problem: str | None = None
        """Why the warehouse could not be read, if it could not."""
        self._warehouse: Warehouse | None = None
        self._read: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]] | None] = {}

    def __call__(self, source_id: str, fields: tuple[str, ...]) -> set[tuple[Any, ...]] | None:
        if (source_id, fields) not in self._read:
            warehouse = self._open()
            self._read[source_id, fields] = (
                None
                if warehouse is None
                else stored_keys(warehouse, self.registry, source_id, fields)
            )
        return self._read[source_id, fields]

    def _open(self) -> Warehouse | None:
        if self._warehouse is None and self.problem is None:
            from cdo_toolkit.warehouse.connection import Warehouse, absent

            if absent(self.url):
                return None  # no warehouse here (a guarantor's own machine): nothing to say

            try:
                # No waiting: a submission holding DuckDB's lock must not stall a check.
                self._warehouse = Warehouse(self.url, wait_seconds=0, read_only=True)
            except CdoError as error:
                self.problem = error.message
        return self._warehouse

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None
