"""Parity with Frictionless: the same inputs give the same (type, rowNumber, fieldName) errors.

Frictionless's own fixtures and the real Czech files come from ../shared (skipped where
absent, as in a user's clone); our own case files live in tests/cases/validation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cdo_toolkit.validation.api import Options
from cdo_toolkit.validation.reader import Dialect
from tests.conftest import CASES, SHARED
from tests.parity import engine_errors, frictionless_errors

FIXTURES = SHARED / "data" / "real" / "frictionless-fixtures"

# (file, schema file or None, our options, Frictionless options)
FRICTIONLESS_CASES = [
    ("capital-valid.csv", None),
    ("invalid.csv", None),
    ("capital-invalid.csv", None),
    ("duplicate-headers.csv", None),
    ("blank-headers.csv", None),
    ("blank-rows.csv", None),
    ("blank-rows-multiple.csv", None),
    ("defective-rows.csv", None),
    ("structure-errors.csv", None),
    ("structure-errors.csv", "schema-valid.json"),
    ("schema-errors.csv", "schema-valid.json"),
    ("unique-field.csv", "unique-field.json"),
    ("duplicate-rows.csv", None),
    ("blank-cells.csv", None),
    ("countries.csv", None),
    ("bom.csv", None),
    ("latin1.csv", None),
    ("table-infer-iso-8859-7.csv", None),
    ("ascii-notvalid.csv", None),
    ("encoding-issue-274.csv", None),
    ("delimiter.csv", None),
    ("issue-1009-semicolon.csv", None),
    ("leading-zeros.csv", None),
    ("table-infer-missing-values.csv", None),
    ("number/datapackage.json", None),
    ("invalid/datapackage.json", None),
    ("duplicate-column.csv", "duplicate-column-schema.json"),
]


@pytest.mark.parametrize(("name", "schema"), FRICTIONLESS_CASES, ids=lambda v: str(v))
def test_frictionless_fixture(name: str, schema: str | None, shared: Path) -> None:
    path = FIXTURES / name
    expected = frictionless_errors(path, schema=schema)
    got = engine_errors(path, Options(schema=FIXTURES / schema if schema else None))
    assert got == expected


def test_countries_resource_descriptor(shared: Path) -> None:
    """A resource descriptor's inline schema, with the comment line before the header detected."""
    descriptor = json.loads((FIXTURES / "countries.json").read_text("utf-8"))
    expected = frictionless_errors(FIXTURES / "countries.csv", schema=descriptor["schema"])
    from cdo_toolkit.validation.engine import Limits, TableInput, validate_table
    from cdo_toolkit.validation.fields import schema_spec

    task = validate_table(
        TableInput(
            FIXTURES / "countries.csv",
            "countries",
            "countries.csv",
            schema_spec(descriptor["schema"]),
            Dialect(),
        ),
        Limits(errors=10**7),
    )
    assert {(e.type, e.row_number, e.field_name or None) for e in task.errors} == expected
    assert ("type-error", 3, "neighbor_id") in expected  # "Ireland" as an integer


def _case_files() -> list[Path]:
    return sorted((CASES / "validation").glob("*.yaml"))


@pytest.mark.parametrize("case_file", _case_files(), ids=lambda p: p.stem)
def test_case_file(case_file: Path, tmp_path: Path) -> None:
    """Our own cases: the engine matches Frictionless and the errors the case expects."""
    case = yaml.safe_load(case_file.read_text("utf-8"))
    data = tmp_path / case.get("file", "data.csv")
    encoding = case.get("encoding", "utf-8")
    data.write_bytes(case["data"].encode(encoding))
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(case["schema"]), "utf-8")
    delimiter = case.get("delimiter")
    expected = {(e[0], e[1], e[2]) for e in case["expect"]}
    got = engine_errors(
        data, Options(schema=schema_path, delimiter=delimiter, encoding=case.get("encoding"))
    )
    assert got == expected, case["name"]
    dialect = {"csv": {"delimiter": delimiter}} if delimiter else None
    reference = frictionless_errors(
        data, schema=case["schema"], dialect=dialect, encoding=case.get("encoding")
    )
    assert reference == expected, "the case's expectation disagrees with Frictionless"


REAL = SHARED / "data" / "real"
INFERRED = sorted(
    {f"frictionless-fixtures/{name}" for name, _schema in FRICTIONLESS_CASES if ".csv" in name}
    | {str(path.relative_to(REAL)) for path in REAL.glob("*/*.csv") if REAL.is_dir()}
)


@pytest.mark.parametrize("name", INFERRED)
def test_inference_takes_frictionless_s_steps_to_its_schema(name: str, shared: Path) -> None:
    """The schema inferred by the steps ``Resource.infer()`` takes up to it (without the
    checks of the header and the row stream after them) is the one it infers: on
    Frictionless's fixtures and the real Czech files (windows-1250, UTF-16, semicolons)."""
    from frictionless import Resource

    from cdo_toolkit.validation.infer import _described

    def resource() -> Resource:
        return Resource(path=name, basepath=str(REAL), format="csv")

    inferred = resource()
    inferred.infer()
    assert _described(resource()) == inferred.schema.to_descriptor()
