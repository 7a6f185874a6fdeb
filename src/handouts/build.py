"""Build a topic: a validated `Loaded` content in, its output files written out.

`build_topic` first makes sure every character of the topic is in one of the handout's
fonts (`glyphs.py`, in `read_inputs`), renders every output in memory (handout,
large-print handout, slide deck) and only then writes them, each atomically, so a failure in any stage
leaves the previous outputs untouched. It imports the PDF and slide stages lazily:
callers that only validate never pay for WeasyPrint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .bundled import BUNDLED, DEFAULT, Look
from .config import CheckConfig
from .glyphs import uncovered
from .language import direction, labels
from .load import MAX_FILE_BYTES, ContentInvalid, Loaded
from .output import output_path, write_all
from .render import HandoutOptions, render_html, render_slide_plan, stylesheets

HANDOUT = "handout.pdf"
LARGE_PRINT = "handout-large-print.pdf"
SLIDES = "slides.pptx"
T = TypeVar("T")

if TYPE_CHECKING:
    from .fetch import Policy


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
    """The project folder (where handouts.yaml is): topics and brand files must be inside it.
    It limits what may be read, not what is made, so the manifest does not record it."""
    max_resource_bytes: int | None = None
    """The largest resource a handout may read (None: the default of `fetch.py`)."""
    look: Look = dataclasses.field(default=DEFAULT, metadata={"record": False})
    """Where templates are found: the project's templates/ first, then the package's. The manifest
    records the hash of each file used instead (`Look.used`)."""


@dataclasses.dataclass(frozen=True)
class Inputs:
    """What one topic's outputs read besides its content, read once under its resource policy."""

    policy: Policy
    logo: bytes | None
    figures: dict[str, bytes]
    """{figure src: bytes} of every section figure."""


def read_inputs(loaded: Loaded, options: BuildOptions) -> Inputs:
    """Return the resource policy of `loaded`, with its logo and figures read under it.

    A handout may read the look's folders, the assets folder, the topic's folder and its
    brand file's folder (docs/security.md). Raise `ResourceError` for anything refused, and
    `ContentInvalid` naming each character of the topic that none of the handout's fonts has
    (`glyphs.py`), before anything is read or drawn.
    """
    from .fetch import ResourceError, policy_for, read_picture
    from .images import NotAPicture, figure_type, logo_uri

    content = loaded.content
    missing = uncovered(loaded, options.look)
    if missing:
        raise ContentInvalid(missing)
    brand = [loaded.brand.parent] if loaded.brand else []
    policy = policy_for(loaded.path, content, (*options.look.folders, *filter(None, [options.assets]), *brand),
                        allow_network=options.allow_network, allow_private_network=options.allow_private_network,
                        max_bytes=options.max_resource_bytes)
    logo = content.organisation.logo
    logo_data = read_picture(logo, policy, loaded.path.parent) if logo else None
    if logo and logo_data is not None:
        try:
            logo_uri(logo_data)
        except NotAPicture as exc:
            raise ResourceError(_shown_logo(logo), str(exc), "organisation.logo",
                                loaded.where("organisation.logo")) from None
    figures = {}
    for i, section in enumerate(content.sections):
        if section.figure:
            src = section.figure.src
            figures[src] = read_picture(src, policy, loaded.path.parent)
            if figure_type(figures[src]) is None:
                raise ResourceError(src, "not a PNG, JPEG or SVG picture", f"sections[{i}].figure.src")
    return Inputs(policy, logo_data, figures)


def handout_options(loaded: Loaded, options: BuildOptions, large: bool) -> HandoutOptions:
    """Return how the handout (or, when `large`, its large-print edition) of `loaded` is laid out."""
    return HandoutOptions(paper=options.paper, large_print=large, direction=direction(loaded.content.language))


def handout_html(loaded: Loaded, options: BuildOptions, inputs: Inputs, large: bool) -> str:
    """Return the HTML of the handout (or, when `large`, its large-print edition) of `loaded`."""
    return render_html(loaded.content, handout_options(loaded, options, large), options.look,
                       logo=inputs.logo, figures=inputs.figures)


def make_handout(loaded: Loaded, options: BuildOptions, inputs: Inputs, large: bool, html: str | None = None) -> bytes:
    """Return the handout (or, when `large`, its large-print edition) of `loaded` as PDF bytes.

    `html` is its `handout_html`, when already made.
    """
    from .fetch import ResourceError
    from .pdf import Fetcher, write_pdf

    logo = loaded.content.organisation.logo
    html = html or handout_html(loaded, options, inputs, large)
    try:
        return write_pdf(html, BUNDLED, Fetcher(inputs.policy), stylesheets(handout_options(loaded, options, large),
                                                                            options.look))
    except ResourceError as exc:
        if logo and exc.resource.startswith("data:") and exc.key is None:  # the logo, embedded in the HTML
            raise ResourceError(_shown_logo(logo), exc.reason, "organisation.logo",
                                loaded.where("organisation.logo")) from None
        raise


