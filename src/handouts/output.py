"""Write outputs safely: bytes in, a file replaced atomically out.

Every output is first written to a temporary file in the target folder, flushed to
disk, then renamed over the old one, so a reader (or a build killed at any moment)
sees either the previous complete file or the new complete file, never a partial one.
`output_path(out_dir, name)` returns where an output may go, refusing any name (a file
name or a topic's slug) that would land outside the output folder. A build killed
between writing and renaming leaves a hidden temporary file; the next write of that
output removes such leftovers once they are older than `STALE_SECONDS`.

`write_all({path: bytes})` writes a topic's outputs all or none: every temporary file
first, then every rename; if anything fails, the temporaries are removed and the files
already replaced get their previous bytes back (kept as hard links until the end), and
`WriteFailed` says which file and why.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 600
"""A temporary output file this old belongs to no build still running: a killed one left it."""


class UnsafeOutput(ValueError):
    """An output name that would write outside the output folder."""


class WriteFailed(Exception):
    """An output could not be written (a full disk, a read-only folder); nothing was changed."""

    def __init__(self, path: Path, error: OSError):
        self.path, self.error = path, error
        super().__init__(f"{path}: cannot write: {error.strerror or error}")


def output_path(out_dir: Path, name: str) -> Path:
    """Return `out_dir / name`, or raise `UnsafeOutput` if it would be outside `out_dir`.

    Absolute names, `..` parts and symlinks leading out of the folder are refused.
    """
    parts = Path(name).parts
    if not name or Path(name).is_absolute() or ".." in parts or "\\" in name or "\0" in name:
        raise UnsafeOutput(f"output name {name!r} would be outside the output folder {out_dir}")
    path = out_dir / name
    try:
        inside = path.resolve().is_relative_to(out_dir.resolve())
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        raise UnsafeOutput(f"output name {name!r} in {out_dir} cannot be resolved (a symlink loop?)") from None
    if not inside:
        raise UnsafeOutput(f"output name {name!r} leads outside the output folder {out_dir} (through a symlink)")
    return path


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; leave no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(files: dict[Path, bytes]) -> None:
    """Replace every file in `files` with its bytes, all or none, or raise `WriteFailed`.

    Each file is written to a temporary file beside it and flushed; only when all are
    written are they renamed into place. The previous file is kept as a hard link
    (`.NAME.*.old.tmp`) until every rename is done, so a failure part way puts it back.
    """
    temporaries: dict[Path, str] = {}
    kept: dict[Path, str | None] = {}
    current = next(iter(files), Path("."))
    try:
        for path, data in files.items():
            current = path
            path.parent.mkdir(parents=True, exist_ok=True)
            sweep(path)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temporaries[path] = tmp
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
        for path, tmp in temporaries.items():
            current = path
            kept[path] = _keep(path)
            os.replace(tmp, path)
    except OSError as exc:
        _undo(temporaries, kept)
        raise WriteFailed(current, exc) from None
    except BaseException:
        _undo(temporaries, kept)
        raise
    for old in kept.values():
        if old:
            Path(old).unlink(missing_ok=True)


def _keep(path: Path) -> str | None:
    """Return a hard link to the file now at `path` (None when there is none), to restore it."""
    if not path.exists():
        return None
    fd, old = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old.tmp")
    os.close(fd)
    os.unlink(old)  # a unique name, now free for the link (which refuses to replace anything)
    try:
        os.link(path, old)
    except OSError:  # no hard links here: a copy does as well
        Path(old).write_bytes(path.read_bytes())
    return old


def _undo(temporaries: dict[Path, str], kept: dict[Path, str | None]) -> None:
    """Put back every file already replaced, and remove every temporary file."""
    for path, old in kept.items():
        try:
            if old and path.exists() and os.path.samefile(old, path):
                os.unlink(old)  # not replaced yet (renaming a link onto itself would do nothing)
            elif old:
                os.replace(old, path)
            elif path.exists() and not Path(temporaries[path]).exists():
                path.unlink()  # it did not exist before this build
        except OSError:
            pass  # nothing more can be done; the message says what failed
    for tmp in temporaries.values():
        Path(tmp).unlink(missing_ok=True)


def sweep(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of `path` that killed builds left behind; return them.

    Only our own pattern (`.NAME.*.tmp`) and only files older than `STALE_SECONDS`, so
    a build writing the same output at this moment keeps its temporary file.
    """
    now = time.time() if now is None else now
    removed = []
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if leftover.is_file() and not leftover.is_symlink() and now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
                removed.append(leftover)
        except OSError:
            pass  # gone already, or not ours to remove
    return removed
