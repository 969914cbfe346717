"""A Data Package shipped as one zip archive: ``datapackage.json`` and its files inside.

Frictionless reads such a package (``frictionless validate package.zip``); a pipeline that
publishes a package often ships it so. The archive is unpacked into a scratch folder
within the limits a zipped table is read by (no member leading out of the archive, no
expansion beyond :data:`~cdo_toolkit.validation.source.MAX_EXPANDED_BYTES` or the
expansion ratio), and the package validated there; the report names its files as the
archive holds them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from cdo_toolkit.errors import CdoError
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _

DESCRIPTORS = ("datapackage.json", "datapackage.yaml", "datapackage.yml")


def descriptor_in(path: Path) -> str | None:
    """The member of the zip archive at ``path`` that is its Data Package descriptor (at
    the top, or in the one folder everything is in), or None for any other archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError):
        return None  # not an archive to open: the table reader says what it is
    tops = {PurePosixPath(name).parts[0] for name in names if PurePosixPath(name).parts}
    for name in names:
        parts = PurePosixPath(name).parts
        if (
            parts
            and parts[-1] in DESCRIPTORS
            and (len(parts) == 1 or (len(parts) == 2 and len(tops) == 1))
        ):
            return name
    return None


@contextmanager
def unpacked(path: Path) -> Iterator[Path]:
    """The folder the archive at ``path`` is unpacked into, for as long as the context
    lasts.

    Raises:
        CdoError: a member leading out of the archive, an archive expanding beyond the
            limits, or one that cannot be unpacked (damaged, or no room on the disk).
    """
    import tempfile
    import zlib

    from cdo_toolkit.validation.source import SourceProblem, check_expansion, inside_members

    with tempfile.TemporaryDirectory(prefix="cdo-package-") as folder:
        try:
            with zipfile.ZipFile(path) as archive:
                members = inside_members(archive)
                check_expansion(sum(info.file_size for info in members), path.stat().st_size)
                # Sizes are the members' declared ones: zipfile reads none beyond its size.
                archive.extractall(folder, members)
        except SourceProblem as problem:
            raise CdoError(f"{display_path(path)}: {problem.note}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise CdoError(
                _("{file}: the archive cannot be unpacked: {reason}").format(
                    file=display_path(path), reason=exc
                ),
                hint=_("pack it again, or send the package's files unpacked"),
            ) from None
        yield Path(folder)


def named_as_in(text: str, scratch: Path, archive: Path) -> str:
    """``text`` naming the archive's files rather than the scratch folder they were
    unpacked into."""
    return text.replace(str(scratch), display_path(archive))
