"""OpenLineage run events of the toolkit's jobs, built with the client's v2 classes.

Every job (``validate.<source>``, ``submit.<source>``, ``load.<source>``,
``build.<name>``, ``score.<source>``) emits START, then COMPLETE or FAIL (with
``errorMessage``), with UTC times, in the job namespace of the settings (by default
``liberecky-kraj``). Facets: ``schema``, ``dataSource``, ``documentation``, ``ownership``
on datasets; ``dataQualityMetrics`` and ``dataQualityAssertions`` on inputs (where the spec
puts them); ``outputStatistics`` on outputs; ``columnLineage`` for builds; and on the run
``processing_engine``, ``jobType``, ``nominalTime`` and ``parent`` where a run belongs to
another (a submission's load).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cdo_toolkit import __version__
from cdo_toolkit.lineage.emitter import PRODUCER, Emitter


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
        from openlineage.client.facet_v2 import (
            datasource_dataset,
            documentation_dataset,
            ownership_dataset,
            schema_dataset,
        )

        facets: dict[str, Any] = {}
        if self.fields:
            facets["schema"] = schema_dataset.SchemaDatasetFacet(
                fields=[
                    schema_dataset.SchemaDatasetFacetFields(name=n, type=t) for n, t in self.fields
                ]
            )
        if self.source_uri:
            facets["dataSource"] = datasource_dataset.DatasourceDatasetFacet(
                name=self.namespace, uri=self.source_uri
            )
        if self.description:
            facets["documentation"] = documentation_dataset.DocumentationDatasetFacet(
                description=self.description
            )
        if self.owner:
            facets["ownership"] = ownership_dataset.OwnershipDatasetFacet(
                owners=[ownership_dataset.Owner(name=self.owner, type="guarantor")]
            )
        if self.column_lineage:
            from openlineage.client.facet_v2 import column_lineage_dataset as cl

            facets["columnLineage"] = cl.ColumnLineageDatasetFacet(
                fields={
                    column: cl.Fields(
                        inputFields=[
                            cl.InputField(
                                namespace=source["namespace"],
                                name=source["name"],
                                field=source["field"],
                                transformations=[
                                    cl.Transformation(
                                        type=t["type"],
                                        subtype=t.get("subtype"),
                                        masking=t.get("masking", False),
                                    )
                                    for t in source["transformations"]
                                ],
                            )
                            for source in sources
                        ]
                    )
                    for column, sources in self.column_lineage.items()
                }
            )
        return facets

    def as_input(self) -> Any:
        from openlineage.client.event_v2 import InputDataset
        from openlineage.client.facet_v2 import data_quality_assertions_dataset as dqa
        from openlineage.client.facet_v2 import data_quality_metrics_input_dataset as dqm

        input_facets: dict[str, Any] = {}
        if self.rows is not None:
            input_facets["dataQualityMetrics"] = dqm.DataQualityMetricsInputDatasetFacet(
                rowCount=self.rows,
                bytes=self.bytes,
                columnMetrics={
                    n: dqm.ColumnMetrics(nullCount=c) for n, c in self.null_counts.items()
                },
            )
        if self.assertions:
            input_facets["dataQualityAssertions"] = dqa.DataQualityAssertionsDatasetFacet(
                assertions=[
                    dqa.Assertion(
                        assertion=a["assertion"],
                        success=a["failures"] == 0,
                        column=a.get("column"),
                        severity=a.get("severity", "error"),
                        name=a.get("rule"),
                        description=a.get("description"),
                        expected=a.get("expected"),
                        content=a.get("content"),
                        contentType="expression" if a.get("content") else None,
                        params={"failures": a["failures"], **a.get("params", {})},
                    )
                    for a in self.assertions
                ]
            )
        return InputDataset(
            self.namespace, self.name, facets=self._facets(), inputFacets=input_facets
        )

    def as_output(self) -> Any:
        from openlineage.client.event_v2 import OutputDataset
        from openlineage.client.facet_v2 import output_statistics_output_dataset as stats

        output_facets: dict[str, Any] = {}
        if self.rows is not None:
            output_facets["outputStatistics"] = stats.OutputStatisticsOutputDatasetFacet(
                rowCount=self.rows, size=self.bytes
            )
        return OutputDataset(
            self.namespace, self.name, facets=self._facets(), outputFacets=output_facets
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

    def _event(self, state: str, error: str | None = None) -> Any:
        from openlineage.client.event_v2 import Job, RunEvent, RunState
        from openlineage.client.event_v2 import Run as OlRun
        from openlineage.client.facet_v2 import (
            error_message_run,
            job_type_job,
            nominal_time_run,
            parent_run,
            processing_engine_run,
            sql_job,
        )

        run_facets: dict[str, Any] = {
            "processing_engine": processing_engine_run.ProcessingEngineRunFacet(
                version=__version__, name="cdo-toolkit"
            ),
            "nominalTime": nominal_time_run.NominalTimeRunFacet(nominalStartTime=self.started),
        }
        if self.parent is not None:
            run_facets["parent"] = parent_run.ParentRunFacet(
                run=parent_run.Run(runId=self.parent.run_id),
                job=parent_run.Job(namespace=self.parent.namespace, name=self.parent.job),
            )
        if error is not None:
            run_facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
                message=error, programmingLanguage="python"
            )
        job_facets: dict[str, Any] = {
            "jobType": job_type_job.JobTypeJobFacet(
                processingType="BATCH", integration="CDO_TOOLKIT", jobType=self.job_type
            )
        }
        if self.sql:
            job_facets["sql"] = sql_job.SQLJobFacet(query=self.sql)
        return RunEvent(
            eventType=getattr(RunState, state),
            eventTime=_now(),
            run=OlRun(runId=self.run_id, facets=run_facets),
            job=Job(namespace=self.namespace, name=self.job, facets=job_facets),
            inputs=[d.as_input() for d in self.inputs],
            outputs=[d.as_output() for d in self.outputs],
            producer=PRODUCER,
        )

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
    from openlineage.client.facet_v2 import set_producer
    from openlineage.client.uuid import generate_new_uuid

    set_producer(PRODUCER)
    current = Run(
        emitter,
        namespace,
        job,
        job_type,
        str(generate_new_uuid()),
        _now(),
        parent,
        sql,
        list(inputs or []),
    )
    # START goes out from a thread: importing and setting up the client (a third of a
    # second) overlaps the job's own work, which mostly runs outside the GIL.
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
