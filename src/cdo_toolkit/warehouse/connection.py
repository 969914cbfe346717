"""A connection to the warehouse: DuckDB (embedded, one writer at a time) or PostgreSQL.

One small interface over both: ``execute`` with parameters, ``transaction``, and
``stage``, which bulk-loads typed Arrow batches into a temporary table ``incoming`` through
the engine's own loader (a registered Arrow view for DuckDB, ``COPY`` for PostgreSQL).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _
from cdo_toolkit.warehouse import sql
from cdo_toolkit.warehouse.url import WarehouseUrl

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa
    from sqlglot import exp

STAGE = "incoming"
# DuckDB's memory while a submission is staged and loaded: beyond it, rows spill to its
# temp directory. A 1M-row file (about 230 MB staged) stays wholly in memory.
LIMIT_MEMORY = "SET memory_limit = '512MB'"


class Denied(CdoError):
    """The warehouse's account lacks a right the statement needs (PostgreSQL's 42501)."""


INSUFFICIENT_PRIVILEGE = "42501"


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """A statement the account may not run: one clear error, not a driver's traceback."""
    try:
        yield
    except Exception as exc:
        if getattr(exc, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise Denied(
            _("the warehouse refused: {reason}").format(reason=reason),
            hint=_(
                "the account in --warehouse lacks that right: use an account that has it, or "
                "ask the warehouse's administrator to grant it"
            ),
        ) from None


def absent(url: WarehouseUrl) -> bool:
    """A DuckDB warehouse whose file does not exist: nothing was ever submitted to it (or
    its path is mistyped)."""
    return url.kind == "duckdb" and url.path is not None and not url.path.exists()


def in_memory(url: WarehouseUrl) -> WarehouseUrl:
    """An empty warehouse in memory, in the place of an absent one: read as holding no
    submission, and nothing left behind on disk."""
    from dataclasses import replace
    from pathlib import Path

    return replace(url, path=Path(":memory:"))


class Warehouse:
    def __init__(
        self,
        url: WarehouseUrl,
        *,
        wait_seconds: float = 30.0,
        on_wait: Callable[[str], None] | None = None,
        read_only: bool = False,
        existing: bool = False,
    ) -> None:
        """``existing``: a DuckDB file that does not exist is an error, not created. Commands
        that read what submissions loaded (score, audit, build) say so rather than make an
        empty warehouse of a mistyped path and report every source as never submitted."""
        self.url = url
        self.kind = url.kind
        self._connection: Any = None
        self._connect(wait_seconds, on_wait, read_only, existing or read_only)

    # --- connecting -------------------------------------------------------------------

    def _connect(
        self,
        wait_seconds: float,
        on_wait: Callable[[str], None] | None,
        read_only: bool,
        existing: bool,
    ) -> None:
        if self.kind == "duckdb":
            self._connect_duckdb(wait_seconds, on_wait, read_only, existing)
        else:
            self._connect_postgres()

    def _connect_duckdb(
        self,
        wait_seconds: float,
        on_wait: Callable[[str], None] | None,
        read_only: bool,
        existing: bool,
    ) -> None:
        import duckdb

        path = self.url.path
        assert path is not None
        if existing and not path.exists():
            raise CdoError(
                _("the warehouse {path} does not exist yet").format(path=display_path(path)),
                hint=_("submit a file first: cdo submit SOURCE FILE"),
            )
        _refuse_other_files(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CdoError(
                _("cannot create the warehouse folder {path}: {reason}").format(
                    path=path.parent, reason=exc.strerror
                )
            ) from None
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                self._connection = duckdb.connect(str(path), read_only=read_only)
                self._connection.execute("SET enable_progress_bar = false")
                return
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise CdoError(
                        _("cannot open the warehouse {path}: {reason}").format(
                            path=path, reason=exc
                        )
                    ) from None
                if time.monotonic() >= deadline:
                    raise CdoError(
                        _("the warehouse {path} is in use by another process").format(
                            path=display_path(path)
                        ),
                        hint=_(
                            "DuckDB allows one writer at a time: wait for the other submission to end, then retry"
                        ),
                    ) from None
                if not told and on_wait is not None:
                    on_wait(
                        _(
                            "the warehouse is in use by another process; waiting up to {seconds:.0f} s"
                        ).format(seconds=wait_seconds)
                    )
                    told = True
                time.sleep(0.2)

    def _connect_postgres(self) -> None:
        try:
            import psycopg
        except ImportError:
            raise CdoError(
                _("PostgreSQL needs the psycopg package"), hint=_("pip install 'psycopg[binary]'")
            ) from None
        import logging

        # psycopg logs a warning of its own when a COPY ends on a lost connection; the
        # error that follows says it better, so the warning must not reach the terminal.
        logger = logging.getLogger("psycopg")
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
        try:
            self._connection = psycopg.connect(self.url.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            message = (
                str(exc).replace(self.url.url, self.url.safe).splitlines()[0]
                if str(exc)
                else type(exc).__name__
            )
            raise CdoError(
                _("cannot connect to the warehouse {url}: {reason}").format(
                    url=self.url.safe, reason=message
                )
            ) from None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- statements -------------------------------------------------------------------

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        """The exceptions the engine raises for a statement it refuses or cannot run."""
        if self.kind == "duckdb":
            import duckdb

            return (duckdb.Error,)
        import psycopg

        return (psycopg.Error,)

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement with parameters; the rows it returns, if any."""
        if self.kind == "duckdb":
            result = self._connection.execute(statement, list(params))
            try:
                return list(result.fetchall())
            except Exception:  # DuckDB raises when a statement returns no result set
                return []
        with self._connection.cursor() as cursor, _refusals():
            cursor.execute(statement, list(params) if params else None)
            return list(cursor.fetchall()) if cursor.description else []

    def execute_count(self, statement: str) -> int:
        """Run one INSERT, UPDATE or DELETE; how many rows it touched."""
        if self.kind == "duckdb":
            # DuckDB answers such a statement with one row: the count.
            return int(self._connection.execute(statement).fetchall()[0][0])
        with self._connection.cursor() as cursor, _refusals():
            cursor.execute(statement)
            return int(cursor.rowcount)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a failure (or a killed process) leaves the warehouse as before."""
        if self.kind == "duckdb":
            self._connection.execute("BEGIN TRANSACTION")
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")
        else:
            with self._connection.transaction():
                yield

    def lock(self, name: str) -> None:
        """Hold the lock ``name`` until the current transaction ends.

        PostgreSQL lets several sessions write at once; two that create the same schema or
        table at the same moment collide in its catalogue (a duplicate key of pg_type), so
        creating and replacing tables takes a transaction-scoped advisory lock. DuckDB has
        one writer at a time already.
        """
        if self.kind == "postgres":
            self.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])

    @contextlib.contextmanager
    def staging(self) -> Iterator[None]:
        """The span of a staged load (:meth:`stage`, then the load's transaction).

        DuckDB keeps at most the memory of ``LIMIT_MEMORY`` meanwhile, spilling the rest.
        Without a limit it caches what a large load writes, up to 80 % of the machine's
        memory; PostgreSQL bounds its server's memory itself. At the end, whatever
        happened, the staging table is dropped and DuckDB checkpoints before the limit is
        lifted: the checkpoint would otherwise run when the connection closes, without the
        limit (+0.9 GB at 5M rows).
        """
        if self.kind == "duckdb":
            self._connection.execute(LIMIT_MEMORY)
        try:
            yield
        finally:
            # Each step on its own: a connection that broke has lost the table and the
            # limit already, and a checkpoint that cannot run now runs at the next one.
            with contextlib.suppress(Exception):
                self._drop_staging()
            if self.kind == "duckdb":
                with contextlib.suppress(Exception):
                    self._connection.execute("CHECKPOINT")
                with contextlib.suppress(Exception):
                    self._connection.execute("RESET memory_limit")

    def staging_table(self) -> exp.Table:
        """The temporary table ``incoming`` that :meth:`stage` fills."""
        from sqlglot import exp

        if self.kind == "duckdb":
            return exp.Table(this=sql.ident(STAGE), db=sql.ident("main"), catalog=sql.ident("temp"))
        return sql.table("pg_temp", STAGE)

    def stage(self, batches: Iterable[pa.Table], columns: list[tuple[str, str]]) -> None:
        """Load ``batches`` into the temporary table ``incoming``, one committed batch at a time.

        Called outside a transaction on purpose: rows held by an open transaction stay in
        DuckDB's memory, so a 5M-row file grew a submission to 3 GiB. Committed to a
        temporary table, within :meth:`staging`, the rows DuckDB cannot keep go to its
        temp directory instead. Nobody else sees the table, and a crash takes it away with
        the connection, so the warehouse itself is changed only by the load's transaction.
        """
        from sqlglot import exp

        stage = self.staging_table()
        names = [name for name, _type in columns]
        definitions = [exp.ColumnDef(this=sql.ident(n), kind=sql.data_type(t)) for n, t in columns]
        create = exp.Create(this=exp.Schema(this=stage, expressions=definitions), kind="TABLE")
        if self.kind == "duckdb":
            create.set("properties", exp.Properties(expressions=[exp.TemporaryProperty()]))
        self._drop_staging()
        self.execute(sql.render(create, self.kind))
        if self.kind == "duckdb":
            insert = exp.Insert(
                this=exp.Schema(this=stage, expressions=[sql.ident(n) for n in names]),
                expression=sql.select([sql.column(n) for n in names], exp.to_table("cdo_arrow")),
            )
            statement = sql.render(insert, "duckdb")
            for batch in batches:
                self._connection.register("cdo_arrow", batch)
                try:
                    self._connection.execute(statement)
                finally:
                    self._connection.unregister("cdo_arrow")
            return
        import io

        import polars as pl
        from psycopg import sql as pgsql

        copy_statement = pgsql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(
            pgsql.Identifier("pg_temp", STAGE),
            pgsql.SQL(", ").join(pgsql.Identifier(n) for n in names),
        )
        for batch in batches:
            buffer = io.BytesIO()
            data = pl.from_arrow(batch)
            assert isinstance(data, pl.DataFrame)
            data.write_csv(
                buffer, include_header=False, null_value="\\N", quote_style="non_numeric"
            )
            with self._connection.cursor() as cursor, cursor.copy(copy_statement) as copy:
                copy.write(buffer.getvalue())

    def _drop_staging(self) -> None:
        from sqlglot import exp

        drop = exp.Drop(tables=[self.staging_table()], kind="TABLE", exists=True)
        self.execute(sql.render(drop, self.kind))


DUCKDB_MAGIC = b"DUCK"
"""A DuckDB database file holds these bytes after its 8-byte checksum."""


def _refuse_other_files(path: Path) -> None:
    """Refuse a warehouse path holding something else than a DuckDB database.

    DuckDB opens a CSV or Parquet file given as a database as an empty in-memory
    database: a submission "loaded" there would be lost when the command ends.
    """
    if path.is_dir():
        raise CdoError(
            _("the warehouse {path} is a folder, not a DuckDB database file").format(
                path=display_path(path)
            ),
            hint=_("name a file, e.g. duckdb:///warehouse/cdo.duckdb"),
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
    except FileNotFoundError:
        return  # a new warehouse
    except OSError as exc:
        raise CdoError(
            _("cannot open the warehouse {path}: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from None
    if head and head[8:12] != DUCKDB_MAGIC:
        raise CdoError(
            _("the warehouse {path} is not a DuckDB database").format(path=display_path(path)),
            hint=_("name a DuckDB file, or a new one, e.g. duckdb:///warehouse/cdo.duckdb"),
        )


def engine_reason(error: BaseException) -> str:
    """The engine's message on one line, without the echo of the statement that DuckDB and
    PostgreSQL append (``LINE 1: CREATE …`` and a caret under it)."""
    lines = []
    for line in str(error).splitlines():
        if line.lstrip().startswith("LINE "):
            break
        if line.strip():
            lines.append(line.strip())
    return " ".join(lines) or type(error).__name__
