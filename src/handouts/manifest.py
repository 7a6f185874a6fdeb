"""The build manifest: what each output was built from, kept in the output folder.

`Manifest.load(out)` reads `out/.handouts-manifest.json` (an empty manifest when there
is none) and `save()` writes it back atomically, merging with whatever another build
into the same folder saved meanwhile. Each entry is keyed by the topic's folder inside
`out` ("." for a single topic written straight into `out`) and records the content
file (relative to `out`), the inputs' fingerprint (`fingerprint()`) and the outputs
written (name, size, SHA-256). `stale_reason()` says why an entry no longer matches.

This module hashes files and reads JSON only: a no-op build never imports WeasyPrint,
python-pptx or Jinja2.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from . import __version__
from .bundled import DEFAULT, FONTS
from .output import write_atomic

MANIFEST_NAME = ".handouts-manifest.json"
FORMAT = 1
PACKAGES = ("weasyprint", "pydyf", "fonttools", "python-pptx", "jinja2", "pyyaml")
"""Libraries whose version changes the bytes of an output."""


def file_hash(path: Path) -> str | None:
    """Return the SHA-256 of the file at `path`, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def tree_hash(folder: Path, *, skip: Path | None = None) -> str:
    """Return one SHA-256 over every file below `folder` (names and bytes), skipping `skip`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if skip is not None and path.is_relative_to(skip):
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update((file_hash(path) or "").encode() + b"\0")
    return digest.hexdigest()


def shared_inputs(options, fonts: Path = FONTS) -> dict:
    """Return the inputs every topic of a build shares: templates, fonts, theme, tool, options.

    `options` is a `BuildOptions`; a field holding a path is recorded by its file's hash,
    so moving a theme does not force a rebuild but editing it does. Each template is
    recorded by name with where it came from (the project or the package) and its hash.
    """
    recorded = {}
    for field in dataclasses.fields(options):
        value = getattr(options, field.name)
        if value != field.default and field.metadata.get("record", True):  # short and stable: no defaults
            recorded[field.name] = file_hash(value) if isinstance(value, Path) else value
    theme = recorded.pop("theme", None)
    code = Path(__file__).parent
    tool: dict[str, str | None] = {"handouts": __version__, "code": tree_hash(code, skip=code / "__pycache__")}
    for package in PACKAGES:
        try:
            tool[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            tool[package] = None
    return {
        "templates": getattr(options, "look", DEFAULT).used(),
        "fonts": tree_hash(fonts) if fonts.is_dir() else None,
        "theme": theme,
        "tool": tool,
        "options": json.loads(json.dumps(recorded, default=str, sort_keys=True)),
    }


def fingerprint(content: Path, shared: dict, deps: dict[str, str | None], out: Path) -> dict:
    """Return everything one topic's outputs depend on: its content, extra files, shared inputs.

    `deps` maps files the topic used besides its content (e.g. a logo), as paths relative to
    `out`, to their hash when last built; they are hashed again here.
    """
    return {
        "content": file_hash(content),
        "deps": {name: file_hash(out / name) for name in sorted(deps)},
        **shared,
    }


def relative(path: Path, out: Path) -> str:
    """Return `path` relative to the folder `out`, with forward slashes."""
    return Path(os.path.relpath(path.absolute(), out.absolute())).as_posix()


def shown(path: Path) -> str:
    """Return `path` as a person would type it here: relative when below the current folder."""
    text = os.path.relpath(os.path.normpath(path.absolute()))
    return str(path.absolute()) if text.startswith("..") else text


class Manifest:
    """The entries of one output folder's manifest, keyed by topic folder."""

    def __init__(self, out: Path, entries: dict[str, dict], problem: str | None = None):
        self.out = out
        self.entries = entries
        self.problem = problem
        """Why the manifest on disk could not be used (every topic then counts as stale)."""
        self._changed: dict[str, dict | None] = {}

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """Return the manifest of `out` (empty when missing or unreadable)."""
        path = out / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(out, {})
        except (OSError, ValueError, RecursionError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not valid JSON"
            return cls(out, {}, f"{path}: unreadable ({reason}); every topic will be rebuilt")
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("topics"), dict):
            return cls(out, {}, f"{path}: not a manifest this version understands; every topic will be rebuilt")
        if not all(_is_entry(entry) for entry in data["topics"].values()):
            return cls(out, {}, f"{path}: malformed (an entry is not a record of a build); every topic will be rebuilt")
        return cls(out, data["topics"])

    def stale_reason(self, folder: str, content: Path, inputs: dict, *, verify: bool = False) -> str | None:
        """Return why the outputs in `folder` do not match `inputs` (None when they do).

        Outputs must exist with the recorded size; with `verify`, also the recorded hash.
        """
        entry = self.entries.get(folder)
        if entry is None:
            return "never built"
        if entry.get("content") != relative(content, self.out):
            return f"last built from {entry.get('content')}"
        before = entry.get("inputs", {})
        changed = [key for key in inputs if before.get(key) != inputs[key]]
        if changed:
            return f"{', '.join(changed)} changed"
        for name, recorded in sorted(entry.get("outputs", {}).items()):
            path = self.out / folder / name
            try:
                size = path.stat().st_size
            except OSError:
                return f"{shown(path)} is missing"
            if size != recorded.get("size") or (verify and file_hash(path) != recorded.get("sha256")):
                return f"{shown(path)} was modified"
        return None

    def deps(self, folder: str) -> dict[str, str | None]:
        """Return the extra files the topic in `folder` used when last built."""
        return (self.entries.get(folder) or {}).get("inputs", {}).get("deps", {})

    def orphans(self) -> dict[str, dict]:
        """Return the entries whose content file no longer exists."""
        return {folder: entry for folder, entry in self.entries.items()
                if not (self.out / entry.get("content", "")).is_file()}

    def record(self, folder: str, content: Path, inputs: dict, outputs: dict[str, dict]) -> None:
        """Note that `folder` now holds `outputs` built from `content` with `inputs`."""
        entry = {"content": relative(content, self.out), "inputs": inputs, "outputs": outputs}
        self.entries[folder] = self._changed[folder] = entry

    def forget(self, folder: str) -> None:
        """Note that the outputs in `folder` were removed."""
        self.entries.pop(folder, None)
        self._changed[folder] = None

    def save(self) -> None:
        """Write the changes since `load`, merged into the manifest now on disk, atomically."""
        if not self._changed:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        with _locked(self.out):
            current = Manifest.load(self.out).entries
            for folder, entry in self._changed.items():
                if entry is None:
                    current.pop(folder, None)
                else:
                    current[folder] = entry
            text = json.dumps({"format": FORMAT, "topics": current}, indent=1, sort_keys=True)
            write_atomic(self.out / MANIFEST_NAME, text.encode() + b"\n")
        self.entries = current
        self._changed = {}


def _is_entry(entry: object) -> bool:
    """Return whether `entry` has the shape `record` writes: content, inputs and outputs."""
    return (isinstance(entry, dict) and isinstance(entry.get("content"), str)
            and isinstance(entry.get("inputs"), dict) and isinstance(entry["inputs"].get("deps", {}), dict)
            and all(isinstance(name, str) for name in entry["inputs"].get("deps", {}))
            and isinstance(entry.get("outputs"), dict)
            and all(isinstance(value, dict) for value in entry["outputs"].values()))


@contextmanager
def _locked(folder: Path):
    """Hold an exclusive lock on `folder` so that two builds into it merge, not overwrite."""
    try:
        import fcntl
    except ImportError:  # not POSIX: builds into one folder must not overlap
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
