"""Building: real PDFs and decks, reopened and read back."""

from __future__ import annotations

import re

import pikepdf
import pytest
from pptx import Presentation
from pypdf import PdfReader

from handouts.load import load

from .conftest import FIXTURES, ROOT, run


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def squash(text: str) -> str:
    """Return `text` with runs of space joined, and words broken after a hyphen rejoined."""
    return " ".join(text.split()).replace("- ", "-")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The bundled content.yaml, built once for this module."""
    out = tmp_path_factory.mktemp("demo")
    result = run("build", str(ROOT / "content.yaml"), "--out", str(out))
    assert result.code == 0, result.err
    return load(ROOT / "content.yaml").content, out, result


class DescribeTheDemoBuild:
    def it_prints_what_it_wrote(self, demo):
        _, out, result = demo
        for name in ("handout.pdf", "handout-large-print.pdf", "slides.pptx"):
            assert f"wrote {out / name}" in result.out

    def it_writes_a_handout_with_every_heading_and_point(self, demo):
        content, out, _ = demo
        text = squash(pdf_text(out / "handout.pdf"))
        assert squash(content.title) in text
        assert squash(content.main_message) in text
        for section in content.sections:
            assert squash(section.heading) in text
            for point in section.points:
                assert squash(point) in text
        for action in content.actions:
            assert squash(action) in text
        assert content.get_help.phone in text
        for term in content.glossary:
            assert squash(term.term) in text
        assert squash(content.disclaimer) in text

    def it_sets_the_pdf_title_and_language(self, demo):
        content, out, _ = demo
        with pikepdf.open(out / "handout.pdf") as pdf:
            assert str(pdf.Root.Lang) == content.language
            with pdf.open_metadata() as meta:
                assert meta["dc:title"] == content.title
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True

    def it_numbers_pages_as_page_x_of_y(self, demo):
        _, out, _ = demo
        reader = PdfReader(out / "handout.pdf")
        total = len(reader.pages)
        for number, page in enumerate(reader.pages, 1):
            assert f"Page {number} of {total}" in page.extract_text()

    def it_writes_a_deck_with_a_slide_per_section_and_their_notes(self, demo):
        content, out, _ = demo
        prs = Presentation(out / "slides.pptx")
        titles = [s.shapes.title.text for s in prs.slides]
        assert titles[0] == content.title
        for section in content.sections:  # on one slide, or on continuation slides "Heading (1 of 2)"
            parts = [s for s, t in zip(prs.slides, titles)
                     if t == section.heading or re.fullmatch(re.escape(section.heading) + r" \(\d+ of \d+\)", t)]
            body = [p.text for slide in parts for shape in slide.placeholders if shape.placeholder_format.idx != 0
                    for p in shape.text_frame.paragraphs]
            assert body == section.points
            if section.notes:
                assert parts[0].notes_slide.notes_text_frame.text == section.notes
        assert "What you can do" in titles
        assert content.get_help.heading in titles
        assert "Where this information comes from" in titles
        assert prs.core_properties.title == content.title
        assert prs.core_properties.language == content.language


class DescribeFixtureBuilds:
    def it_builds_a4_and_letter(self, tmp_path):
        sizes = {}
        for paper in ("letter", "a4"):
            assert run("build", str(FIXTURES / "minimal.yaml"), "--out", str(tmp_path / paper),
                       "--paper", paper).code == 0
            box = PdfReader(tmp_path / paper / "handout.pdf").pages[0].mediabox
            sizes[paper] = (round(float(box.width)), round(float(box.height)))
        assert sizes == {"letter": (612, 792), "a4": (595, 842)}

    def it_leaves_no_notes_page_on_slides_without_notes(self, tmp_path):
        assert run("build", str(FIXTURES / "minimal.yaml"), "--out", str(tmp_path)).code == 0
        prs = Presentation(tmp_path / "slides.pptx")
        key_points = next(s for s in prs.slides if s.shapes.title.text == "Key points")
        assert not key_points.has_notes_slide

    def it_gives_byte_identical_outputs_for_identical_input(self, tmp_path):
        for name in ("a", "b"):
            assert run("build", str(FIXTURES / "minimal.yaml"), "--out", str(tmp_path / name)).code == 0
        for output in ("handout.pdf", "handout-large-print.pdf", "slides.pptx"):
            assert (tmp_path / "a" / output).read_bytes() == (tmp_path / "b" / output).read_bytes()

    def it_keeps_previous_outputs_when_a_later_stage_fails(self, tmp_path):
        out = tmp_path / "out"
        assert run("build", str(FIXTURES / "minimal.yaml"), "--out", str(out)).code == 0
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        theme = tmp_path / "odd.pptx"
        prs = Presentation()
        for layout in prs.slide_layouts:
            layout._element.cSld.set("name", "Custom " + layout.name)
        prs.save(theme)
        changed = (FIXTURES / "minimal.yaml").read_text().replace("Test handout", "Changed handout")
        (tmp_path / "changed.yaml").write_text(changed)
        result = run("build", str(tmp_path / "changed.yaml"), "--out", str(out), "--theme", str(theme))
        assert result.code == 1
        assert "no layout named 'Title Slide'" in result.err and "'Custom Title Slide'" in result.err
        assert "Traceback" not in result.err
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    def it_keeps_previous_outputs_when_the_content_is_invalid(self, tmp_path, write):
        out = tmp_path / "out"
        assert run("build", str(FIXTURES / "minimal.yaml"), "--out", str(out)).code == 0
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        bad = write("title: [broken\n", "bad.yaml")
        assert run("build", str(bad), "--out", str(out)).code == 1
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
