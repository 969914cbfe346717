from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CASES = Path(__file__).resolve().parent / "cases"


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def shared() -> Path:
    """The team's shared reference material; absent in a user's clone."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (a user's clone): reference data unavailable")
    return SHARED


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Each test starts, and leaves the process, with English messages."""
    from cdo_toolkit import i18n

    i18n.use("en")
    yield
    i18n.use("en")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty working directory with no cdo settings from the environment."""
    for name in (
        "CDO_REGISTRY",
        "CDO_WAREHOUSE",
        "CDO_CONFIG",
        "CDO_LANG",
        "LC_ALL",
        "LC_MESSAGES",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")  # messages in English unless a test asks for Czech
    # Lineage of runs outside a project goes to the user's state folder: the test's own.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / ".state"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture
def base_registry(workdir: Path) -> Path:
    """A small valid registry at ./registry, to be altered by a test."""
    target = workdir / "registry"
    shutil.copytree(CASES / "registry" / "_base", target)
    return target


@pytest.fixture
def shipped_registry(workdir: Path) -> Path:
    """A copy of the registry the project ships, at ./registry, with its examples."""
    shutil.copytree(REPO / "registry", workdir / "registry")
    shutil.copytree(REPO / "examples", workdir / "examples")
    return workdir / "registry"


@pytest.fixture
def cdo() -> Callable[..., object]:
    """Run the cdo CLI in-process; returns click's Result."""
    from cdo_toolkit.cli.app import app

    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(
            app, list(args), input=input, env={"COLUMNS": "200"}, catch_exceptions=False
        )

    return run


def registry_add(
    cdo: Callable[..., Any], source_id: str, data: Path | str, theme: str, *options: str
) -> Any:
    """``cdo registry add`` of ``source_id`` from ``data`` (guarantor gis, further
    ``options``), asserted to succeed: the result, and the entry written (its path is all
    the command prints)."""
    import yaml

    result = cdo(
        "registry", "add", source_id, "--from", str(data), "--guarantor", "gis", "--theme", theme,
        *options,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result, yaml.safe_load(Path(result.stdout.strip()).read_text("utf-8"))


def add_refused(
    cdo: Callable[..., Any], registry: Path, source_id: str, data: str, *options: str
) -> str:
    """``cdo registry add`` of ``source_id`` from ``data`` with ``options``, asserted to be
    refused as unusable input (exit 2) with no entry written: what it said, on one line."""
    result = cdo("registry", "add", source_id, "--from", data, *options)
    assert result.exit_code == 2, result.output
    assert not (registry / "sources" / f"{source_id}.yaml").exists()
    return " ".join(result.output.split())


def register_copy(registry: Path, source: str, new_id: str, table: str) -> None:
    """Register ``source``'s entry again as ``new_id``, loaded into ``table``."""
    entry = (registry / "sources" / f"{source}.yaml").read_text("utf-8")
    (registry / "sources" / f"{new_id}.yaml").write_text(
        entry.replace(f"id: {source}", f"id: {new_id}").replace(
            f"table: {source}", f"table: {table}"
        ),
        "utf-8",
    )


def source_yaml(
    source_id: str, title: str, description: str, rest: str, *, theme: str = "territory"
) -> str:
    """A source file of the test registry: its id, names and theme, the test registry's
    guarantor, publisher and standard, then ``rest`` (personal data, schema, warehouse…)."""
    return (
        f"id: {source_id}\ntitle: {title}\ndescription: {description}\ntheme: {theme}\n"
        "guarantor: gis\npublisher: kraj\nstandard: zakladni\n"
        "update_frequency: ANNUAL\nlicence: CC-BY-4.0\n"
    ) + rest


def source_dict(source_id: str, title: str, description: str, **rest: Any) -> dict[str, Any]:
    """A source of the test registry as data, as :func:`source_yaml` writes one: its id,
    names and theme (``territory`` unless given), the test registry's guarantor,
    publisher and standard, then ``rest``."""
    return {
        "id": source_id,
        "title": title,
        "description": description,
        "theme": rest.pop("theme", "territory"),
        "guarantor": "gis",
        "publisher": "kraj",
        "standard": "zakladni",
        "update_frequency": "ANNUAL",
        "licence": "CC-BY-4.0",
        **rest,
    }


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def case_files(folder: str) -> list[Path]:
    return sorted(p for p in (CASES / folder).glob("*.yaml"))


os.environ.setdefault("NO_COLOR", "1")


def unavailable(reason: str) -> NoReturn:
    """Skip for want of a server or program, except under CI=true, where .ci/run provides
    everything and a missing piece is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (.ci/run must provide it)")
    pytest.skip(reason)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL server named by CDO_TEST_POSTGRES_URL.

    Skipped where no server is configured, except under CI=true, where .ci/run starts
    one and a missing server is a failure.
    """
    import uuid

    admin = os.environ.get("CDO_TEST_POSTGRES_URL")
    if not admin:
        unavailable(
            "no PostgreSQL server: set CDO_TEST_POSTGRES_URL (as .ci/run does) to run these tests"
        )
    import psycopg

    name = f"cdo_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        unavailable(f"PostgreSQL at CDO_TEST_POSTGRES_URL is not reachable: {exc}")
    base, _, _ = admin.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def notes_and_data(path: Path, rows: list[list[Any]]) -> Path:
    """A workbook whose first sheet, ``poznamky``, holds a note, and whose second, ``data``,
    the ``rows``: data not on the first sheet."""
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "poznamky"
    notes.append(["Data jsou na listu data."])
    data = book.create_sheet("data")
    for row in rows:
        data.append(row)
    book.save(path)
    return path
