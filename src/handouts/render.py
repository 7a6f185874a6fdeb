"""Render: typed `Content` in, text out, through the Jinja2 templates of a `Look`.

`render_html(content, options)` returns the handout as one HTML document for `pdf.py`,
with only the per-topic styles inline (paper size, brand colours, body size);
`stylesheets(options)` names the print CSS files `pdf.py` applies to it, which a warm
process parses once and reuses. `render_slide_plan(content)` returns the deck as a list of
slide dicts for `slides.py`, planned by `slides.yaml.j2`. Each template is looked up in
the project's `templates/` first, then in the package (`bundled.py`). Autoescape is on for HTML and
undefined names are errors; content text is only ever passed as data, never parsed as
a template.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2
import yaml

from .bundled import DEFAULT, Look
from .colour import tint
from .images import figure_uri, logo_uri, qr_uri
from .model import Content, Term

_PLAN_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The slide plan is our template's output, so libyaml's safe loader (when PyYAML has it) reads
it, several times faster than the pure Python one; content files keep the pure Python
loader for its error messages."""
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}


@dataclasses.dataclass(frozen=True)
class HandoutOptions:
    """How to lay out the handout: paper size and print size."""

    paper: str = "letter"
    large_print: bool = False


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
    env.filters["tojson"] = _tojson
    env.filters["qr_uri"] = qr_uri
    env.filters["tint"] = tint
    env.filters["halves"] = halves
    return env


def _tojson(value: object) -> str:
    """Return `value` as JSON the slide plan's YAML reads back unchanged.

    YAML counts U+0085, U+2028 and U+2029 as line breaks, and folds a line break in a
    quoted scalar together with the spaces beside it; escaped, they stay text.
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u0085", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _long_date(value: dt.date) -> str:
    return f"{value.strftime('%B')} {value.day}, {value.year}"


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
                           logo_src=logo_src, figures=figure_srcs)


def stylesheets(options: HandoutOptions = HandoutOptions(), look: Look = DEFAULT) -> list[Path]:
    """Return the CSS files the handout HTML is drawn with, in cascade order."""
    names = ["fonts.css", "handout.css"] + (["handout-large.css"] if options.large_print else [])
    return [look.find(name) for name in names]


def render_slide_plan(content: Content, look: Look = DEFAULT) -> list[dict]:
    """Return the slides for `content`: dicts with layout, title, bullets and notes."""
    text = environment(look).get_template("slides.yaml.j2").render(c=content)
    try:
        plan = yaml.load(text, Loader=_PLAN_LOADER)
    except yaml.YAMLError as exc:
        raise ValueError(f"slides.yaml.j2 did not render to valid YAML: {exc}") from None
    if not isinstance(plan, list) or not all(isinstance(s, dict) and "title" in s for s in plan):
        raise ValueError("slides.yaml.j2 must render to a list of slides, each with a title")
    return plan
