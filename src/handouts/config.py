"""Project configuration: `handouts.yaml` in, a typed `Config` out.

A project is a folder with a `handouts.yaml`, found by walking up from the current
folder (as git and ruff find theirs) or given with `--config`. It says which content
files to build, where outputs go, the paper size, the slide master, the brand file,
a templates folder that overrides the bundled look, and the thresholds of `handouts
check`. Every path in it is relative to the file itself, so a command gives the same
result from any subfolder. Command-line options win over the file; the file wins over
the defaults below. It is validated like content: every problem is reported with file,
line, column and key; unknown keys are warnings (errors with --strict).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .load import MAX_FILE_BYTES, ContentInvalid, Problem, convert, parse

CONFIG_NAME = "handouts.yaml"
SUFFIXES = (".yaml", ".yml")
SKIP_NAMES = {"handouts.yaml", "handouts.yml"}
"""Files in a topics folder that are not topics (the project config)."""


@dataclass(frozen=True)
class CheckConfig:
    """Thresholds and switches for `handouts check`."""

    grade_error: float = 8.0
    """Reading grade (SMOG) above which a section or the handout is an error."""
    grade_warning: float = 6.0
    """Reading grade (SMOG) above which it is a warning."""
    disabled: dict[str, str] = field(default_factory=dict)
    """Rules turned off, each with the reason: {rule id: why}."""
    terms: list[str] = field(default_factory=list)
    """Extra medical terms that must be defined in the glossary when used."""


@dataclass(frozen=True)
class Config:
    """A project's defaults for `build` and `check`."""

    content: list[str] = field(default_factory=lambda: ["content.yaml"])
    """Content files or folders of them to build, relative to the config file."""
    out: str = "output"
    """The output folder, relative to the config file."""
    paper: str = "letter"
    """Paper size of the handout: letter or a4."""
    theme: str | None = None
    """A .pptx whose master and layouts the slides use."""
    aspect: str = "16:9"
    """Slide shape: 16:9 or 4:3."""
    brand: str | None = None
    """A YAML file of organisation details (name, logo, phone, colours) for every topic."""
    assets: str | None = None
    """A folder of pictures (logos, figures) handouts may read, besides templates/ and the content's folder."""
    allow_network: bool = False
    """Let handouts fetch http(s) resources (off: a content file cannot make the build reach the network)."""
    allow_private_network: bool = False
    """With allow_network, also allow loopback, link-local and private addresses (off: no SSRF into the LAN)."""
    max_file_bytes: int = MAX_FILE_BYTES
    """The largest content file accepted, in bytes."""
    max_resource_bytes: int = 10_000_000
    """The largest picture, stylesheet or font a handout may read, in bytes."""
    templates: str = "templates"
    """A folder of templates that override the bundled ones of the same name (used when it exists)."""
    check: CheckConfig = field(default_factory=CheckConfig)
    """Settings for `handouts check`."""
    root: Path = field(default=Path("."), compare=False, metadata={"key": False})
    """Not a key: the folder the config file is in; relative paths start there."""
    found: bool = field(default=False, compare=False, metadata={"key": False})
    """Not a key: whether a config file was read (its folder is then the project folder)."""
    warnings: tuple[Problem, ...] = field(default=(), compare=False, metadata={"key": False})
    """Not a key: what was wrong with the file but not fatal (e.g. an unknown key)."""

    def resolve(self, value: str) -> Path:
        """Return `value` as a path, relative to the config file's folder."""
        return self.root / value

    def look(self):
        """Return where templates are found: this project's templates folder first, then the package's."""
        from .bundled import look_for

        return look_for(self.resolve(self.templates) if self.found else None)


def content_files(paths: list[Path]) -> list[Path]:
    """Return the content files in `paths`: files as given, folders as their .yaml files (sorted, one level deep)."""
    files = []
    for path in paths:
        if _is(path, Path.is_dir):
            files += sorted(p for p in path.iterdir()
                            if p.suffix in SUFFIXES and _is(p, Path.is_file) and p.name not in SKIP_NAMES
                            and not p.name.startswith("."))
        else:
            files.append(path)  # loading it says what is wrong, if anything
    return files


def _is(path: Path, test) -> bool:
    """Return `test(path)`, False when the path cannot even be looked at (a name too long, a loop)."""
    try:
        return test(path)
    except (OSError, RuntimeError):
        return False


def find_config(start: Path | None = None) -> Path | None:
    """Return the nearest `handouts.yaml` in `start` (default: here) or a folder above it, or None."""
    folder = (start or Path.cwd()).absolute()
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
    return None


def load_config(path: Path | None = None, *, strict: bool = False) -> Config:
    """Return the project config from `path`, or the nearest `handouts.yaml`, or the defaults."""
    if path is None:
        path = find_config()
        if path is None:
            return Config()
        if path.parent == Path.cwd().absolute():
            path = Path(CONFIG_NAME)  # found here: name it as the person would
    root = parse(path)
    if root is None:
        raise ContentInvalid([Problem(str(path), 0, 0, "", "the config file is empty; "
                                      "it needs at least `content: [topics]` (see `handouts new`)")])
    config, warnings, locations = convert(root, Config, str(path), strict)
    errors = []
    if config.paper not in ("letter", "a4"):
        errors.append(("paper", "expected letter or a4"))
    if config.aspect not in ("16:9", "4:3"):
        errors.append(("aspect", "expected 16:9 or 4:3"))
    errors += [(key, "expected a whole number above 0") for key in ("max_file_bytes", "max_resource_bytes")
               if getattr(config, key) < 1]
    if errors:  # each at its value's line and column
        places = {key: locations.get(key, (0, 0)) for key, _ in errors}
        raise ContentInvalid([Problem(str(path), places[key][0], places[key][1], key, e) for key, e in errors])
    return dataclasses.replace(config, root=path.parent, found=True, warnings=tuple(warnings))
