"""Slides: real decks built through the CLI, reopened with python-pptx and rendered by LibreOffice."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from PIL import Image
from pptx import Presentation
from pptx.util import Emu, Inches

from handouts import colour as wcag
from handouts import fit
from handouts.load import load
from handouts.slides import DEFAULT_THEME, ThemeError, build_deck, describe, find_layout, unique_titles

from .conftest import FIXTURES, run

STRESS = FIXTURES / "stress.yaml"
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}


def build(tmp_path: Path, content: Path = STRESS, *options: str):
    """Build `content` with the CLI into `tmp_path`; return the reopened deck and the result."""
    result = run("build", str(content), "--out", str(tmp_path), *options)
    assert result.code == 0, result.err
    return Presentation(tmp_path / "slides.pptx"), result


def text_shapes(slide):
    return [s for s in slide.shapes if s.has_text_frame and s.text_frame.text]


def overflows(prs, typeface: str = "Arial", bold_titles: bool = True) -> list[str]:
    """Return every text box of `prs` whose text does not fit it, measured as it is set."""
    problems = []
    for number, slide in enumerate(prs.slides, 1):
        for shape in text_shapes(slide):
            frame = shape.text_frame
            paragraphs = frame.paragraphs
            size = run_sizes(paragraphs[0])[0]
            for p in paragraphs:  # the measurement's assumptions are what the deck says
                assert set(run_sizes(p)) == {size}
                assert p.line_spacing.pt == pytest.approx(fit.LINE * size, abs=0.01)
            is_title = shape == slide.shapes.title
            face, _ = fit.face_for(typeface, bold_titles and is_title)
            indent = int(paragraphs[0]._p.pPr.get("marL"))
            width = Emu(shape.width - frame.margin_left - frame.margin_right - indent).pt
            height = Emu(shape.height - frame.margin_top - frame.margin_bottom).pt
            if not fit.fits([p.text for p in paragraphs], face, size, width, height):
                problems.append(f"slide {number}: {shape.name}: {frame.text[:40]!r}")
    return problems


def run_sizes(paragraph) -> list[float]:
    """Return the size in points of each run of `paragraph`, fields (the slide number) included."""
    return [int(rpr.get("sz")) / 100 for rpr in paragraph._p.iterfind("a:r/a:rPr", NS)] + [
        int(rpr.get("sz")) / 100 for rpr in paragraph._p.iterfind("a:fld/a:rPr", NS)]


def render_pdf(pptx: Path, tmp_path: Path) -> Path:
    """Convert `pptx` to PDF with LibreOffice, in a profile of its own; return the PDF."""
    assert shutil.which("soffice"), "LibreOffice Impress is needed: scripts/system-deps --test"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(pptx)], check=True, capture_output=True, timeout=180)
    return tmp_path / (pptx.stem + ".pdf")


def pdf_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Return each page's words with their boxes (x0, y0, x1, y1 in points), via pdftotext."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = []
    for page in text.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    """The stress content built once: 30 bullets, long words, a 200-character title."""
    out = tmp_path_factory.mktemp("stress")
    prs, result = build(out)
    return load(STRESS).content, prs, out, result


class DescribeFitting:
    def it_measures_arial_with_liberation_sans_and_warns_for_unknown_fonts(self):
        face, warning = fit.face_for("Arial")
        assert warning is None and face.file.name == "LiberationSans-Regular.ttf"
        assert face.width("W", 100) > face.width("i", 100) > 0
        assert fit.face_for("Arial", bold=True)[0].width("Hello", 20) > face.width("Hello", 20)
        odd, warning = fit.face_for("Segoe UI")
        assert "'Segoe UI'" in warning and "20% to spare" in warning
        assert odd.width("Hello", 20) == pytest.approx(face.width("Hello", 20) * 1.2)

    def it_wraps_at_the_box_width_and_breaks_a_word_longer_than_a_line(self):
        face, _ = fit.face_for("Arial")
        text = "short words then Pneumonoultramicroscopicsilicovolcanoconiosis"
        lines = fit.wrap(text, face, 28, 200)
        assert len(lines) > 2
        assert all(face.width(line, 28) <= 200 for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")

    def it_shrinks_before_it_splits_and_never_below_the_floor(self):
        face, _ = fit.face_for("Arial")
        few = ["A point that is a little long, so it wraps onto a second line at 28pt."] * 4
        assert fit.pack(few, face, 400, 300, 28, 18).groups == [[0, 1, 2, 3]]
        assert fit.pack(few, face, 400, 300, 28, 18).size < 28
        many = [f"Point {i} says one thing." for i in range(30)]
        packing = fit.pack(many, face, 600, 300, 28, 18)
        assert len(packing.groups) > 1 and packing.size >= 18
        assert [i for group in packing.groups for i in group] == list(range(30))
        for group in packing.groups:
            assert fit.fits([many[i] for i in group], face, packing.size, 600, 300)

    def it_reports_a_paragraph_that_cannot_fit_even_alone(self):
        face, _ = fit.face_for("Arial")
        packing = fit.pack(["ok", "word " * 400, "ok"], face, 600, 300, 28, 18)
        assert packing.too_big == [1] and packing.size == 18


class DescribeTheStressDeck:
    def it_fits_every_text_box_by_measurement(self, stress):
        _, prs, _, _ = stress
        assert overflows(prs) == []

    def it_keeps_titles_at_28pt_and_other_text_at_18pt_or_more(self, stress):
        _, prs, _, _ = stress
        for slide in prs.slides:
            for shape in text_shapes(slide):
                floor = 28 if shape == slide.shapes.title else 18
                assert all(r.font.size.pt >= floor for p in shape.text_frame.paragraphs for r in p.runs)

    def it_splits_a_long_section_into_numbered_slides_without_cutting_a_bullet(self, stress):
        content, prs, _, _ = stress
        titles = [s.shapes.title.text for s in prs.slides]
        parts = [t for t in titles if t.startswith("Thirty bullets")]
        assert len(parts) > 1
        assert parts == [f"Thirty bullets ({i} of {len(parts)})" for i in range(1, len(parts) + 1)]
        bullets = [p.text for s in prs.slides if s.shapes.title.text in parts
                   for shape in s.placeholders if shape.placeholder_format.idx != 0
                   for p in shape.text_frame.paragraphs]
        assert bullets == content.sections[0].points

    def it_keeps_the_200_character_title_whole(self, stress):
        content, prs, _, _ = stress
        assert prs.slides[0].shapes.title.text == content.title
        assert content.sections[1].heading in [s.shapes.title.text for s in prs.slides]

    def it_gives_every_slide_a_unique_title_first_in_reading_order(self, stress):
        _, prs, _, _ = stress
        titles = []
        for slide in prs.slides:
            title = slide.shapes.title
            assert title is not None and title.is_placeholder and title.text.strip()
            assert slide.shapes[0] == title
            titles.append(title.text)
        assert len(set(titles)) == len(titles)
        assert {"Key points", "Key points (2)", "Short", "Short (2)"} <= set(titles)

    def it_puts_notes_only_on_slides_whose_plan_has_notes(self, stress):
        _, prs, _, _ = stress
        with_notes = {s.shapes.title.text: s.notes_slide.notes_text_frame.text
                      for s in prs.slides if s.has_notes_slide}
        first_part = next(s.shapes.title.text for s in prs.slides if s.shapes.title.text.startswith("Thirty"))
        assert with_notes == {first_part: "Notes for the long section."}

    def it_sets_the_presentation_title_language_and_author(self, stress):
        content, prs, _, _ = stress
        props = prs.core_properties
        assert (props.title, props.language, props.author) == (
            content.title, content.language, content.organisation.name)

    def it_renders_in_libreoffice_a_page_per_slide_with_every_word_inside_its_box(self, stress):
        content, prs, out, _ = stress
        pages = pdf_words(render_pdf(out / "slides.pptx", out))
        assert len(pages) == len(prs.slides)
        for number, (slide, words) in enumerate(zip(prs.slides, pages), 1):
            boxes = [(Emu(s.left).pt, Emu(s.top).pt, Emu(s.left + s.width).pt, Emu(s.top + s.height).pt)
                     for s in text_shapes(slide)]
            for x0, y0, x1, y1, word in words:
                # pdftotext boxes a word by its font's whole height (about 1.3 em): allow a
                # quarter of it; a line that overflowed would be a whole line out.
                slack = (y1 - y0) / 4
                assert any(bx0 - 2 <= x0 and x1 <= bx1 + 2 and by0 - slack <= y0 and y1 <= by1 + slack
                           for bx0, by0, bx1, by1 in boxes), f"slide {number}: {word!r} is outside its box"
            rendered = "".join(w[4] for w in words).replace("•", "")  # bullets are drawn as text
            expected = "".join("".join(shape.text_frame.text.split()) for shape in text_shapes(slide))
            assert rendered == expected, f"slide {number}: text lost or changed in rendering"
        assert content.sections[2].points[0].split()[0] in "".join(w[4] for page in pages for w in page)

    def it_gives_the_same_bytes_when_built_twice(self, stress, tmp_path):
        _, _, out, _ = stress
        build(tmp_path)
        assert (tmp_path / "slides.pptx").read_bytes() == (out / "slides.pptx").read_bytes()


class DescribeWarnings:
    def it_names_the_section_of_a_bullet_that_cannot_fit_even_alone(self, tmp_path, minimal_text):
        data = yaml.safe_load(minimal_text)
        data["sections"][0]["points"].append("This point never ends. " * 150)
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        result = run("build", str(tmp_path / "c.yaml"), "--out", str(tmp_path))
        assert result.code == 0
        assert "'Why water matters': a bullet does not fit on a slide even alone at 18pt" in result.err
        assert "Traceback" not in result.err


    def it_fails_with_strict_and_writes_nothing(self, tmp_path, minimal_text):
        data = yaml.safe_load(minimal_text)
        data["sections"][0]["points"].append("This point never ends. " * 150)
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        # Turn the content rules off, so that --strict meets the slide warning, not a check finding.
        from handouts.rules import RULES

        config = tmp_path / "handouts.yaml"
        config.write_text("check:\n  disabled:\n" + "".join(f"    {rule}: slides under test\n" for rule in RULES))
        result = run("build", str(tmp_path / "c.yaml"), "--out", str(tmp_path / "out"), "--strict",
                     "--config", str(config))
        assert result.code == 1
        assert "a bullet does not fit" in result.err and "nothing was written" in result.err
        assert not (tmp_path / "out").exists()


class DescribeAspect:
    def it_is_16_by_9_by_default_and_4_by_3_on_request(self, tmp_path):
        wide, _ = build(tmp_path / "wide", FIXTURES / "minimal.yaml")
        narrow, _ = build(tmp_path / "narrow", FIXTURES / "minimal.yaml", "--aspect", "4:3")
        assert (wide.slide_width, wide.slide_height) == (12192000, 6858000)
        assert (narrow.slide_width, narrow.slide_height) == (9144000, 6858000)
        for slide in narrow.slides:
            for shape in text_shapes(slide):
                assert 0 <= shape.left and shape.left + shape.width <= narrow.slide_width

    def it_takes_the_aspect_from_the_project_config(self, tmp_path):
        (tmp_path / "handouts.yaml").write_text(f"content: [{FIXTURES / 'minimal.yaml'}]\naspect: '4:3'\n")
        prs, _ = build(tmp_path / "out", FIXTURES / "minimal.yaml", "--config", str(tmp_path / "handouts.yaml"))
        assert prs.slide_width == 9144000

    def it_still_fits_the_stress_content_at_4_by_3(self, tmp_path):
        prs, _ = build(tmp_path, STRESS, "--aspect", "4:3")
        assert overflows(prs) == []
        assert len(prs.slides) >= 15


def renamed_master(tmp_path: Path, font: str | None = None) -> Path:
    """Save python-pptx's default master with renamed layouts (and extra ones) and maybe a font."""
    prs = Presentation()
    names = {"Title Slide": "Title", "Title and Content": "Content", "Section Header": "Section"}
    for layout in prs.slide_layouts:
        layout._element.cSld.set("name", names.get(layout.name, "Org " + layout.name))
    if font:
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT
        part = prs.slide_master.part.part_related_by(RT.THEME)
        part._blob = re.sub(rb'(<a:latin typeface=")[^"]*', rb"\g<1>" + font.encode(), part.blob)
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "An example slide in the master"
    path = tmp_path / "clinic.pptx"
    prs.save(path)
    return path


