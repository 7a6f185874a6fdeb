"""Build slides: a slide plan (from `render.render_slide_plan`) in, .pptx bytes out.

Each planned slide names a layout kind (title, section, content); the kind is matched
to a layout of the master by name, so an organisation's own master works as long as
it has layouts with those names (the bundled one is templates/theme.pptx, made by
scripts/make-theme.py). The master is stretched to the asked aspect (16:9 or 4:3).
A planned slide holds `bullets`, `lines` (paragraphs without bullets), a `statement`
(one message in large type) or a `subtitle`, and may ask for a QR code (`qr`, `qr_alt`).

Text always fits: every text box is measured with `fit.py` before saving. The body
text of the whole deck is set at one size, chosen once: the largest from the master's
size down to 24pt at which every bullet fits a slide alone. A slide whose bullets do
not fit at that size is split into continuation slides "Title (2 of 3)", never cutting a
bullet; only a bullet too long for a slide of its own is set smaller (not below 18pt),
and what does not fit even then is reported in the warnings passed to `warn`. Titles
are shrunk within their floor (28pt). A plan's `steps` follow its bullets as
auto-numbered paragraphs (numbering carried across continuation slides); its `picture`
({src, alt}, bytes given in `pictures`) goes beside the text with the alt text as its
description; its `table` ({caption, header, rows}) is a real PowerPoint table, split by
rows across continuation slides with the header repeated on each. Titles are in the
title placeholder, first in reading order and unique; pictures carry alt text; every
slide but the first shows its number. Speaker notes go on the notes page only when the
plan has notes. The bytes are reproducible: zip entry times and document dates come
from the content, never from the clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.exc import PythonPptxError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches, Length, Pt

from . import fit
from .bundled import BUNDLED
from .language import is_rtl

DEFAULT_THEME = BUNDLED / "theme.pptx"
LAYOUT_NAMES = {
    "title": ("Title Slide", "Title"),
    "section": ("Section Header", "Section"),
    "content": ("Title and Content", "Title, Content", "Content"),
}
ASPECTS = {"16:9": 16 / 9, "4:3": 4 / 3}
TITLE_FLOOR, BODY_FLOOR = 28, 18
"""Smallest sizes text is shrunk to, in points (STANDARDS.md: slide text at least 18pt)."""
BODY_SIZE = 24
"""The deck's body size is never chosen below this; only a bullet too long for a slide alone goes under it."""
STATEMENT_SIZE = 40
"""The size a statement slide (the main message) starts at; it shrinks to fit, not below the body size."""
NUMBER_SIZE = 18
"""Slide numbers, in points."""
LOGO_HEIGHT, SMALL_LOGO_HEIGHT = Inches(0.8), Inches(0.45)
"""The logo on the title slide, and on every other slide of the bundled theme."""
QR_SIDE = Inches(2.6)
"""The side of the QR code on the closing slide."""
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)
MIN_BODY = Inches(1.5)
"""A long title may push the body down, but leaves it at least this tall."""
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
DECORATIVE = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"


class ThemeError(ValueError):
    """The master lacks a layout the slide plan needs."""


