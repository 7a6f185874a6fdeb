"""The typed content model: the single description of what a handout holds.

Takes nothing; declares the dataclasses that `load.py` fills from YAML and that the
HTML and slide stages read. Every field's docstring is its documentation
(`docs/content.md` is written from it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class Point(str):
    """A bullet point: the string is its full text; `slide` is an optional short form for the deck.

    Written as plain text, or as a mapping `{text: ..., slide: ...}`. Everything that
    reads text (the handout, the checks) reads the full text; a slide shows the short
    form and its speaker notes carry the full sentence.
    """

    slide: str | None

    def __new__(cls, text: str, slide: str | None = None) -> Point:
        point = super().__new__(cls, text)
        point.slide = slide
        return point


@dataclass(frozen=True)
class Section:
    """A short chunk of the handout with an informative heading."""

    heading: str
    """What the section is about, said as a statement or question ("What is leaky gut?")."""
    points: list[Point]
    """Bullet points, one idea each, in plain language. A point may be `text:` with a shorter
    `slide:` form for the deck; the notes of its slide then carry the full sentence."""
    notes: str | None = None
    """Optional speaker notes for this section's slide."""


@dataclass(frozen=True)
class Term:
    """A medical word and its plain-language meaning."""

    term: str
    """The word as it appears in the text."""
    definition: str
    """What it means, in everyday words."""


@dataclass(frozen=True)
class Source:
    """A reference the handout is based on."""

    title: str
    """Title of the article, guideline or page."""
    url: str | None = None
    """Where to read it (http or https)."""
    note: str | None = None
    """Optional remark, e.g. who wrote it or what kind of source it is."""


@dataclass(frozen=True)
class GetHelp:
    """When and how the reader should contact the care team."""

    when: list[str]
    """Signs or situations that mean the reader should call."""
    phone: str
    """The number to call."""
    heading: str = "When to get help"
    """Heading of the block."""
    notes: str | None = None
    """Optional speaker notes for the slide."""


@dataclass(frozen=True)
class Organisation:
    """Who publishes the handout, and its brand."""

    name: str
    """Name of the clinic or organisation."""
    phone: str | None = None
    """Main phone number, printed in the footer."""
    website: str | None = None
    """Website address (http or https)."""
    email: str | None = None
    """Email address for questions and feedback."""
    logo: str | None = None
    """Path to an SVG or PNG logo, relative to the file that sets it (a full path once loaded)."""
    logo_alt: str | None = None
    """Alt text for the logo (required when `logo` is set)."""
    colour: str = "#1f4e79"
    """Main brand colour (#rrggbb), used for headings and the main message."""


@dataclass(frozen=True)
class Content:
    """One topic: everything a handout and its slide deck are made from."""

    title: str
    """What the handout is about; the first thing a reader sees."""
    main_message: str
    """The one thing to remember, in 1-3 short sentences. Shown first."""
    summary: list[str]
    """The most important points, in a few bullets."""
    sections: list[Section]
    """The body of the handout, in short sections."""
    actions: list[str]
    """What you can do: concrete steps, printed as a checklist."""
    get_help: GetHelp
    """When to get help, with a phone number."""
    glossary: list[Term]
    """Medical words used in the text, with plain meanings."""
    sources: list[Source]
    """What the handout is based on."""
    organisation: Organisation
    """Who publishes the handout."""
    published: dt.date
    """Publication date (YYYY-MM-DD)."""
    review: dt.date
    """Next review date (YYYY-MM-DD), at most 3 years after `published`."""
    disclaimer: str
    """Says the handout does not replace advice from the care team."""
    subtitle: str | None = None
    """Optional line under the title."""
    language: str = "en"
    """Language of the text (BCP 47 tag such as `en` or `en-GB`)."""
    feedback: str | None = None
    """How readers can tell you what they think (email, phone or web form)."""
    url: str | None = None
    """Address of the online version; shown as a QR code when set."""
    author: str | None = None
    """Optional author or team."""
    notes: str | None = None
    """Optional speaker notes for the title slide."""
    brand: str | None = None
    """Optional brand file (YAML of `organisation` fields), relative to this file; fills in `organisation`."""
