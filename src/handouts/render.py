"""Render: typed `Content` in, text out, through the Jinja2 templates of a `Look`.

`render_html(content, options)` returns the handout as one HTML document for `pdf.py`,
with only the per-topic styles inline (paper size, brand colours, body size, the page
label in the topic's language);
`stylesheets(options)` names the print CSS files `pdf.py` applies to it, which a warm
process parses once and reuses. `render_slide_plan(content)` returns the deck as a list of
slide dicts for `slides.py`, planned by `slides.yaml.j2`. Each template is looked up in
the project's `templates/` first, then in the package (`bundled.py`). Autoescape is on for HTML and
undefined names are errors; content text is only ever passed as data, never parsed as
a template.

Every fixed word comes from the label catalogue of the topic's `language`
(`language.py`), passed to the templates as `L` (`{{ L.key_points }}`; `{{ L.call |
fill(phone=...) }}` for a label with a value in it); dates are written for the language
(`longdate`), and `dir` is "rtl" for a language written right to left.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2
import markupsafe
import yaml

from .bundled import DEFAULT, Look
from .colour import tint
from .images import figure_uri, logo_uri, qr_uri
from .language import labels, long_date, number
from .model import Content, Term

_PLAN_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The slide plan is our template's output, so libyaml's safe loader (when PyYAML has it) reads
it, several times faster than the pure Python one (content files too, see `load.compose`)."""
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}


@dataclasses.dataclass(frozen=True)
class HandoutOptions:
    """How to lay out the handout: paper size and print size."""

    paper: str = "letter"
    large_print: bool = False
    direction: str = "ltr"
    """"rtl" for a language written right to left: handout-rtl.css mirrors the layout."""


@cache
def environment(look: Look = DEFAULT) -> jinja2.Environment:
    """Return the Jinja2 environment for `look`: strict, autoescaped HTML, the project's templates first."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder) for folder in look.folders]),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = _long_date
    env.filters["number"] = _number
    env.filters["fill"] = _fill
    env.filters["css_content"] = css_content
    env.filters["tojson"] = _tojson
    env.filters["qr_uri"] = qr_uri
    env.filters["tint"] = tint
    env.filters["halves"] = halves
    env.filters["address"] = address
    env.filters["running_title"] = running_title
    env.filters["addresses"] = addresses
    env.filters["slide_text"] = slide_text
    env.filters["full_notes"] = full_notes
    env.filters["source_line"] = source_line
    return env


def address(url: str) -> markupsafe.Markup:
    """Return `url` escaped so that a line may break after a slash and never at a hyphen.

    A zero-width space follows each run of slashes and a word joiner each hyphen (a hyphen
    that ends a line would read as part of the address). Plain characters, not elements,
    so a link stays one box per line and keeps one annotation. A part too long for a line
    still wraps between letters (`overflow-wrap` in handout.css).
    """
    text = re.sub(r"(/+)(?=.)", "\\1\u200b", url).replace("-", "-\u2060")
    return markupsafe.escape(text)


PAGE_WIDTHS = {"Letter": 8.5 * 72, "A4": 595.0}
"""Paper widths in points; the running title has the width less two 0.75in margins."""


def running_title(title: str, paper: str, size: float) -> str:
    """Return `title` cut at a word, with an ellipsis, to fit one line of the running header.

    Measured in the bundled bold face at `size` points, with a tenth to spare (a project's
    own font may be a little wider).
    """
    from . import fit  # only the handout needs the font metrics
    from .bundled import FONTS

    face = fit.Face("Atkinson Hyperlegible", FONTS / "AtkinsonHyperlegible-Bold.ttf", margin=1.1)
    width = PAGE_WIDTHS[paper] - 2 * 0.75 * 72
    title = " ".join(title.split())
    if face.width(title, size) <= width:
        return title
    words = title.split(" ")
    while len(words) > 1 and face.width(" ".join(words) + "…", size) > width:
        words.pop()
    return " ".join(words).rstrip(",;:.-–—") + "…"


def addresses(text: str) -> markupsafe.Markup:
    """Return `text` escaped, with every web address in it marked up by `address`."""
    pieces = re.split(r"(https?://\S+[^\s.,;:!?)])", str(text))
    return markupsafe.Markup("").join(address(piece) if n % 2 else markupsafe.escape(piece)
                                      for n, piece in enumerate(pieces))


def slide_text(point: str) -> str:
    """Return what a slide shows of `point`: its short form when it has one, else the point."""
    return getattr(point, "slide", None) or str(point)


def full_notes(points: list[str], notes: str | None = None) -> str | None:
    """Return `notes` followed by the full sentence of every point whose slide shows a short form."""
    full = [str(point) for point in points if getattr(point, "slide", None)]
    return "\n".join(([notes] if notes else []) + full) or None


def source_line(source) -> str:
    """Return a source as a slide names it: "Title. Publisher, year", and its note after a dash."""
    publisher = getattr(source, "publisher", None)
    year = getattr(source, "year", None)
    by = ", ".join(str(part) for part in (publisher, year) if part)
    stop = "" if source.title.endswith((".", "?", "!")) else "."
    return source.title + (f"{stop} {by}" if by else "") + (f" — {source.note}" if source.note else "")


def _tojson(value: object) -> str:
    """Return `value` as JSON the slide plan's YAML reads back unchanged.

    YAML counts U+0085, U+2028 and U+2029 as line breaks, and folds a line break in a
    quoted scalar together with the spaces beside it; escaped, they stay text.
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u0085", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@jinja2.pass_context
def _long_date(context, value: dt.date) -> str:
    """Return `value` written out in the language of the topic being rendered ("1 de marzo de 2026")."""
    return long_date(value, context.get("lang", "en"))


