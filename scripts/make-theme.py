#!/usr/bin/env python3
"""Generate templates/theme.pptx, the bundled slide master: python-pptx's default in, a clean 16:9 master out.

Run it after changing anything below, and commit the result:

    .venv/bin/python scripts/make-theme.py

What it makes: 16:9 (13.333 x 7.5 in), Arial throughout (metric-compatible with the
Liberation Sans files the text is measured with), a white content layout with a navy
title and a thin accent bar, a navy title slide and a pale section header. The accent bar and
the bullets are accent1, the navy that the brand colour replaces (slides.brand_theme). Colours are
theme colours, so a presenter can restyle the deck in PowerPoint; every text colour has
a contrast of at least 4.5:1 with its background (tests/test_slides.py computes it).
Layouts kept: Title Slide, Title and Content, Section Header, Title Only, Blank.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches

OUT = Path(__file__).resolve().parents[1] / "templates" / "theme.pptx"
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
A = "{%s}" % NS["a"]
P = "{%s}" % NS["p"]

COLOURS = {  # the theme's colour scheme
    "dk1": "1A1A1A",  # body text: near black
    "lt1": "FFFFFF",  # background: white
    "dk2": "1F4E79",  # titles and the title slide: navy
    "lt2": "EAF1F8",  # section header background and text on navy: pale blue
    "accent1": "1F4E79", "accent2": "2E7D6B", "accent3": "B5651D",
    "accent4": "5B2C83", "accent5": "4A6FA5", "accent6": "7A7A7A",
    "hlink": "1F4E79", "folHlink": "5B2C83",
}
ACCENT_BAR = f"""<p:sp xmlns:p="{NS['p']}" xmlns:a="{NS['a']}">
  <p:nvSpPr><p:cNvPr id="20" name="Accent bar"/><p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>
  <p:spPr><a:xfrm><a:off x="0" y="{Inches(0.75)}"/><a:ext cx="{Inches(0.18)}" cy="{Inches(0.9)}"/></a:xfrm>
    <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
    <a:solidFill><a:schemeClr val="accent1"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr>
