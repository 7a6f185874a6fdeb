"""The printed handout: the demo built on Letter and A4, in both editions, reopened and checked.

The PDFs are reopened with pikepdf (structure tree, metadata, fonts, the text operators
of every page) and with poppler's `pdftotext -bbox-layout` (where each word was set),
and checked against the PDF/UA, clear print and contrast rules in STANDARDS.md.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from handouts.colour import MIN_TEXT_CONTRAST, contrast, tint
from handouts.load import load
from handouts.bundled import BUNDLED as TEMPLATES
from handouts.render import HandoutOptions, render_html

from .conftest import FIXTURES, ROOT, run

INCH = 72.0
SIZES = {"letter": (612, 792), "a4": (595, 842)}
EDITIONS = [(paper, name) for paper in SIZES for name in ("handout.pdf", "handout-large-print.pdf")]

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


@pytest.fixture(scope="module")
def demo():
    """The bundled demo content, with its brand file merged in."""
    return load(ROOT / "content.yaml", strict=True).content


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo built once per paper size: {paper: output folder}."""
    folders = {}
    for paper in SIZES:
        out = tmp_path_factory.mktemp(paper)
        result = run("build", str(ROOT / "content.yaml"), "--out", str(out), "--paper", paper)
        assert result.code == 0, result.err
        folders[paper] = out
    return folders


@dataclass
class Edition:
    paper: str
    path: Path
    large: bool

    @property
    def min_size(self) -> float:
        """The least text size the rules allow: 12pt, or 16pt in large print."""
        return 16.0 if self.large else 12.0


@pytest.fixture(params=EDITIONS, ids=[f"{p}-{n.removesuffix('.pdf')}" for p, n in EDITIONS])
def edition(request, built) -> Edition:
    paper, name = request.param
    return Edition(paper, built[paper] / name, "large" in name)


# -- reading the PDF ------------------------------------------------------------------


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Return every structure element of `pdf`, in document (reading) order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def shows_in(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> int:
    """Return how many text-showing operators the marked content of structure `element` holds."""
    mcids: dict[int, set[int]] = {}

    def collect(node, page):
        if isinstance(node, int):
            mcids.setdefault(page, set()).add(node)
        elif isinstance(node, pikepdf.Array):
            for child in node:
                collect(child, page)
        elif isinstance(node, pikepdf.Dictionary):
            page = node.get("/Pg", page)
            page = page.objgen[0] if isinstance(page, pikepdf.Dictionary) else page
            if "/MCID" in node:
                mcids.setdefault(page, set()).add(int(node.MCID))
            elif "/K" in node:
                collect(node.K, page)

    start = element.get("/Pg")
    collect(element.K, start.objgen[0] if start is not None else None)
    pages = {page.objgen[0]: page for page in pdf.pages}
    return sum(_shows(pages[p], wanted) for p, wanted in mcids.items() if p in pages)


def _shows(page, wanted: set[int]) -> int:
    """Return how many text-showing operators of `page` lie in the marked content `wanted`."""
    depth_in, shows, stack = 0, 0, []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            mcid = operands[1].get("/MCID") if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) else None
            stack.append(mcid is not None and int(mcid) in wanted)
            depth_in += stack[-1]
        elif op == "EMC" and stack:
            depth_in -= stack.pop()
        elif op in ("Tj", "TJ") and depth_in:
            shows += 1
    return shows


@dataclass
class Shown:
    """One text-showing operator: the size it sets text at, its fill colour and skew."""

    size: float
    colour: str
    skew: float
    glyphs: int


