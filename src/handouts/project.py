"""Projects: `handouts new` writes a ready project; `handouts templates copy` starts an override.

`new_project(folder)` copies the starter project that ships in the package (`scaffold/`):
the config, one topic that builds and passes `check --strict`, a brand file and logo, a
CI workflow, a pre-commit config, a .gitignore, a README for writers, and the pinned
requirements (`requirements.txt`, `constraints.txt`) that make outputs byte-identical
from one machine to the next. It returns the files written and refuses a folder that
is not empty unless `force` is given. `copy_templates(names, into)` copies bundled
templates into a project's templates folder; a file there overrides the bundled one.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from . import __version__
from .bundled import BUNDLED, NAMES

SCAFFOLD = Path(str(resources.files("handouts").joinpath("scaffold")))
CONSTRAINTS = Path(str(resources.files("handouts").joinpath("data", "constraints.txt")))
"""The versions of every library the tool was tested with; `new` copies them into a project."""


class ProjectError(Exception):
    """A project cannot be written as asked; the message says why and what to do."""


def new_project(folder: Path, *, force: bool = False) -> list[Path]:
    """Write a starter project into `folder` and return the files written."""
    if folder.exists() and not folder.is_dir():
        raise ProjectError(f"{folder}: is a file, not a folder; give a new folder's name")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ProjectError(f"{folder}: the folder is not empty; choose a new folder, or add --force "
                           "to write the starter files into it (files of the same name are replaced)")
    files = {}
    for source in sorted(SCAFFOLD.rglob("*")):
        if source.is_file():
            name = "/".join(part.replace("dot-", ".", 1) if part.startswith("dot-") else part
                            for part in source.relative_to(SCAFFOLD).parts)
            files[name] = source.read_bytes().replace(b"{version}", __version__.encode())
    pin = f"# The tool, pinned: raise it on purpose, then rebuild.\nhandouts=={__version__}\n"
    files["requirements.txt"] = pin.encode()
    files["constraints.txt"] = CONSTRAINTS.read_bytes()
    written = []
    try:
        for name, data in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    except OSError as exc:
        raise ProjectError(f"{exc.filename or folder}: cannot write: {exc.strerror}") from None
    return written


def copy_templates(names: list[str], into: Path, *, force: bool = False) -> list[Path]:
    """Copy the bundled templates `names` (all when empty) into `into`; return the files written."""
    unknown = [name for name in names if name not in NAMES]
    if unknown:
        raise ProjectError(f"unknown template {', '.join(unknown)}; the templates are: {', '.join(NAMES)}")
    wanted = names or list(NAMES)
    if "fonts.css" in wanted:  # its @font-face rules name the fonts beside it
        wanted.append("fonts")
    existing = [into / name for name in wanted if (into / name).exists()]
    if existing and not force:
        raise ProjectError(f"{', '.join(map(str, existing))}: already there; edit it, or add --force "
                           "to replace it with the bundled file")
    written = []
    try:
        into.mkdir(parents=True, exist_ok=True)
        for name in wanted:
            if (BUNDLED / name).is_dir():
                shutil.copytree(BUNDLED / name, into / name, dirs_exist_ok=True)
            else:
                shutil.copyfile(BUNDLED / name, into / name)
            written.append(into / name)
    except OSError as exc:
        raise ProjectError(f"{exc.filename or into}: cannot write: {exc.strerror}") from None
    return written
