"""Layout: the deck a presenter uses as is and the handout a clinic prints, checked as built.

Decks are reopened with python-pptx and measured with the fitting model (and rendered by
LibreOffice); handouts are reopened with pdfplumber, their words and ink located on the page.
"""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pptx.util import Emu
from lxml import etree

from handouts import fit
from handouts.load import load
from handouts.slides import BODY_FLOOR, BODY_SIZE, build_deck

from .conftest import FIXTURES, ROOT, run
from .test_slides import NS, overflows, pdf_words, render_pdf, run_sizes, text_shapes

DEMO = ROOT / "content.yaml"
STRESS = FIXTURES / "stress.yaml"
INCH = 72


@pytest.fixture(scope="module")
def demo_deck(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = run("build", str(DEMO), "--out", str(out))
    assert result.code == 0, result.err
    return load(DEMO).content, Presentation(out / "slides.pptx"), out


def body_shape(slide):
    return next((s for s in slide.placeholders if s.placeholder_format.idx != 0 and s.text_frame.text), None)


def deck(plan: list[dict], **options) -> tuple[Presentation, list[str]]:
    warnings: list[str] = []
    data = build_deck(plan, title="T", author="A", language="en", date=dt.date(2026, 1, 1), warn=warnings.append,
                      **options)
    return Presentation(io.BytesIO(data)), warnings


class DescribeTheDemoDeck:
    def it_sets_all_body_text_at_one_size_of_at_least_24pt(self, demo_deck):
        _, prs, _ = demo_deck
        sizes = {size for slide in list(prs.slides)[2:] if (body := body_shape(slide)) is not None
                 for p in body.text_frame.paragraphs for size in run_sizes(p)}
        assert len(sizes) == 1 and sizes.pop() >= BODY_SIZE

    def it_says_the_main_message_as_a_statement_in_large_type_without_a_bullet(self, demo_deck):
        content, prs, _ = demo_deck
        slide = prs.slides[1]
        body = body_shape(slide)
        assert slide.shapes.title.text == "The main message"
        assert body.text_frame.text == " ".join(content.main_message.split())
        assert body.text_frame.paragraphs[0]._p.pPr.find("a:buNone", NS) is not None
        body_size = run_sizes(body_shape(prs.slides[2]).text_frame.paragraphs[0])[0]
        assert run_sizes(body.text_frame.paragraphs[0])[0] > body_size

    def it_numbers_every_slide_but_the_title_slide_with_a_field(self, demo_deck):
        _, prs, _ = demo_deck
        for number, slide in enumerate(prs.slides, 1):
            fields = slide.shapes._spTree.findall(".//a:fld", NS)
            if number == 1:
                assert fields == []
            else:
                assert [(f.get("type"), f.findtext("a:t", namespaces=NS)) for f in fields] == [
                    ("slidenum", str(number))]

    def it_has_glossary_slides_with_every_term(self, demo_deck):
        content, prs, _ = demo_deck
        shown = [p.text for slide in prs.slides if slide.shapes.title.text.startswith("Words to know")
                 for p in body_shape(slide).text_frame.paragraphs]
        assert shown == [f"{t.term}: {' '.join(t.definition.split())}" for t in content.glossary]

    def it_names_every_source_with_its_note(self, demo_deck):
        content, prs, _ = demo_deck
        [slide] = [s for s in prs.slides if s.shapes.title.text == "Where this information comes from"]
        text = body_shape(slide).text_frame.text
        assert all(s.title in text and (s.note is None or " ".join(s.note.split()) in text) for s in content.sources)

    def it_closes_with_the_phone_website_and_a_qr_code_with_alt_text(self, demo_deck):
        content, prs, _ = demo_deck
        closing = prs.slides[-1]
        text = body_shape(closing).text_frame.text
        org = content.organisation
        assert (org.phone or content.get_help.phone) in text and org.website in text
        [qr] = [s for s in closing.shapes if s.name == "QR code"]
        assert qr._element.nvPicPr.cNvPr.get("descr") == f"QR code that opens {content.url}"
        body = body_shape(closing)
        assert body.left + body.width <= qr.left and qr.left + qr.width <= prs.slide_width

    def it_puts_the_emergency_instruction_first_on_the_closing_slide(self, tmp_path):
        example = ROOT / "examples" / "blood-pressure.yaml"
        result = run("build", str(example), "--out", str(tmp_path))
        assert result.code == 0, result.err
        content = load(example).content
        closing = Presentation(tmp_path / "slides.pptx").slides[-1]
        lines = [p.text for p in body_shape(closing).text_frame.paragraphs]
        assert lines[0] == f"In an emergency, call {content.get_help.emergency.phone} now."
        assert [s.name for s in closing.shapes if s.name == "QR code"] == ["QR code"]

    def it_fits_every_text_box(self, demo_deck):
        _, prs, _ = demo_deck
        assert overflows(prs) == []


class DescribeTheBrandColour:
    def it_colours_every_accent_of_the_bundled_theme(self, tmp_path, minimal_text):
        data = yaml.safe_load(minimal_text)
        data["organisation"]["colour"] = "#7a1f5c"
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        result = run("build", str(tmp_path / "c.yaml"), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err
        prs = Presentation(tmp_path / "out" / "slides.pptx")
        master = prs.slide_master
        theme = etree.fromstring(master.part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme").blob)
        assert theme.find(".//a:clrScheme/a:accent1/a:srgbClr", NS).get("val") == "7A1F5C"
        used = {c.get("val") for part in [master, *prs.slide_layouts]
                for c in part._element.iter(f"{{{NS['a']}}}schemeClr")}
        assert not {u for u in used if u.startswith("accent")} - {"accent1"}  # every accent is the brand's
        [bar] = [s for s in master.shapes if s.name == "Accent bar"]
        assert bar._element.find(".//a:solidFill/a:schemeClr", NS).get("val") == "accent1"
        bullets = master._element.findall("p:txStyles/p:bodyStyle/*/a:buClr/a:schemeClr", NS)
        assert bullets and {b.get("val") for b in bullets} == {"accent1"}


class DescribeShortSlideForms:
    def it_shows_the_short_form_and_puts_the_full_sentence_in_the_notes(self, tmp_path, minimal_text):
        data = yaml.safe_load(minimal_text)
        full = "Your body needs water to keep its temperature steady and to carry food to its cells."
        data["sections"][0]["points"] = [{"text": full, "slide": "Water keeps you working."}, "It keeps you well."]
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        result = run("build", str(tmp_path / "c.yaml"), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err
        prs = Presentation(tmp_path / "out" / "slides.pptx")
        [slide] = [s for s in prs.slides if s.shapes.title.text == "Why water matters"]
        assert [p.text for p in body_shape(slide).text_frame.paragraphs] == [
            "Water keeps you working.", "It keeps you well."]
        assert slide.notes_slide.notes_text_frame.text == f"Talk about water.\n{full}"
        content = load(tmp_path / "c.yaml").content
        assert content.sections[0].points == [full, "It keeps you well."]  # the handout and checks read the full text

    def it_reports_a_point_without_text(self, tmp_path, minimal_text):
        data = yaml.safe_load(minimal_text)
        data["sections"][0]["points"] = [{"slide": "Short."}]
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        result = run("check", str(tmp_path / "c.yaml"))
        assert result.code == 1 and "sections[0].points[0].text: missing required key" in result.out + result.err


LONG_BULLET = ("This bullet goes on and on about your care, what the tests show, and what to do next. " * 16).strip()


class DescribeAnOversizedBullet:
    def it_is_set_at_a_size_that_fits_or_warned_about(self):
        assert 1350 <= len(LONG_BULLET) <= 1500
        plan = [{"layout": "content", "title": "Long", "bullets": ["A short point.", LONG_BULLET, "Another."]}]
        prs, warnings = deck(plan)
        problems = overflows(prs)
        assert problems == [] or any("runs off" in w for w in warnings)
        assert problems == []  # at 16:9 it fits: alone on its slide, below the deck size
        [alone] = [s for s in prs.slides if body_shape(s).text_frame.text == LONG_BULLET]
        assert BODY_FLOOR <= run_sizes(body_shape(alone).text_frame.paragraphs[0])[0] < BODY_SIZE
        others = {run_sizes(p)[0] for s in prs.slides if s != alone for p in body_shape(s).text_frame.paragraphs}
        assert others == {28}

    def it_fits_with_pack_too(self):
        face, _ = fit.face_for("Arial")
        paragraphs = ["A short point.", LONG_BULLET, "Another."]
        packing = fit.pack(paragraphs, face, 850, 320, 28, 18)
        assert all(fit.fits([paragraphs[i] for i in g], face, packing.size, 850, 320) for g in packing.groups) \
            or packing.too_big

    def it_warns_when_it_cannot_fit_even_at_the_floor(self):
        plan = [{"layout": "content", "title": "Longer", "bullets": [LONG_BULLET * 3]}]
        _, warnings = deck(plan)
        assert any("'Longer': a bullet does not fit on a slide even alone at 18pt" in w for w in warnings)


class DescribeContinuationBeforeShrinking:
    def it_splits_thirty_bullets_at_the_deck_size(self, tmp_path):
        result = run("build", str(STRESS), "--out", str(tmp_path))
        assert result.code == 0, result.err
        prs = Presentation(tmp_path / "slides.pptx")
        parts = [s for s in prs.slides if s.shapes.title.text.startswith("Thirty bullets")]
        sizes = {size for s in parts for p in body_shape(s).text_frame.paragraphs for size in run_sizes(p)}
        assert len(parts) > 1 and sizes == {28}
        counts = [len(body_shape(s).text_frame.paragraphs) for s in parts]
        assert max(counts) - min(counts) <= 3  # even parts, no slide left with a line or two


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=40)
sentences = st.lists(words, min_size=1, max_size=60).map(" ".join)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sections=st.lists(st.tuples(sentences.map(lambda s: s[:200]), st.lists(sentences, min_size=1, max_size=25)),
                         min_size=1, max_size=3))
def test_every_text_box_of_any_sections_fits_or_is_warned_about(sections):
    plan = [{"layout": "title", "title": "A title", "subtitle": "A subtitle"},
            *({"layout": "content", "title": heading, "bullets": bullets} for heading, bullets in sections)]
    prs, warnings = deck(plan)
    problems = overflows(prs)
    assert problems == [] or warnings, problems
    for slide in prs.slides:
        for shape in text_shapes(slide):
            assert min(size for p in shape.text_frame.paragraphs for size in run_sizes(p)) >= BODY_FLOOR


def test_a_libreoffice_render_of_stress_decks_keeps_every_word_on_the_slide(tmp_path):
    long_words = "Pneumonoultramicroscopicsilicovolcanoconiosis " * 3 + "https://example.org/" + "a-long-segment/" * 8
    plan = [{"layout": "title", "title": "A title " * 12, "subtitle": "Stress"},
            {"layout": "content", "title": "The main message", "statement": LONG_BULLET[:300]},
            {"layout": "content", "title": "Long", "bullets": ["Short.", LONG_BULLET, long_words, "Short again."]},
            {"layout": "content", "title": "Closing", "lines": ["Phone: 555-0100", long_words],
             "qr": "https://example.org/a", "qr_alt": "QR code that opens https://example.org/a"}]
    prs, warnings = deck(plan)
    path = tmp_path / "stress.pptx"
    prs.save(path)
    pages = pdf_words(render_pdf(path, tmp_path))
    width, height = Emu(prs.slide_width).pt, Emu(prs.slide_height).pt
    assert len(pages) == len(prs.slides)
    for number, words in enumerate(pages, 1):
        for x0, y0, x1, y1, word in words:
            assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, f"slide {number}: {word!r} is off the slide"


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    built = {}
    for name, content in (("demo", DEMO), ("stress", STRESS)):
        out = tmp_path_factory.mktemp(name)
        result = run("build", str(content), "--out", str(out))
        assert result.code == 0, result.err
        built[name] = out
    return built


@pytest.mark.parametrize("name", ["demo", "stress"])
@pytest.mark.parametrize("edition", ["handout.pdf", "handout-large-print.pdf"])
def test_no_ink_within_half_an_inch_of_the_paper_edge(handouts, name, edition):
    with pdfplumber.open(handouts[name] / edition) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for word in page.extract_words():
                assert (word["x0"] >= 0.5 * INCH and word["x1"] <= page.width - 0.5 * INCH
                        and word["top"] >= 0.5 * INCH and word["bottom"] <= page.height - 0.5 * INCH), (
                    f"page {number}: {word['text']!r}")
            image = page.to_image(resolution=36).original.convert("L")  # half an inch is 18 pixels
            w, h = image.size
            band = [image.getpixel((x, y)) for x in range(w) for y in range(h)
                    if min(x, y, w - 1 - x, h - 1 - y) < 17]
            assert min(band) > 250, f"page {number}: ink within half an inch of the edge"


@pytest.mark.parametrize("edition", ["handout.pdf", "handout-large-print.pdf"])
def test_the_running_title_is_one_line_cut_short_with_an_ellipsis(handouts, edition):
    title = load(STRESS).content.title
    with pdfplumber.open(handouts["stress"] / edition) as pdf:
        for page in pdf.pages[1:]:
            words = page.extract_words(extra_attrs=["size"])
            header = min(words, key=lambda w: w["top"])  # the running title is the highest text
            # the running title and a second line, if it had one
            top = [w for w in words if w["bottom"] < header["bottom"] + 1.5 * header["size"]]
            assert top and len({round(w["top"]) for w in top}) == 1
            line = " ".join(w["text"] for w in top)
            assert line.endswith("…") and title.startswith(line[:-1].rstrip(" ,"))


def test_addresses_break_after_a_slash_and_never_at_a_hyphen(handouts):
    with pdfplumber.open(handouts["stress"] / "handout.pdf") as pdf:
        lines = [line["text"] for page in pdf.pages for line in page.extract_text_lines()]
    address = [line for line in lines if "a-very-long-path-segment" in line]
    assert len(address) > 1
    assert all(not line.rstrip().endswith("-") for line in address)
    assert all(line.rstrip().endswith("/") for line in address[:-1])


def test_short_lists_are_kept_on_one_page(handouts):
    content = load(DEMO).content
    with pdfplumber.open(handouts["demo"] / "handout.pdf") as pdf:  # the whole width, and left of a side column
        pages = [" ".join(" ".join(page.crop((0, 0, page.width * share, page.height)).extract_text()
                                   for share in (1, 0.62, 0.55)).split()) for page in pdf.pages]
    for points in [content.summary, content.actions, *(s.points for s in content.sections)]:
        if len(points) <= 6:
            first = [next(n for n, text in enumerate(pages) if " ".join(p.split())[:40] in text) for p in points]
            assert len(set(first)) == 1, points[0]


@pytest.mark.parametrize(("edition", "most"), [("handout.pdf", 4), ("handout-large-print.pdf", 8)])
def test_the_demo_fits_its_pages_each_at_least_a_third_full(handouts, edition, most):
    with pdfplumber.open(handouts["demo"] / edition) as pdf:
        assert len(pdf.pages) <= most
        for number, page in enumerate(pdf.pages, 1):
            top = 1.1 * INCH  # below the running title
            bottom = page.height - 1.6 * INCH  # above the footer
            body = [c for c in page.chars if top < c["top"] and c["bottom"] < bottom]
            filled = (max(c["bottom"] for c in body) - top) / (bottom - top)
            assert filled >= 1 / 3, f"page {number} is only {filled:.0%} full"

