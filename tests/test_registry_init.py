"""``cdo registry init``: a new registry that lints clean and takes its first source."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, add_refused

GUARANTOR = """guarantors:
  - id: odbor-zdravotnictvi
    name: MUDr. Petr Novák
    organisation: liberecky-kraj
    email: petr.novak@kraj-lbc.cz
"""


def test_init_writes_a_registry_that_lints_clean_and_takes_a_source(cdo, workdir: Path) -> None:
    missing = cdo("registry", "list")
    assert missing.exit_code == 2 and "'cdo registry init' begins a new one" in missing.output

    result = cdo("registry", "init")
    assert result.exit_code == 0, result.output
    registry = workdir / "registry"
    for name in ("registry.yaml", "organisations.yaml", "guarantors.yaml", "standards.yaml"):
        assert (registry / name).is_file(), name
        # A registry is shared like any folder: no file of its owner's only.
        assert (registry / name).stat().st_mode & 0o044 == 0o044 & ~_umask()
    assert (registry / "sources").is_dir() and (registry / "schemas").is_dir()
    assert "registry/guarantors.yaml" in result.output and "cdo registry add" in result.output
    assert not [p for p in workdir.iterdir() if p.name.startswith(".")]  # no scratch left

    linted = cdo("registry", "lint", "--format", "json")
    assert linted.exit_code == 0, linted.output
    assert [f["code"] for f in _findings(linted.output) if f["severity"] == "error"] == []
    standards = yaml.safe_load((registry / "standards.yaml").read_text("utf-8"))["standards"]
    assert [s["id"] for s in standards] == ["zlaty", "stribrny", "bronzovy"]

    Path("data.csv").write_text("kod;nazev\n001;Liberec\n002;Jablonec\n", "utf-8")
    # No guarantor yet: said, with where to add one, and nothing written.
    first = add_refused(cdo, registry, "mesta", "data.csv", "--theme", "territory")
    assert "the registry has no guarantor yet" in first
    assert "registry/guarantors.yaml" in first

    guarantors = registry / "guarantors.yaml"
    guarantors.write_text(
        guarantors.read_text("utf-8").replace("guarantors: []\n", GUARANTOR), "utf-8"
    )
    added = cdo("registry", "add", "mesta", "--from", "data.csv", "--theme", "territory")
    assert added.exit_code == 0, added.output
    entry = yaml.safe_load((registry / "sources" / "mesta.yaml").read_text("utf-8"))
    # The defaults of the new registry.yaml fill in the rest.
    assert (entry["guarantor"], entry["standard"], entry["publisher"]) == (
        "odbor-zdravotnictvi",
        "stribrny",
        "liberecky-kraj",
    )
    clean = cdo("registry", "lint", "--format", "json")
    assert clean.exit_code == 0, clean.output
    assert [f for f in _findings(clean.output) if f["severity"] == "error"] == []


@pytest.mark.parametrize(
    ("setup", "said"),
    [
        ("registry", "a registry exists at registry already (registry.yaml"),
        ("yaml", "registry holds YAML files that are no registry's"),
        ("inside", "registry/sources is inside a registry"),
        ("file", "registry is a file, not a folder"),
    ],
)
def test_init_writes_nothing_over_or_into_what_is_there(
    cdo, workdir: Path, setup: str, said: str
) -> None:
    target = ["--registry", "registry"]
    if setup == "registry":
        Path("registry").mkdir()
        Path("registry/registry.yaml").write_text("region: {name: Můj kraj}\n", "utf-8")
    elif setup == "yaml":
        Path("registry").mkdir()
        Path("registry/skoly.yaml").write_text("id: skoly\n", "utf-8")
    elif setup == "inside":
        assert cdo("registry", "init").exit_code == 0
        target = ["--registry", "registry/sources"]
    else:
        Path("registry").write_text("", "utf-8")
    before = _snapshot(workdir)
    result = cdo(*target, "registry", "init")
    assert result.exit_code == 2
    assert said in " ".join(result.output.split()), result.output
    assert "nothing was written" in result.output
    assert _snapshot(workdir) == before


def test_init_where_nothing_can_be_written_says_so(cdo, workdir: Path) -> None:
    """A folder that cannot be made was an internal error with a traceback's words."""
    Path("kraj").write_text("", "utf-8")
    result = cdo("--registry", "kraj/registry", "registry", "init")
    assert result.exit_code == 2
    assert "error: the registry could not be written at kraj/registry:" in result.output
    assert "internal error" not in result.output
    assert sorted(p.name for p in workdir.iterdir()) == ["kraj"]


def test_init_fills_an_empty_folder(cdo, workdir: Path) -> None:
    """A folder made beforehand (an empty repository's, say) is filled in place."""
    Path("kraj").mkdir()
    Path("kraj/README.md").write_text("Registr kraje\n", "utf-8")
    result = cdo("--registry", "kraj", "registry", "init")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("kraj").iterdir()) == [
        "README.md",
        "guarantors.yaml",
        "organisations.yaml",
        "registry.yaml",
        "schemas",
        "sources",
        "standards.yaml",
    ]
    assert cdo("--registry", "kraj", "registry", "lint").exit_code == 0


def _findings(output: str) -> list[dict[str, object]]:
    import json

    data = json.loads(output)
    return list(data["findings"] if isinstance(data, dict) else data)


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_the_new_registry_has_the_shipped_registry_s_standards() -> None:
    """docs/registry.md says so: the skeleton's tiers must not drift from the shipped ones."""
    from importlib.resources import files

    shipped = yaml.safe_load((REPO / "registry" / "standards.yaml").read_text("utf-8"))
    skeleton = files("cdo_toolkit.registry").joinpath("skeleton", "standards.yaml")
    assert yaml.safe_load(skeleton.read_text("utf-8")) == shipped
