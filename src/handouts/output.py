"""Write outputs safely: bytes in, a file replaced atomically out.

Every output is first written to a temporary file in the target folder, flushed to
disk, then renamed over the old one, so a reader (or a build killed at any moment)
sees either the previous complete file or the new complete file, never a partial one.
`output_path(out_dir, name)` returns where an output may go, refusing any name (a file
name or a topic's slug) that would land outside the output folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
