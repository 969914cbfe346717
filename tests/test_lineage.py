"""Lineage: events of every command valid against the official schemas, the spool and its
flush, column lineage of builds, and the lineage views."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import types
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from cdo_toolkit.lineage.sql import column_lineage, parse_select
from tests.conftest import CASES
from tests.openlineage_spec import event_errors, format_checks_active, read_events

EVENTS = Path("warehouse/lineage/events.jsonl")


@pytest.fixture(autouse=True)
def _no_openlineage_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("OPENLINEAGE"):
            monkeypatch.delenv(name)


def _submit_all(cdo) -> None:  # type: ignore[no-untyped-def]
    for source in ("obce", "zastavky", "dopravni-nehody", "skoly"):
        result = cdo("submit", source, f"examples/{source}.csv")
        assert result.exit_code in (0, 1), result.output


def test_events_of_every_command_are_valid(cdo, shipped_registry: Path, shared: Path) -> None:
    assert format_checks_active(), (
        "install jsonschema's format validators: uri and date-time must be checked"
    )
    assert cdo("validate", "examples/skoly.csv", "--source", "skoly").exit_code == 1
    _submit_all(cdo)
    assert cdo("build").exit_code == 0
    # Tables piped in: their runs have no file of their own to name, and are as valid.
    piped = Path("examples/zastavky.csv").read_bytes()
    assert cdo("validate", "-", "--source", "zastavky", input=piped).exit_code == 0
    assert cdo("submit", "zastavky", "-", input=piped).exit_code == 0
    events = read_events(EVENTS)
    for event in events:
        assert event_errors(event) == [], (event["job"]["name"], event["eventType"])
    jobs = [(e["job"]["name"], e["eventType"]) for e in events]
    assert jobs[:2] == [("validate.skoly", "START"), ("validate.skoly", "COMPLETE")]
    # Without the data of obce, the foreign key into it was not checked: no assertion says
    # it held.
    validated = events[1]["inputs"][0]["inputFacets"]["dataQualityAssertions"]["assertions"]
    assert "foreignKey" not in {a["assertion"] for a in validated}
    assert "primaryKey" in {a["assertion"] for a in validated}
    assert ("submit.obce", "START") in jobs and ("load.obce", "COMPLETE") in jobs
    assert ("build.zastavky-obce", "COMPLETE") in jobs
    for event in events:
        assert event["job"]["namespace"] == "liberecky-kraj"
        assert event["eventTime"].endswith("+00:00")
        assert {"processing_engine", "nominalTime"} <= set(event["run"]["facets"])
        assert event["job"]["facets"]["jobType"]["processingType"] == "BATCH"


def test_events_name_the_facet_versions_the_client_writes() -> None:
    """The events are built without the client's classes (whose import costs every command
    a quarter of a second): their schema URLs are those the client's classes give."""
    from openlineage.client import event_v2, facet_v2

    from cdo_toolkit.lineage.events import EVENT_SCHEMA, FACET_VERSIONS, _facet

    assert event_v2.RunEvent._get_schema() == EVENT_SCHEMA
    modules = [m for m in vars(facet_v2).values() if isinstance(m, types.ModuleType)]
    classes = {
        cls.__name__: cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type) and hasattr(cls, "_get_schema")
    }
    for kind in FACET_VERSIONS:
        assert _facet(kind)["_schemaURL"] == classes[kind]._get_schema(), kind


def test_run_ids_are_uuid7_in_the_order_of_their_time() -> None:
    import uuid

    from cdo_toolkit.lineage.events import new_run_id

    ids = []
    for _ in range(3):
        ids.append(new_run_id())
        time.sleep(0.002)
    parsed = [uuid.UUID(i) for i in ids]
    assert [u.version for u in parsed] == [7, 7, 7]
    assert {u.variant for u in parsed} == {uuid.RFC_4122}
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert abs((parsed[-1].int >> 80) - time.time() * 1000) < 5_000  # its time, in ms


def test_lineage_imports_no_client_unless_an_endpoint_is_configured(
    shipped_registry: Path, receiver
) -> None:  # type: ignore[no-untyped-def]
    url, handler = receiver
    code = (
        "import sys, runpy\n"
        "sys.argv = ['cdo', 'validate', 'examples/obce.csv', '--source', 'obce']\n"
        "try:\n    runpy.run_module('cdo_toolkit', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print('openlineage' in sys.modules, file=sys.stderr)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENLINEAGE")}
    for extra, imported in (({}, "False"), ({"OPENLINEAGE_URL": url}, "True")):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={**env, **extra}
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip().splitlines()[-1] == imported
    assert [e["eventType"] for e in read_events(EVENTS)] == ["START", "COMPLETE"] * 2
    assert [e["eventType"] for e in handler.received] == ["START", "COMPLETE"]


