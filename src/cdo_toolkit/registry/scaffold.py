"""A new registry to be filled in: the region, its office, three quality standards, no
guarantor and no source yet (``cdo registry init``)."""

from __future__ import annotations

import shutil
import uuid
from importlib.resources import files
from pathlib import Path

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import N_, _
from cdo_toolkit.registry.loader import looks_like_a_registry

REFUSED = N_("nothing was written; name a new folder with --registry")
"""What to do where ``init`` refuses a folder, whatever the reason."""

SKELETON = ("registry.yaml", "organisations.yaml", "guarantors.yaml", "standards.yaml")
FOLDERS = ("sources", "schemas")


def init_registry(root: Path) -> list[Path]:
    """Write a new registry at ``root``, a folder that does not exist or holds none of a
    registry's files; returns the files and folders written.

    The registry is made whole in a folder beside ``root`` and moved in, so a failure
    (a full disk) leaves no half-written registry that a second attempt would refuse.

    Raises:
        CdoError: ``root`` is a file, or holds a registry's file already.
    """
    if root.exists() and not root.is_dir():
        raise CdoError(
            _("{path} is a file, not a folder").format(path=display_path(root)),
            hint=_(REFUSED),
        )
    taken = [name for name in (*SKELETON, *FOLDERS) if (root / name).exists()]
    if taken:
        raise CdoError(
            _("a registry exists at {path} already ({names})").format(
                path=display_path(root), names=", ".join(taken)
            ),
            hint=_(REFUSED),
        )
    if looks_like_a_registry(root.resolve().parent):
        raise CdoError(
            _("{path} is inside a registry").format(path=display_path(root)),
            hint=_(REFUSED),
        )
    if root.exists() and any(root.glob("*.y*ml")):
        raise CdoError(
            _("{path} holds YAML files that are no registry's").format(path=display_path(root)),
            hint=_(REFUSED),
        )
    try:
        _write(root)
    except OSError as error:  # a folder not to be written in, a full disk
        raise CdoError(
            _("the registry could not be written at {path}: {reason}").format(
                path=display_path(root), reason=error.strerror or error
            )
        ) from None
    return [root / name for name in (*SKELETON, *FOLDERS)]


def _write(root: Path) -> None:
    root.parent.mkdir(parents=True, exist_ok=True)
    # Not mkdtemp, whose folder is its owner's only: a registry is shared as any folder is.
    scratch = root.parent / f".{root.name}.cdo-init-{uuid.uuid4().hex[:12]}"
    scratch.mkdir()
    try:
        skeleton = files("cdo_toolkit.registry").joinpath("skeleton")
        for name in SKELETON:
            (scratch / name).write_text(skeleton.joinpath(name).read_text("utf-8"), "utf-8")
        for name in FOLDERS:
            (scratch / name).mkdir()
        if root.exists():
            for name in (*SKELETON, *FOLDERS):
                (scratch / name).rename(root / name)
        else:
            scratch.rename(root)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
