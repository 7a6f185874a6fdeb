"""The preview stage of `handouts serve`, in process: marked text, the editions as PDF and pictures, and
the slide pictures LibreOffice draws (test_serve.py runs the whole server)."""

from __future__ import annotations

import io
import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image, JpegImagePlugin
from pypdf import PdfReader

from handouts import preview, rules
from handouts.build import BuildOptions
from handouts.language import labels
from handouts.load import load

needs_office = pytest.mark.skipif(preview.office() is None, reason="needs LibreOffice")


def finding(rule: str, message: str, path: str = "summary[0]") -> rules.Finding:
    return rules.Finding(rule, "warning", "topic.yaml", 1, 1, path, message, "", "")


def marks(part: preview.Part) -> list[tuple[str, str]]:
    """Return (marked text, kind) of each mark of `part`, in order."""
    return [(part.text[m["start"]:m["end"]], m["kind"]) for m in part.marks]


class DescribeTheWordsAFindingIsAbout:
    @pytest.mark.parametrize("message, words", [
        ("'best way' is an absolute or promotional claim.", ["best way"]),
        ("Use an everyday word: 'prior to' -> 'before'; 'Utilize' -> 'use'.", ["prior to", "Utilize"]),
        ('"Sam\'s desk" is not a phone number.', ["Sam's desk"]),
        ("The heading 'It\\'s' says nothing.", ["It\\'s"]),
        ("100% of this section's words carry content. Densest: 'Daily fluid intake.'.", ["Daily fluid intake."]),
        ("No sources are listed.", [])])
    def it_takes_what_the_message_quotes_but_not_the_alternatives(self, message, words):
        assert preview.finding_words(finding("plain-words", message)) == words

    def it_takes_the_acronym_an_acronym_finding_starts_with(self):
        assert preview.finding_words(finding("acronym-undefined", "GP is not spelled out at its first use.")) == ["GP"]
        assert preview.finding_words(finding("term-undefined", "GP is not spelled out at its first use.")) == []