</p:sp>"""
"""A thin bar left of the title on every slide of the master; decoration, so no text."""
KEEP = ["Title Slide", "Title and Content", "Section Header", "Title Only", "Blank"]
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, as PowerPoint sizes 16:9
MARGIN = Inches(0.7)


def main() -> None:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    for layout in list(prs.slide_layouts):
        if layout.name not in KEEP:
            prs.slide_layouts.remove(layout)
    master = prs.slide_master
    _theme(master)
    _master(master)
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    _title_slide(layouts["Title Slide"])
    _section_header(layouts["Section Header"])
    for layout in prs.slide_layouts:
        for shape in layout.placeholders:
            if shape.placeholder_format.idx >= 10:  # date, footer, slide number: as on the master
                shape.left, shape.top, shape.width, shape.height = _footer_box(master, shape)
    prs.core_properties.title = "handouts default theme"
    prs.core_properties.author = "handouts"
    buffer = io.BytesIO()
    prs.save(buffer)
    OUT.write_bytes(_fixed_zip(buffer.getvalue()))
    print(f"wrote {OUT}")


def _theme(master) -> None:
    part = master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(part.blob)
    theme.set("name", "handouts")
    scheme = theme.find(".//a:clrScheme", NS)
    scheme.set("name", "handouts")
    for name, rgb in COLOURS.items():
        slot = scheme.find(f"a:{name}", NS)
        slot.clear()
        etree.SubElement(slot, A + "srgbClr", val=rgb)
    fonts = theme.find(".//a:fontScheme", NS)
    fonts.set("name", "handouts")
    for latin in fonts.findall("*/a:latin", NS):
        latin.set("typeface", "Arial")
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def _master(master) -> None:
    content_width = WIDTH - 2 * MARGIN
    boxes = {"title": (MARGIN, Inches(0.45), content_width, Inches(1.35)),
             "body": (MARGIN, Inches(2.0), content_width, Inches(4.75))}
    for shape in master.placeholders:
        kind = {1: "title", 2: "body"}.get(shape.placeholder_format.type.real)
        if kind:
            shape.left, shape.top, shape.width, shape.height = boxes[kind]
            body_pr = shape._element.txBody.find("a:bodyPr", NS)
            body_pr.set("anchor", "b" if kind == "title" else "t")
            for autofit in body_pr:
                body_pr.remove(autofit)
        else:
            shape.top, shape.height = Inches(6.95), Inches(0.4)
            shape.left = {13: WIDTH - MARGIN - Inches(2), 15: Inches(4.5)}.get(
                shape.placeholder_format.type.real, MARGIN)
            shape.width = Inches(4.333) if shape.placeholder_format.type.real == 15 else Inches(2)
    tree = master.shapes._spTree  # the bar goes behind the placeholders, last in reading order
    tree.insert(2, etree.fromstring(ACCENT_BAR))
    styles = master._element.find("p:txStyles", NS)
    _style(styles.find("p:titleStyle/a:lvl1pPr", NS), size=36, bold=True, colour="tx2", align="l")
    body = styles.find("p:bodyStyle", NS)
    for level, pPr in enumerate(body.findall("a:*", NS)[:9], 1):
        if pPr.tag.endswith("pPr"):
            _style(pPr, size=max(28 - 4 * (level - 1), 18), colour="tx1")
            bullet = pPr.find("a:buChar", NS)
            if bullet is not None:
                colour = etree.Element(A + "buClr")
                etree.SubElement(colour, A + "schemeClr", val="accent1")
                bullet.addprevious(colour)
    other = styles.find("p:otherStyle/a:lvl1pPr", NS)
    _style(other, size=18, colour="tx1")


def _style(pPr, *, size: int, colour: str, bold: bool = False, align: str | None = None) -> None:
    if align:
        pPr.set("algn", align)
    rPr = pPr.find("a:defRPr", NS)
    rPr.set("sz", str(size * 100))
    if bold:
        rPr.set("b", "1")
    fill = rPr.find("a:solidFill", NS)
    if fill is None:
        fill = etree.Element(A + "solidFill")
        rPr.insert(0, fill)
    _scheme_fill(fill, colour)


def _scheme_fill(fill, colour: str) -> None:
    fill.clear()
    etree.SubElement(fill, A + "schemeClr", val=colour)


def _background(layout, colour: str) -> None:
    csld = layout._element.find("p:cSld", NS)
    bg = etree.Element(P + "bg")
    bg_pr = etree.SubElement(bg, P + "bgPr")
    _scheme_fill(etree.SubElement(bg_pr, A + "solidFill"), colour)
    etree.SubElement(bg_pr, A + "effectLst")
    csld.insert(0, bg)


def _text_colour(shape, colour: str, *, size: int | None = None, align: str = "l") -> None:
    lst = shape._element.txBody.find("a:lstStyle", NS)
    lst.clear()
    pPr = etree.SubElement(lst, A + "lvl1pPr", marL="0", indent="0", algn=align)
    etree.SubElement(pPr, A + "buNone")
    rPr = etree.SubElement(pPr, A + "defRPr")
    if size:
        rPr.set("sz", str(size * 100))
    _scheme_fill(etree.SubElement(rPr, A + "solidFill"), colour)


def _title_slide(layout) -> None:
    _background(layout, "tx2")
    for shape in layout.placeholders:
        kind = shape.placeholder_format.type.real
        if kind == 3:  # centre title
            shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Inches(3.4)
            shape._element.txBody.find("a:bodyPr", NS).set("anchor", "b")
            _text_colour(shape, "bg1", size=44)
        elif kind == 4:  # subtitle
            shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(4.85), WIDTH - 2 * MARGIN, Inches(1.8)
            shape._element.txBody.find("a:bodyPr", NS).set("anchor", "t")
            _text_colour(shape, "bg2", size=24)


def _section_header(layout) -> None:
    _background(layout, "bg2")
    for shape in layout.placeholders:
        kind = shape.placeholder_format.type.real
        if kind == 1:
            shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(2.2)
            _text_colour(shape, "tx2", size=40)
        elif kind == 2:
            shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(4.6), WIDTH - 2 * MARGIN, Inches(1.5)
            _text_colour(shape, "tx1", size=24)


def _footer_box(master, shape):
    for ph in master.placeholders:
        if ph.placeholder_format.type == shape.placeholder_format.type:
            return ph.left, ph.top, ph.width, ph.height
    return shape.left, shape.top, shape.width, shape.height


def _fixed_zip(data: bytes) -> bytes:
    """Return `data` with fixed entry dates, so regenerating gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), src.read(info.filename))
    return out.getvalue()


if __name__ == "__main__":
    main()
