"""Build slides: a slide plan (from `render.render_slide_plan`) in, .pptx bytes out.

Each planned slide names a layout kind (title, section, content); the kind is matched
to a layout of the master by name, so an organisation's own master works as long as
it has layouts with those names. Speaker notes go on the notes page only when the
plan has notes. The bytes are reproducible: zip entry times and document dates come
from the content, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from pptx import Presentation
from pptx.util import Inches

LAYOUT_NAMES = {
    "title": ("Title Slide", "Title"),
    "section": ("Section Header", "Section"),
    "content": ("Title and Content", "Title, Content", "Content"),
}


class ThemeError(ValueError):
    """The master lacks a layout the slide plan needs."""


def build_deck(plan: list[dict], *, title: str, author: str, language: str, date: dt.date,
               theme: Path | None = None) -> bytes:
    """Return a .pptx with one slide per entry of `plan`."""
    prs = Presentation(str(theme) if theme else None)
    if theme is None:
        prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    for entry in plan:
        slide = prs.slides.add_slide(find_layout(prs, entry.get("layout", "content")))
        slide.shapes.title.text = str(entry["title"])
        body = _body_placeholder(slide)
        lines = [entry["subtitle"]] if entry.get("subtitle") else [str(b) for b in entry.get("bullets") or []]
        if body is not None and lines:
            frame = body.text_frame
            frame.text = lines[0]
            for line in lines[1:]:
                frame.add_paragraph().text = line
        elif body is not None:
            body.element.getparent().remove(body.element)
        if entry.get("notes"):
            slide.notes_slide.notes_text_frame.text = str(entry["notes"])
    props = prs.core_properties
    props.title, props.author, props.language = title, author, language
    props.last_modified_by, props.revision = author, 1
    moment = dt.datetime.combine(date, dt.time())
    props.created = props.modified = props.last_printed = moment
    out = io.BytesIO()
    prs.save(out)
    return _fixed_zip(out.getvalue(), moment)


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


def _body_placeholder(slide):
    for shape in slide.placeholders:
        if shape.placeholder_format.idx != 0:
            return shape
    return None


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