class DescribeMarkedText:
    @pytest.fixture
    def parts(self, write, minimal_text):
        text = minimal_text.replace("[Water helps., Drink often.]",
                                    '["Utilize water; utilize it daily, do not reutilize cups.", "Ask your GP.", '
                                    '"About 1 in 5 people forget.", "It is the best way.", "Drink often.", '
                                    '"Water helps.", "Prior to meals, utilize a cup."]')
        loaded = load(write(text))
        return loaded, {p.path: p for p in preview.marked_text(loaded, rules.check(loaded))}

    def it_gives_each_part_its_key_path_line_and_text_in_reading_order(self, parts):
        loaded, by_path = parts
        assert list(by_path)[:4] == ["title", "main_message", "summary[0]", "summary[1]"]
        assert all(p.line == loaded.locations[p.path][0] for p in by_path.values() if p.path in loaded.locations)
        assert by_path["get_help.heading"].line == 0  # the label's default heading: not in the file
        assert by_path["summary[1]"].text == "Ask your GP."

    def it_marks_each_use_of_a_named_word_in_any_case_as_a_whole_word(self, parts):
        _, by_path = parts
        whole = by_path["summary[0]"].text
        assert marks(by_path["summary[0]"]) == [(whole, "other"), ("Utilize", "word"), ("utilize", "word")]
        # not "reutilize"; a mark inside another comes after it
        both = [(text, kind) for text, kind in marks(by_path["summary[6]"]) if kind == "word"]
        assert both == [("Prior to", "word"), ("utilize", "word")]  # each word one finding names

    def it_marks_by_the_kind_of_finding(self, parts):
        _, by_path = parts
        assert ("GP", "term") in marks(by_path["summary[1]"])
        assert ("1 in 5", "number") in marks(by_path["summary[2]"])
        assert ("best way", "claim") in marks(by_path["summary[3]"])

    def it_marks_every_item_of_a_list_a_finding_is_about_in_whole_and_nothing_else(self, parts):
        loaded, by_path = parts
        report = rules.check(loaded)
        [long] = [i for i, f in enumerate(report.findings) if f.rule == "list-long"]
        marked = {path for path, part in by_path.items() for m in part.marks if m["finding"] == long}
        assert marked == {f"summary[{i}]" for i in range(7)}
        part = by_path["summary[4]"]
        assert [(m["start"], m["end"], m["kind"]) for m in part.marks] == [(0, len(part.text), "other")]

    def it_marks_a_whole_part_in_the_colour_of_its_finding(self, write, minimal_text):
        loaded = load(write(minimal_text.replace("[Drink a glass of water with each meal.]",
                                                 "[Patients should drink water.]")))
        action = next(p for p in preview.marked_text(loaded, rules.check(loaded)) if p.path == "actions[0]")
        assert (0, len(action.text), "passive") in [(m["start"], m["end"], m["kind"]) for m in action.marks]

    def it_marks_the_densest_sentence_a_density_finding_quotes_in_its_section(self, write, minimal_text):
        dense = ["Daily fluid intake supports kidney function.", "Adequate hydration prevents fatigue.",
                 "Regular fluid consumption improves concentration."]
        loaded = load(write(minimal_text.replace("[Your body needs water., It keeps you well.]",
                                                 "[" + ", ".join(dense) + "]")))
        report = rules.check(loaded)
        assert "lexical-density" in [f.rule for f in report.findings]
        point = next(p for p in preview.marked_text(loaded, report) if p.path == "sections[0].points[0]")
        assert (dense[0], "reading") in marks(point)

    def it_marks_the_hardest_sentences_a_reading_finding_names_and_sorts_marks_by_place(self, write, minimal_text):
        hard = "Exercise is important for your body."
        points = ("[Take your medicine every morning., It keeps you well. Exercise is important for your body., "
                  "Tomatoes and bananas are good to eat.]")
        loaded = load(write(minimal_text.replace("[Your body needs water., It keeps you well.]", points)))
        report = rules.check(loaded)
        point = next(p for p in preview.marked_text(loaded, report) if p.path == "sections[0].points[1]")
        reading = [(point.text[m["start"]:m["end"]], report.findings[m["finding"]].rule) for m in point.marks
                   if m["kind"] == "reading"]
        assert (hard, "smog-section") in reading
        starts = [(m["start"], -m["end"]) for m in point.marks]
        assert starts == sorted(starts) and point.text.index(hard) == point.marks[0]["start"]


class DescribeTheEditionsAsPictures:
    def it_makes_the_large_print_edition_when_asked(self, write, minimal_text):
        loaded = load(write(minimal_text))
        standard, large = (preview.handout_pdf(loaded, BuildOptions(), large=flag) for flag in (False, True))
        texts = ["".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages) for pdf in (standard, large)]
        edition = labels("en")["large_print_edition"]
        assert edition not in texts[0] and edition in texts[1]

    def it_draws_each_page_at_about_100_dpi_or_the_scale_asked(self, write, minimal_text, tmp_path):
        pdf = preview.handout_pdf(load(write(minimal_text)), BuildOptions(), large=False)
        pages = PdfReader(io.BytesIO(pdf)).pages
        width = float(pages[0].mediabox.width)
        drawn = preview.page_images(pdf, tmp_path, "page")
        assert [p.name for p in drawn] == [f"page-{n}.jpg" for n in range(1, len(pages) + 1)]
        assert picture(drawn[0]) == ("JPEG", round(width * 1.4))
        with Image.open(drawn[0]) as image:  # no chroma subsampling: small type stays sharp
            assert JpegImagePlugin.get_sampling(image) == 0
        assert picture(preview.page_images(pdf, tmp_path, "small", scale=0.5)[0]) == ("JPEG", round(width * 0.5))

    def it_reads_each_slides_title_body_and_notes(self, write, minimal_text):
        slides = preview.deck_slides(preview.deck(load(write(minimal_text)), BuildOptions()))
        assert (slides[0]["title"], slides[0]["notes"]) == ("Test handout", "")
        [section] = [s for s in slides if s["title"] == "Why water matters"]
        assert section["notes"] == "Talk about water."
        assert ["Your body needs water.", "It keeps you well."] == [b for b in section["body"] if b.endswith(".")]