class DescribeAnOrganisationMaster:
    def it_chooses_renamed_layouts_by_name_among_extra_ones(self, tmp_path):
        prs, result = build(tmp_path, STRESS, "--theme", str(renamed_master(tmp_path)))
        assert {s.slide_layout.name for s in prs.slides} == {"Title", "Content"}
        assert "An example slide in the master" not in [s.shapes.title.text for s in prs.slides]
        assert prs.slide_width == 12192000
        assert "metric-compatible" not in result.err  # python-pptx's master is Calibri: measured as Carlito

    def it_fits_text_in_a_master_with_an_unknown_font_using_a_margin(self, tmp_path):
        prs, result = build(tmp_path, STRESS, "--theme", str(renamed_master(tmp_path, "Segoe UI")))
        assert "'Segoe UI' has no metric-compatible file here" in result.err
        assert overflows(prs, typeface="Segoe UI", bold_titles=False) == []

    def it_measures_calibri_with_carlito_without_a_margin(self, tmp_path):
        prs, result = build(tmp_path, STRESS, "--theme", str(renamed_master(tmp_path, "Calibri")))
        assert "metric-compatible" not in result.err
        assert fit.face_for("Calibri")[0].file.name == "Carlito-Regular.ttf"
        assert overflows(prs, typeface="Calibri", bold_titles=False) == []

    def it_fits_text_in_a_master_whose_font_is_arial(self, tmp_path):
        prs, result = build(tmp_path, STRESS, "--theme", str(renamed_master(tmp_path, "Arial")))
        assert "metric-compatible" not in result.err
        assert overflows(prs, bold_titles=False) == []

    def it_uses_a_renamed_section_header_layout_for_section_slides(self, tmp_path):
        plan = [{"layout": "section", "title": "Part one", "bullets": ["What comes next."]},
                {"layout": "content", "title": "Details", "bullets": ["A point."], "notes": "Say it."}]
        data = build_deck(plan, title="T", author="A", language="en", date=dt.date(2026, 1, 1),
                          theme=renamed_master(tmp_path))
        prs = Presentation(io.BytesIO(data))
        assert [s.slide_layout.name for s in prs.slides] == ["Section", "Content"]
        assert [s.has_notes_slide for s in prs.slides] == [False, True]

    def it_says_so_when_the_theme_is_not_a_pptx(self, tmp_path):
        (tmp_path / "clinic.pptx").write_text("not a deck")
        result = run("build", str(FIXTURES / "minimal.yaml"), "--out", str(tmp_path / "out"),
                     "--theme", str(tmp_path / "clinic.pptx"))
        assert result.code == 1 and "cannot open the theme as a PowerPoint file" in result.err
        assert "Traceback" not in result.err

    def it_is_taken_from_the_project_config(self, tmp_path):
        master = renamed_master(tmp_path)
        (tmp_path / "handouts.yaml").write_text(f"theme: {master.name}\n")
        prs, _ = build(tmp_path / "out", FIXTURES / "minimal.yaml", "--config", str(tmp_path / "handouts.yaml"))
        assert prs.slides[0].slide_layout.name == "Title"

    def it_lists_the_available_layouts_when_one_is_missing(self):
        prs = Presentation(DEFAULT_THEME)
        prs.slide_layouts.remove(prs.slide_layouts.get_by_name("Title and Content"))
        with pytest.raises(ThemeError) as error:
            find_layout(prs, "content")
        assert str(error.value) == ("the master has no layout named 'Title and Content' for content slides; "
                                    "its layouts are: 'Title Slide', 'Section Header', 'Title Only', 'Blank'")


