"""The hook definitions of .pre-commit-hooks.yaml, run by pre-commit in a temporary git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = {
    "name": "obce",
    "resources": [
        {
            "name": "obce",
            "path": "obce.csv",
            "schema": {
                "fields": [
                    {"name": "kod", "type": "string", "constraints": {"pattern": "5\\d{5}"}},
                    {"name": "obyvatel", "type": "integer"},
                ]
            },
        }
    ],
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _hooks_repo(where: Path) -> Path:
    """A git repository holding this project's hook definitions as they are in the working tree.

    ``pre-commit try-repo`` on the project itself would miss a definition file not yet committed.
    """
    hooks = where / "hooks"
    if not hooks.exists():
        hooks.mkdir()
        shutil.copy(REPO / ".pre-commit-hooks.yaml", hooks)
        _git(where, "init", "-q", str(hooks))
        _git(hooks, "add", "-A")
        _git(hooks, "-c", "user.name=t", "-c", "user.email=t@example.cz", "commit", "-qm", "hooks")
    return hooks


def _try_hook(repo: Path, hook: str) -> subprocess.CompletedProcess[str]:
    """Run one hook of .pre-commit-hooks.yaml with ``pre-commit try-repo`` over every file."""
    env = os.environ | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(_hooks_repo(repo.parent)),
            hook,
            "--all-files",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def data_repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "data"
    shutil.copytree(REPO / "tests" / "cases" / "registry" / "_base", repo / "registry")
    (repo / "policies").mkdir()
    (repo / "policies" / "rules.yaml").write_text(
        "rules:\n  - id: frekvence\n    kind: frequency\n    severity: error\n"
        "    message: {cs: Periodicita není povolena., en: Frequency not allowed.}\n"
        "    allowed: [ANNUAL]\n",
        "utf-8",
    )
    (repo / "balicek").mkdir()
    (repo / "balicek" / "datapackage.json").write_text(json.dumps(PACKAGE), "utf-8")
    (repo / "balicek" / "obce.csv").write_text("kod,obyvatel\n563889,104261\n", "utf-8")
    _git(repo.parent, "init", "-q", str(repo))
    _git(repo, "add", "-A")
    return repo


def test_validate_hook_passes_valid_and_fails_invalid_packages(data_repo: Path) -> None:
    passed = _try_hook(data_repo, "cdo-validate")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    (data_repo / "balicek" / "obce.csv").write_text("kod,obyvatel\n063889,mnoho\n", "utf-8")
    _git(data_repo, "add", "-A")
    failed = _try_hook(data_repo, "cdo-validate")
    assert failed.returncode == 1
    assert "Failed" in failed.stdout
    assert "obce.csv" in failed.stdout and "obyvatel" in failed.stdout


def test_registry_hooks(data_repo: Path) -> None:
    assert _try_hook(data_repo, "cdo-registry-lint").returncode == 0
    policy = _try_hook(data_repo, "cdo-policy-check")
    assert policy.returncode == 1  # skoly is MONTHLY; the rule allows ANNUAL only
    assert "registry/sources/skoly.yaml" in policy.stdout and "POL:frekvence" in policy.stdout

    source = data_repo / "registry" / "sources" / "skoly.yaml"
    source.write_text(
        source.read_text("utf-8").replace("guarantor: odbor-skolstvi", "guarantr: x"), "utf-8"
    )
    _git(data_repo, "add", "-A")
    lint = _try_hook(data_repo, "cdo-registry-lint")
    assert lint.returncode == 1
    assert "registry/sources/skoly.yaml:5:1: error" in lint.stdout
    assert "did you mean 'guarantor'?" in lint.stdout