def test_a_local_log_that_cannot_be_written_warns_and_the_command_goes_on(
    cdo, shipped_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lineage never takes the command down: a folder where the log would be is a file."""
    Path("warehouse").mkdir()
    Path("warehouse/lineage").write_text("", "utf-8")
    result = cdo("validate", "examples/obce.csv", "--source", "obce")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        said.count("warning: lineage could not be written to warehouse/lineage/events.jsonl") == 1
    )
    assert "obce.csv: valid" in said
    # Nor an endpoint that is down, with nowhere to keep the event: both said, once each.
    monkeypatch.setenv("OPENLINEAGE_URL", "http://127.0.0.1:9")
    result = cdo("validate", "examples/obce.csv", "--source", "obce")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert said.count("warning: lineage could not be written to") == 1
    lost = "the lineage endpoint did not take the event (ConnectionError), and it could not be kept"
    assert said.count(lost) == 1, said
    assert "internal error" not in said


def test_a_lineage_log_that_cannot_be_read_is_said(cdo, shipped_registry: Path) -> None:
    """A folder where the log should be was an internal error in the reading commands."""
    EVENTS.mkdir(parents=True)
    for command in (["lineage", "runs"], ["lineage", "show", "raw.obce"]):
        result = cdo(*command)
        assert result.exit_code == 2
        said = " ".join(result.output.split())
        assert "error: the lineage log warehouse/lineage/events.jsonl cannot be read" in said
        assert "internal error" not in said


def test_facets_say_what_the_runs_did(cdo, shipped_registry: Path, shared: Path) -> None:
    _submit_all(cdo)
    assert cdo("submit", "dotace", "examples/dotace.csv").exit_code == 1
    cdo("build")
    events = {(e["job"]["name"], e["eventType"]): e for e in read_events(EVENTS)}
    submit = events[("submit.obce", "COMPLETE")]
    source = submit["inputs"][0]
    assert source["namespace"] == "file" and source["name"].endswith("examples/obce.csv")
    assert {"schema", "dataSource", "documentation", "ownership"} <= set(source["facets"])
    assert source["facets"]["ownership"]["owners"][0]["name"].startswith("Ing. Petr Dvořák")
    metrics = source["inputFacets"]["dataQualityMetrics"]
    assert metrics["rowCount"] == 40 and metrics["columnMetrics"]["psc"]["nullCount"] == 0
    assertions = source["inputFacets"]["dataQualityAssertions"]["assertions"]
    assert {"assertion": "pattern", "column": "kod_obce", "success": True}.items() <= next(
        a for a in assertions if a["assertion"] == "pattern" and a["column"] == "kod_obce"
    ).items()
    assert "dataQualityAssertions" not in source["facets"]  # the spec places it among input facets
    table = submit["outputs"][0]
    assert table["name"] == "raw.obce" and table["namespace"].startswith("duckdb:///")
    assert table["outputFacets"]["outputStatistics"]["rowCount"] == 40
    load = events[("load.obce", "COMPLETE")]
    assert load["run"]["facets"]["parent"]["run"]["runId"] == submit["run"]["runId"]
    assert load["run"]["facets"]["parent"]["job"]["name"] == "submit.obce"
    rejected = events[("submit.skoly", "COMPLETE")]
    failing = [
        a
        for a in rejected["inputs"][0]["inputFacets"]["dataQualityAssertions"]["assertions"]
        if not a["success"]
    ]
    assert {(a["assertion"], a["column"]) for a in failing} >= {
        ("type", "kapacita"),
        ("pattern", "ico"),
        ("ico", "ico"),
    }
    # Each assertion says what it expected and how often it failed; a row rule, its name,
    # condition and message.
    dotace = {
        (a["assertion"], a.get("column")): a
        for a in events[("submit.dotace", "COMPLETE")]["inputs"][0]["inputFacets"][
            "dataQualityAssertions"
        ]["assertions"]
    }
    assert dotace[("minimum", "castka_kc")] | {"params": None} == {
        "assertion": "minimum",
        "column": "castka_kc",
        "expected": "0",
        "severity": "error",
        "success": False,
        "params": None,
    }
    assert dotace[("minimum", "castka_kc")]["params"] == {"failures": 1}
    assert dotace[("type", "datum_uzavreni")]["expected"] == "date/%d.%m.%Y"
    rule = dotace[("row-rule", None)]
    assert (rule["name"], rule["content"], rule["contentType"], rule["severity"]) == (
        "castka-v-mezich",
        "castka_kc <= 5000000",
        "expression",
        "warning",
    )
    assert rule["description"].startswith("Dotace nad 5 mil. Kč")
    assert dotace[("primaryKey", None)]["expected"] == "cislo_smlouvy"
    # obce was loaded first, so its codes were at hand: the foreign key was checked.
    assert dotace[("foreignKey", None)]["expected"] == "kod_obce → obce.kod_obce"
    assert event_errors(events[("submit.dotace", "COMPLETE")]) == []
    build = events[("build.zastavky-obce", "COMPLETE")]
    lineage = build["outputs"][0]["facets"]["columnLineage"]["fields"]
    sources = {
        (f["name"], f["field"], t["type"], t.get("subtype"))
        for f in lineage["zastavek"]["inputFields"]
        for t in f["transformations"]
    }
    assert ("raw.zastavky", "kod_zastavky", "DIRECT", "AGGREGATION") in sources
    assert ("raw.obce", "kod_obce", "INDIRECT", "JOIN") in sources
    assert "SELECT" in build["job"]["facets"]["sql"]["query"]


def test_validation_against_a_schema_file_describes_its_types(cdo, workdir: Path) -> None:
    schema = {
        "fields": [
            {"name": "kod", "type": "string"},
            {"name": "obyvatel", "type": "integer"},
            {"name": "zalozeno", "type": "date", "format": "%d.%m.%Y"},
        ]
    }
    Path("schema.json").write_text(json.dumps(schema), "utf-8")
    Path("obce.csv").write_text("kod;obyvatel;zalozeno\n563889;104261;1.1.1352\n", "utf-8")
    assert cdo("validate", "obce.csv", "--schema", "schema.json").exit_code == 0
    log = workdir / ".state" / "cdo" / "lineage" / "events.jsonl"  # outside a project
    complete = [e for e in read_events(log) if e["eventType"] == "COMPLETE"][-1]
    fields = complete["inputs"][0]["facets"]["schema"]["fields"]
    assert [(f["name"], f["type"]) for f in fields] == [
        ("kod", "string"),
        ("obyvatel", "integer"),
        ("zalozeno", "date"),
    ]


def test_failed_build_emits_fail_with_the_error(cdo, shipped_registry: Path, shared: Path) -> None:
    _submit_all(cdo)
    assert cdo("build", "zastavky-obce").exit_code == 0
    built = _table_contents("mart.zastavky_obce")
    assert built[1]  # rows
    query = shipped_registry / "builds" / "zastavky_obce.sql"
    for sql, reason in (
        ("SELECT CAST(nazev AS INTEGER) AS cislo FROM raw.obce", "Conversion Error"),
        ("SELECT neexistuje FROM raw.obce", 'Referenced column "neexistuje" not found'),
    ):
        query.write_text(sql, "utf-8")
        result = cdo("build", "zastavky-obce")
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "internal error" not in result.output, result.output
        flat = " ".join(result.output.split())
        assert (
            "failed mart.zastavky_obce (build zastavky-obce): the warehouse cannot run its SQL: "
            in flat
        )
        assert reason in result.output and "zastavky_obce.sql" in result.output
        failed = [e for e in read_events(EVENTS) if e["eventType"] == "FAIL"]
        assert failed and failed[-1]["job"]["name"] == "build.zastavky-obce"
        assert reason in failed[-1]["run"]["facets"]["errorMessage"]["message"]
        assert event_errors(failed[-1]) == []
    # The table built before is kept as it was.
    assert _table_contents("mart.zastavky_obce") == built


def _table_contents(table: str) -> tuple[list[str], list[tuple[object, ...]]]:
    import duckdb

    with duckdb.connect("warehouse/cdo.duckdb", read_only=True) as connection:
        result = connection.execute(f"SELECT * FROM {table} ORDER BY ALL")
        return [c[0] for c in result.description], result.fetchall()


def _add_build(registry: Path, table: str, description: str, sql: str) -> None:
    """A build of ``mart.<table>`` (its id the table's name) from ``sql``."""
    builds = registry / "builds"
    (builds / f"{table}.yaml").write_text(
        f"id: {table}\ntitle: {table.capitalize()}\ndescription: {description}\n"
        f"sql: builds/{table}.sql\nschema: mart\ntable: {table}\nguarantor: gis\n",
        "utf-8",
    )
    (builds / f"{table}.sql").write_text(sql, "utf-8")


def _mart_columns(warehouse: typing.Any, table: str) -> list[str]:
    """The column names of ``mart.<table>``, in order, as the warehouse stores them."""
    rows = warehouse.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'mart'"
        f" AND table_name = '{table}' ORDER BY ordinal_position"
    )
    return [row[0] for row in rows]


def test_shipped_builds_give_the_same_tables_on_both_engines(
    cdo, shipped_registry: Path, postgres_url: str
) -> None:
    """The builds' SQL is written once (DuckDB dialect) and transpiled by sqlglot. Without
    the tables' types, PostgreSQL refused ``round()`` of a computed double; and of one
    computed from a CTE's column until the types were followed through scopes. Quoted
    names keep their capitals and letters on both engines and in lineage."""
    from cdo_toolkit.warehouse.connection import Warehouse
    from cdo_toolkit.warehouse.url import parse_url

    _add_build(
        shipped_registry,
        "okresy",
        "Obyvatelé okresů a jejich podíl.",
        'WITH po_okresech AS (SELECT kod_okresu AS "Okres", SUM(pocet_obyvatel) AS "Obyvatel"'
        " FROM raw.obce GROUP BY kod_okresu)\n"
        'SELECT "Okres", "Obyvatel", ROUND(100.0 * "Obyvatel" / SUM("Obyvatel") OVER (), 2)'
        ' AS "Podíl %" FROM po_okresech',
    )
    tables = {}
    for url in ("duckdb:///warehouse/cdo.duckdb", postgres_url):
        for source in ("obce", "zastavky", "dopravni-nehody"):
            assert cdo(
                "--warehouse", url, "submit", source, f"examples/{source}.csv"
            ).exit_code in (
                0,
                1,
            )
        result = cdo("--warehouse", url, "build")
        assert result.exit_code == 0, result.output
        with Warehouse(parse_url(url, Path.cwd())) as warehouse:
            tables[url] = {
                table: [
                    tuple(
                        float(v) if isinstance(v, int | float) or hasattr(v, "as_tuple") else v
                        for v in row
                    )
                    for row in warehouse.execute(f"SELECT * FROM {table} ORDER BY 1")
                ]
                for table in ("mart.zastavky_obce", "mart.nehody_okresy", "mart.okresy")
            }
            assert _mart_columns(warehouse, "okresy") == ["Okres", "Obyvatel", "Podíl %"], url
    duck, postgres = tables.values()
    assert duck == postgres
    assert len(duck["mart.zastavky_obce"]) == 40 and duck["mart.nehody_okresy"]
    assert round(sum(row[2] for row in duck["mart.okresy"])) == 100  # type: ignore[misc]
    traced = " ".join(cdo("lineage", "columns", "mart.okresy.Podíl %").output.split())
    assert "← raw.obce.pocet_obyvatel" in traced and "DIRECT/AGGREGATION" in traced, traced
    assert (
        cdo("lineage", "columns", "mart.okresy.podíl %").output
        == cdo("lineage", "columns", "mart.okresy.Podíl %").output
    )


def test_a_build_reads_capitalised_columns_unquoted_on_both_engines(
    cdo, shipped_registry: Path, postgres_url: str
) -> None:
    """Election results name their columns in capitals (``OKRES``, ``KOLO``), which the
    warehouse keeps. A build written for DuckDB reads them unquoted in any case; PostgreSQL
    folded ``OKRES`` to ``okres`` and refused the build ("column okres does not exist")."""
    from cdo_toolkit.warehouse.connection import Warehouse
    from cdo_toolkit.warehouse.url import parse_url
    from tests.conftest import registry_add

    data = shipped_registry.parent / "volby.csv"
    data.write_text(
        "OKRES;OBEC;KOLO;VOL_SEZNAM;ODEVZ_OBAL\n5101;563510;1;100;60\n5101;563528;1;300;200\n"
        "5102;563889;1;50;40\n5102;563889;2;50;30\n",
        "utf-8",
    )
    registry_add(cdo, "volby", data, "government")
    _add_build(
        shipped_registry,
        "ucast",
        "Volební účast v okresech.",
        "WITH prvni AS (SELECT OKRES, vol_seznam, v.Odevz_Obal FROM raw.volby AS v"
        " WHERE Kolo = 1)\n"
        "SELECT okres, sum(VOL_SEZNAM) AS volicu,"
        " round(100.0 * sum(odevz_obal) / sum(vol_seznam), 1) AS ucast"
        " FROM prvni GROUP BY okres ORDER BY okres",
    )
    for url in ("duckdb:///warehouse/cdo.duckdb", postgres_url):
        assert cdo("--warehouse", url, "submit", "volby", str(data)).exit_code == 0
        result = cdo("--warehouse", url, "build", "ucast")
        assert result.exit_code == 0, (url, result.output)
        with Warehouse(parse_url(url, Path.cwd())) as warehouse:
            rows = warehouse.execute("SELECT * FROM mart.ucast ORDER BY 1")
            columns = _mart_columns(warehouse, "ucast")
        assert [tuple(float(v) for v in row) for row in rows] == [
            (5101, 400, 65.0),
            (5102, 50, 80.0),
        ], url
        assert columns == ["OKRES", "volicu", "ucast"], url


def test_names_the_query_gives_are_not_taken_for_stored_columns() -> None:
    """``sum(HLASY) AS kolo`` names a sum, though the table has a column ``KOLO``: the
    query's own name is left as written, the stored ones quoted as stored."""
    import sqlglot

    from cdo_toolkit.lineage.builds import render_select

    query = sqlglot.parse_one(
        "SELECT okres, sum(hlasy) AS kolo FROM raw.v GROUP BY Okres ORDER BY kolo", read="duckdb"
    )
    schema = {"raw": {"v": {"OKRES": "INTEGER", "HLASY": "INTEGER", "KOLO": "INTEGER"}}}
    assert render_select(query, schema, "postgres") == (
        'SELECT "OKRES", SUM("HLASY") AS kolo FROM raw.v GROUP BY "OKRES" ORDER BY kolo'
    )
    assert render_select(query, schema, "duckdb") == (
        "SELECT okres, SUM(hlasy) AS kolo FROM raw.v GROUP BY Okres ORDER BY kolo"
    )


def test_a_failing_build_skips_what_reads_it_and_not_the_others(
    cdo, shipped_registry: Path
) -> None:
    """The accidents are not in the warehouse yet: their build fails, a build over it is
    skipped, and the stops per municipality are built all the same (exit 1)."""
    builds = shipped_registry / "builds"
    (builds / "nejhorsi_okres.sql").write_text(
        "SELECT * FROM mart.nehody_okresy ORDER BY nehod_na_1000 DESC LIMIT 1", "utf-8"
    )
    definition = (builds / "nehody-okresy.yaml").read_text("utf-8")
    (builds / "nejhorsi-okres.yaml").write_text(
        definition.replace("id: nehody-okresy", "id: nejhorsi-okres")
        .replace("builds/nehody_okresy.sql", "builds/nejhorsi_okres.sql")
        .replace("table: nehody_okresy", "table: nejhorsi_okres"),
        "utf-8",
    )
    for source in ("obce", "zastavky"):
        assert cdo("submit", source, f"examples/{source}.csv").exit_code == 0
    result = cdo("build", "--format", "json")
    assert result.exit_code == 1, result.output
    outcome = {
        r["build"]: (r["status"], r["rows"], r.get("reason")) for r in json.loads(result.output)
    }
    assert outcome == {
        "nehody-okresy": (
            "failed",
            None,
            "raw.dopravni_nehody does not exist in the warehouse yet",
        ),
        "nejhorsi-okres": ("skipped", None, "it reads mart.nehody_okresy, which was not built"),
        "zastavky-obce": ("built", 40, None),
    }
    assert len(_table_contents("mart.zastavky_obce")[1]) == 40
    text = " ".join(cdo("build").output.split())
    assert "built mart.zastavky_obce: 40 rows from raw.obce, raw.zastavky" in text
    assert "skipped mart.nejhorsi_okres (build nejhorsi-okres): it reads mart.nehody_okresy" in text
    assert cdo("submit", "dopravni-nehody", "examples/dopravni-nehody.csv").exit_code in (0, 1)
    assert cdo("build").exit_code == 0


def test_builds_refuse_cycles_and_unknown_tables_before_running(
    cdo, shipped_registry: Path
) -> None:
    builds = shipped_registry / "builds"
    (builds / "zastavky_obce.sql").write_text("SELECT * FROM mart.nehody_okresy", "utf-8")
    (builds / "nehody_okresy.sql").write_text("SELECT * FROM mart.zastavky_obce", "utf-8")
    result = cdo("build")
    assert result.exit_code == 2 and "cycle" in result.output
    (builds / "nehody_okresy.sql").write_text("SELECT * FROM raw.neexistuje", "utf-8")
    result = cdo("build")
    assert result.exit_code == 2 and "raw.neexistuje" in result.output
    assert not EVENTS.exists()


def test_a_registry_without_builds_says_so(cdo, base_registry: Path) -> None:
    """It printed nothing and exited 0, as if builds had run."""
    result = cdo("build")
    assert result.exit_code == 0
    assert "the registry has no builds: each is declared in registry/builds/<id>.yaml" in " ".join(
        result.output.split()
    )
    assert json.loads(cdo("build", "--format", "json").output) == []


def test_a_build_sql_file_in_another_encoding_or_that_does_not_parse(
    cdo, shipped_registry: Path
) -> None:
    """A build's SQL saved in windows-1250 (as a Czech editor may) is a finding at its
    first such byte, for lint and for every command, not an internal error; SQL that does
    not parse is found by lint where it is wrong, and the audit goes on, saying so."""
    sql = shipped_registry / "builds" / "zastavky_obce.sql"
    good = sql.read_text("utf-8")
    sql.write_bytes("-- Zastávky obcí\nSELECT 1 AS x\n".encode("cp1250"))
    where = "registry/builds/zastavky_obce.sql:1:8: error REG002 the file is not UTF-8 (byte 0xE1)"
    result = cdo("registry", "lint")
    assert result.exit_code == 1 and where in result.output, result.output
    result = cdo("build")
    assert result.exit_code == 2 and where in result.output, result.output
    assert "internal error" not in result.output

    sql.write_text(good.replace("GROUP BY", "GROUP BYY"), "utf-8")
    line = good.splitlines().index(next(x for x in good.splitlines() if x.startswith("GROUP BY")))
    result = cdo("registry", "lint")
    assert result.exit_code == 1, result.output
    assert f"zastavky_obce.sql:{line + 1}:1: error REG037 the SQL does not parse" in result.output
    reports = ["--markdown", "audit.md", "--html", "audit.html"]
    result = cdo("--warehouse", "duckdb:///w/cdo.duckdb", "audit", *reports)
    assert result.exit_code == 0, result.output
    assert '<span class="fail">(the SQL does not parse' in Path("audit.html").read_text("utf-8")
    report = Path("audit.md").read_text("utf-8")
    assert "- `mart.zastavky_obce` (the SQL does not parse" in report
    assert "- `mart.nehody_okresy` ← `raw.dopravni_nehody`, `raw.obce`" in report


class _Receiver(http.server.BaseHTTPRequestHandler):
    mode = "ok"
    received: typing.ClassVar[list[dict]] = []  # type: ignore[type-arg]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.mode == "500":
            self.send_response(500)
            self.end_headers()
            return
        if self.mode == "slow":
            time.sleep(6)
        type(self).received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    _Receiver.received = []
    _Receiver.mode = "ok"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Receiver
    server.shutdown()


def test_http_endpoint_failures_spool_and_flush_in_order(
    cdo, shipped_registry: Path, receiver, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    url, handler = receiver
    spool = Path("warehouse/lineage/spool.jsonl")
    # Down: a port nothing listens on.
    monkeypatch.setenv("OPENLINEAGE_URL", "http://127.0.0.1:9")
    started = time.monotonic()
    result = cdo("validate", "examples/obce.csv", "--source", "obce")
    assert result.exit_code == 0
    assert time.monotonic() - started < 8
    assert len(read_events(spool)) == 2
    # Answering 500, then slow.
    monkeypatch.setenv("OPENLINEAGE_URL", url)
    handler.mode = "500"
    assert cdo("validate", "examples/zastavky.csv", "--source", "zastavky").exit_code == 0
    handler.mode = "slow"
    started = time.monotonic()
    assert cdo("validate", "examples/silnice.csv", "--source", "silnice").exit_code == 1
    assert time.monotonic() - started < 20
    spooled = read_events(spool)
    assert [e["job"]["name"] for e in spooled] == ["validate.obce"] * 2 + [
        "validate.zastavky"
    ] * 2 + ["validate.silnice"] * 2
    # Up: the flush delivers everything, in order, and empties the spool.
    handler.mode = "ok"
    handler.received.clear()
    result = cdo("lineage", "flush")
    assert result.exit_code == 0, result.output
    assert "6 events delivered, 0 still spooled" in result.output
    assert [(e["job"]["name"], e["eventType"]) for e in handler.received] == [
        (e["job"]["name"], e["eventType"]) for e in spooled
    ]
    assert not spool.exists()
    # The local log has every event, whatever the endpoint did.
    assert len(read_events(EVENTS)) == 6


def test_flush_keeps_what_was_not_delivered(
    cdo, shipped_registry: Path, receiver, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    url, handler = receiver
    monkeypatch.setenv("OPENLINEAGE_URL", url)
    handler.mode = "500"
    cdo("validate", "examples/obce.csv", "--source", "obce")
    result = cdo("lineage", "flush")
    assert result.exit_code == 1 and "0 events delivered, 2 still spooled" in result.output
    assert len(read_events(Path("warehouse/lineage/spool.jsonl"))) == 2


def test_flush_with_nothing_spooled_says_so(
    cdo, shipped_registry: Path, receiver, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    url, handler = receiver
    monkeypatch.setenv("OPENLINEAGE_URL", url)
    assert cdo("validate", "examples/obce.csv", "--source", "obce").exit_code == 0
    assert len(handler.received) == 2  # delivered as they happened: none spooled
    result = cdo("lineage", "flush")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("nothing to send: no event is spooled")


def test_lineage_configured_in_cdo_yaml(cdo, shipped_registry: Path, receiver) -> None:  # type: ignore[no-untyped-def]
    url, handler = receiver
    Path("cdo.yaml").write_text(
        yaml.safe_dump({"lineage": {"transport": {"type": "http", "url": url}}}), "utf-8"
    )
    assert cdo("validate", "examples/obce.csv", "--source", "obce").exit_code == 0
    assert [e["eventType"] for e in handler.received] == ["START", "COMPLETE"]


def test_lineage_show_and_columns(cdo, shipped_registry: Path) -> None:
    _submit_all(cdo)
    cdo("build")
    tree = cdo("lineage", "show", "zastavky_obce").output
    assert tree.splitlines()[0].startswith("mart.zastavky_obce  [build.zastavky-obce COMPLETE")
    assert "├── raw.obce  [submit.obce COMPLETE" in tree
    assert "└── raw.zastavky  [submit.zastavky COMPLETE" in tree
    assert "│   ├── " in tree  # the files of raw.obce hang under it, not beside it
    assert "examples/obce.csv  checks" in tree and "passed" in tree
    # Of a table each load replaces, the file of the last load comes first.
    Path("obce-2.csv").write_text(
        Path("examples/obce.csv").read_text("utf-8").replace(";104261;", ";104262;"), "utf-8"
    )
    assert cdo("submit", "obce", "obce-2.csv").exit_code == 0
    files = [line.split()[1] for line in cdo("lineage", "show", "raw.obce").output.splitlines()[1:]]
    first = next(i for i, f in enumerate(files) if f.endswith("/examples/obce.csv"))
    assert files[0].endswith("/obce-2.csv") and first >= 2, files
    # A table loaded daily for years would list every file: the newest, and a count.
    short = cdo("lineage", "show", "raw.obce", "--limit", "1").output.splitlines()
    assert "/obce-2.csv  checks" in short[1]
    assert short[2:] == [f"└── … {len(files) - 1} older (--limit)"]
    as_json = json.loads(
        cdo("lineage", "show", "raw.obce", "--limit", "1", "--format", "json").output
    )
    assert as_json["omitted"] == [{"dataset": "raw.obce", "older": len(files) - 1}]
    assert len(as_json["edges"]) == 1
    wrong = cdo("lineage", "show", "zastavky_obec")
    assert wrong.exit_code == 2
    assert "(did you mean 'mart.zastavky_obce'?)" in " ".join(wrong.output.split())
    down = json.loads(cdo("lineage", "show", "raw.obce", "--downstream", "--format", "json").output)
    assert {e["to"] for e in down["edges"]} == {"mart.zastavky_obce", "mart.nehody_okresy"}
    mermaid = cdo("lineage", "show", "nehody_okresy", "--format", "mermaid").output
    assert mermaid.startswith("flowchart LR") and '["raw.dopravni_nehody"]' in mermaid
    dot = cdo("lineage", "show", "nehody_okresy", "--format", "dot", "--depth", "1").output
    assert dot.startswith("digraph lineage {") and "examples" not in dot
    traced = json.loads(
        cdo("lineage", "columns", "mart.zastavky_obce.spoju_denne", "--format", "json").output
    )
    assert {(s["dataset"].split("/")[-1], s["column"]) for s in traced["sources"]} >= {
        ("zastavky.csv", "spoju_pracovni_den")
    }
    text = " ".join(cdo("lineage", "columns", "raw.zastavky.kod_obce").output.split())
    assert text.endswith("/examples/zastavky.csv.kod_obce DIRECT/IDENTITY"), text
    # A column both joined on and grouped by is one chain, with both uses.
    lines = cdo("lineage", "columns", "mart.nehody_okresy.nehod_na_1000").output.splitlines()
    okres = [i for i, line in enumerate(lines) if line.strip().startswith("← raw.obce.kod_okresu")]
    assert len(okres) == 1, lines
    assert lines[okres[0] + 1].split() == [
        "INDIRECT/GROUP_BY",
        "+",
        "INDIRECT/JOIN,",
        "DIRECT/IDENTITY",
    ]
    missing = cdo("lineage", "columns", "mart.zastavky_obce.nic")
    assert missing.exit_code == 2 and "no recorded lineage for column 'nic'" in missing.output


def _lineage_cases() -> list[Path]:
    return sorted((CASES / "lineage").glob("*.yaml"))


@pytest.mark.parametrize("case_file", _lineage_cases(), ids=lambda p: p.stem)
def test_column_lineage_case(case_file: Path) -> None:
    case = yaml.safe_load(case_file.read_text("utf-8"))
    edges = column_lineage(parse_select(case["sql"]), case["schema"])
    got = {f"{e.output} <- {e.table}.{e.column} {e.type}/{e.subtype}" for e in edges}
    for expected in case["expect"]:
        assert expected in got, (expected, sorted(got))
    for absent in case.get("absent", []):
        assert absent not in got


def test_a_build_never_replaces_the_toolkits_own_tables(cdo, shipped_registry: Path) -> None:
    """A build into cdo_meta.submissions would drop the history of every submission: lint
    refuses it (REG042), and so does the build itself for a registry read without lint."""
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.lineage.builds import run_builds
    from cdo_toolkit.registry import load
    from cdo_toolkit.warehouse.url import parse_url

    _submit_all(cdo)
    before = _table_contents("cdo_meta.submissions")
    definition = shipped_registry / "builds" / "zastavky-obce.yaml"
    text = definition.read_text("utf-8").replace("schema: mart", "schema: cdo_meta")
    definition.write_text(text.replace("table: zastavky_obce", "table: submissions"), "utf-8")
    result = cdo("build", "zastavky-obce")
    assert result.exit_code == 2 and "REG042" in result.output
    registry = load(shipped_registry)
    url = parse_url("duckdb:///warehouse/cdo.duckdb", Path.cwd())
    with pytest.raises(CdoError, match="may not write into schema 'cdo_meta'"):
        run_builds(registry, url, ["zastavky-obce"])
    assert _table_contents("cdo_meta.submissions") == before


def test_a_dataset_reached_by_two_paths_counts_its_older_inputs_on_each() -> None:
    """raw.a is made of three files; mart.n reads it, and mart.m reads both. Under
    --limit 2, each of the two drawings of raw.a lists the two newest files and 1 older."""
    from cdo_toolkit.lineage.graph import Graph, render_json, render_tree

    graph = Graph()

    def run(when: str, inputs: list[str], output: str) -> None:
        graph.add(
            {
                "eventType": "COMPLETE",
                "eventTime": when,
                "job": {"name": f"job.{output}"},
                "run": {"runId": f"{output}-{when}"},
                "inputs": [{"namespace": "db", "name": name} for name in inputs],
                "outputs": [{"namespace": "db", "name": output}],
            }
        )

    for month, file in enumerate(("/d/leden.csv", "/d/unor.csv", "/d/brezen.csv"), start=1):
        run(f"2026-0{month}-01T00:00:00Z", [file], "raw.a")
    run("2026-04-01T00:00:00Z", ["raw.a"], "mart.n")
    run("2026-05-01T00:00:00Z", ["raw.a", "mart.n"], "mart.m")
    start = graph.find("mart.m")
    tree = render_tree(graph, start, downstream=False, depth=5, breadth=2)
    a = "raw.a  [job.raw.a COMPLETE 2026-03-01T00:00:00]"
    assert tree.splitlines()[1:] == [
        "├── mart.n  [job.mart.n COMPLETE 2026-04-01T00:00:00]",
        f"│   └── {a}",
        "│       ├── /d/brezen.csv",
        "│       ├── /d/unor.csv",
        "│       └── … 1 older (--limit)",
        f"└── {a}",
        "    ├── /d/brezen.csv",
        "    ├── /d/unor.csv",
        "    └── … 1 older (--limit)",
    ], tree
    as_json = render_json(graph, start, downstream=False, depth=5, breadth=2)
    assert as_json["omitted"] == [{"dataset": "raw.a", "older": 1}]


def test_a_dataset_is_found_by_a_table_s_whole_name_before_any_ending() -> None:
    """``obce`` named both raw.obce and mart.zastavky_obce, which ends with it too."""
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.lineage.graph import Graph

    graph = Graph()
    for inputs, output in (([], "raw.obce"), (["raw.obce"], "mart.zastavky_obce")):
        graph.add(
            {
                "eventType": "COMPLETE",
                "eventTime": "2026-05-01T00:00:00Z",
                "job": {"name": f"job.{output}"},
                "run": {"runId": output},
                "inputs": [{"namespace": "db", "name": name} for name in inputs],
                "outputs": [{"namespace": "db", "name": output}],
            }
        )
    assert graph.find("obce").name == "raw.obce"
    assert graph.find("zastavky_obce").name == "mart.zastavky_obce"
    assert graph.find("_obce").name == "mart.zastavky_obce"
    with pytest.raises(CdoError, match="names several datasets"):
        graph.find("bce")


def test_runs_table_says_how_long_each_run_took(cdo, base_registry: Path) -> None:
    def event(kind: str, run: str, when: str) -> str:
        return json.dumps(
            {
                "eventType": kind,
                "eventTime": when,
                "job": {"namespace": "cdo", "name": f"submit.{run}"},
                "run": {"runId": run},
            }
        )

    EVENTS.parent.mkdir(parents=True, exist_ok=True)
    EVENTS.write_text(
        "\n".join(
            [
                event("START", "dlouhy", "2026-11-30T08:00:00.000Z"),
                event("COMPLETE", "dlouhy", "2026-11-30T08:02:05.400Z"),
                event("START", "kratky", "2026-11-30T09:00:00Z"),
                event("FAIL", "kratky", "2026-11-30T09:00:00.250Z"),
                event("START", "zabity", "2026-11-30T10:00:00Z"),
            ]
        )
        + "\n",
        "utf-8",
    )
    lines = cdo("lineage", "runs").output.splitlines()
    header = next(line for line in lines if "started (UTC)" in line)
    starts = [header.index(name) for name in ("job", "state", "started", "took", "run id")]
    rows = [
        [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        for line in lines
        if "submit." in line
    ]
    assert rows == [
        ["submit.zabity", "unfinished", "2026-11-30 10:00:00", "", "zabity"],
        ["submit.kratky", "FAIL", "2026-11-30 09:00:00", "0.25 s", "kratky"],
        ["submit.dlouhy", "COMPLETE", "2026-11-30 08:00:00", "2 min 5 s", "dlouhy"],
    ]
    # A narrow terminal leaves the run ids to --format json, and the names whole.
    from typer.testing import CliRunner

    from cdo_toolkit.cli.app import app

    narrow = CliRunner().invoke(app, ["lineage", "runs"], env={"COLUMNS": "60"}).stdout
    assert "run id" not in narrow and "submit.dlouhy" in narrow
    assert max(len(line.rstrip()) for line in narrow.splitlines()) <= 60


def test_outside_a_project_lineage_goes_to_the_users_state_folder(cdo, workdir: Path) -> None:
    # A guarantor validating a download: no warehouse/ folder appears beside the file.
    Path("stazene").mkdir()
    Path("stazene/obce.csv").write_text("kod,nazev\n563889,Liberec\n", "utf-8")
    result = cdo("validate", "stazene/obce.csv")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path().iterdir()) == [".state", "stazene"]
    assert list(Path("stazene").iterdir()) == [Path("stazene/obce.csv")]
    log = workdir / ".state" / "cdo" / "lineage" / "events.jsonl"
    assert [e["eventType"] for e in read_events(log)] == ["START", "COMPLETE"]
    runs = cdo("lineage", "runs", "--format", "json")
    assert [r["job"] for r in json.loads(runs.stdout)["runs"]] == ["validate.obce"]
    # In a project (here: a registry folder), the log stays beside its warehouse.
    Path("registry").mkdir()
    cdo("validate", "stazene/obce.csv")
    assert read_events(Path("warehouse/lineage/events.jsonl"))
