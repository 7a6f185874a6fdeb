"""Build a topic: a validated `Loaded` content in, its output files written out.

`build_topic` renders every output in memory first (handout, large-print handout,
slide deck) and only then writes them, each atomically, so a failure in any stage
leaves the previous outputs untouched. It imports the PDF and slide stages lazily:
callers that only validate never pay for WeasyPrint.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from .load import Loaded
from .output import write_atomic
from .render import TEMPLATES, HandoutOptions, render_html, render_slide_plan

HANDOUT = "handout.pdf"
LARGE_PRINT = "handout-large-print.pdf"
SLIDES = "slides.pptx"


@dataclasses.dataclass(frozen=True)
class BuildOptions:
    """Choices that shape the outputs, shared by every topic of a build."""

    paper: str = "letter"
    theme: Path | None = None
    aspect: str = "16:9"
    warn: Callable[[str], None] | None = None
    """Called with each warning about the outputs (e.g. slide text that cannot fit)."""


def render_topic(loaded: Loaded, options: BuildOptions = BuildOptions()) -> dict[str, bytes]:
    """Return every output of one topic as {file name: bytes}, writing nothing."""
    from .pdf import write_pdf
    from .slides import build_deck

    content = loaded.content
    outputs = {}
    for name, large in ((HANDOUT, False), (LARGE_PRINT, True)):
        html = render_html(content, HandoutOptions(paper=options.paper, large_print=large))
        outputs[name] = write_pdf(html, TEMPLATES)
    outputs[SLIDES] = build_deck(
        render_slide_plan(content),
        title=content.title,
        author=content.author or content.organisation.name,
        language=content.language,
        date=content.published,
        theme=options.theme,
        aspect=options.aspect,
        logo=loaded.path.parent / content.organisation.logo if content.organisation.logo else None,
        logo_alt=content.organisation.logo_alt,
        warn=options.warn,
    )
    return outputs


def build_topic(loaded: Loaded, out_dir: Path, options: BuildOptions = BuildOptions()) -> list[Path]:
    """Render every output of one topic, then write them into `out_dir`; return their paths."""
    outputs = render_topic(loaded, options)
    written = []
    for name, data in outputs.items():
        path = out_dir / name
        write_atomic(path, data)
        written.append(path)
    return written