def make_deck(loaded: Loaded, options: BuildOptions, inputs: Inputs) -> tuple[bytes, list[str]]:
    """Return the slide deck of `loaded` as .pptx bytes, and the warnings about it."""
    from .slides import build_deck  # python-pptx, and cairosvg for an SVG logo, only here

    content, logo = loaded.content, loaded.content.organisation.logo
    warnings: list[str] = []
    data = build_deck(
        render_slide_plan(content, options.look),
        title=content.title,
        author=content.author or content.organisation.name,
        language=content.language,
        date=content.published,
        theme=options.theme,
        default_theme=options.look.find("theme.pptx"),
        aspect=options.aspect,
        logo=(logo, inputs.logo) if logo and inputs.logo else None,
        colour=content.organisation.colour,
        logo_alt=content.organisation.logo_alt,
        pictures=inputs.figures,
        warn=warnings.append,
        part_label=labels(content.language, options.look)["slide_part"],
    )
    return data, warnings


Deck = Callable[[], tuple[bytes, list[str]]]
"""A function returning a topic's deck (.pptx bytes) and the warnings about it."""


@contextlib.contextmanager
def deck_started(loaded: Loaded, options: BuildOptions, parallel: bool) -> Iterator[Deck | None]:
    """Start making the deck of `loaded` in a forked process now, with `parallel` (on Linux); yield its `Deck`.

    Yield None without `parallel`. A build starts the deck before it checks the topic, so
    the two overlap; if the check fails, leaving the block stops the deck's process.
    """
    if not (parallel and sys.platform == "linux"):
        yield None
        return
    with _forked(lambda: make_deck(loaded, options, read_inputs(loaded, options))) as deck:
        yield deck


def render_topic(loaded: Loaded, options: BuildOptions = BuildOptions(),
                 warn: Callable[[str], None] | None = None, *, parallel: bool = False,
                 deck: Deck | None = None) -> dict[str, bytes]:
    """Return every output of one topic as {file name: bytes}, writing nothing.

    `warn` is called with each warning about the outputs (e.g. slide text that cannot fit).
    With `parallel` (on Linux), the large print and the deck are made in two forked
    processes while this one makes the handout: the same bytes, in about half the time on
    two cores. The deck's process starts first, while this one imports WeasyPrint (which
    the deck does not need); the large print's starts once WeasyPrint is imported, its
    stylesheets parsed and its HTML made, so it shares the parsed stylesheets and compiled
    templates. A batch's workers already keep the cores busy, so they leave it off.
    `deck` is the deck already being made (`deck_started`).
    """
    inputs = read_inputs(loaded, options)
    start = _forked if parallel and sys.platform == "linux" else _here
    with contextlib.ExitStack() as children:
        slides = deck or children.enter_context(start(lambda: make_deck(loaded, options, inputs)))
        html = None
        if start is _forked:
            from .pdf import prepare

            prepare(stylesheets(handout_options(loaded, options, True), options.look), inputs.policy.max_bytes)
            html = handout_html(loaded, options, inputs, True)
        large = children.enter_context(start(lambda: make_handout(loaded, options, inputs, True, html)))
        outputs = {HANDOUT: make_handout(loaded, options, inputs, False), LARGE_PRINT: large()}
        outputs[SLIDES], warnings = slides()
    for message in warnings:
        (warn or (lambda _: None))(message)
    return outputs


def _shown_logo(logo: str) -> str:
    """Return a logo reference as a message shows it: a file's name, not a data: URI's bytes."""
    return "a data: URI" if logo.lower().startswith("data:") else Path(logo).name if "://" not in logo else logo


@contextlib.contextmanager
def _here(job: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Yield a function that runs `job` in this process and returns its result."""
    yield job


@contextlib.contextmanager
def _forked(job: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Start `job` in a forked process; yield a function that waits for its result and returns it.

    The child sends back only a result: if it fails in any way, `job` is run again in this
    process, so an error is raised exactly as without forking. A child still running when
    the block is left (another output failed, or an interrupt) is stopped.
    """
    read, write = os.pipe()
    gc.freeze()  # the child's collector leaves what it inherits alone, so those pages stay shared
    pid = os.fork()
    if pid:
        gc.unfreeze()
    if pid == 0:  # the child: never returns into the caller's code
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps(job()))
            os._exit(0)
        finally:
            os._exit(1)
    os.close(write)
    done = False

    def result() -> T:
        nonlocal done
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        done = os.waitpid(pid, 0)[1] == 0
        return pickle.loads(data) if done else job()

    try:
        yield result
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            with contextlib.suppress(OSError):
                os.close(read)


def build_topic(loaded: Loaded, out_dir: Path, options: BuildOptions = BuildOptions(),
                warn: Callable[[str], None] | None = None, *, parallel: bool = False,
                deck: Deck | None = None) -> list[Path]:
    """Render every output of one topic (see `render_topic`), then write them into `out_dir` all or none.

    Return their paths."""
    paths = {name: output_path(out_dir, name) for name in (HANDOUT, LARGE_PRINT, SLIDES)}  # before any work
    outputs = render_topic(loaded, options, warn, parallel=parallel, deck=deck)
    write_all({paths[name]: data for name, data in outputs.items()})
    return list(paths.values())
