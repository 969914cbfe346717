"""Dataset names, after the OpenLineage naming spec.

* A file: namespace ``file``, name its absolute path.
* PostgreSQL: namespace ``postgres://{host}:{port}``, name ``{database}.{schema}.{table}``.
* DuckDB has no row in the spec; we use namespace ``duckdb://{absolute path of the
  database file}`` and name ``{schema}.{table}``: the file is the database, as a server
  and database are for PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from cdo_toolkit.warehouse.url import WarehouseUrl


def file_dataset(path: Path) -> tuple[str, str]:
    return "file", str(path.resolve())


def warehouse_namespace(url: WarehouseUrl) -> str:
    if url.kind == "duckdb":
        assert url.path is not None
        return f"duckdb://{url.path.resolve()}"
    parts = urlsplit(url.url)
    return f"postgres://{parts.hostname or 'localhost'}:{parts.port or 5432}"


def table_dataset(url: WarehouseUrl, schema: str, table: str) -> tuple[str, str]:
    if url.kind == "duckdb":
        return warehouse_namespace(url), f"{schema}.{table}"
    database = urlsplit(url.url).path.strip("/") or "postgres"
    return warehouse_namespace(url), f"{database}.{schema}.{table}"
