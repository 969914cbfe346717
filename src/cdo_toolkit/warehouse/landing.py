"""The landing zone: every submitted file stored first, by content, read-only.

``landing/<source>/<sha256><suffixes>``: the same bytes always land at the same place,
so a second submission of a file finds it already there, and nothing ever overwrites
or deletes a landed file. Rejected files are linked (or copied) into ``quarantine/`` beside
their report.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cdo_toolkit.errors import CdoError
from cdo_toolkit.files import write_atomic
from cdo_toolkit.i18n import _


@dataclass(frozen=True)
class Landed:
    path: Path
    sha256: str
    bytes: int


def _suffix(name: str) -> str:
    lowered = name.lower()
    for double in (".csv.gz", ".tsv.gz"):
        if lowered.endswith(double):
            return double
    return Path(lowered).suffix or ".dat"


INCOMING = ".incoming-"
STALE_SECONDS = 3600
"""A copy in progress writes its temporary file all the time; one untouched for an hour
was left by a process killed mid-copy."""


def land(file: Path, folder: Path, source: str) -> Landed:
    """Copy ``file`` into the landing zone (atomically, read-only) and return where it is."""
    target_dir = folder / "landing" / source
    digest = hashlib.sha256()
    size = 0
    temporary: Path | None = None
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        _sweep_stale(target_dir)
        with (
            file.open("rb") as src,
            tempfile.NamedTemporaryFile(dir=target_dir, prefix=INCOMING, delete=False) as tmp,
        ):
            temporary = Path(tmp.name)
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        sha = digest.hexdigest()
        target = target_dir / f"{sha}{_suffix(file.name)}"
        if target.exists():
            temporary.unlink()
        else:
            temporary.chmod(0o444)
            temporary.replace(target)
        return Landed(target, sha, size)
    except BaseException as exc:
        # A full disk or Ctrl-C mid-copy: the partial copy would hold its space for good.
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        reason = exc.strerror or str(exc)
        raise CdoError(
            _("cannot store {file} in the landing zone {folder}: {reason}").format(
                file=file, folder=target_dir, reason=reason
            ),
            hint=_("nothing was loaded; free disk space or fix permissions, then submit again"),
        ) from None


def _sweep_stale(target_dir: Path) -> None:
    """Remove temporary copies that processes killed mid-copy left behind."""
    import time

    limit = time.time() - STALE_SECONDS
    for leftover in target_dir.glob(INCOMING + "*"):
        try:
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
        except OSError:  # another process removed or renamed it meanwhile
            continue


def quarantine(landed: Landed, folder: Path, source: str, report_json: str) -> Path:
    """A copy of a rejected file and its report in ``quarantine/<source>/``."""
    target_dir = folder / "quarantine" / source
    target_dir.mkdir(parents=True, exist_ok=True)
    _sweep_stale(target_dir)  # whole copies, below, that a killed process left unfinished
    target = target_dir / landed.path.name
    if not target.exists():
        try:
            # A landed file never changes: a second name for it costs no space or time
            # (a rejected 1 GB file was copied whole).
            os.link(landed.path, target)
        except OSError:  # another file system, or one without hard links: copy it whole
            handle, name = tempfile.mkstemp(dir=target_dir, prefix=INCOMING)
            os.close(handle)
            temporary = Path(name)
            try:
                shutil.copyfile(landed.path, temporary)
                temporary.chmod(0o444)
                temporary.replace(target)  # never a partial copy under the final name
            finally:
                temporary.unlink(missing_ok=True)
    write_atomic(quarantined_report(target), report_json)
    return target


def quarantined_report(kept: Path) -> Path:
    """The report beside a rejected file that ``quarantine`` kept (``<sha256>.report.json``)."""
    return kept.with_name(kept.name.split(".", 1)[0] + ".report.json")
