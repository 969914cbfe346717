"""Writing files whole: a report, catalogue record or schema is either the old one or the
new one, never a half-written file left by a crash or a full disk."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path


def require_file(path: Path, *, folder_hint: str | None = None) -> None:
    """Refuse a name that is no file to read: missing, or a folder (``folder_hint`` says
    what to do with that folder, if the caller knows better than to name a file in it).

    Raises:
        CdoError: saying which, with what to do.
    """
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.i18n import _

    if path.is_dir():
        raise CdoError(
            _("{file} is a folder, not a file").format(file=path),
            hint=folder_hint
            or _("give the data file itself, e.g. {example}").format(example=path / "data.csv"),
        )
    if not path.is_file():
        raise CdoError(_("file {file} not found").format(file=path))


def write_atomic(path: Path, text: str, *, durable: bool = False, new: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file beside it and a rename.

    ``durable`` also syncs the data to disk before the rename (for what must survive a
    power loss, such as the lineage spool), at the cost of a flush. ``new`` refuses to
    replace a file that exists: the written file is linked in under its name, which fails
    if the name is taken, even by a file that appeared while writing.

    Raises:
        CdoError: ``path`` is a folder, exists while ``new``, or cannot be written
            (permissions, a full disk).
    """
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.i18n import _

    if path.is_dir():
        raise CdoError(
            _("{file} is a folder").format(file=path), hint=_("give the name of a file to write")
        )
    temporary: str | None = None
    try:
        make_folder(path.parent)
        handle, temporary = _beside(path)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if new:
            try:
                os.link(temporary, path)
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: take the name exclusively
                with path.open("x", encoding="utf-8") as out:
                    out.write(text)
            Path(temporary).unlink()
        else:
            Path(temporary).replace(path)
    except BaseException as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CdoError(
                _("cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
            ) from None
        raise


def _beside(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, open for writing, with the permissions the
    written file is to have: those of the file it replaces, or those any new file gets
    (``0666`` less the umask, applied by the system as it creates the file).

    ``tempfile.mkstemp`` makes its files readable by their owner only, which the rename
    would carry over to a report or catalogue meant for others to read.
    """
    try:
        keep: int | None = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        keep = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        name = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            handle = os.open(name, flags, 0o666)
        except FileExistsError:
            continue
        if keep is not None and hasattr(os, "fchmod"):  # elsewhere, the system's default
            try:
                os.fchmod(handle, keep)
            except BaseException:
                os.close(handle)
                Path(name).unlink(missing_ok=True)
                raise
        return handle, name
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def make_folder(path: Path) -> None:
    """Create the folder ``path`` and its parents, unless they exist.

    Raises:
        CdoError: a file stands where a folder is needed, or it cannot be created.
    """
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.findings import display_path
    from cdo_toolkit.i18n import _

    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = next((p for p in (path, *path.parents) if p.exists()), path)
        raise CdoError(
            _("{path} is a file, where a folder is needed").format(path=display_path(blocking)),
            hint=_("give the name of a folder, or move the file away"),
        ) from None
    except OSError as exc:
        raise CdoError(
            _("cannot create the folder {path}: {reason}").format(
                path=display_path(path), reason=exc.strerror or exc
            )
        ) from None


def refuse_overwriting(output: Path, inputs: Iterable[Path], option: str) -> None:
    """Refuse to write ``output`` over one of the command's own ``inputs``.

    A report written over the file it describes (``cdo validate data.csv --output
    data.csv``) would destroy the submission, so it is refused before anything runs.

    Raises:
        CdoError: ``output`` names the same file as one of ``inputs``.
    """
    from cdo_toolkit.errors import CdoError
    from cdo_toolkit.i18n import _

    for path in inputs:
        if same_file(output, path):
            raise CdoError(
                _("{option} {output} would overwrite {file}, which the command reads").format(
                    option=option, output=output, file=path
                ),
                hint=_("give the report another name"),
            )


def same_file(one: Path, other: Path) -> bool:
    """Whether two names lead to one file (existing or not yet)."""
    try:
        return one.samefile(other)
    except OSError:
        # Either does not exist yet: the same file only if both names lead to one place.
        return one.resolve() == other.resolve()
