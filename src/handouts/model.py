"""The typed content model: the single description of what a handout holds.

Takes nothing; declares the dataclasses that `load.py` fills from YAML and that the
HTML and slide stages read. Every field's docstring is its documentation
(`docs/content.md` is written from it).
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass, field

Cell = typing.NewType("Cell", str)
"""A table cell: text, or empty ("" or nothing) for a cell the reader fills in."""


@dataclass(frozen=True)
class Figure:
    """A picture in a section: a drawing of how to do something, a diagram."""

    src: str
    """PNG, JPEG or SVG file, relative to the content file (a full path once loaded), read under the
    resource policy like the logo."""
    alt: str | None = None
    """What the picture shows, for people who cannot see it (required unless `decorative`)."""
    caption: str | None = None
    """Optional line printed under the picture."""
    credit: str | None = None
    """Optional: who drew or owns the picture, printed after the caption."""
    decorative: bool = False
    """True for a picture that adds nothing to the text: it then needs no alt text and is skipped by screen readers."""


@dataclass(frozen=True)
class Table:
    """A small table: a reading log to fill in, a medicine schedule."""

    rows: list[list[Cell]]
    """The rows, each a list of cells; a row may be shorter than the header (the rest is empty), not longer."""
    header: list[str] | None = None
    """The column headings (`handouts check` wants one)."""
    caption: str | None = None
    """What the table is, printed above it."""


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
    points: list[Point] = field(default_factory=list)
    """Bullet points, one idea each, in plain language. A point may be `text:` with a shorter
    `slide:` form for the deck; the notes of its slide then carry the full sentence."""
    steps: list[str] = field(default_factory=list)
    """Things to do in order, printed as a numbered list after the points."""
    figure: Figure | None = None
    """Optional picture, after the points and steps."""
    table: Table | None = None
    """Optional table, last in the section."""
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
    publisher: str | None = None
    """Who published it, e.g. "American Heart Association" (`handouts check` wants one)."""
    year: int | None = None
    """Year it was published or last updated."""
    url: str | None = None
    """Where to read it (http or https)."""
    accessed: dt.date | None = None
    """When you last read it online (YYYY-MM-DD)."""
    note: str | None = None
    """Optional remark, e.g. who wrote it or what kind of source it is."""


@dataclass(frozen=True)
class Tier:
    """One level of urgency in `get_help`: a number to call and when to call it."""

    phone: str
    """The number to call, e.g. "911" for the emergency tier."""
    when: list[str]
    """Signs or situations that mean the reader should call this number (at least one)."""


TIER_KINDS = ("emergency", "urgent", "routine")
"""The tiers of `get_help`, most urgent first: the order they are printed in."""


@dataclass(frozen=True)
class GetHelp:
    """When and how the reader should contact the care team, most urgent first."""

    emergency: Tier | None = None
    """Call the emergency number now (911, 999, 112 ...): printed first, most prominently, and on page 1."""
    urgent: Tier | None = None
    """Call the care team the same day."""
    routine: Tier | None = None
    """Call the care team during office hours."""
    when: list[str] = field(default_factory=list)
    """The routine tier's items, as older files give them (with `phone`); use `routine` in new files."""
    phone: str | None = None
    """The routine tier's number, as older files give it (with `when`)."""
    heading: str = "When to get help"
    """Heading of the block (default: "When to get help" in the topic's language, from its label catalogue)."""
    notes: str | None = None
    """Optional speaker notes for the slide."""

    def tiers(self) -> list[tuple[str, str, Tier]]:
        """Return (kind, key path, tier) of every tier given, most urgent first; `phone`/`when` are the routine one."""
        found = [(kind, f"get_help.{kind}", getattr(self, kind)) for kind in TIER_KINDS]
        if self.phone is not None:
            found[2] = ("routine", "get_help", Tier(self.phone, self.when))
        return [(kind, path, tier) for kind, path, tier in found if tier is not None]


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
class TopicCheck:
    """How `handouts check` treats this topic."""

    accept: dict[str, str]
    """Rules whose findings in this topic are accepted, each with the reason: {rule id: why}."""


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
    """Language of the text (BCP 47 tag such as `en`, `en-GB`, `es-US` or `ar`): it chooses the handout's fixed
    words, how dates are written, the text direction and which check rules apply (docs/languages.md)."""
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
    check: TopicCheck | None = None
    """Optional: findings of `handouts check` accepted for this topic, each rule with a reason."""
