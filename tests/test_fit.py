"""Fitting slide text: the largest size that fits, the fewest boxes, measured as FreeType measures.

Widths are checked against an independent measure (FreeType through Pillow, which
also kerns), and every size `fit` chooses is checked to be the largest that works, not
merely one that does.
"""

from __future__ import annotations

import pytest
from PIL import ImageFont

from handouts import fit

FACE, _ = fit.face_for("Arial")
BOLD, _ = fit.face_for("Arial", bold=True)
SENTENCES = ["Take 250 mg twice a day with food.", "Drink water: about 8 glasses, more when it is hot.",
             "WWW iii Mmm — a line of wide and narrow letters.", "Call your GP if the pain lasts."]


def freetype_width(face: fit.Face, text: str, size: float) -> float:
    """Return the width FreeType gives `text` at `size` points (with kerning)."""
    return ImageFont.truetype(str(face.file), 1000).getlength(text) / 1000 * size


def exact_width(line_width: float) -> float:
    """Return a box width whose usable share (`WIDTH_SLACK`) is exactly `line_width` in floating point."""
    import math

    width = line_width / fit.WIDTH_SLACK
    while width * fit.WIDTH_SLACK > line_width:
        width = math.nextafter(width, 0)
    while width * fit.WIDTH_SLACK < line_width:
        width = math.nextafter(width, math.inf)
    assert width * fit.WIDTH_SLACK == line_width
    return width


class DescribeWidths:
    @pytest.mark.parametrize("face", [FACE, BOLD], ids=["regular", "bold"])
    @pytest.mark.parametrize("text", SENTENCES)
    def it_measures_as_freetype_does_never_narrower(self, face, text):
        measured, independent = face.width(text, 24), freetype_width(face, text, 24)
        assert independent <= measured * 1.0005  # FreeType rounds advances to 1/64 pixel
        assert measured <= independent * 1.03

    def it_gives_a_missing_glyph_a_full_em(self):
        assert FACE.width("\U0001F600", 20) == pytest.approx(20)

    def it_measures_a_font_it_does_not_know_wider_by_its_margin(self):
        odd, warning = fit.face_for("  Segoe UI ")
        assert odd.width("Hello", 20) == pytest.approx(FACE.width("Hello", 20) * fit.UNKNOWN_MARGIN)
        assert warning == ("font '  Segoe UI ' has no metric-compatible file here; its text is measured as "
                           "Liberation Sans with 20% to spare")
        assert odd.typeface == "  Segoe UI " and fit.face_for("Arial")[0].typeface == "Arial"
        assert fit.face_for(" CALIBRI ")[1] is None
        assert fit.face_for("Calibri", bold=True)[0].file.name == "Carlito-Bold.ttf"


class DescribeWrapping:
    @pytest.mark.parametrize("width", [150, 240, 400])
    def it_fills_each_line_as_far_as_the_next_word_would_overflow(self, width):
        text = " ".join(SENTENCES)
        lines = fit.wrap(text, FACE, 20, width)
        assert " ".join(lines).split() == text.split()
        for line, after in zip(lines, lines[1:]):
            assert freetype_width(FACE, line, 20) <= width
            # a more cautious wrap would break earlier: the next word must really not fit (within 5%)
            assert FACE.width(f"{line} {after.split()[0]}", 20) > 0.95 * width

    def it_keeps_hard_line_breaks_and_blank_lines(self):
        assert fit.wrap("one\ntwo\vthree", FACE, 20, 500) == ["one", "two", "three"]
        assert fit.wrap("one\n\nthree", FACE, 20, 500) == ["one", "", "three"]

    def it_keeps_on_one_line_text_exactly_as_wide_as_the_line(self):
        for text in ("Take it with food", "Pneumonoultramicroscopicsilicovolcanoconiosis"):
            width = exact_width(FACE.width(text, 20))
            assert fit.wrap(text, FACE, 20, width) == [text]
            assert fit.wrap(text + "s", FACE, 20, width) != [text + "s"]
        word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
        width = exact_width(FACE.width(word[:10], 20))
        assert fit.wrap(word, FACE, 20, width)[0] == word[:10]  # a cut piece may fill the line exactly
        assert fit.wrap(f"a {word[:10]}", FACE, 20, width) == ["a", word[:10]]  # so may a word after a break

    def it_breaks_an_overlong_word_as_late_as_it_can(self):
        word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
        lines = fit.wrap(word, FACE, 20, 120)
        assert "".join(lines) == word
        for line, after in zip(lines, lines[1:]):
            assert FACE.width(line, 20) <= 120 * fit.WIDTH_SLACK < FACE.width(line + after[0], 20)

    def it_gives_a_single_character_line_when_even_that_is_too_wide(self):
        assert fit.wrap("WW", FACE, 100, 10) == ["W", "W"]


