"""Clinic topics: help tiers with the emergency first, numbered steps, figures, tables and
sources with publishers, in the handout PDF (tags and text), the deck and LibreOffice's
rendering of it; and the bad input the loader refuses before anything is rendered."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
from lxml import etree
import pytest
import yaml
from pptx import Presentation
from pptx.util import Emu

from .conftest import ROOT, run
from .test_handout import structure
from .test_slides import pdf_words, render_pdf

EXAMPLE = ROOT / "examples" / "blood-pressure.yaml"
FIGURE = ROOT / "examples" / "sitting-for-a-reading.svg"
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def copy_example(folder: Path, **changes) -> Path:
    """Copy the example topic and its figure into `folder`, with top-level `changes`; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIGURE, folder / FIGURE.name)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    path = folder / "topic.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example topic built once with the CLI: (content data, output folder)."""
    out = tmp_path_factory.mktemp("topic")
    result = run("build", str(EXAMPLE), "--out", str(out))
    assert result.code == 0, result.err
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), out


def kids(element: pikepdf.Dictionary, tag: str) -> list[pikepdf.Dictionary]:
    k = element.get("/K")
    items = list(k) if isinstance(k, pikepdf.Array) else [k]
    return [e for e in items if isinstance(e, pikepdf.Dictionary) and e.get("/S") == tag]


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """Return the text of `pdf` (or of one page) as poppler reads it, list numbers included, on one line."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return flat(subprocess.run(["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True,
                               text=True).stdout)


class DescribeTheHandout:
    def it_puts_the_emergency_line_on_page_1_right_after_the_main_message(self, built):
        data, out = built
        page1 = pdf_text(out / "handout.pdf", 1)
        strip = page1.index("In an emergency, call 911:")
        assert page1.index(flat(data["main_message"])) < strip < page1.index("Key points")
        first, *_ = data["get_help"]["emergency"]["when"]
        assert first.rstrip(".") in page1[strip:]

    def it_prints_the_emergency_tier_first_in_the_help_box(self, built):
        _, out = built
        text = pdf_text(out / "handout.pdf")
        box = text[text.index("When to get help"):]
        emergency = box.index("Emergency: call 911 now if you have")
        assert emergency < box.index("Call 555-0100 today if") < box.index("Call 555-0100 during office hours if")
        assert box.index("trouble breathing") < box.index("Call 555-0100 today if")

    def it_tags_the_steps_as_an_ordered_list_with_their_numbers(self, built):
        data, out = built
        steps = data["sections"][1]["steps"]
        with pikepdf.open(out / "handout.pdf") as pdf:
            ordered = [e for e in structure(pdf) if e.S == "/L" and "/A" in e and e.A.get("/ListNumbering")]
            assert len(ordered) == 1 and ordered[0].A.ListNumbering == "/Decimal"
            assert len(kids(ordered[0], "/LI")) == len(steps)
            assert all(kids(li, "/Lbl") and kids(li, "/LBody") for li in kids(ordered[0], "/LI"))
        text = pdf_text(out / "handout.pdf")
        for number, step in enumerate(steps, 1):
            assert re.search(rf"{number}\.\s*{re.escape(step[:20])}", text), step

    def it_tags_the_figure_with_its_alt_text_and_caption_and_keeps_the_svg_as_vectors(self, built):
        data, out = built
        figure = data["sections"][1]["figure"]
        with pikepdf.open(out / "handout.pdf") as pdf:
            elements = structure(pdf)
            figures = [e for e in elements if e.S == "/Figure" and str(e.get("/Alt", "")) == flat(figure["alt"])]
            assert len(figures) == 1
            captions = [e for e in elements if e.S == "/Caption"]
            assert captions, "the figure has no Caption tag"
            images = [x for page in pdf.pages for x in page.Resources.get("/XObject", {}).values()
                      if x.get("/Subtype") == "/Image"]
            assert images == [], "the SVG figure was turned into a bitmap"
        text = pdf_text(out / "handout.pdf")
        assert f"{figure['caption']} {figure['credit']}" in text

    def it_tags_the_table_with_header_cells_scoped_to_their_columns(self, built):
        data, out = built
        table = data["sections"][2]["table"]
        with pikepdf.open(out / "handout.pdf") as pdf:
            elements = structure(pdf)
            [tagged] = [e for e in elements if e.S == "/Table"]
            assert kids(tagged, "/Caption")
            headers = [e for e in elements if e.S == "/TH"]
            cells = [e for e in elements if e.S == "/TD"]
            assert len(headers) == len(table["header"])
            assert all(h.A.Scope == "/Column" for h in headers)
            assert len(cells) == len(table["rows"]) * len(table["header"])  # empty cells are cells too
        text = pdf_text(out / "handout.pdf")
        assert table["caption"] in text and " ".join(table["header"]) in text

    def it_shows_each_sources_publisher_and_year(self, built):
        data, out = built
        text = pdf_text(out / "handout.pdf")
        for source in data["sources"]:
            assert f"{source['publisher']}, {source['year']}" in text

    def it_keeps_an_old_single_phone_file_as_the_routine_tier(self, tmp_path):
        result = run("build", str(ROOT / "tests" / "fixtures" / "minimal.yaml"), "--out", str(tmp_path))
        assert result.code == 0, result.err
        text = pdf_text(tmp_path / "handout.pdf")
        assert "When to get help Call 555-0100 • You feel dizzy." in text
        assert "emergency" not in text.lower()
        deck = Presentation(tmp_path / "slides.pptx")
        help_slide = next(s for s in deck.slides if s.shapes.title.text == "When to get help")
        paragraphs = help_slide.placeholders[1].text_frame.paragraphs
        assert [p.text for p in paragraphs] == ["You feel dizzy.", "Call 555-0100."]


def slide_titled(deck, title: str):
    """Return the slide titled `title`, or the first of its continuation slides "Title (1 of 2)"."""
    return slides_titled(deck, title)[0]


def slides_titled(deck, title: str) -> list:
    """Return the slide titled `title`, or all its continuation slides, in order."""
    found = [s for s in deck.slides if s.shapes.title.text == title
             or re.fullmatch(re.escape(title) + r" \(\d+ of \d+\)", s.shapes.title.text)]
    assert found, f"no slide titled {title!r}"
    return found


class DescribeTheDeck:
    def it_gives_the_emergency_its_own_slide_right_after_the_main_message(self, built):
        data, out = built
        titles = [s.shapes.title.text for s in Presentation(out / "slides.pptx").slides]
        assert titles[1:3] == ["The main message", "In an emergency, call 911"]
        body = Presentation(out / "slides.pptx").slides[2].placeholders[1].text_frame
        assert [p.text for p in body.paragraphs] == data["get_help"]["emergency"]["when"]

    def it_puts_the_emergency_first_on_the_help_slide(self, built):
        _, out = built
        body = slide_titled(Presentation(out / "slides.pptx"), "When to get help").placeholders[1].text_frame
        leads = [p.text.split(":")[0] for p in body.paragraphs]
        assert leads == ["Emergency", "Call 555-0100 today if", "Call 555-0100 during office hours if"]

    def it_numbers_the_steps_as_auto_numbered_paragraphs(self, built):
        data, out = built
        parts = slides_titled(Presentation(out / "slides.pptx"), "How to check your blood pressure")
        paragraphs = [p for slide in parts for p in slide.placeholders[1].text_frame.paragraphs]
        assert [p.text for p in paragraphs] == data["sections"][1]["steps"]  # numbered on across continuations
        numbering = [p._p.pPr.find("a:buAutoNum", NS) for p in paragraphs]
        assert [(n.get("type"), n.get("startAt")) for n in numbering] == [
            ("arabicPeriod", str(i)) for i in range(1, len(paragraphs) + 1)]
        assert all(run.font.size.pt >= 18 for p in paragraphs for run in p.runs)

    def it_places_the_figure_beside_the_steps_with_its_alt_text(self, built):
        data, out = built
        deck = Presentation(out / "slides.pptx")
        slide = slide_titled(deck, "How to check your blood pressure")
        [picture] = [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert picture._element.nvPicPr.cNvPr.get("descr") == flat(data["sections"][1]["figure"]["alt"])
        body = next(s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title)
        assert body.left + body.width <= picture.left  # beside, not on top of the text
        assert picture.left + picture.width <= deck.slide_width and picture.top + picture.height <= deck.slide_height

    def it_sets_the_log_as_a_real_table_with_its_header(self, built):
        data, out = built
        table = data["sections"][2]["table"]
        slide = slide_titled(Presentation(out / "slides.pptx"), table["caption"])
        [frame] = [s for s in slide.shapes if s.has_table]
        rows = [[cell.text for cell in row.cells] for row in frame.table.rows]
        assert rows == [table["header"], *table["rows"]]
        assert frame.table.first_row

    def it_splits_a_long_table_by_rows_and_repeats_the_header(self, tmp_path):
        rows = [[f"Day {i}", "8 am", "", ""] for i in range(1, 41)]
        sections = yaml.safe_load(EXAMPLE.read_text())["sections"]
        sections[2]["table"]["rows"] = rows
        result = run("build", str(copy_example(tmp_path / "in", sections=sections)), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err
        deck = Presentation(tmp_path / "out" / "slides.pptx")
        slides = [s for s in deck.slides if s.shapes.title.text.startswith("My blood pressure log")]
        assert len(slides) > 1
        assert [s.shapes.title.text for s in slides] == [
            f"My blood pressure log ({i} of {len(slides)})" for i in range(1, len(slides) + 1)]
        seen = []
        for slide in slides:
            [frame] = [s for s in slide.shapes if s.has_table]
            cells = [[c.text for c in row.cells] for row in frame.table.rows]
            assert cells[0] == sections[2]["table"]["header"]
            seen += cells[1:]
            assert frame.top + frame.height <= deck.slide_height
        assert seen == rows

    def it_carries_the_step_numbers_across_continuation_slides(self, tmp_path):
        steps = [f"Step {n}: " + "do this part of the task slowly and carefully, " * 4 + "then go on."
                 for n in range(1, 8)]
        sections = [{"heading": "A long task", "points": ["Take your time."], "steps": steps}]
        result = run("build", str(copy_example(tmp_path / "in", sections=sections)), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err
        slides = [s for s in Presentation(tmp_path / "out" / "slides.pptx").slides
                  if s.shapes.title.text.startswith("A long task (")]
        assert len(slides) > 1
        seen = []
        for slide in slides:
            body = next(s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title)
            for p in body.text_frame.paragraphs:
                number = p._p.pPr.find("a:buAutoNum", NS)
                seen.append((p.text, number.get("startAt") if number is not None else None))
        assert seen == [("Take your time.", None)] + [(step, str(n)) for n, step in enumerate(steps, 1)]

    def it_shows_each_sources_publisher_and_year(self, built):
        data, out = built
        slide = slide_titled(Presentation(out / "slides.pptx"), "Where this information comes from")
        text = slide.placeholders[1].text_frame.text
        for source in data["sources"]:
            assert f"{source['title']}. {source['publisher']}, {source['year']}" in text

    def it_renders_in_libreoffice_with_every_word_on_its_slide_and_in_its_shape(self, built):
        _, out = built
        deck = Presentation(out / "slides.pptx")
        pages = pdf_words(render_pdf(out / "slides.pptx", out))
        assert len(pages) == len(deck.slides)
        width, height = Emu(deck.slide_width).pt, Emu(deck.slide_height).pt
        for number, (slide, words) in enumerate(zip(deck.slides, pages), 1):
            boxes = [(Emu(s.left).pt, Emu(s.top).pt, Emu(s.left + s.width).pt, Emu(s.top + s.height).pt)
                     for s in slide.shapes if s.has_text_frame or s.has_table]
            for x0, y0, x1, y1, word in words:
                slack = (y1 - y0) / 4
                assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, f"slide {number}: {word!r} is off"
                assert any(bx0 - 2 <= x0 and x1 <= bx1 + 2 and by0 - slack <= y0 and y1 <= by1 + slack
                           for bx0, by0, bx1, by1 in boxes), f"slide {number}: {word!r} is outside its shape"
        rendered = " ".join(w[4] for page in pages for w in page)
        assert "911" in rendered and "Bottom" in rendered


class DescribeStepsOnThePage:
    @pytest.mark.parametrize("filler", [1, 3, 5, 12, 28])  # without the rule, 1-5 and 28 split the steps
    def it_keeps_the_steps_whole_and_with_their_heading(self, filler, tmp_path):
        from handouts.bundled import BUNDLED
        from handouts.load import load
        from handouts.pdf import write_pdf
        from handouts.render import render_html, stylesheets

        steps = [f"Step {n}: do this part of the task, then go on to the next one." for n in range(1, 8)]
        sections = [{"heading": "Before you start", "points": ["Read each step before you begin."] * filler},
                    {"heading": "How to do it", "steps": steps}]
        loaded = load(copy_example(tmp_path, sections=sections))
        (tmp_path / "h.pdf").write_bytes(write_pdf(render_html(loaded.content), BUNDLED, stylesheets=stylesheets()))
        with pikepdf.open(tmp_path / "h.pdf") as pdf:
            count = len(pdf.pages)
        pages = [pdf_text(tmp_path / "h.pdf", n) for n in range(1, count + 1)]
        [page] = [p for p in pages if "How to do it" in p]
        assert all(step in page for step in steps), f"with {filler} points the steps were split"
        assert page.index("How to do it") < page.index(steps[0])


class DescribeSectionsOfOnePart:
    def it_fills_the_slide_with_a_png_figure_and_embeds_it_in_the_pdf(self, tmp_path):
        from PIL import Image

        (tmp_path / "in").mkdir()
        Image.new("RGB", (600, 400), "#1f4e79").save(tmp_path / "in" / "photo.png")
        sections = yaml.safe_load(EXAMPLE.read_text())["sections"]
        sections[1] = {"heading": "Where the cuff goes", "figure": {"src": "photo.png", "alt": "The cuff on an arm."}}
        sections[2] = {"heading": "Your log", "table": {"header": ["Date", "Top"], "rows": [["May 3", ""]]}}
        result = run("build", str(copy_example(tmp_path / "in", sections=sections)), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err
        deck = Presentation(tmp_path / "out" / "slides.pptx")
        slide = slide_titled(deck, "Where the cuff goes")
        [picture] = [s for s in slide.shapes if s.shape_type == 13]
        assert picture.width > deck.slide_width / 2 and picture.top + picture.height <= deck.slide_height
        assert picture.width / picture.height == pytest.approx(1.5, rel=0.01)
        [frame] = [s for s in slide_titled(deck, "Your log").shapes if s.has_table]
        assert [[c.text for c in row.cells] for row in frame.table.rows] == [["Date", "Top"], ["May 3", ""]]
        with pikepdf.open(tmp_path / "out" / "handout.pdf") as pdf:
            images = {x.objgen: x for page in pdf.pages for x in page.Resources.get("/XObject", {}).values()
                      if x.get("/Subtype") == "/Image"}
            assert [(int(x.Width), int(x.Height)) for x in images.values()] == [(600, 400)]


class DescribeRebuilding:
    def it_rebuilds_when_the_figure_changes(self, tmp_path):
        topic = copy_example(tmp_path / "in")
        assert run("build", str(topic), "--out", str(tmp_path / "out")).code == 0
        again = run("build", str(topic), "--out", str(tmp_path / "out"))
        assert "up to date" in again.out + again.err
        figure = tmp_path / "in" / FIGURE.name
        figure.write_text(figure.read_text().replace(">120<", ">135<"))
        changed = run("build", str(topic), "--out", str(tmp_path / "out"))
        assert changed.code == 0 and "up to date" not in changed.out + changed.err


class DescribeTheExample:
    def it_passes_check_strictly(self):
        result = run("check", str(EXAMPLE), "--strict")
        assert result.code == 0, result.out

    def it_gets_a_finding_at_the_line_of_each_shortfall(self, tmp_path):
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["sections"][1]["steps"] += ["Breathe out slowly.", "Relax your hand."]
        data["sections"][1]["figure"]["alt"] = "drawing.svg"
        del data["sections"][2]["table"]["header"]
        del data["sources"][1]["publisher"]
        del data["get_help"]["emergency"]  # the summary still says when to call 911
        path = copy_example(tmp_path, **data)
        lines = path.read_text(encoding="utf-8").splitlines()
        result = run("check", str(path), "--format", "json")
        findings = {f["rule"]: f for f in json.loads(result.out)["files"][0]["findings"]}

        def line_of(fragment: str) -> int:
            return next(n for n, line in enumerate(lines, 1) if fragment in line)

        assert findings["emergency-tier"]["line"] == line_of("Know when to call 911")
        assert findings["steps-long"]["line"] == line_of("Do not smoke")  # the list starts at its first item
        assert findings["figure-alt"]["line"] == line_of("alt: drawing.svg")
        assert findings["table-header"]["line"] == line_of("caption: My blood pressure log")
        assert findings["source-publisher"]["line"] == line_of("title: 'High blood pressure")


def problems(result) -> str:
    return result.err + result.out


class DescribeBadInput:
    """Each is refused by `build` before anything is rendered, and by `check`, at its line."""

    def refused(self, path: Path, tmp_path: Path, where: str, message: str) -> None:
        text = path.read_text(encoding="utf-8").splitlines()
        built = run("build", str(path), "--out", str(tmp_path / "out"))
        assert built.code == 1
        assert not (tmp_path / "out" / "handout.pdf").exists()
        checked = run("check", str(path))
        assert checked.code == 1
        for result in (built, checked):
            found = re.search(rf"{re.escape(str(path))}:(\d+):(\d+):.*{re.escape(where)}:.*{re.escape(message)}",
                              problems(result))
            assert found, problems(result)
            line, col = int(found.group(1)), int(found.group(2))
            assert 1 <= line <= len(text) and col >= 1

    def it_refuses_a_tier_without_a_phone(self, tmp_path):
        path = copy_example(tmp_path, get_help={"emergency": {"when": ["You have chest pain."]}})
        self.refused(path, tmp_path, "get_help.emergency.phone", "missing required key")

    def it_refuses_a_tier_without_items(self, tmp_path):
        path = copy_example(tmp_path, get_help={"emergency": {"phone": "911", "when": []}})
        self.refused(path, tmp_path, "get_help.emergency.when", "at least one item")

    def it_refuses_a_phone_without_when(self, tmp_path):
        path = copy_example(tmp_path, get_help={"phone": "555-0100"})
        self.refused(path, tmp_path, "get_help.when", "missing required key: `phone` and `when` go together")

    def sections_with(self, **figure_or_table) -> list:
        sections = yaml.safe_load(EXAMPLE.read_text())["sections"]
        sections[1].update(figure_or_table)
        return sections

    def it_refuses_a_figure_without_alt_text_unless_decorative(self, tmp_path):
        figure = {"src": FIGURE.name, "caption": "Sit like this."}
        path = copy_example(tmp_path, sections=self.sections_with(figure=figure))
        self.refused(path, tmp_path, "sections[1].figure.alt", "needs alt text")
        decorative = copy_example(tmp_path / "ok", sections=self.sections_with(figure={**figure, "decorative": True}))
        assert run("build", str(decorative), "--out", str(tmp_path / "ok-out")).code == 0
        with pikepdf.open(tmp_path / "ok-out" / "handout.pdf") as pdf:  # an artifact, not a Figure without Alt
            assert all("/Alt" in e for e in structure(pdf) if e.S == "/Figure")
        slide = slide_titled(Presentation(tmp_path / "ok-out" / "slides.pptx"), "How to check your blood pressure")
        [picture] = [s for s in slide.shapes if s.shape_type == 13]
        assert picture._element.nvPicPr.cNvPr.get("descr") is None
        assert "decorative" in etree.tostring(picture._element).decode()

    def it_refuses_a_missing_figure(self, tmp_path):
        path = copy_example(tmp_path, sections=self.sections_with(figure={"src": "nowhere.svg", "alt": "A drawing."}))
        self.refused(path, tmp_path, "sections[1].figure.src", "figure file not found")

    def it_refuses_a_figure_of_another_kind(self, tmp_path):
        (tmp_path / "drawing.gif").write_bytes(b"GIF89a")
        path = copy_example(tmp_path, sections=self.sections_with(figure={"src": "drawing.gif", "alt": "A drawing."}))
        self.refused(path, tmp_path, "sections[1].figure.src", "expected a PNG, JPEG or SVG file")

    def it_refuses_a_figure_that_is_not_a_picture(self, tmp_path):
        (tmp_path / "drawing.png").write_text("not a picture")
        path = copy_example(tmp_path, sections=self.sections_with(figure={"src": "drawing.png", "alt": "A drawing."}))
        self.refused(path, tmp_path, "sections[1].figure.src", "is not a PNG, JPEG or SVG picture")

    def it_builds_a_figure_given_as_a_data_uri(self, tmp_path):
        svg = FIGURE.read_text(encoding="utf-8")
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        path = copy_example(tmp_path, sections=self.sections_with(figure={"src": uri, "alt": "A drawing."}))
        result = run("build", str(path), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err
        with pikepdf.open(tmp_path / "out" / "handout.pdf") as pdf:
            assert [str(e.Alt) for e in structure(pdf) if e.S == "/Figure"][0] == "A drawing."

    def it_refuses_a_figure_that_is_too_big(self, tmp_path):
        from handouts.load import MAX_FIGURE_BYTES

        with open(tmp_path / "huge.png", "wb") as handle:  # sparse: the size is what counts
            handle.truncate(MAX_FIGURE_BYTES + 1)
        path = copy_example(tmp_path, sections=self.sections_with(figure={"src": "huge.png", "alt": "A drawing."}))
        self.refused(path, tmp_path, "sections[1].figure.src", "more than the limit")

    def it_refuses_a_figure_outside_the_allowed_folders(self, tmp_path):
        shutil.copy(FIGURE, tmp_path / "outside.svg")
        path = copy_example(tmp_path / "topic",
                            sections=self.sections_with(figure={"src": "../outside.svg", "alt": "A drawing."}))
        self.refused(path, tmp_path, "sections[1].figure.src", "outside the allowed folders")

    def it_refuses_a_table_row_wider_than_its_header(self, tmp_path):
        table = {"header": ["Date", "Time"], "rows": [["May 3", "8 am"], ["May 4", "8 am", "128"]]}
        path = copy_example(tmp_path, sections=self.sections_with(table=table))
        self.refused(path, tmp_path, "sections[1].table.rows[1]", "3 cells, more than the 2 of the header")