def contrast(a: str, b: str) -> float:
    """WCAG contrast of two colours as the theme XML writes them (RRGGBB, no #)."""
    return wcag.contrast(f"#{a}", f"#{b}")


def assert_contrast(prs) -> None:
    """Assert every placeholder's text on every layout of `prs` has at least 4.5:1 contrast."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    master = prs.slide_master._element
    theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
    mapping = dict(master.find("p:clrMap", NS).attrib)

    def colour(fill) -> str:
        scheme = fill.find("a:schemeClr", NS)
        if scheme is None:
            return fill.find("a:srgbClr", NS).get("val")
        slot = mapping.get(scheme.get("val"), scheme.get("val"))
        return theme.find(f".//a:clrScheme/a:{slot}/a:srgbClr", NS).get("val")

    styles = {"title": master.find("p:txStyles/p:titleStyle/a:lvl1pPr", NS),
              "body": master.find("p:txStyles/p:bodyStyle/a:lvl1pPr", NS)}
    checked = []
    for layout in prs.slide_layouts:
        bg = layout._element.find("p:cSld/p:bg/p:bgPr/a:solidFill", NS)
        background = colour(bg) if bg is not None else colour(master.find("p:cSld/p:bg/p:bgRef", NS))
        for shape in layout.placeholders:
            if shape.placeholder_format.idx >= 10:
                continue
            own = shape._element.find("p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr/a:solidFill", NS)
            kind = "title" if shape.placeholder_format.idx == 0 else "body"
            text = colour(own if own is not None else styles[kind].find("a:defRPr/a:solidFill", NS))
            ratio = contrast(text, background)
            checked.append((layout.name, shape.name, round(ratio, 1)))
            assert ratio >= 4.5, checked[-1]
        bullet = styles["body"].find("a:buClr", NS)
        if bg is None and bullet is not None:
            assert contrast(colour(bullet), background) >= 4.5
    assert len(checked) >= 7


class DescribeTheBundledTheme:
    def it_computes_contrast_like_wcag(self):
        assert contrast("000000", "FFFFFF") == pytest.approx(21)
        assert contrast("777777", "FFFFFF") == pytest.approx(4.48, abs=0.01)

    def it_has_text_with_a_contrast_of_at_least_4_5_to_1_on_every_layout(self):
        assert_contrast(Presentation(DEFAULT_THEME))

    def it_takes_the_brand_colour_and_keeps_its_contrast(self, tmp_path, minimal_text):
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT
        from lxml import etree

        data = yaml.safe_load(minimal_text)
        data["organisation"]["colour"] = "#7a1f5c"
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        prs, result = build(tmp_path / "out", tmp_path / "c.yaml")
        theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
        for slot in ("dk2", "accent1", "hlink"):
            assert theme.find(f".//a:clrScheme/a:{slot}/a:srgbClr", NS).get("val") == "7A1F5C"
        assert_contrast(prs)
        prs, _ = build(tmp_path / "own", tmp_path / "c.yaml", "--theme", str(DEFAULT_THEME))
        theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
        assert theme.find(".//a:clrScheme/a:dk2/a:srgbClr", NS).get("val") == "1F4E79"  # its own colours


    def it_is_16_by_9_with_arial_and_the_layouts_the_plan_needs(self):
        prs = Presentation(DEFAULT_THEME)
        assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
        for kind in ("title", "content", "section"):
            find_layout(prs, kind)
        assert b'typeface="Arial"' in prs.slide_master.part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme").blob


class DescribeAccessibility:
    def it_gives_the_logo_its_alt_text(self, tmp_path, minimal_text):
        Image.new("RGB", (200, 80), "navy").save(tmp_path / "logo.png")
        data = yaml.safe_load(minimal_text)
        data["organisation"].update(logo="logo.png", logo_alt="Test Clinic logo")
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        prs, result = build(tmp_path / "out", tmp_path / "c.yaml")
        logos = [[s for s in slide.shapes if s.name == "Logo"] for slide in prs.slides]
        assert all(len(on_slide) == 1 for on_slide in logos)  # the bundled theme: on every slide
        assert {logo._element.nvPicPr.cNvPr.get("descr") for [logo] in logos} == {"Test Clinic logo"}
        assert logos[0][0].height == Inches(0.8) and {logo.height for [logo] in logos[1:]} == {Inches(0.45)}
        assert prs.slides[0].shapes[0] == prs.slides[0].shapes.title
        for slide, [logo] in zip(list(prs.slides)[1:], logos[1:]):  # a small logo, clear of the title
            title = slide.shapes.title
            assert title.left + title.width <= logo.left

    def it_puts_the_logo_only_on_the_title_slide_of_an_organisation_master(self, tmp_path, minimal_text):
        Image.new("RGB", (200, 80), "navy").save(tmp_path / "logo.png")
        data = yaml.safe_load(minimal_text)
        data["organisation"].update(logo="logo.png", logo_alt="Test Clinic logo")
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        prs, _ = build(tmp_path / "out", tmp_path / "c.yaml", "--theme", str(renamed_master(tmp_path)))
        assert [len([s for s in slide.shapes if s.name == "Logo"]) for slide in prs.slides] == [1] + [0] * (
            len(prs.slides) - 1)

    def it_draws_an_svg_logo_as_a_bitmap_with_its_alt_text_and_proportions(self, tmp_path, minimal_text):
        data = yaml.safe_load(minimal_text)
        data["organisation"].update(logo="logo.svg", logo_alt="Test Clinic logo")
        (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
                                           '<rect width="40" height="10" fill="#1f4e79"/></svg>')
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        prs, result = build(tmp_path / "out", tmp_path / "c.yaml")
        assert "logo" not in result.err
        [picture] = [s for s in prs.slides[0].shapes if s.shape_type == 13]
        assert picture._element.nvPicPr.cNvPr.get("descr") == "Test Clinic logo"
        assert picture.image.content_type == "image/png"
        assert round(picture.width / picture.height) == 4

    def it_reads_nothing_an_svg_logo_links_to(self, tmp_path, minimal_text):
        secret = tmp_path / "secret.png"
        Image.new("RGB", (10, 10), "red").save(secret)
        data = yaml.safe_load(minimal_text)
        data["organisation"].update(logo="logo.svg", logo_alt="Test Clinic logo")
        (tmp_path / "logo.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
            f'height="10"><image xlink:href="{secret.as_uri()}" width="10" height="10"/></svg>')
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
        prs, result = build(tmp_path / "out", tmp_path / "c.yaml")
        pictures = [s for s in prs.slides[0].shapes if s.shape_type == 13]
        if pictures:  # drawn without the linked file: no red pixel may appear
            drawn = Image.open(io.BytesIO(pictures[0].image.blob)).convert("RGB")
            assert (255, 0, 0) not in {drawn.getpixel((x, y)) for x in range(drawn.width) for y in range(drawn.height)}
        else:
            assert "the SVG logo could not be drawn" in result.err

    def it_marks_a_picture_without_alt_text_as_decorative(self, tmp_path):
        Image.new("RGB", (10, 10), "white").save(tmp_path / "dot.png")
        prs = Presentation()
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        picture = slide.shapes.add_picture(str(tmp_path / "dot.png"), 0, 0)
        describe(picture, None)
        prs.save(tmp_path / "d.pptx")
        reopened = Presentation(tmp_path / "d.pptx").slides[0].shapes[-1]._element.nvPicPr.cNvPr
        assert reopened.get("descr") is None
        assert reopened.find(".//{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
                             ).get("val") == "1"

    def it_numbers_repeated_titles(self):
        assert unique_titles(["A", "B", "A", "A (2)", "A"]) == ["A", "B", "A (3)", "A (2)", "A (4)"]