class DescribeHeights:
    def it_adds_a_line_per_wrapped_line_and_a_gap_between_paragraphs(self):
        one = fit.text_height(["Short."], FACE, 20, 500)
        assert one == pytest.approx(fit.LINE * 20)
        two = fit.text_height(["Short.", "Also short."], FACE, 20, 500)
        assert two == pytest.approx(2 * fit.LINE * 20 + fit.PARAGRAPH_GAP * 20)
        assert 0 < fit.PARAGRAPH_GAP * 20 < fit.LINE * 20  # a gap, smaller than a line
        wrapped = fit.text_height([" ".join(SENTENCES)], FACE, 20, 200)
        assert wrapped == pytest.approx(len(fit.wrap(" ".join(SENTENCES), FACE, 20, 200)) * fit.LINE * 20)

    def it_says_text_fits_exactly_up_to_its_height(self):
        height = fit.text_height(SENTENCES, FACE, 20, 300)
        assert fit.fits(SENTENCES, FACE, 20, 300, height)
        assert not fit.fits(SENTENCES, FACE, 20, 300, height - 0.01)


class DescribeTheLargestSizeThatFits:
    @pytest.mark.parametrize(("width", "height"), [(300, 120), (500, 200), (800, 90), (250, 400)])
    def it_is_the_largest_whole_size_that_fits(self, width, height):
        size = fit.fit_size(SENTENCES, FACE, width, height, 40, 10)
        assert size is not None and fit.fits(SENTENCES, FACE, size, width, height)
        assert size == 40 or not fit.fits(SENTENCES, FACE, size + 1, width, height)

    def it_is_the_start_when_that_fits(self):
        assert fit.fit_size(["Hi"], FACE, 500, 500, 44, 28) == 44

    def it_is_the_floor_when_only_that_fits_and_none_below_it(self):
        height = fit.text_height(SENTENCES, FACE, 18, 400)
        assert fit.fit_size(SENTENCES, FACE, 400, height, 28, 18) == 18
        assert fit.fit_size(SENTENCES, FACE, 400, height - 1, 28, 18) is None


class DescribePacking:
    def it_shrinks_to_the_largest_size_that_fits_one_box_before_it_splits(self):
        few = ["A point that is a little long, so it wraps onto a second line at 28pt."] * 4
        packing = fit.pack(few, FACE, 400, 300, 28, 18)
        assert packing.groups == [[0, 1, 2, 3]] and packing.too_big == []
        assert packing.size == fit.fit_size(few, FACE, 400, 300, 28, 18)
        assert fit.fits(few, FACE, packing.size, 400, 300) and not fit.fits(few, FACE, packing.size + 1, 400, 300)

    @pytest.mark.parametrize(("count", "height"), [(30, 300), (12, 200), (9, 150), (4, 44)])
    def it_splits_at_the_largest_size_needing_no_more_boxes_than_the_floor(self, count, height):
        many = [f"Point {i} says one thing about taking {i * 50} mg." for i in range(count)]
        packing = fit.pack(many, FACE, 600, height, 28, 18)
        fewest = len(fit._fill(many, FACE, 18, 600, height))
        assert len(packing.groups) == fewest > 1 and packing.too_big == []
        assert [i for group in packing.groups for i in group] == list(range(count))
        for group in packing.groups:
            assert fit.fits([many[i] for i in group], FACE, packing.size, 600, height)
        assert packing.size == 28 or len(fit._fill(many, FACE, packing.size + 1, 600, height)) > fewest

    def it_splits_at_the_floor_when_only_the_floor_needs_so_few_boxes(self):
        many = ["Drink water.", "Rest.", "Eat well.", "Sleep."]
        height = fit.text_height(many[:2], FACE, 18, 600)  # two to a box at 18pt, one at 19pt
        packing = fit.pack(many, FACE, 600, height, 28, 18)
        assert packing == fit.Packing(18, [[0, 1], [2, 3]], [])

    def it_fills_each_box_in_order_as_far_as_it_holds(self):
        many = [f"Point {i} says one thing." for i in range(20)]
        packing = fit.pack(many, FACE, 600, 200, 28, 18)
        for group, following in zip(packing.groups, packing.groups[1:]):
            taken = [many[i] for i in group] + [many[following[0]]]
            assert not fit.fits(taken, FACE, packing.size, 600, 200)

    def it_sets_everything_at_the_floor_when_a_paragraph_cannot_fit_alone(self):
        paragraphs = ["ok", "word " * 400, "ok"]
        packing = fit.pack(paragraphs, FACE, 600, 300, 28, 18)
        assert packing.too_big == [1] and packing.size == 18
        assert packing.groups == [[0], [1], [2]]