def picture(path: Path) -> tuple[str, int]:
    """Return the format and the width in pixels of the picture at `path`."""
    with Image.open(path) as image:
        return str(image.format), image.size[0]


def at_one_pixel_a_point(path: Path) -> bool:
    """Return whether `path` is a JPEG picture of a 16:9 slide (960 points wide) at a pixel a point."""
    kind, width = picture(path)
    return kind == "JPEG" and abs(width - 960) <= 1


def started_in(folder: Path) -> list[int]:
    """Return the ids of running processes whose command line names `folder` (a LibreOffice profile in it)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if proc.name.isdigit() and str(folder).encode() in command and state != "Z":
            found.append(int(proc.name))
    return found


class Done:
    """A `done` callback for SlideRenderer.submit that remembers the pictures it got."""

    def __init__(self):
        self.paths: list[Path] | None = None
        self.called = threading.Event()

    def __call__(self, paths: list[Path]) -> None:
        self.paths = paths
        self.called.set()

    def wait(self) -> list[Path]:
        assert self.called.wait(180), "the deck was never drawn"
        assert self.paths is not None
        return self.paths


class DescribeSlidePictures:
    @needs_office
    def it_draws_every_slide_of_the_newest_deck_with_one_libreoffice_and_ends_it_on_stop(
            self, write, minimal_text, tmp_path, monkeypatch):
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        (tmp_path / "home").mkdir()
        pptx = preview.deck(load(write(minimal_text)), BuildOptions())
        renderer = preview.SlideRenderer(tmp_path / "work")
        try:
            assert renderer.method in ("cold", "warm")
            older, newer = Done(), Done()
            with renderer._wake:  # both wait before the drawing thread can take either
                renderer.submit(b"not a deck", tmp_path / "older", older)
                renderer.submit(pptx, tmp_path / "newer" / "deck", newer)
            paths = newer.wait()
            assert not older.called.is_set()
            assert len(paths) == len(preview.deck_slides(pptx))
            assert paths[0] == tmp_path / "newer" / "deck" / "slide-1.jpg"
            assert all(at_one_pixel_a_point(p) for p in paths)
            assert renderer.method == ("warm" if preview.uno_python() else "cold")
            if renderer.method == "warm":  # one LibreOffice keeps running, its profile in the work folder
                listener = renderer._listener
                assert listener is not None and started_in(tmp_path / "work")
                again = Done()  # the deck again, after a save, into the same folder
                renderer.submit(pptx, tmp_path / "newer" / "deck", again)
                assert len(again.wait()) == len(paths)
                assert renderer._listener is listener and listener.poll() is None
                assert not (tmp_path / "work" / "office-profile-cold").exists()  # no LibreOffice of its own
        finally:
            renderer.stop()
        assert started_in(tmp_path / "work") == []
        assert (tmp_path / "work" / "office-profile").is_dir()
        assert [p for p in (tmp_path / "home").rglob("*") if not p.is_dir()] == []  # nothing in the user's home

    @needs_office
    def it_starts_a_libreoffice_for_each_deck_without_its_python_bridge(self, write, minimal_text, tmp_path,
                                                                         monkeypatch):
        monkeypatch.setattr(preview, "uno_python", lambda: None)
        pptx = preview.deck(load(write(minimal_text)), BuildOptions())
        renderer = preview.SlideRenderer(tmp_path / "work")
        try:
            done = Done()
            renderer.submit(pptx, tmp_path / "slides" / "deck", done)
            paths = done.wait()
            assert renderer.method == "cold" and renderer._listener is None
            assert len(paths) == len(preview.deck_slides(pptx)) and at_one_pixel_a_point(paths[0])
            assert (tmp_path / "slides" / "deck" / "slides.pdf").is_file()
        finally:
            renderer.stop()
        assert started_in(tmp_path / "work") == []

    def it_gives_no_pictures_when_libreoffice_fails_and_leaves_nothing_running(self, write, minimal_text, tmp_path):
        pptx = preview.deck(load(write(minimal_text)), BuildOptions())
        renderer = preview.SlideRenderer(tmp_path / "work", program=shutil.which("false"), timeout=2)
        try:
            assert renderer.method == "cold"
            done = Done()
            renderer.submit(pptx, tmp_path / "slides", done)
            assert done.wait() == []
            assert (tmp_path / "slides" / "slides.pptx").read_bytes() == pptx
        finally:
            renderer.stop()
        assert started_in(tmp_path / "work") == []

    def it_draws_nothing_without_libreoffice(self, tmp_path, monkeypatch):
        monkeypatch.setenv("PATH", str(tmp_path))
        assert preview.office() is None
        renderer = preview.SlideRenderer(tmp_path / "work")
        assert renderer.method == "none" and not renderer._thread.is_alive()
        renderer.stop()
        (tmp_path / "libreoffice").write_text("#!/bin/sh\n")
        (tmp_path / "libreoffice").chmod(0o755)
        assert preview.office() == str(tmp_path / "libreoffice")

    @pytest.mark.skipif(preview.uno_python() is None, reason="needs LibreOffice's Python bridge (python3-uno)")
    def it_ends_a_libreoffice_that_ignores_the_request_to_stop(self, tmp_path):
        import time

        stubborn = tmp_path / "stubborn-office"
        stubborn.write_text("#!/bin/sh\ntrap '' TERM\nsleep 120\n")
        stubborn.chmod(0o755)
        renderer = preview.SlideRenderer(tmp_path / "work", program=str(stubborn))
        deadline = time.monotonic() + 60  # a bound on a hang, not a speed test
        while not started_in(tmp_path / "work") and time.monotonic() < deadline:
            time.sleep(0.05)  # the drawing thread starts the running one
        assert renderer.method == "warm" and started_in(tmp_path / "work")
        renderer.stop()  # asks, waits 5 seconds, then ends it
        assert started_in(tmp_path / "work") == []


class DescribeAnOfficeThatHangs:
    def it_ends_a_conversion_that_outlives_the_timeout_and_keeps_its_output_out_of_the_terminal(
            self, tmp_path, monkeypatch, capfd):
        monkeypatch.setattr(preview, "uno_python", lambda: None)  # one LibreOffice per deck
        office = tmp_path / "soffice"
        office.write_text("#!/bin/sh\necho 'office noise' >&2\nexec sleep 20\n")
        office.chmod(0o755)
        renderer = preview.SlideRenderer(tmp_path / "work", program=str(office), timeout=0.5)
        try:
            assert renderer.render(b"a deck", tmp_path / "deck") == []
            assert renderer._process is not None and renderer._process.returncode < 0  # stopped, not finished
        finally:
            renderer.stop()
        assert "office noise" not in capfd.readouterr().err

    def it_ends_the_conversion_under_way_when_stopped(self, tmp_path, monkeypatch):
        monkeypatch.setattr(preview, "uno_python", lambda: None)
        office = tmp_path / "soffice"
        office.write_text("#!/bin/sh\nexec sleep 30\n")
        office.chmod(0o755)
        renderer = preview.SlideRenderer(tmp_path / "work", program=str(office), timeout=60)
        renderer.submit(b"a deck", tmp_path / "deck", Done())
        for _ in range(500):  # until the drawing thread has started LibreOffice
            if renderer._process is not None:
                break
            threading.Event().wait(0.02)
        renderer.stop()
        assert renderer._process is not None and renderer._process.poll() is not None
        assert renderer._process.returncode < 0 and not renderer._thread.is_alive()
