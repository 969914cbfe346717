"""OpenLineage run events of the toolkit's jobs, as the spec's JSON.

Every job (``validate.<source>``, ``submit.<source>``, ``load.<source>``,
``build.<name>``, ``score.<source>``) emits START, then COMPLETE or FAIL (with
``errorMessage``), with UTC times, in the job namespace of the settings (by default
``liberecky-kraj``). Facets: ``schema``, ``dataSource``, ``documentation``, ``ownership``
on datasets; ``dataQualityMetrics`` and ``dataQualityAssertions`` on inputs (where the spec
puts them); ``outputStatistics`` on outputs; ``columnLineage`` for builds; and on the run
``processing_engine``, ``jobType``, ``nominalTime`` and ``parent`` where a run belongs to
another (a submission's load).

The events are built as the JSON the spec defines (2-0-2, and each facet's version as
the OpenLineage client 1.54 writes it; a test holds the two equal), not with the
client's classes: importing the client imports every transport it has (HTTP, async
HTTP, Kafka…), a quarter of a second of each command's start. The client is imported
only to send events to an endpoint someone configured (``emitter.py``).
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cdo_toolkit import __version__
from cdo_toolkit.lineage.emitter import PRODUCER, Emitter

EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
FACET_VERSIONS = {
    "ColumnLineageDatasetFacet": "1-2-0",
    "DataQualityAssertionsDatasetFacet": "1-1-0",
    "DataQualityMetricsInputDatasetFacet": "1-0-3",
    "DatasourceDatasetFacet": "1-0-1",
    "DocumentationDatasetFacet": "1-1-0",
    "ErrorMessageRunFacet": "1-0-1",
    "JobTypeJobFacet": "2-0-4",
    "NominalTimeRunFacet": "1-0-1",
    "OutputStatisticsOutputDatasetFacet": "1-0-2",
    "OwnershipDatasetFacet": "1-0-1",
    "ParentRunFacet": "1-2-0",
    "ProcessingEngineRunFacet": "1-1-1",
    "SQLJobFacet": "1-1-0",
    "SchemaDatasetFacet": "1-2-0",
}
"""The spec version of each facet the toolkit writes."""


def _facet(kind: str, **fields: Any) -> dict[str, Any]:
    """A facet of the spec's ``kind``, its fields without the unset (None) ones."""
    url = f"https://openlineage.io/spec/facets/{FACET_VERSIONS[kind]}/{kind}.json#/$defs/{kind}"
    return {"_producer": PRODUCER, "_schemaURL": url, **_no_nulls(fields)}


