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

from .config import CheckConfig
from .load import MAX_FILE_BYTES, Loaded
from .output import output_path, write_atomic
from .bundled import BUNDLED, DEFAULT, Look
from .render import HandoutOptions, render_html, render_slide_plan, stylesheets

HANDOUT = "handout.pdf"
LARGE_PRINT = "handout-large-print.pdf"
SLIDES = "slides.pptx"


@dataclasses.dataclass(frozen=True)
class BuildOptions:
    """Choices that shape the outputs, shared by every topic of a build."""

    paper: str = "letter"
    theme: Path | None = None
    aspect: str = "16:9"
    brand: Path | None = None
    """The project's brand file, merged under each topic's `organisation`."""
    max_file_bytes: int = MAX_FILE_BYTES
    """The largest content file that is read."""
    check: CheckConfig = CheckConfig()
    """Settings of the checks each topic gets before it is built."""
    assets: Path | None = None
    """A folder, besides the templates and the content's folder, that handouts may read files from."""
    allow_network: bool = False
    """Allow http(s) resources (never private addresses unless `allow_private_network`)."""
    allow_private_network: bool = False
    project: Path | None = dataclasses.field(default=None, metadata={"record": False})
    """The project folder (where handouts.yaml is), whose files handouts may read, e.g. a brand logo.
    It widens what may be read, not what is made, so the manifest does not record it."""
    max_resource_bytes: int | None = None
    """The largest resource a handout may read (None: the default of `fetch.py`)."""
    look: Look = dataclasses.field(default=DEFAULT, metadata={"record": False})
    """Where templates are found: the project's templates/ first, then the package's. The manifest
    records the hash of each file used instead (`Look.used`)."""


def render_topic(loaded: Loaded, options: BuildOptions = BuildOptions(),
                 warn: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """Return every output of one topic as {file name: bytes}, writing nothing.

    `warn` is called with each warning about the outputs (e.g. slide text that cannot fit).
    """
    from .fetch import Fetcher, policy_for, read_picture
    from .pdf import write_pdf
    from .slides import build_deck

    content = loaded.content
    policy = policy_for(loaded.path, content, (*options.look.folders, *filter(None, [options.assets, options.project])),
                        allow_network=options.allow_network, allow_private_network=options.allow_private_network,
                        max_bytes=options.max_resource_bytes)
    logo = content.organisation.logo
    logo_data = read_picture(logo, policy, loaded.path.parent) if logo else None
    outputs = {}
    for name, large in ((HANDOUT, False), (LARGE_PRINT, True)):
        handout = HandoutOptions(paper=options.paper, large_print=large)
        html = render_html(content, handout, options.look, logo=logo_data)
        outputs[name] = write_pdf(html, BUNDLED, Fetcher(policy), stylesheets(handout, options.look))
    outputs[SLIDES] = build_deck(
        render_slide_plan(content, options.look),
        title=content.title,
        author=content.author or content.organisation.name,
        language=content.language,
        date=content.published,
        theme=options.theme,
        default_theme=options.look.find("theme.pptx"),
        aspect=options.aspect,
        logo=(logo, logo_data) if logo and logo_data else None,
        colour=content.organisation.colour,
        logo_alt=content.organisation.logo_alt,
        warn=warn,
    )
    return outputs


def build_topic(loaded: Loaded, out_dir: Path, options: BuildOptions = BuildOptions(),
                warn: Callable[[str], None] | None = None) -> list[Path]:
    """Render every output of one topic, then write them into `out_dir`; return their paths."""
    outputs = render_topic(loaded, options, warn)
    paths = {name: output_path(out_dir, name) for name in outputs}  # refuse any escape before writing
    for name, data in outputs.items():
        write_atomic(paths[name], data)
    return list(paths.values())
