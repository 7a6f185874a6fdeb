"""The look: the bundled templates in the package, and a project's overrides of them.

The repository's top-level `templates/` folder is the one source of the bundled look; the
package reaches it as `handouts/templates` (a link in a checkout, copied into the wheel)
through `importlib.resources`. A project may keep a `templates/` folder of its own: a
file there overrides the bundled file of the same name, and anything it does not hold
keeps coming from the package. `Look` is that search path; `Look.find(name)` returns the
file that is used, and `Look.used()` names every one with its hash for the manifest.

This module reads no template and imports nothing heavy: a no-op build stays fast.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

BUNDLED = Path(str(resources.files("handouts").joinpath("templates")))
"""The templates, stylesheets, slide theme and fonts that ship with the package."""
FONTS = BUNDLED / "fonts"
NAMES = {
    "handout.html.j2": "the handout page (HTML, Jinja2)",
    "handout.css": "the handout's print stylesheet",
    "handout-large.css": "the large-print stylesheet, applied after handout.css",
    "fonts.css": "the @font-face rules; the fonts sit in fonts/ beside it",
    "slides.yaml.j2": "the slide plan (YAML, Jinja2)",
    "theme.pptx": "the slide master and layouts",
}
"""Every file a project can override, with what it is."""


class TemplateNotFound(LookupError):
    """A template named by the code is in none of the folders searched."""


@dataclass(frozen=True)
class Look:
    """Where templates are looked up: a project's own folder first (if any), then the package's."""

    folders: tuple[Path, ...] = (BUNDLED,)

    def find(self, name: str) -> Path:
        """Return the file `name` that is used: the first folder holding it wins."""
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        raise TemplateNotFound(f"{name}: not found in {', '.join(map(str, self.folders))}")

    def used(self) -> dict[str, str]:
        """Return {name: 'where:sha256'} for every overridable file, so that editing one rebuilds."""
        found = {}
        for name in sorted(NAMES):
            try:
                path = self.find(name)
            except TemplateNotFound:
                continue
            where = "bundled" if path.parent == BUNDLED else "project"
            found[name] = f"{where}:{hashlib.sha256(path.read_bytes()).hexdigest()}"
        return found


def look_for(project_templates: Path | None) -> Look:
    """Return the look of a project whose overrides are in `project_templates` (None or absent: bundled only)."""
    if project_templates is not None and project_templates.is_dir():
        return Look((project_templates.resolve(), BUNDLED))
    return Look()


DEFAULT = Look()
