"""Characters no font can draw, in process: which font files count, which characters need a glyph, and
where each problem is (file, line, column, key). test_languages.py runs check and build on them."""

from __future__ import annotations

import pytest

from handouts import glyphs
from handouts.bundled import look_for
from handouts.load import load

from .conftest import FIXTURES

FONTS = "Atkinson Hyperlegible, Noto Sans, Noto Sans Arabic, Noto Sans Hebrew"


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
                                       f"({FONTS}); it would print as an empty box. Remove it, or add a font that "
                                       "has it (docs/languages.md)")

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