def shown_text(page) -> list[Shown]:
    """Return every text-showing operator of `page` with its effective size in points.

    The size is the font size of `Tf` scaled by the text matrix and the current
    transformation matrix, as a viewer would draw it.
    """
    ctm, stack = pikepdf.Matrix(), []
    size, tm, colour, out = 0.0, pikepdf.Matrix(), "#000000", []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append((ctm, colour))
        elif op == "Q":
            ctm, colour = stack.pop()
        elif op == "cm":
            ctm = pikepdf.Matrix(*map(float, operands)) @ ctm
        elif op == "Tf":
            size = float(operands[1])
        elif op == "Tm":
            tm = pikepdf.Matrix(*map(float, operands))
        elif op == "rg":
            colour = "#" + "".join(f"{round(float(v) * 255):02x}" for v in operands)
        elif op == "g":
            colour = "#" + f"{round(float(operands[0]) * 255):02x}" * 3
        elif op in ("Tj", "TJ", "'", '"'):
            m = tm @ ctm
            y_scale = (m.c**2 + m.d**2) ** 0.5
            skew = abs(m.a * m.c + m.b * m.d) / (y_scale * (m.a**2 + m.b**2) ** 0.5)
            glyphs = sum(len(bytes(s)) // 2 for s in operands[-1] if isinstance(s, pikepdf.String)) \
                if op == "TJ" else len(bytes(operands[-1])) // 2
            out.append(Shown(round(size * y_scale, 2), colour, skew, glyphs))
    return out


@dataclass
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def lines_of(path: Path) -> list[Line]:
    """Return every text line of the PDF at `path` with its box, page by page (pdftotext)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True).stdout
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    return [
        Line(number, *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")),
             " ".join(w.text or "" for w in line.iterfind("x:word", ns)))
        for number, page in enumerate(ET.fromstring(xml).iterfind(".//x:page", ns), 1)
        for line in page.iterfind(".//x:line", ns)
    ]


def body_lines(path: Path, paper: str) -> list[Line]:
    """Return the lines set in the page body: not the running header, footer or page number."""
    top, bottom = 0.9 * INCH, SIZES[paper][1] - 1.1 * INCH
    return [line for line in lines_of(path) if top < line.y0 and line.y1 < bottom]


def wrapped(lines: list[Line]) -> list[Line]:
    """Return the lines that a paragraph or list item continues on the next line.

    A line continues on the next when that one is on the same page, close below it
    (less than a quarter of a line apart) and starts at or a little right of it.
    """
    return [
        line for line, after in zip(lines, lines[1:])
        if after.page == line.page and 0 <= after.y0 - line.y1 < 0.25 * (line.y1 - line.y0)
        and line.x0 - 1 <= after.x0 <= line.x0 + 20
    ]


# -- the tests ------------------------------------------------------------------------


class DescribeTheAccessiblePdf:
    def it_is_tagged_with_language_and_title_shown(self, edition, demo):
        with pikepdf.open(edition.path) as pdf:
            assert pdf.Root.MarkInfo.Marked is True
            assert len(structure(pdf)) > 50
            assert str(pdf.Root.Lang) == demo.language
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
            with pdf.open_metadata() as meta:
                assert meta["dc:title"] == demo.title
                assert meta["pdfuaid:part"] == "1"

    def it_nests_headings_from_one_h1_without_skipping_levels(self, edition, demo):
        with pikepdf.open(edition.path) as pdf:
            headings = [e for e in structure(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]
            levels = [int(str(e.S)[2]) for e in headings]
            assert levels[0] == 1 and levels.count(1) == 1
            for before, after in zip(levels, levels[1:]):
                assert after <= before + 1
            assert all(shows_in(pdf, h) for h in headings), "a heading is empty"
            # the title; main message, key points, each section, actions, help, glossary, sources, about
            assert levels == [1] + [2] * (2 + len(demo.sections) + 5)

    def it_gives_every_figure_alt_text(self, edition, demo):
        with pikepdf.open(edition.path) as pdf:
            alts = [str(e.get("/Alt", "")) for e in structure(pdf) if str(e.S) == "/Figure"]
        assert alts == [demo.organisation.logo_alt, f"QR code that opens {demo.url}"]

    def it_describes_every_link(self, edition, demo):
        with pikepdf.open(edition.path) as pdf:
            links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Link"]
            tagged = [e for e in structure(pdf) if str(e.S) == "/Link"]
            descriptions = [str(a.get("/Contents", "")).strip() for a in links]
            assert links and all(descriptions), "a link has no description (/Contents)"
            assert set(descriptions) >= {demo.url, demo.organisation.website}
            assert len(tagged) == len(links)  # each is tagged as a Link element too

    def it_embeds_every_font_and_has_no_italic_face(self, edition):
        with pikepdf.open(edition.path) as pdf:
            fonts = {f.objgen: f for page in pdf.pages for f in page.Resources.Font.values()}
            assert fonts
            for font in fonts.values():
                for part in font.get("/DescendantFonts", [font]):
                    descriptor = part.FontDescriptor
                    assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font.BaseFont
                    assert float(descriptor.ItalicAngle) == 0
                    assert not int(descriptor.Flags) & 64  # the Italic flag
                assert not re.search("italic|oblique", str(font.BaseFont), re.I)

    def it_draws_the_logo_and_qr_code_as_vectors(self, edition):
        with pikepdf.open(edition.path) as pdf:
            images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert images == []


class DescribeClearPrint:
    def it_sets_body_text_at_the_editions_size_and_nothing_smaller(self, edition):
        with pikepdf.open(edition.path) as pdf:
            shown = [s for page in pdf.pages for s in shown_text(page)]
        glyphs_at: dict[float, int] = {}
        for s in shown:
            glyphs_at[s.size] = glyphs_at.get(s.size, 0) + s.glyphs
        body = max(glyphs_at, key=glyphs_at.get)
        assert body == (18.0 if edition.large else 13.5)
        assert min(glyphs_at) >= edition.min_size

    def it_never_slants_text(self, edition):
        with pikepdf.open(edition.path) as pdf:
            assert max(s.skew for page in pdf.pages for s in shown_text(page)) < 0.01

    def it_prints_every_text_with_enough_contrast_on_white(self, edition):
        with pikepdf.open(edition.path) as pdf:
            colours = {s.colour for page in pdf.pages for s in shown_text(page)}
        assert all(contrast(c) >= MIN_TEXT_CONTRAST for c in colours), colours

    def it_uses_the_chosen_paper(self, edition):
        for page in PdfReader(edition.path).pages:
            box = page.mediabox
            assert (round(float(box.width)), round(float(box.height))) == SIZES[edition.paper]

    @needs_poppler
    def it_keeps_all_text_half_an_inch_from_the_paper_edge(self, edition):
        width, height = SIZES[edition.paper]
        lines = lines_of(edition.path)
        assert min(line.x0 for line in lines) >= 0.5 * INCH
        assert min(line.y0 for line in lines) >= 0.5 * INCH
        assert max(line.x1 for line in lines) <= width - 0.5 * INCH
        assert max(line.y1 for line in lines) <= height - 0.5 * INCH

    @needs_poppler
    def it_aligns_text_left_with_a_ragged_right_edge(self, edition):
        lines = body_lines(edition.path, edition.paper)
        lefts = sorted({round(line.x0) for line in lines}, key=[round(line.x0) for line in lines].count)
        assert len(lefts) <= 20  # a few indents, where centred text would start anywhere
        common = sum(round(line.x0) in lefts[-6:] for line in lines)
        assert common >= 0.8 * len(lines)
        ends = [round(line.x1) for line in wrapped(lines)]
        assert len(ends) >= 20
        # Justified lines share their right edge; ragged ones end where their last word does.
        assert max(ends.count(end) for end in ends) <= 0.15 * len(ends)

    @needs_poppler
    def it_keeps_lines_between_45_and_72_characters(self, edition):
        lengths = [len(line.text) for line in wrapped(body_lines(edition.path, edition.paper))]
        # The longest wrapped lines show the measure: the main column beside the side column
        # (about 55 characters) or the large print's full width; the side column pulls the median down.
        assert max(lengths) <= 72
        assert 45 <= statistics.quantiles(lengths, n=10)[-1] <= 70

    @needs_poppler
    def it_puts_the_running_header_and_page_number_in_the_same_place_on_every_page(self, edition, demo):
        lines = lines_of(edition.path)
        pages = max(line.page for line in lines)
        numbers = [line for line in lines if re.fullmatch(r"Page \d+ of \d+", line.text)]
        assert [n.text for n in numbers] == [f"Page {i} of {pages}" for i in range(1, pages + 1)]
        assert len({(round(n.x1), round(n.y0)) for n in numbers}) == 1
        headers = [line for line in lines if line.text == demo.title and line.y0 < 1.0 * INCH]
        assert [h.page for h in headers] == list(range(2, pages + 1))
        assert len({(round(h.x0), round(h.y0)) for h in headers}) == 1

    @needs_poppler
    def it_sets_the_glossary_in_a_side_column_or_in_large_print_in_two_columns_after_the_sections(
            self, edition, demo):
        lines = lines_of(edition.path)
        # "Term: definition", each starting a line at the start of its column
        starts = [line for t in demo.glossary for line in lines if line.text.startswith(f"{t.term}:")]
        assert len(starts) == len(demo.glossary)
        assert len({round(line.x0) for line in starts}) == (2 if edition.large else 1)
        width = SIZES[edition.paper][0]
        assert (starts[0].x0 > width / 2) != edition.large  # the side column is right of the middle


class DescribeBrandContrast:
    def it_accepts_the_demo_brand_colour_for_text_and_its_tint_behind_text(self, demo):
        colour = demo.organisation.colour
        assert contrast(colour) >= MIN_TEXT_CONTRAST
        assert contrast("#1a1a1a", tint(colour)) >= MIN_TEXT_CONTRAST
        assert contrast(colour, tint(colour)) >= MIN_TEXT_CONTRAST

    def it_uses_only_colours_with_enough_contrast_for_text_in_the_css(self):
        css = (TEMPLATES / "handout.css").read_text() + (TEMPLATES / "handout-large.css").read_text()
        colours = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", css)
        assert colours
        assert all(contrast(c) >= MIN_TEXT_CONTRAST for c in colours), colours
        assert not re.search(r"text-align:\s*(justify|center|right)", css)
        assert not re.search(r"font-style:\s*(italic|oblique)", css)
        assert not re.search(r"text-transform:\s*uppercase", css)


class DescribeTheContent:
    def it_puts_the_main_message_first_on_the_first_page(self, built, demo):
        first = " ".join(PdfReader(built["letter"] / "handout.pdf").pages[0].extract_text().split())
        message = " ".join(demo.main_message.split())
        assert message in first
        assert first.index(demo.title.split(":")[0]) < first.index(message) < first.index("Key points")

    def it_prints_organisation_and_dates_in_every_pages_footer(self, built, demo):
        for name in ("handout.pdf", "handout-large-print.pdf"):
            for page in PdfReader(built["a4"] / name).pages:
                text = " ".join(page.extract_text().split())
                assert demo.organisation.name in text
                assert "Published November 1, 2026" in text and "Review by November 1, 2027" in text

    def it_has_every_part_of_a_complete_handout(self, demo):
        html = render_html(demo, HandoutOptions(), logo=Path(demo.organisation.logo).read_bytes())
        assert html.count('<li>') >= len(demo.actions)
        checklist = re.search(r'<ul class="checklist[ a-z]*">(.*?)</ul>', html).group(1)
        assert checklist.count("<li>") == len(demo.actions)
        assert f"Call <strong>{demo.get_help.phone}</strong>" in html
        assert html.count("<dt>") == len(demo.glossary)
        assert "Where this information comes from" in html
        assert 'class="disclaimer"' in html
        assert f'alt="{demo.organisation.logo_alt}"' in html and 'src="data:image/svg+xml;base64,' in html

    def it_links_the_qr_code_to_the_online_version_else_the_first_source(self, tmp_path):
        base = load(FIXTURES / "minimal.yaml").content
        html = render_html(base)
        assert 'alt="QR code that opens https://example.org/water"' in html
        assert "Read the source online" in html and ">https://\u200bexample.org/\u200bwater</a>" in html
        online = base.__class__(**{**base.__dict__, "url": "https://example.org/online"})
        assert 'alt="QR code that opens https://example.org/online"' in render_html(online)
        offline = base.__class__(**{**base.__dict__, "sources": [base.sources[0].__class__(title="A book")]})
        assert 'class="qr"' not in render_html(offline)


class DescribeReproducibleBuilds:
    def it_gives_the_same_bytes_for_the_same_input_whatever_the_clock_says(self, tmp_path, monkeypatch):
        outputs = []
        for name, epoch in (("a", "1000000000"), ("b", "1900000000")):
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
            assert run("build", str(ROOT / "content.yaml"), "--out", str(tmp_path / name)).code == 0
            outputs.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
        assert outputs[0] == outputs[1]
        assert set(outputs[0]) == {"handout.pdf", "handout-large-print.pdf", "slides.pptx", ".handouts-manifest.json"}