def build_deck(plan: list[dict], *, title: str, author: str, language: str, date: dt.date,
               theme: Path | None = None, aspect: str | None = "16:9",
               logo: tuple[str, bytes] | None = None, logo_alt: str | None = None,
               colour: str | None = None, warn: Callable[[str], None] | None = None,
               default_theme: Path = DEFAULT_THEME, pictures: dict[str, bytes] | None = None,
               part_label: str = "({number} of {total})") -> bytes:
    """Return a .pptx with the slides of `plan`, split where text does not fit.

    `theme` is an organisation's own .pptx whose master and layouts are used (default:
    `default_theme`, the bundled one or a project's copy of it, which takes the brand colour);
    `aspect` is "16:9" or "4:3" (None keeps the master's own); `logo` (its file name and
    bytes, read under the resource policy) goes on the title slide with `logo_alt` as
    its alt text, and small in the corner of every other slide of the bundled theme (an
    organisation's own master places its logo itself); `colour` (#rrggbb, the brand colour)
    replaces the bundled theme's navy and accents (an organisation's own master keeps its
    colours); every warning is passed to `warn`; `pictures` holds the bytes of every planned
    picture by its `src` (PNG, JPEG or SVG, read under the resource policy). `part_label`
    numbers the continuation slides of a slide split in parts, in the deck's language
    ("(2 de 3)"); `language` marks every text run and makes the paragraphs of a language
    written right to left RTL.
    """
    warnings: list[str] = []
    try:
        prs = Presentation(str(theme or default_theme))
    except (PythonPptxError, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ThemeError(f"cannot open the theme as a PowerPoint file: {exc}") from None
    _drop_slides(prs)
    if colour and theme is None:
        brand_theme(prs, colour)
    if aspect:
        set_aspect(prs, aspect)
    picture = _logo_picture(*logo, warnings) if logo is not None else None
    every_slide = picture is not None and theme is None
    styles = _Styles(prs, warnings, pictures or {})
    styles.reserve = _logo_room(prs, picture) if picture is not None and every_slide else 0
    styles.body_size = _body_size(prs, plan, styles)
    titles = unique_titles([" ".join(str(entry["title"]).split()) for entry in plan])
    slides = [s for entry, name in zip(plan, titles)
              for s in _plan_slides(prs, entry, name, styles, warnings, part_label)]
    boxes: dict[int, tuple[int, int, int, int]] = {}
    for number, (planned, unique) in enumerate(zip(slides, unique_titles([s.title for s in slides])), 1):
        planned.title_text = dataclasses.replace(planned.title_text, paragraphs=[unique])
        slide = _add_slide(prs, planned, language)
        if number > 1:
            _add_number(prs, slide, number, language, boxes)
        if picture is not None and (number == 1 or every_slide):
            _add_logo(prs, slide, picture, LOGO_HEIGHT if number == 1 else SMALL_LOGO_HEIGHT, logo_alt)
    props = prs.core_properties
    props.title, props.author, props.language = title, author, language
    props.last_modified_by, props.revision = author, 1
    props.subject = props.keywords = props.comments = props.category = ""
    moment = dt.datetime.combine(date, dt.time())
    props.created = props.modified = props.last_printed = moment
    for message in dict.fromkeys(warnings):
        (warn or (lambda _: None))(message)
    out = io.BytesIO()
    prs.save(out)
    return _fixed_zip(out.getvalue(), moment)


BRAND_SLOTS = ("dk2", "accent1", "hlink")
"""The bundled theme's colour-scheme slots that carry its navy: titles, the title slide, links,
and its accents (the accent bar and the bullets are drawn in accent1)."""


def brand_theme(prs, colour: str) -> None:
    """Put `colour` in the brand slots of the master's colour scheme.

    The loader guarantees at least 4.5:1 contrast against white, so white text on it
    and it as text on white both stay readable.
    """
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    for slot in BRAND_SLOTS:
        for rgb in root.iterfind(f".//a:clrScheme/a:{slot}/a:srgbClr", NS):
            rgb.set("val", colour.lstrip("#").upper())
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def find_layout(prs, kind: str):
    """Return the master's layout for `kind`, matched by name."""
    names = LAYOUT_NAMES.get(kind)
    if names is None:
        raise ThemeError(f"unknown slide layout kind {kind!r}; expected one of: {', '.join(LAYOUT_NAMES)}")
    by_name = {layout.name.strip().lower(): layout for layout in prs.slide_layouts}
    for name in names:
        if name.lower() in by_name:
            return by_name[name.lower()]
    available = ", ".join(repr(layout.name) for layout in prs.slide_layouts)
    raise ThemeError(f"the master has no layout named {names[0]!r} for {kind} slides; its layouts are: {available}")


def set_aspect(prs, aspect: str) -> None:
    """Make `prs` `aspect` wide, keeping its height; stretch the master and layouts to match."""
    if aspect not in ASPECTS:
        raise ThemeError(f"unknown aspect {aspect!r}; expected one of: {', '.join(ASPECTS)}")
    width = Emu(round(prs.slide_height * ASPECTS[aspect] / 100) * 100)
    ratio = width / prs.slide_width
    if abs(ratio - 1) < 0.001:
        return
    prs.slide_width = width
    for part in [prs.slide_master, *prs.slide_layouts]:
        for xfrm in part._element.iter("{*}xfrm"):
            off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
            if off is None or ext is None:
                continue
            x, cx = int(off.get("x")), int(ext.get("cx"))
            if etree.QName(xfrm.getparent().getparent()).localname == "pic":  # keep pictures' shape
                off.set("x", str(round((x + cx / 2) * ratio - cx / 2)))
            else:
                off.set("x", str(round(x * ratio)))
                ext.set("cx", str(round(cx * ratio)))
            for child in ("chOff", "chExt"):
                node = xfrm.find(f"a:{child}", NS)
                if node is not None:
                    key = "x" if child == "chOff" else "cx"
                    node.set(key, str(round(int(node.get(key)) * ratio)))


def unique_titles(titles: list[str]) -> list[str]:
    """Return `titles` with repeats numbered, "Title (2)", so that every one is unique."""
    taken, used, out = set(titles), set(), []
    for title in titles:
        candidate, number = title, 1
        while candidate in used or (candidate != title and candidate in taken):
            number += 1
            candidate = f"{title} ({number})"
        used.add(candidate)
        out.append(candidate)
    return out


@dataclasses.dataclass
class _Text:
    """Text as it will be set in one placeholder: paragraphs, size and box."""

    paragraphs: list[str]
    size: int
    box: tuple[int, int, int, int]  # left, top, width, height in EMU
    bullets: bool = False
    indent: int = 0
    anchor: str | None = None
    """Vertical alignment in the box ("ctr" for a statement), or None for the layout's own."""
    numbers: list[int | None] | None = None
    """The step number of each paragraph, None for a bullet (None: no steps)."""


@dataclasses.dataclass
class _Slide:
    layout: object
    title: str
    title_text: _Text
    body: _Text | None
    notes: str | None
    picture: tuple[bytes, str | None, tuple[int, int, int, int]] | None = None
    """A picture's PNG or JPEG bytes, its alt text (None: decorative) and the box it is fitted in."""
    table: _PlacedTable | None = None
    qr: tuple[str, str] | None = None
    """The address a QR code opens and its alt text, drawn right of the body."""


@dataclasses.dataclass
class _PlacedTable:
    """A table as it is set on one slide."""

    cells: list[list[str]]
    """The rows, the header first when `header`."""
    header: bool
    size: int
    description: str | None
    box: tuple[int, int, int, int]
    heights: list[int]


class _Styles:
    """The faces and starting sizes of the master's title and body text."""

    def __init__(self, prs, warnings: list[str], pictures: dict[str, bytes] | None = None):
        master = prs.slide_master._element
        theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
        self.theme_fonts = {
            "+mj-lt": theme.find(".//a:majorFont/a:latin", NS).get("typeface"),
            "+mn-lt": theme.find(".//a:minorFont/a:latin", NS).get("typeface"),
        }
        self.title_style = master.find("p:txStyles/p:titleStyle/a:lvl1pPr", NS)
        self.body_style = master.find("p:txStyles/p:bodyStyle/a:lvl1pPr", NS)
        marl = self.body_style.get("marL") if self.body_style is not None else None
        self.indent = int(marl) if marl else int(Inches(0.375))
        self.warnings = warnings
        self.reserve = 0
        """Width kept free at the right of titles for the logo in the corner, in EMU."""
        self.body_size = BODY_SIZE
        """The size of all body text of the deck, chosen once by `_body_size`."""
        self.pictures = pictures or {}
        """The bytes of every planned picture, by its `src`."""

    def of(self, placeholder, title: bool) -> tuple[fit.Face, int]:
        """Return the face and starting size of text in `placeholder` of a layout."""
        style = self.title_style if title else self.body_style
        rprs = placeholder._element.findall("p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr", NS)
        if style is not None:
            rprs.append(style.find("a:defRPr", NS))
        rprs = [r for r in rprs if r is not None]
        size = next((int(r.get("sz")) // 100 for r in rprs if r.get("sz")), 40 if title else 28)
        bold = next((r.get("b") in ("1", "true") for r in rprs if r.get("b")), False)
        latin = next((r.find("a:latin", NS).get("typeface") for r in rprs if r.find("a:latin", NS) is not None),
                     "+mj-lt" if title else "+mn-lt")
        face, warning = fit.face_for(self.theme_fonts.get(latin, latin), bold)
        if warning:
            self.warnings.append(f"slides: {warning}")
        return face, max(size, TITLE_FLOOR if title else BODY_FLOOR)


def _body_size(prs, plan: list[dict], styles: _Styles) -> int:
    """Return the one size of the deck's body text: the largest that holds every bullet on a slide alone."""
    try:
        body_ph = _body_placeholder(find_layout(prs, "content"))
    except ThemeError:  # planning the slides says which layout is missing
        return BODY_SIZE
    if body_ph is None:
        return BODY_SIZE
    face, start = styles.of(body_ph, title=False)
    left, top, width, height = _box(body_ph)
    lines = [line for entry in plan for line in _paragraphs(entry)[0]]
    return fit.largest_common_size(lines, face, _pt(width - 2 * INSET_X - styles.indent),
                                   _pt(height - 2 * INSET_Y), max(start, BODY_SIZE), BODY_SIZE)


def _paragraphs(entry: dict) -> tuple[list[str], str, list[int | None] | None]:
    """Return the body paragraphs of a planned slide, what they are (bullets, lines, statement or
    subtitle) and, when it has steps, the step number of each (None for a bullet)."""
    for kind in ("subtitle", "statement"):
        if entry.get(kind):
            return [" ".join(str(entry[kind]).split())], kind, None
    kind = "lines" if entry.get("lines") else "bullets"
    texts = list(entry.get(kind) or [])
    steps = list(entry.get("steps") or []) if kind == "bullets" else []
    numbers = [None] * len(texts) + list(range(1, len(steps) + 1)) if steps else None
    return [" ".join(str(line).split()) for line in texts + steps], kind, numbers  # a line break starts a paragraph


def _body_placeholder(layout):
    return next((p for p in layout.placeholders if p.placeholder_format.type.real in (2, 4, 7)), None)


def _plan_slides(prs, entry: dict, title: str, styles: _Styles, warnings: list[str],
                 part_label: str = "({number} of {total})") -> list[_Slide]:
    """Return the slides for one entry of the plan: one, or several if its bullets or table need them."""
    layout = find_layout(prs, entry.get("layout", "content"))
    title_ph = next((p for p in layout.placeholders if p.placeholder_format.idx == 0), None)
    if title_ph is None:
        raise ThemeError(f"the layout {layout.name!r} has no title placeholder")
    body_ph = _body_placeholder(layout)
    reserve = styles.reserve if entry.get("layout", "content") != "title" else 0
    qr = (str(entry["qr"]), str(entry.get("qr_alt") or "")) if entry.get("qr") else None
    lines, kind, numbers = _paragraphs(entry)
    picture = _picture(entry.get("picture"), styles, warnings)
    table = entry.get("table")
    if body_ph is None or not (lines or picture):
        if table and body_ph is not None:
            return _table_slides(layout, title, table, title_ph, body_ph, styles, warnings, entry.get("notes"),
                                 part_label)
        text = _fit_title(title, title_ph, None, styles, warnings, reserve)[0]
        return [_Slide(layout, title, text, None, entry.get("notes"), qr=qr)]
    face, start = styles.of(body_ph, title=False)
    bullets = kind == "bullets"
    indent = (max(styles.indent, int(Inches(0.55))) if numbers else styles.indent) if bullets else 0
    anchor = "ctr" if kind == "statement" else None
    parts, suffix = 1, ""
    for _ in range(3):  # a longer title ("(2 of 3)") may take room from the body: settle
        title_text, body_box = _fit_title(title + suffix, title_ph, _box(body_ph), styles, warnings, reserve)
        if qr is not None:  # the QR code sits right of the text
            body_box = (body_box[0], body_box[1], body_box[2] - QR_SIDE - Inches(0.3), body_box[3])
        text_box, picture_box = _beside(body_box, picture is not None and bool(lines))
        left, top, width, height = text_box
        inner = (_pt(width - 2 * INSET_X - indent), _pt(height - 2 * INSET_Y))
        if not lines:  # a picture alone
            spread = fit.Spread([[]], [styles.body_size], [])
        elif kind == "subtitle":
            packing = fit.pack(lines, face, *inner, start, BODY_FLOOR)
            spread = fit.Spread(packing.groups, [packing.size] * len(packing.groups), packing.too_big)
        elif kind == "statement" and (size := fit.fit_size(lines, face, *inner, STATEMENT_SIZE, styles.body_size)):
            spread = fit.Spread([[0]], [size], [])
        else:
            spread = fit.spread(lines, face, *inner, styles.body_size, BODY_FLOOR)
        if len(spread.groups) == parts:
            break
        parts = len(spread.groups)
        suffix = " " + part_label.format(number=parts, total=parts) if parts > 1 else ""
    for index in spread.too_big:
        warnings.append(f"slides: {title!r}: a bullet does not fit on a slide even alone at "
                        f"{BODY_FLOOR}pt, and runs off the slide: {_clip(lines[index])!r}")
    slides = []
    for number, (group, size) in enumerate(zip(spread.groups, spread.sizes), 1):
        name = f"{title} {part_label.format(number=number, total=parts)}" if parts > 1 else title
        head = dataclasses.replace(title_text, paragraphs=[name])
        body = _Text([lines[i] for i in group], size, text_box, bullets, indent, anchor,
                     [numbers[i] for i in group] if numbers else None) if group else None
        placed = (picture[0], picture[1], picture_box) if picture and number == 1 else None
        slides.append(_Slide(layout, name, head, body, entry.get("notes") if number == 1 else None, placed,
                             qr=qr if number == parts else None))
    if table:
        caption = table.get("caption") or title
        slides += _table_slides(layout, caption, table, title_ph, body_ph, styles, warnings, None, part_label)
    return slides


PICTURE_SHARE = 0.4
"""Share of the body's width a picture beside the text takes."""
GAP = Inches(0.25)


def _beside(box: tuple[int, int, int, int], split: bool) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """Return the text box and the picture box: side by side when `split`, else both the whole `box`."""
    if not split:
        return box, box
    left, top, width, height = box
    picture_width = int(width * PICTURE_SHARE)
    text_width = width - picture_width - GAP
    return (left, top, text_width, height), (left + text_width + GAP, top, picture_width, height)


def _picture(planned: dict | None, styles: _Styles, warnings: list[str]) -> tuple[bytes, str | None] | None:
    """Return a planned picture as (PNG or JPEG bytes, alt text), an SVG drawn as a PNG; None if it cannot be."""
    if not planned:
        return None
    src = str(planned["src"])
    data = styles.pictures.get(src)
    if data is None:
        raise ValueError(f"build_deck needs the bytes of the picture {src}")
    from .images import figure_type

    if figure_type(data) == "image/svg+xml":
        try:
            data = svg_to_png(data, Inches(4))
        except Exception as exc:  # cairosvg raises many kinds of error on a broken or refused SVG
            warnings.append(f"slides: {Path(src).name}: the SVG picture could not be drawn ({exc}); it was left out")
            return None
    return data, planned.get("alt")


CELL_X, CELL_Y = Inches(0.08), Inches(0.05)
TABLE_SIZE = BODY_FLOOR
"""Table text is set at the smallest body size: a table holds more words than a list."""


def _table_slides(layout, title: str, table: dict, title_ph, body_ph, styles: _Styles, warnings: list[str],
                  notes: str | None, part_label: str = "({number} of {total})") -> list[_Slide]:
    """Return the slides holding `table`: as many rows on each as fit, the header repeated on each."""
    header = [str(h) for h in table.get("header") or []]
    rows = [[str(cell) for cell in row] for row in table.get("rows") or []]
    columns = max([len(header), *map(len, rows)])
    rows = [row + [""] * (columns - len(row)) for row in rows]
    face, _ = styles.of(body_ph, title=False)
    bold, _ = fit.face_for(face.typeface, True)
    longest = f"{title} {part_label.format(number=9, total=9)}"
    _, body_box = _fit_title(longest, title_ph, _box(body_ph), styles, warnings, styles.reserve)
    left, top, width, height = body_box
    cell_width = _pt(width // columns - 2 * CELL_X)

    def row_height(cells: list[str], cell_face: fit.Face) -> int:
        lines = max(fit.text_height([c or " "], cell_face, TABLE_SIZE, cell_width) for c in cells)
        return int(Pt(lines) + 2 * CELL_Y + Pt(2))

    head_height = row_height(header, bold) if header else 0
    heights = [row_height(row, face) for row in rows]
    groups: list[list[int]] = []
    used = height  # start a new slide at once
    for index, h in enumerate(heights):
        if not groups or used + h > height:
            if groups and head_height + h > height:
                warnings.append(f"slides: {title!r}: a table row does not fit on a slide even alone at "
                                f"{TABLE_SIZE}pt, and runs off the slide: {_clip(' | '.join(rows[index]))!r}")
            groups.append([])
            used = head_height
        groups[-1].append(index)
        used += h
    slides = []
    for number, group in enumerate(groups, 1):
        name = f"{title} {part_label.format(number=number, total=len(groups))}" if len(groups) > 1 else title
        head, box = _fit_title(name, title_ph, _box(body_ph), styles, warnings, styles.reserve)
        box = (box[0], box[1], box[2], min(box[3], head_height + sum(heights[i] for i in group)))
        cells = ([header] if header else []) + [rows[i] for i in group]
        row_heights = ([head_height] if header else []) + [heights[i] for i in group]
        described = table.get("caption")
        slides.append(_Slide(layout, name, head, None, notes if number == 1 else None,
                             table=_PlacedTable(cells, bool(header), TABLE_SIZE, described, box, row_heights)))
    return slides


def _fit_title(title: str, placeholder, body_box, styles: _Styles, warnings: list[str], reserve: int = 0):
    """Return the title's text and the body box, pushed down when the title needs more room.

    `reserve` is width kept free at the right of the title, for the logo.
    """
    face, start = styles.of(placeholder, title=True)
    left, top, width, height = _box(placeholder)
    width -= reserve
    inner = _pt(width - 2 * INSET_X)
    size = fit.fit_size([title], face, inner, _pt(height - 2 * INSET_Y), start, TITLE_FLOOR)
    if size is None:
        size = TITLE_FLOOR
        needed = Pt(fit.text_height([title], face, size, inner)) + 2 * INSET_Y + Pt(2) - height
        below = body_box is not None and body_box[1] >= top + height - Pt(1)
        grow = min(needed, max(body_box[3] - MIN_BODY, 0)) if below else 0
        if grow < needed:
            warnings.append(f"slides: the title {_clip(title)!r} does not fit its box even at {TITLE_FLOOR}pt")
        height += grow
        if below:
            body_box = (body_box[0], body_box[1] + grow, body_box[2], body_box[3] - grow)
    return _Text([title], size, (left, top, width, int(height))), body_box


def _add_slide(prs, planned: _Slide, language: str = "en"):
    """Return a new slide of `prs` with the text, notes and QR code of `planned`."""
    slide = prs.slides.add_slide(planned.layout)
    _set_text(slide.shapes.title, planned.title_text, language)
    body = next((p for p in slide.placeholders if p.placeholder_format.idx != 0
                 and p.placeholder_format.type.real in (2, 4, 7)), None)
    if planned.body is not None and body is not None:
        _set_text(body, planned.body, language)
    if planned.picture is not None:
        _add_picture(slide, *planned.picture)
    if planned.table is not None:
        _add_table(slide, planned.table, language)
    for shape in list(slide.placeholders):
        if shape.placeholder_format.idx != 0 and not (shape.has_text_frame and shape.text_frame.text):
            shape.element.getparent().remove(shape.element)
    tree = slide.shapes._spTree  # the title first in reading order
    title = slide.shapes.title._element
    tree.remove(title)
    tree.insert(2, title)
    if planned.notes:
        slide.notes_slide.notes_text_frame.text = str(planned.notes)
    if planned.qr is not None:
        from .images import qr_png

        url, alt = planned.qr
        box = planned.body.box if planned.body is not None else _box(slide.shapes.title)
        picture = slide.shapes.add_picture(io.BytesIO(qr_png(url)), prs.slide_width - QR_SIDE - Inches(0.7),
                                           box[1], QR_SIDE, QR_SIDE)
        picture.name = "QR code"
        describe(picture, alt or f"QR code that opens {url}")
    return slide


def _set_text(shape, text: _Text, language: str = "en") -> None:
    """Put `text` in `shape` with every measure the fitting assumed set explicitly.

    Each run is marked with `language` (spelling, hyphenation and voice in the viewer); in a
    language written right to left each paragraph is RTL and aligned to the right.
    """
    shape.left, shape.top, shape.width, shape.height = text.box
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = INSET_X
    frame.margin_top = frame.margin_bottom = INSET_Y
    if text.anchor:
        frame._txBody.bodyPr.set("anchor", text.anchor)
    frame.text = text.paragraphs[0]
    for line in text.paragraphs[1:]:
        frame.add_paragraph().text = line
    for number, paragraph in enumerate(frame.paragraphs):
        paragraph.line_spacing = Pt(fit.LINE * text.size)
        paragraph.space_before = Pt(0 if number == 0 else fit.PARAGRAPH_GAP * text.size)
        paragraph.space_after = Pt(0)
        pPr = paragraph._p.get_or_add_pPr()
        pPr.set("marL", str(text.indent))
        pPr.set("indent", str(-text.indent))
        step = text.numbers[number] if text.numbers else None
        if step is not None:
            etree.SubElement(pPr, "{%s}buFontTx" % NS["a"])
            etree.SubElement(pPr, "{%s}buAutoNum" % NS["a"], type="arabicPeriod", startAt=str(step))
        elif not text.bullets and pPr.find("a:buNone", NS) is None:
            etree.SubElement(pPr, "{%s}buNone" % NS["a"])
        if is_rtl(language):
            pPr.set("rtl", "1")
            pPr.set("algn", "r")
        for run in paragraph.runs:
            run.font.size = Pt(text.size)
            run._r.get_or_add_rPr().set("lang", language)


@dataclasses.dataclass(frozen=True)
class _Picture:
    """A logo ready to place: PNG, JPEG or GIF bytes and its width per unit of height."""

    data: bytes
    aspect: float


def _logo_picture(name: str, data: bytes, warnings: list[str]) -> _Picture | None:
    """Return the organisation's logo (`data`, read from `name`) as a bitmap slides can hold, or None."""
    from PIL import Image

    from . import pictures

    kind = pictures.kind(data)  # by its bytes: a logo may be a data: URI or an address without a suffix
    if kind is None:
        warnings.append(f"slides: {name[:80]}: a logo on slides must be SVG, PNG or JPEG; it was left out")
        return None
    try:
        if kind == "svg":
            data = svg_to_png(data, LOGO_HEIGHT)
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception as exc:  # cairosvg and Pillow raise many kinds of error on a broken or refused file
        what = "SVG logo" if kind == "svg" else "logo"
        warnings.append(f"slides: {name[:80]}: the {what} could not be drawn ({exc}); it was left out")
        return None
    return _Picture(data, width / height)


def _logo_room(prs, picture: _Picture) -> int:
    """Return the width a content slide's title must leave free at its right for the small logo."""
    try:
        layout = find_layout(prs, "content")
    except ThemeError:  # planning the slides says which layout is missing
        return 0
    title = next((p for p in layout.placeholders if p.placeholder_format.idx == 0), None)
    if title is None:
        return 0
    logo_left = prs.slide_width - Inches(0.4) - round(SMALL_LOGO_HEIGHT * picture.aspect) - Inches(0.15)
    return max(int(title.left + title.width - logo_left), 0)


def _add_logo(prs, slide, picture: _Picture, height: int, alt: str | None) -> None:
    """Put the logo `height` tall in the top right corner of `slide`."""
    shape = slide.shapes.add_picture(io.BytesIO(picture.data), 0, Inches(0.3) if height == LOGO_HEIGHT
                                     else Inches(0.25), height=height)
    shape.left = prs.slide_width - shape.width - Inches(0.4)
    shape.name = "Logo"
    describe(shape, alt)


def _number_box(prs, layout) -> tuple[int, int, int, int]:
    """Return the box a slide of `layout` shows its number in: where the layout puts it, at least one line tall."""
    layout_number = next((p for p in layout.placeholders
                          if p.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER), None)
    if layout_number is not None:
        box = _box(layout_number)
    else:
        box = (prs.slide_width - Inches(2.7), prs.slide_height - Inches(0.55), Inches(2), Inches(0.4))
    needed = int(Pt(fit.LINE * NUMBER_SIZE) + 2 * INSET_Y)
    if box[3] < needed:  # a master's small box grows upwards, so the number keeps its size
        box = (box[0], box[1] + box[3] - needed, box[2], needed)
    return box


def _add_number(prs, slide, number: int, language: str, boxes: dict[int, tuple[int, int, int, int]]) -> None:
    """Show the slide's number (a field PowerPoint keeps up to date) where the layout puts it.

    `boxes` keeps each layout's box for the next slide of the same deck (reading a layout's
    placeholders through python-pptx is slow).
    """
    layout = slide.slide_layout
    if id(layout.element) not in boxes:
        boxes[id(layout.element)] = _number_box(prs, layout)
    box = boxes[id(layout.element)]
    shape = slide.shapes.add_textbox(*box)
    shape.name = "Slide number"
    _set_text(shape, _Text([str(number)], NUMBER_SIZE, box), language)
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT
    run = paragraph.runs[0]._r
    field = etree.Element("{%s}fld" % NS["a"], id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum")
    field.append(run.find("a:rPr", NS))
    etree.SubElement(field, "{%s}t" % NS["a"]).text = str(number)
    run.addprevious(field)
    run.getparent().remove(run)


def _add_picture(slide, data: bytes, alt: str | None, box: tuple[int, int, int, int]) -> None:
    """Put the picture `data` in `box`, as large as fits without changing its shape, centred; describe it."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        ratio = image.width / image.height
    left, top, width, height = box
    if width / ratio <= height:
        fitted_width, fitted_height = width, int(width / ratio)
    else:
        fitted_width, fitted_height = int(height * ratio), height
    picture = slide.shapes.add_picture(io.BytesIO(data), left + (width - fitted_width) // 2, top,
                                       fitted_width, fitted_height)
    picture.name = "Figure"
    describe(picture, alt)


def _add_table(slide, placed: _PlacedTable, language: str = "en") -> None:
    """Put `placed` on `slide` as a real table, every cell's text at its size, the header row marked as one.

    Every run is marked with `language`; in a language written right to left the table reads from
    the right (its first column on the right) and each cell's paragraph is RTL."""
    cells, header, size, heights = placed.cells, placed.header, placed.size, placed.heights
    description = placed.description
    left, top, width, _ = placed.box
    frame = slide.shapes.add_table(len(cells), len(cells[0]), left, top, width, sum(heights))
    frame.name = "Table"
    if description:
        frame._element.nvGraphicFramePr.cNvPr.set("descr", description)
    table = frame.table
    table.first_row = header
    if is_rtl(language):
        table._tbl.tblPr.set("rtl", "1")
    for column in table.columns:
        column.width = width // len(cells[0])
    for r, (row, row_height) in enumerate(zip(cells, heights)):
        table.rows[r].height = row_height
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = CELL_X
            cell.margin_top = cell.margin_bottom = CELL_Y
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.text = value
            paragraph.font.size = Pt(size)
            paragraph.line_spacing = Pt(fit.LINE * size)
            if is_rtl(language):
                paragraph._p.get_or_add_pPr().set("rtl", "1")
            for run in paragraph.runs:
                run.font.size = Pt(size)
                run.font.bold = header and r == 0
                run._r.get_or_add_rPr().set("lang", language)


@lru_cache(maxsize=8)
def svg_to_png(svg: bytes, height: Length) -> bytes:
    """Return `svg` drawn as a PNG `height` tall at 300 dpi, its width in proportion.

    Slides cannot hold SVG (python-pptx places bitmaps only), so the logo is drawn here,
    once per process for the same bytes (a batch's topics share the organisation's logo).
    Nothing the SVG links to is read: external files, URLs and XML entities are refused.
    """
    from .native import import_quickly

    surface = import_quickly("cairosvg.surface")  # only a deck with an SVG logo needs it

    def refuse(url: str, resource_type: str) -> dict:
        raise ValueError(f"an SVG logo may not load {url}")

    return surface.PNGSurface.convert(
        bytestring=svg, output_height=round(height.inches * 300), unsafe=False, url_fetcher=refuse)


def describe(picture, alt: str | None) -> None:
    """Give `picture` alt text (`descr`), or mark it decorative when `alt` is empty."""
    c_nv_pr = picture._element.nvPicPr.cNvPr
    c_nv_pr.attrib.pop("descr", None)  # python-pptx puts the file name there
    if alt:
        c_nv_pr.set("descr", alt)
        return
    ext_lst = c_nv_pr.find("a:extLst", NS)
    if ext_lst is None:
        ext_lst = etree.SubElement(c_nv_pr, "{%s}extLst" % NS["a"])
    ext = etree.SubElement(ext_lst, "{%s}ext" % NS["a"], uri=DECORATIVE)
    etree.SubElement(ext, "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative", val="1")


def _box(shape) -> tuple[int, int, int, int]:
    return int(shape.left), int(shape.top), int(shape.width), int(shape.height)


def _pt(emu: int) -> float:
    return emu / 12700


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _drop_slides(prs) -> None:
    """Remove any slides the theme file came with; only its master and layouts are used."""
    ids = prs.slides._sldIdLst
    for slide_id in list(ids):
        prs.part.drop_rel(slide_id.rId)
        ids.remove(slide_id)


def _fixed_zip(data: bytes, moment: dt.datetime) -> bytes:
    """Return the zip `data` rewritten with every entry dated `moment`."""
    stamp = max(moment, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