def _no_nulls(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` without its unset (None) keys, which the spec's JSON leaves out."""
    return {k: v for k, v in item.items() if v is not None}


def new_run_id() -> str:
    """A UUIDv7 (RFC 9562), as the client makes run ids: ordered by their time."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10)) >> 4
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC's variant
    return str(uuid.UUID(int=value))


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Dataset:
    """A dataset of a run, with the facets we know of it."""

    namespace: str
    name: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    description: str | None = None
    owner: str | None = None
    source_uri: str | None = None
    rows: int | None = None
    bytes: int | None = None
    null_counts: dict[str, int] = field(default_factory=dict)
    assertions: list[dict[str, Any]] = field(default_factory=list)
    column_lineage: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    personal: frozenset[str] = frozenset()
    """Columns with personal data: no facet carries their values, nor does an error message."""

    def _facets(self) -> dict[str, Any]:
        facets: dict[str, Any] = {}
        if self.fields:
            facets["schema"] = _facet(
                "SchemaDatasetFacet", fields=[{"name": n, "type": t} for n, t in self.fields]
            )
        if self.source_uri:
            facets["dataSource"] = _facet(
                "DatasourceDatasetFacet", name=self.namespace, uri=self.source_uri
            )
        if self.description:
            facets["documentation"] = _facet(
                "DocumentationDatasetFacet", description=self.description
            )
        if self.owner:
            facets["ownership"] = _facet(
                "OwnershipDatasetFacet", owners=[{"name": self.owner, "type": "guarantor"}]
            )
        if self.column_lineage:
            facets["columnLineage"] = _facet(
                "ColumnLineageDatasetFacet",
                fields={
                    column: {"inputFields": [_input_field(source) for source in sources]}
                    for column, sources in self.column_lineage.items()
                },
            )
        return facets

    def as_input(self) -> dict[str, Any]:
        input_facets: dict[str, Any] = {}
        if self.rows is not None:
            input_facets["dataQualityMetrics"] = _facet(
                "DataQualityMetricsInputDatasetFacet",
                rowCount=self.rows,
                bytes=self.bytes,
                columnMetrics={n: {"nullCount": c} for n, c in self.null_counts.items()},
            )
        if self.assertions:
            input_facets["dataQualityAssertions"] = _facet(
                "DataQualityAssertionsDatasetFacet",
                assertions=[_assertion(a) for a in self.assertions],
            )
        return {
            "namespace": self.namespace,
            "name": self.name,
            "facets": self._facets(),
            "inputFacets": input_facets,
        }

    def as_output(self) -> dict[str, Any]:
        output_facets: dict[str, Any] = {}
        if self.rows is not None:
            output_facets["outputStatistics"] = _facet(
                "OutputStatisticsOutputDatasetFacet", rowCount=self.rows, size=self.bytes
            )
        return {
            "namespace": self.namespace,
            "name": self.name,
            "facets": self._facets(),
            "outputFacets": output_facets,
        }


def _input_field(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "namespace": source["namespace"],
        "name": source["name"],
        "field": source["field"],
        "transformations": [
            _no_nulls(
                {"type": t["type"], "subtype": t.get("subtype"), "masking": t.get("masking", False)}
            )
            for t in source["transformations"]
        ],
    }


def _assertion(a: dict[str, Any]) -> dict[str, Any]:
    return _no_nulls(
        {
            "assertion": a["assertion"],
            "success": a["failures"] == 0,
            "column": a.get("column"),
            "severity": a.get("severity", "error"),
            "name": a.get("rule"),
            "description": a.get("description"),
            "expected": a.get("expected"),
            "content": a.get("content"),
            "contentType": "expression" if a.get("content") else None,
            "params": {"failures": a["failures"], **a.get("params", {})},
        }
    )


@dataclass
class Run:
    """One run of a job; fill ``inputs``/``outputs`` while it runs."""

    emitter: Emitter
    namespace: str
    job: str
    job_type: str
    run_id: str
    started: str
    parent: Run | None = None
    sql: str | None = None
    inputs: list[Dataset] = field(default_factory=list)
    outputs: list[Dataset] = field(default_factory=list)

    def _event(self, state: str, error: str | None = None) -> dict[str, Any]:
        run_facets: dict[str, Any] = {
            "processing_engine": _facet(
                "ProcessingEngineRunFacet", version=__version__, name="cdo-toolkit"
            ),
            "nominalTime": _facet("NominalTimeRunFacet", nominalStartTime=self.started),
        }
        if self.parent is not None:
            run_facets["parent"] = _facet(
                "ParentRunFacet",
                run={"runId": self.parent.run_id},
                job={"namespace": self.parent.namespace, "name": self.parent.job},
            )
        if error is not None:
            run_facets["errorMessage"] = _facet(
                "ErrorMessageRunFacet", message=error, programmingLanguage="python"
            )
        job_facets: dict[str, Any] = {
            "jobType": _facet(
                "JobTypeJobFacet",
                processingType="BATCH",
                integration="CDO_TOOLKIT",
                jobType=self.job_type,
            )
        }
        if self.sql:
            job_facets["sql"] = _facet("SQLJobFacet", query=self.sql)
        return {
            "eventType": state,
            "eventTime": _now(),
            "run": {"runId": self.run_id, "facets": run_facets},
            "job": {"namespace": self.namespace, "name": self.job, "facets": job_facets},
            "inputs": [d.as_input() for d in self.inputs],
            "outputs": [d.as_output() for d in self.outputs],
            "producer": PRODUCER,
            "schemaURL": EVENT_SCHEMA,
        }

    def emit(self, state: str, error: str | None = None) -> None:
        self.emitter.emit(self._event(state, error))


@contextlib.contextmanager
def run(
    emitter: Emitter | None,
    namespace: str,
    job: str,
    job_type: str,
    *,
    parent: Run | None = None,
    inputs: list[Dataset] | None = None,
    sql: str | None = None,
) -> Iterator[Run | None]:
    """START now, COMPLETE when the block ends, FAIL (with the error) when it raises."""
    if emitter is None:
        yield None
        return
    current = Run(
        emitter,
        namespace,
        job,
        job_type,
        new_run_id(),
        _now(),
        parent,
        sql,
        list(inputs or []),
    )
    # START goes out from a thread, so that an endpoint slow to answer holds up no work.
    start = _Start(current)
    try:
        yield current
    except BaseException as error:
        start.join()
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        if any(d.personal for d in [*current.inputs, *current.outputs]):
            from cdo_toolkit.masking import redact_message

            message = redact_message(message)
        current.emit("FAIL", message)
        raise
    start.join()
    current.emit("COMPLETE")


class _Start:
    def __init__(self, current: Run) -> None:
        import threading

        event = current._event("START")
        self.thread = threading.Thread(
            target=current.emitter.emit, args=(event,), name="cdo-lineage", daemon=True
        )
        self.thread.start()

    def join(self) -> None:
        self.thread.join()