@jinja2.pass_context
def _number(context, value: float) -> str:
    """Return `value` written with the digits grouping and decimal sign of the topic's language."""
    return number(value, context.get("lang", "en"))


@jinja2.pass_eval_context
def _fill(eval_ctx, label: str, **values) -> str:
    """Return `label` with each {name} replaced by its value (escaped in HTML, where the label is too)."""
    if eval_ctx.autoescape:
        return markupsafe.Markup(markupsafe.escape(label)).format(**values)
    return label.format(**values)


def css_content(label: str) -> markupsafe.Markup:
    """Return `label` ("Page {page} of {pages}") as a CSS `content` value with page counters.

    Each piece of text is a quoted CSS string whose quotes, backslashes, line breaks and `<`
    are escaped, so it is safe inside the page's <style>.
    """
    out = []
    for part in re.split(r"(\{pages?\})", label):
        if part in ("{page}", "{pages}"):
            out.append(f"counter({part.strip('{}')})")
        elif part:
            escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>\n\r' else ch for ch in part)
            out.append(f'"{escaped}"')
    return markupsafe.Markup(" ".join(out) or '""')


def halves(terms: Sequence[Term]) -> list[list[Term]]:
    """Return `terms` cut in two, in order, where the two parts come closest to the same height.

    A term's height is guessed from its length: a line for the term and its definition's
    characters at about 36 a line (half the text width at the body size), plus a third of a
    line of margin. On a tie the first part is the taller, as in balanced columns.
    """
    heights = [1.33 + math.ceil(len(t.definition) / 36) for t in terms]
    total = sum(heights)
    cut = min(range(len(terms) + 1), key=lambda i: (abs(total - 2 * sum(heights[:i])), -i))
    return [list(terms[:cut]), list(terms[cut:])]


def render_html(content: Content, options: HandoutOptions = HandoutOptions(), look: Look = DEFAULT,
                logo: bytes | None = None, figures: dict[str, bytes] | None = None) -> str:
    """Return the handout for `content` as a complete HTML document.

    `logo` is the bytes of `content.organisation.logo`, and `figures` those of each section's
    figure by its `src`, read under the resource policy; without them the handout has no logo,
    and a figure whose bytes are missing is an error.
    """
    template = environment(look).get_template("handout.html.j2")
    logo_src = logo_uri(logo, content.organisation.logo) if logo and content.organisation.logo else None
    figure_srcs = {src: figure_uri(data) for src, data in (figures or {}).items()}
    missing = [s.figure.src for s in content.sections if s.figure and s.figure.src not in figure_srcs]
    if missing:
        raise ValueError(f"render_html needs the bytes of every figure; missing: {', '.join(missing)}")
    return template.render(c=content, paper=PAPER_SIZES[options.paper], large=options.large_print,
                           logo_src=logo_src, figures=figure_srcs, L=labels(content.language, look),
                           lang=content.language, dir=options.direction)


def stylesheets(options: HandoutOptions = HandoutOptions(), look: Look = DEFAULT) -> list[Path]:
    """Return the CSS files the handout HTML is drawn with, in cascade order."""
    names = ["fonts.css", "handout.css"] + (["handout-large.css"] if options.large_print else [])
    names += ["handout-rtl.css"] if options.direction == "rtl" else []
    return [look.find(name) for name in names]


def render_slide_plan(content: Content, look: Look = DEFAULT) -> list[dict]:
    """Return the slides for `content`: dicts with layout, title, bullets and notes."""
    text = environment(look).get_template("slides.yaml.j2").render(c=content, L=labels(content.language, look),
                                                                      lang=content.language)
    try:
        plan = yaml.load(text, Loader=_PLAN_LOADER)
    except yaml.YAMLError as exc:
        raise ValueError(f"slides.yaml.j2 did not render to valid YAML: {exc}") from None
    if not isinstance(plan, list) or not all(isinstance(s, dict) and "title" in s for s in plan):
        raise ValueError("slides.yaml.j2 must render to a list of slides, each with a title")
    return plan
