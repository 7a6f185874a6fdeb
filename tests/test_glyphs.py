"""Which characters a font can draw, and where a character none can is: our character map reader against
fontTools on real and made fonts; which font files count, which characters need a glyph, and each problem's
file, line, column and key (in process; test_languages.py runs check and build on them)."""

from __future__ import annotations

import io

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.ttLib import TTCollection, TTFont

from handouts import glyphs
from handouts.bundled import FONTS, look_for
from handouts.glyphs import points, read_cmap
from handouts.load import load

from .conftest import FIXTURES

FONTS_NAMED = "Atkinson Hyperlegible, Noto Sans, Noto Sans Arabic, Noto Sans Hebrew"


def fonttools_points(data: bytes) -> frozenset[int]:
    with TTFont(io.BytesIO(data), fontNumber=0) as font:
        return frozenset(char for char, glyph in font.getBestCmap().items() if glyph != ".notdef")


def made_font(cmap: dict[int, str], flavor: str | None = None) -> bytes:
    """Return a TrueType font (or its WOFF) whose character map is `cmap`."""
    names = [".notdef", *sorted(set(cmap.values()) - {".notdef"})]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf({name: _empty_glyph() for name in names})
    builder.setupHorizontalMetrics({name: (500, 0) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Made", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.font.flavor = flavor
    builder.font.save(out)
    return out.getvalue()


def _empty_glyph():
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    return TTGlyphPen(None).glyph()


@pytest.mark.parametrize("name", sorted(p.name for p in FONTS.iterdir() if p.suffix == ".ttf"))
def test_it_reads_what_fonttools_reads_from_every_bundled_font(name):
    data = (FONTS / name).read_bytes()
    found = read_cmap(data)
    assert found and found == fonttools_points(data)


def test_it_reads_scattered_glyphs_and_characters_beyond_the_basic_plane():
    # glyph ids out of order make segments that index into the glyph array; 😀 needs format 12
    cmap = {ord("a"): "g3", ord("b"): "g1", ord("c"): "g2", ord("é"): "g1", 0x1F600: "g4", 0x10FFFD: "g2"}
    data = made_font(cmap)
    assert read_cmap(data) == fonttools_points(data) == frozenset(cmap)


def test_a_character_mapped_to_no_glyph_is_not_drawable():
    data = made_font({ord("a"): "g1", ord("b"): ".notdef", 0x1F600: ".notdef"})
    assert read_cmap(data) == frozenset({ord("a")})


def format_4_font(segments: list[tuple[int, int, int, list[int]]]) -> bytes:
    """Return a font file of one table, a format 4 character map of `segments` (first, last, delta, glyph ids:
    none to map each character by its delta alone, else one for each), closed by the 0xFFFF segment."""
    import struct

    segments = [*segments, (0xFFFF, 0xFFFF, 1, [])]
    n = len(segments)
    glyph_ids, offsets = [], []
    for i, (_, _, _, ids) in enumerate(segments):  # an offset counts from its own place to its first glyph id
        offsets.append(2 * (n - i + len(glyph_ids)) if ids else 0)
        glyph_ids += ids
    table = struct.pack(f">7H{n}HH{n}H{n}h{n}H{len(glyph_ids)}H", 4, 16 + 8 * n + 2 * len(glyph_ids), 0, 2 * n,
                        0, 0, 0, *(s[1] for s in segments), 0, *(s[0] for s in segments),
                        *(s[2] for s in segments), *offsets, *glyph_ids)
    cmap = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + table
    return struct.pack(">IHHHH4sIII", 0x00010000, 1, 16, 0, 0, b"cmap", 0, 28, len(cmap)) + cmap


def test_a_character_whose_glyph_id_works_out_to_zero_is_not_drawable():
    # by its delta: A -> 0xFFFF, B -> 0 (.notdef), C -> 1; by the glyph id array: a -> 5 - 5 = 0, b -> 7 - 5 = 2
    data = format_4_font([(0x41, 0x43, -0x42, []), (0x61, 0x62, -5, [5, 7])])
    assert read_cmap(data) == frozenset({0x41, 0x43, 0x62})


def test_it_reads_the_first_font_of_a_collection():
    collection = TTCollection()
    collection.fonts = [TTFont(io.BytesIO(made_font({ord("x"): "g1"}))),
                        TTFont(io.BytesIO(made_font({ord("y"): "g1"})))]
    out = io.BytesIO()
    collection.save(out)
    assert read_cmap(out.getvalue()) == frozenset({ord("x")})


def test_a_file_it_cannot_read_is_read_by_fonttools(tmp_path):
    woff = made_font({ord("q"): "g1", 0x2192: "g2"}, flavor="woff")
    assert read_cmap(woff) is None
    assert read_cmap(b"not a font") is None
    assert read_cmap(made_font({ord("q"): "g1"})[:40]) is None  # cut short
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Extra.woff").write_bytes(woff)
    (tmp_path / "fonts.css").write_text('@font-face { font-family: "Extra"; src: url("fonts/Extra.woff"); }')

    class Look:
        def find(self, name):
            return tmp_path / name

    assert points(Look()) == frozenset({ord("q"), 0x2192})



def where(problems) -> list[tuple[str, int, int, str, str]]:
    """Return (file, line, column, key, character described) of each problem."""
    return [(p.file, p.line, p.col, p.path, p.message.split(" at character")[0]) for p in problems]


class DescribeTheFonts:
    def it_takes_the_font_files_fonts_css_names_outside_comments_once_each(self, tmp_path):
        fonts = tmp_path / "templates" / "fonts"
        fonts.mkdir(parents=True)
        for name in ("A.TTF", "b.otf", "c.woff", "d.woff2", "e.ttc", "old.ttf", "picture.png"):
            (fonts / name).write_bytes(b"")
        (tmp_path / "templates" / "fonts.css").write_text(
            '/* @font-face { src: url("fonts/old.ttf"); } */\n'
            '@font-face { font-family: A; src: url("fonts/A.TTF"), url(fonts/b.otf) format("opentype"); }\n'
            "@font-face { font-family: C; src: url('fonts/c.woff'), url( \"fonts/d.woff2\" ), url(fonts/e.ttc); }\n"
            '@font-face { font-family: D; src: url(fonts/picture.png), url(fonts/gone.ttf), url("fonts/A.TTF"); }\n',
            encoding="utf-8")
        found = glyphs.font_files(look_for(tmp_path / "templates"))
        assert found == [(fonts / name).resolve() for name in ("A.TTF", "b.otf", "c.woff", "d.woff2", "e.ttc")]

    @pytest.mark.parametrize("char, needs", [
        ("a", True), ("→", True), ("\ufe10", True),  # a vertical comma, just past the variation selectors
        (" ", False), ("\n", False), ("\x07", False), ("\u200b", False), ("\ufe00", False), ("\ufe0f", False)])
    def it_needs_a_glyph_for_a_character_that_is_drawn(self, char, needs):
        assert glyphs.drawn(char) is needs

    def it_names_a_character_by_its_code_point_and_unicode_name(self):
        assert glyphs.describe("💧") == "'💧' (U+1F4A7 DROPLET)"
        assert glyphs.describe("\ue000") == "'\\ue000' (U+E000)"  # a private-use character has no name


class DescribeWhereAProblemIs:
    def it_gives_the_column_of_each_character_as_written_and_names_each_once(self, write, minimal_text):
        text = minimal_text.replace("summary: [Water helps., Drink often.]",
                                    'summary:\n  - "Water 💧 helps."\n  - Drink 💧💧 now ☃.\n  - "💧\\tthen"\n'
                                    '  - "a\\tb 💧"\n  - \'It\'\'s 💧\'')
        topic = write(text)
        problems = glyphs.uncovered(load(topic))
        assert where(problems) == [
            (str(topic), 4, 12, "summary[0]", "'💧' (U+1F4A7 DROPLET)"),
            (str(topic), 5, 11, "summary[1]", "'💧' (U+1F4A7 DROPLET)"),
            (str(topic), 5, 18, "summary[1]", "'☃' (U+2603 SNOWMAN)"),
            (str(topic), 6, 6, "summary[2]", "'💧' (U+1F4A7 DROPLET)"),
            (str(topic), 7, 5, "summary[3]", "'💧' (U+1F4A7 DROPLET)"),  # after an escape: the value's column
            (str(topic), 8, 5, "summary[4]", "'💧' (U+1F4A7 DROPLET)")]  # after a doubled quote: likewise
        assert problems[2].message == (f"'☃' (U+2603 SNOWMAN) at character 14 is in none of the handout's fonts "
                                       f"({FONTS_NAMED}); it would print as an empty box. Remove it, or add a "
                                       "font that has it (docs/languages.md)")

    def it_counts_columns_after_a_byte_order_mark_as_an_editor_shows_them(self, write, minimal_text):
        topic = write(b"\xef\xbb\xbf" + minimal_text.replace("title: Test handout", "title: Test 💧").encode())
        assert where(glyphs.uncovered(load(topic))) == [(str(topic), 1, 13, "title", "'💧' (U+1F4A7 DROPLET)")]

    def it_finds_characters_in_the_label_catalogue_of_the_language_at_their_line(self, tmp_path):
        labels = tmp_path / "templates" / "labels"
        labels.mkdir(parents=True)
        (labels / "es.yaml").write_text("main_message: El mensaje\nkey_points: Puntos ☃ clave\n", encoding="utf-8")
        problems = glyphs.uncovered(load(FIXTURES / "spanish.yaml"), look_for(tmp_path / "templates"))
        assert where(problems) == [(str(labels / "es.yaml"), 2, 1, "key_points", "'☃' (U+2603 SNOWMAN)")]
        assert glyphs.uncovered(load(FIXTURES / "spanish.yaml")) == []

    def it_places_a_character_the_brand_file_sets_in_the_brand_file(self, write, minimal_text, tmp_path):
        brand = tmp_path / "brand.yaml"
        brand.write_text("phone: 555-0111\nname: Clinic ☃\n", encoding="utf-8")
        topic = write(minimal_text.replace("organisation:\n  name: Test Clinic\n", ""))
        problems = glyphs.uncovered(load(topic, brand=brand))
        assert where(problems) == [(str(brand), 2, 14, "organisation.name", "'☃' (U+2603 SNOWMAN)")]
