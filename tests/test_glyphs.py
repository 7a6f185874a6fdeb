"""Which characters a font can draw: our character map reader against fontTools, on real and made fonts."""

import io

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.ttLib import TTCollection, TTFont

from handouts.bundled import FONTS
from handouts.glyphs import points, read_cmap


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
