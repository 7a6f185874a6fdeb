"""Write outputs safely: bytes in, a file replaced atomically out.

Every output is first written to a temporary file in the target folder, flushed to
disk, then renamed over the old one, so a reader (or a build killed at any moment)
sees either the previous complete file or the new complete file, never a partial one.
`output_path(out_dir, name)` returns where an output may go, refusing any name (a file
name or a topic's slug) that would land outside the output folder. A build killed
between writing and renaming leaves a hidden temporary file; the next write of that
output removes such leftovers once they are older than `STALE_SECONDS`.
"""

from __future__ import annotations

import glob
import os
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 600
"""A temporary output file this old belongs to no build still running: a killed one left it."""
TEMP_SUFFIX = ".tmp"


def temp_prefix(path: Path) -> str:
    """Return how the temporary files of `path` are named: `.NAME.` + random + `TEMP_SUFFIX`."""
    return f".{path.name}."


class UnsafeOutput(ValueError):
    """An output name that would write outside the output folder."""


def output_path(out_dir: Path, name: str) -> Path:
    """Return `out_dir / name`, or raise `UnsafeOutput` if it would be outside `out_dir`.

    Absolute names, `..` parts and symlinks leading out of the folder are refused.
    """
    parts = Path(name).parts
    if not name or Path(name).is_absolute() or ".." in parts or "\\" in name or "\0" in name:
        raise UnsafeOutput(f"output name {name!r} would be outside the output folder {out_dir}")
    path = out_dir / name
    if not path.resolve().is_relative_to(out_dir.resolve()):
        raise UnsafeOutput(f"output name {name!r} leads outside the output folder {out_dir} (through a symlink)")
    return path


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; leave no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path), suffix=TEMP_SUFFIX)
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


def sweep(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of `path` that killed builds left behind; return them.

    Only our own pattern (`.NAME.*.tmp`) and only files older than `STALE_SECONDS`, so
    a build writing the same output at this moment keeps its temporary file.
    """
    now = time.time() if now is None else now
    removed = []
    for leftover in path.parent.glob(glob.escape(temp_prefix(path)) + "*" + TEMP_SUFFIX):
        try:
            if leftover.is_file() and not leftover.is_symlink() and now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
                removed.append(leftover)
        except OSError:
            pass  # gone already, or not ours to remove
    return removed
