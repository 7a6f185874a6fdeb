"""Every problem the loader finds in a topic, with the exact message a nurse reads.

A message is `file:line:col: key.path: what was expected`: the line and column of the
value at fault (not of its mapping), the key path as the topic spells it, and the
words that say what to do. Each test below writes a small topic, loads it in-process
and compares the whole message, for the parts of a clinic topic (help tiers, sections,
tables, figures), the organisation's logo and the pictures an SVG draws, the file
itself (links, encoding, YAML errors) and the limits of what a file may hold.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import struct
import zlib

import pytest
import yaml
from PIL import Image

from handouts.load import (MAX_FIGURE_BYTES, MAX_LOGO_BYTES, MAX_NODES, MAX_TEXT_CHARS, MAX_TOTAL_CHARS,
                           ContentInvalid, compose, convert, each_node, load, parse)

from .conftest import FIXTURES

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>\n'
# minimal.yaml: its first section's notes are on line 7; its organisation's name on line 19
NOTES = "    notes: Talk about water.\n"
ORGANISATION = "  name: Test Clinic\n"
HELP = "get_help:\n  when: [You feel dizzy.]\n  phone: 555-0100\n"


def png(width: int = 4, height: int = 4) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(data, "PNG")
    return data.getvalue()


def damaged_png() -> bytes:
    """Return a PNG whose chunks are whole (their checksums right) but whose pixel data cannot be decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"not zlib data") + chunk(b"IEND", b"")


def data_uri(data: bytes, kind: str = "image/png") -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def draws(link: str) -> str:
    """Return an SVG that draws the picture at `link`."""
    return f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{link}" width="4" height="4"/></svg>\n'


def problems(path, **kw) -> list[str]:
    """Return the problems of loading `path`, each without the file name in front."""
    with pytest.raises(ContentInvalid) as info:
        load(path, **kw)
    return [str(p).removeprefix(str(path)) for p in info.value.problems]


@pytest.fixture
def topic(tmp_path):
    """Write the minimal topic with `old` replaced by `new` (in order) into tmp_path; return its path."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")

    def _topic(*changes: tuple[str, str]):
        result = text
        for old, new in changes:
            assert old in result
            result = result.replace(old, new)
        path = tmp_path / "topic.yaml"
        path.write_text(result, encoding="utf-8")
        return path

    return _topic


class DescribeHelpTiers:
    def it_locates_a_tier_without_items_at_its_empty_list(self, topic):
        path = topic((HELP, "get_help:\n  emergency:\n    phone: '911'\n    when: []\n"))
        assert problems(path) == [":12:11: get_help.emergency.when: a tier needs at least one item saying when to call"]

    def it_locates_a_second_routine_tier_at_the_routine_key(self, topic):
        path = topic(("  phone: 555-0100\n", "  phone: 555-0100\n  routine: {phone: 555-0101, when: [Any time.]}\n"))
        assert problems(path) == [
            ":12:12: get_help.routine: give the routine tier once: either `routine` or `phone` with `when`"]

    def it_asks_for_a_tier_when_there_is_none(self, topic):
        path = topic((HELP, "get_help:\n  notes: Call us.\n"))
        assert problems(path) == [
            ":10:3: get_help: expected at least one tier (emergency, urgent, routine) or a `phone` with `when`"]

    def it_names_the_keys_a_help_block_may_have_when_it_is_not_a_mapping(self, topic):
        path = topic((HELP, "get_help: call us\n"))
        assert problems(path) == [":9:11: get_help: expected a mapping of keys such as emergency, urgent, routine, "
                                  "when, phone, heading, notes, got str 'call us'"]


class DescribeSections:
    def it_locates_a_section_with_nothing_in_it_at_the_section(self, topic):
        path = topic(("    points: [Your body needs water., It keeps you well.]\n", ""))
        assert problems(path) == [":5:5: sections[0].points: a section needs points, steps, a figure or a table"]

    def it_names_what_a_section_needs_when_it_is_nothing(self, topic):
        path = topic(("  - heading: Why water matters\n    points: [Your body needs water., It keeps you well.]\n"
                      + NOTES, "  - ~\n"))
        assert problems(path) == [":5:5: sections[0]: expected keys heading, got nothing"]

    def it_takes_a_point_as_a_mapping_of_its_text_and_slide_form(self, topic):
        path = topic(("points: [Your body needs water., It keeps you well.]",
                      "points:\n      - {text: Your body needs water every day., slide: Water daily}"))
        [point] = load(path).content.sections[0].points
        assert (point, point.slide) == ("Your body needs water every day.", "Water daily")

    def it_locates_each_problem_of_a_point_given_as_a_mapping(self, topic, tmp_path):
        path = topic(("points: [Your body needs water., It keeps you well.]",
                      "points:\n      - {text: Your body needs water., slide: Water, colour: red}\n"
                      "      - {slide: Short}\n      - {text: A, text: B}\n      - {text: [A]}"))
        assert problems(path) == [
            ":7:54: warning: sections[0].points[0].colour: unknown key; expected one of: text, slide",
            ":8:9: sections[0].points[1].text: missing required key (text)",
            ":9:19: sections[0].points[2].text: duplicate key; keep one",
            ":10:16: sections[0].points[3].text: expected text, got a list"]

    def it_warns_of_an_unknown_key_of_a_point_or_refuses_it_when_strict(self, topic):
        path = topic(("points: [Your body needs water., It keeps you well.]",
                      "points:\n      - {text: Your body needs water., colour: red}"))
        assert [str(w).removeprefix(str(path)) for w in load(path).warnings] == [
            ":7:40: warning: sections[0].points[0].colour: unknown key; expected one of: text, slide"]
        assert problems(path, strict=True) == [
            ":7:40: sections[0].points[0].colour: unknown key; expected one of: text, slide"]


class DescribeTables:
    def table(self, topic, rows: str, header: str = ""):
        return topic((NOTES, "    table:\n" + (f"      header: {header}\n" if header else "") + f"      rows:{rows}"))

    def it_keeps_each_cells_text_and_leaves_blanks_to_fill_in(self, topic):
        path = self.table(topic, "\n        - [May 3, ~, '', ' ', 8 am]\n")
        assert load(path).content.sections[0].table.rows == [["May 3", "", "", "", "8 am"]]

    def it_locates_a_row_wider_than_its_header_at_the_row(self, topic):
        path = self.table(topic, "\n        - [May 3, 8 am]\n        - [May 4, 8 am, '128']\n", "[Date, Time]")
        assert problems(path) == [":11:11: sections[0].table.rows[1]: this row has 3 cells, more than the 2 of "
                                  "the header"]

    def it_locates_a_table_without_rows_at_its_empty_list(self, topic):
        path = self.table(topic, " []\n", "[Date]")
        assert problems(path) == [":9:13: sections[0].table.rows: a table needs at least one row"]

    def it_names_the_rows_a_table_without_them_needs(self, topic):
        path = topic((NOTES, "    table:\n      header: [Date]\n"))
        assert problems(path) == [":8:7: sections[0].table.rows: missing required key (a list of a list of text)"]

    def it_says_a_row_must_be_a_list(self, topic):
        path = self.table(topic, "\n        - May 3\n")
        assert problems(path) == [":9:11: sections[0].table.rows[0]: expected a list of text, got str 'May 3'"]


class DescribeFigures:
    def figure(self, topic, src: str, alt: str = "      alt: A drawing.\n"):
        return topic((NOTES, f"    figure:\n{alt}      src: '{src}'\n"))

    def it_locates_a_figure_without_alt_text_at_the_figure(self, topic, tmp_path):
        (tmp_path / "a.svg").write_text(SVG)
        assert problems(self.figure(topic, "a.svg", alt="")) == [
            ":8:7: sections[0].figure.alt: a figure needs alt text saying what it shows (alt), or "
            "`decorative: true` if it adds nothing to the text"]

    def it_keeps_the_full_path_of_a_figure_file(self, topic, tmp_path):
        (tmp_path / "a.svg").write_text(SVG)
        assert load(self.figure(topic, "a.svg")).content.sections[0].figure.src == str(tmp_path / "a.svg")

    def it_locates_each_problem_of_a_figure_file_at_its_src(self, topic, tmp_path):
        (tmp_path / "drawing.gif").write_bytes(b"GIF89a")
        (tmp_path / "text.png").write_text("not a picture")
        (tmp_path / "big.png").write_bytes(png(5000, 4000))
        (tmp_path / "damaged.png").write_bytes(damaged_png())
        with open(tmp_path / "huge.png", "wb") as handle:  # sparse: the size is what counts
            handle.write(png())
            handle.truncate(MAX_FIGURE_BYTES + 1)
        at = ":9:12: sections[0].figure.src: "
        for src, message in [
            ("drawing.gif", "expected a PNG, JPEG or SVG file, got 'drawing.gif'"),
            ("missing.svg", f"figure file not found: {tmp_path / 'missing.svg'}"),
            ("huge.png", f"the figure file is 10,000,001 bytes, more than the limit of {MAX_FIGURE_BYTES:,}; "
                         "make it smaller"),
            ("text.png", "'text.png' is not a PNG, JPEG or SVG picture"),
            ("big.png", "big.png: the picture is 5,000 x 4,000 pixels, more than the limit of 16,000,000 pixels"),
            ("damaged.png", "damaged.png: the picture is damaged or not a valid PNG, JPEG, GIF or WebP"),
        ]:
            assert problems(self.figure(topic, src)) == [at + message], src

    def it_reads_a_figure_given_as_a_file_address_whatever_the_case_of_its_scheme(self, topic, tmp_path):
        (tmp_path / "a.svg").write_text(SVG)
        address = "FILE:" + (tmp_path / "a.svg").as_uri().removeprefix("file:")
        assert load(self.figure(topic, address)).content.sections[0].figure.src == str(tmp_path / "a.svg")

    def it_says_a_figure_behind_a_symlink_loop_cannot_be_read(self, topic, tmp_path):
        (tmp_path / "loop.svg").symlink_to(tmp_path / "loop.svg")
        [message] = problems(self.figure(topic, "loop.svg"))
        assert message.startswith(":9:12: sections[0].figure.src: cannot read the figure: ")
        assert "loop" in message.lower()

    def it_names_every_allowed_folder_when_a_figure_is_outside_them(self, topic, tmp_path):
        (tmp_path / "topic").mkdir()
        (tmp_path / "assets").mkdir()
        (tmp_path / "outside.svg").write_text(SVG)
        path = topic()
        path = path.rename(tmp_path / "topic" / "topic.yaml")
        path.write_text(path.read_text().replace(NOTES, "    figure:\n      alt: A.\n      src: ../outside.svg\n"))
        assert problems(path, folders=(tmp_path / "assets",)) == [
            f":9:12: sections[0].figure.src: the figure file is outside the allowed folders ({tmp_path / 'topic'}, "
            f"{tmp_path / 'assets'}); put it next to the content file or in the assets folder"]


class DescribePicturesAnSvgDraws:
    """A build refuses a topic whose SVG draws a picture the resource policy refuses: check says so first."""

    def figure(self, topic, tmp_path, svg: str):
        (tmp_path / "drawing.svg").write_text(svg)
        return topic((NOTES, "    figure:\n      alt: A drawing.\n      src: drawing.svg\n"))

    def it_leaves_web_addresses_and_fragments_to_the_resource_policy(self, topic, tmp_path):
        for link in ("https://example.org/a.png", "http://example.org/a.png", "#shape"):
            assert load(self.figure(topic, tmp_path, draws(link))).content.sections[0].figure, link

    @pytest.mark.parametrize(("link", "message"), [
        ("a.png", "it draws 'a.png', an address without a scheme, which a build does not follow; give the "
                  "picture as a data: URI or a file: address"),
        ("ftp://example.org/a.png", "it draws 'ftp://example.org/a.png'; the ftp: scheme is not allowed"),
        (data_uri(png(5000, 4000)), "it draws a data: URI: the picture is 5,000 x 4,000 pixels, more than the limit "
                                    "of 16,000,000 pixels"),
        (data_uri(damaged_png()), "it draws a data: URI: the picture is damaged or not a valid PNG, JPEG, GIF or "
                                  "WebP"),
    ])
    def it_names_a_picture_a_figure_draws_that_a_build_would_refuse(self, link, message, topic, tmp_path):
        assert problems(self.figure(topic, tmp_path, draws(link))) == [
            f":9:12: sections[0].figure.src: drawing.svg: {message}"]

    def it_refuses_a_drawn_file_that_is_outside_or_missing(self, topic, tmp_path):
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "a.png").write_bytes(png())
        path = topic()
        (tmp_path / "in").mkdir()
        path = path.rename(tmp_path / "in" / "topic.yaml")
        path.write_text(path.read_text().replace(NOTES, "    figure:\n      alt: A.\n      src: drawing.svg\n"))
        (tmp_path / "in" / "drawing.svg").write_text(draws((tmp_path / "out" / "a.png").as_uri()))
        assert problems(path) == [":9:12: sections[0].figure.src: drawing.svg: it draws 'a.png', which is outside "
                                  "the allowed folders once links are resolved"]
        (tmp_path / "in" / "drawing.svg").write_text(draws((tmp_path / "in" / "none.png").as_uri()))
        assert problems(path) == [":9:12: sections[0].figure.src: drawing.svg: it draws 'none.png', which cannot "
                                  "be read (not found, or not a file)"]


class DescribeTheLogo:
    def logo(self, topic, src: str, alt: str = "  logo_alt: Clinic logo.\n"):
        return topic((ORGANISATION, f"{ORGANISATION}  logo: '{src}'\n{alt}"))

    def it_asks_for_alt_text_at_the_organisation(self, topic, tmp_path):
        (tmp_path / "logo.svg").write_text(SVG)
        assert problems(self.logo(topic, "logo.svg", alt="")) == [
            ":19:3: organisation.logo_alt: a logo needs alt text describing it (logo_alt)"]

    def it_keeps_the_full_path_of_a_logo_file(self, topic, tmp_path):
        (tmp_path / "art").mkdir()
        (tmp_path / "art" / "logo.svg").write_text(SVG)
        assert load(self.logo(topic, "art/logo.svg")).content.organisation.logo == str(tmp_path / "art" / "logo.svg")

    def it_takes_a_logo_as_a_data_uri_of_a_png_or_an_svg(self, topic):
        svg = SVG.strip().replace('width="4"', 'viewBox="0,0,4,4" width="4"', 1)  # commas in the picture itself
        for uri in (data_uri(png()), "data:image/svg+xml," + svg.replace("<", "%3C").replace(">", "%3E"),
                    "DATA:image/png;base64," + data_uri(png()).partition(",")[2]):
            assert load(self.logo(topic, uri)).content.organisation.logo == uri

    @pytest.mark.parametrize(("uri", "message"), [
        ("data:text/plain,hello", "expected a data: URI of an SVG or PNG picture (data:image/png;base64,...)"),
        ("DATA:text/plain,hello", "expected a data: URI of an SVG or PNG picture (data:image/png;base64,...)"),
        (data_uri(png()[:60]), "the data: URI's picture: the picture is damaged or not a valid PNG, JPEG, GIF "
                               "or WebP"),
        (data_uri(damaged_png()), "the data: URI's picture: the picture is damaged or not a valid PNG, JPEG, GIF "
                                  "or WebP"),
    ])
    def it_refuses_a_data_uri_that_is_not_a_usable_picture(self, uri, message, topic):
        assert problems(self.logo(topic, uri)) == [f":20:9: organisation.logo: {message}"]

    def it_locates_each_problem_of_a_logo_file_at_the_logo_key(self, topic, tmp_path):
        (tmp_path / "text.svg").write_text("not a picture")
        (tmp_path / "text.png").write_text("not a picture")
        (tmp_path / "empty.png").write_bytes(b"")
        (tmp_path / "drawing.svg").write_text(draws("ftp://example.org/a.png"))
        with open(tmp_path / "huge.png", "wb") as handle:
            handle.write(png())
            handle.truncate(MAX_LOGO_BYTES + 1)
        for src, message in [
            ("text.svg", "the logo file text.svg is not an SVG picture"),
            ("text.png", "the logo file text.png is not a PNG picture"),
            ("empty.png", "the logo file empty.png is empty"),
            ("huge.png", f"huge.png is more than the limit of {MAX_LOGO_BYTES:,} bytes"),
            ("drawing.svg", "drawing.svg: it draws 'ftp://example.org/a.png'; the ftp: scheme is not allowed"),
        ]:
            assert problems(self.logo(topic, src)) == [f":20:9: organisation.logo: {message}"], src

    def it_says_why_a_logo_cannot_be_read(self, topic, tmp_path):
        (tmp_path / "folder.svg").mkdir()
        assert problems(self.logo(topic, "folder.svg")) == [
            ":20:9: organisation.logo: cannot read the logo: Is a directory"]

    def it_says_a_logo_behind_a_symlink_loop_cannot_be_read(self, topic, tmp_path):
        (tmp_path / "loop.svg").symlink_to(tmp_path / "loop.svg")
        [message] = problems(self.logo(topic, "loop.svg"))
        assert message.lower() == ":20:9: organisation.logo: cannot read the logo: too many levels of symbolic links"

    def it_refuses_a_logo_outside_the_folders_a_handout_may_read(self, topic, tmp_path):
        (tmp_path / "topic").mkdir()
        (tmp_path / "logo.svg").write_text(SVG)
        path = self.logo(topic, "../logo.svg").rename(tmp_path / "topic" / "topic.yaml")
        assert problems(path) == [":20:9: organisation.logo: logo.svg: the file is outside the allowed folders (the "
                                  "content's, the brand file's, assets and templates), once links are resolved; "
                                  "not read"]

    def it_reads_a_logo_from_the_projects_templates_folder(self, topic, tmp_path):
        (tmp_path / "topics").mkdir()
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates" / "logo.svg").write_text(SVG)
        path = self.logo(topic, "../templates/logo.svg").rename(tmp_path / "topics" / "topic.yaml")
        assert load(path, project=tmp_path).content.organisation.logo == str(tmp_path / "templates" / "logo.svg")


class DescribeTopLevelValues:
    def it_locates_a_language_that_is_not_a_tag_at_its_value(self, topic):
        path = topic(("disclaimer:", "language: english\ndisclaimer:"))
        assert problems(path) == [":22:11: language: expected a BCP 47 language tag such as en, es, es-US or "
                                  "zh-Hans, got 'english'"]

    def it_refuses_a_title_longer_than_a_deck_can_hold(self, topic):
        path = topic(("title: Test handout", "title: " + "a" * 256))
        assert problems(path) == [":1:8: title: 256 characters, more than the limit of 255 (a slide deck's "
                                  "document properties hold no more)"]

    def it_refuses_an_organisation_name_longer_than_a_deck_can_hold(self, topic):
        path = topic((ORGANISATION, f"  name: {'a' * 256}\n"))
        assert problems(path) == [":19:9: organisation.name: 256 characters, more than the limit of 255 (a slide "
                                  "deck's document properties hold no more)"]

    def it_refuses_an_author_longer_than_a_deck_can_hold(self, topic):
        path = topic(("disclaimer:", f"author: {'a' * 256}\ndisclaimer:"))
        assert problems(path) == [":22:9: author: 256 characters, more than the limit of 255 (a slide deck's "
                                  "document properties hold no more)"]

    def it_locates_a_colour_that_is_not_one_at_its_value(self, topic):
        assert problems(topic((ORGANISATION, ORGANISATION + "  colour: dark blue\n"))) == [
            ":20:11: organisation.colour: expected a colour like #1f4e79, got 'dark blue'"]

    def it_refuses_a_website_that_is_not_a_web_address_showing_the_start_of_a_long_one(self, topic):
        website = "www.example.org/" + "a" * 60
        assert problems(topic((ORGANISATION, f"{ORGANISATION}  website: {website}\n"))) == [
            f":20:12: organisation.website: expected an address starting with https://, got '{website[:60]}'... "
            f"(76 characters)"]

    def it_refuses_a_page_address_too_long_for_a_qr_code(self, topic):
        path = topic(("disclaimer:", "url: https://example.org/" + "a" * 1000 + "\ndisclaimer:"))
        assert problems(path) == [":22:6: url: the address is 1,020 bytes, more than the 1,000 a QR code on the "
                                  "handout can hold and still scan"]

    def it_takes_plain_http_addresses(self, topic):
        path = topic(("https://example.org/water", "http://example.org/water"),
                     ("disclaimer:", "url: http://example.org/page\ndisclaimer:"))
        content = load(path).content
        assert (content.url, content.sources[0].url) == ("http://example.org/page", "http://example.org/water")

    def it_names_the_date_a_missing_date_key_needs(self, topic):
        assert problems(topic(("published: 2026-01-01\n", ""))) == [
            ":1:1: published: missing required key (a date like 2026-01-31)"]

    def it_names_what_the_acceptances_of_check_need(self, topic):
        assert problems(topic(("disclaimer:", "check: {}\ndisclaimer:"))) == [
            ":22:8: check.accept: missing required key (a mapping of names to text)"]

    def it_takes_dates_from_the_first_to_the_last_day_of_the_years_a_deck_can_hold(self, topic):
        content = load(topic(("published: 2026-01-01", "published: 1980-01-01"),
                             ("review: 2029-01-01", "review: 2099-12-31"))).content
        assert (content.published.isoformat(), content.review.isoformat()) == ("1980-01-01", "2099-12-31")
        assert problems(topic(("published: 2026-01-01", "published: 1979-12-31"))) == [
            ":20:12: published: expected a date in the years 1980 to 2099, got 1979-12-31"]

    def it_refuses_a_date_outside_the_years_a_deck_can_hold(self, topic):
        assert problems(topic(("published: 2026-01-01", "published: 2100-01-01"))) == [
            ":20:12: published: expected a date in the years 1980 to 2099, got 2100-01-01"]


class DescribeTheFile:
    def it_says_an_empty_file_needs_a_mapping(self, tmp_path):
        path = tmp_path / "topic.yaml"
        path.write_text("  \n")
        assert problems(path) == [": file is empty; expected a mapping with keys such as title, main_message, sections"]

    def it_names_the_byte_offset_of_invalid_utf8(self, tmp_path):
        path = tmp_path / "topic.yaml"
        path.write_bytes(b"title: ok\n\xff\n")
        assert problems(path) == [": not valid UTF-8 at byte offset 10; save the file as UTF-8"]

    def it_says_which_character_yaml_does_not_accept(self, tmp_path):
        path = tmp_path / "topic.yaml"
        path.write_bytes(b"title: a\x07b\n")
        [message] = problems(path)
        assert message.startswith(": invalid YAML: unacceptable character #x0007: special characters are not allowed")

    def it_locates_a_tag_that_is_not_plain_data(self, tmp_path):
        path = tmp_path / "topic.yaml"
        path.write_text("title: x\nmain_message: !!python/object:os.system x\n")
        assert problems(path) == [":2:15: the tag 'tag:yaml.org,2002:python/object:os.system' is not allowed; "
                                  "content is plain text, lists and mappings"]

    def it_refuses_a_link_to_a_file_outside_its_folder_naming_the_folder(self, tmp_path):
        (tmp_path / "topic").mkdir()
        (tmp_path / "outside.yaml").write_text("title: x\n")
        (tmp_path / "topic" / "topic.yaml").symlink_to(tmp_path / "outside.yaml")
        assert problems(tmp_path / "topic" / "topic.yaml") == [
            f": the file is outside {tmp_path / 'topic'} once links are resolved; not read"]

    def it_says_a_symlink_loop_cannot_be_read(self, tmp_path):
        (tmp_path / "topic.yaml").symlink_to(tmp_path / "topic.yaml")
        assert [p.lower() for p in problems(tmp_path / "topic.yaml")] == [
            ": cannot read the file: too many levels of symbolic links"]


    def it_reads_a_topic_linked_to_another_folder_of_its_project(self, topic, tmp_path):
        (tmp_path / "topics").mkdir()
        (tmp_path / "shared").mkdir()
        topic().rename(tmp_path / "shared" / "topic.yaml")
        (tmp_path / "topics" / "topic.yaml").symlink_to(tmp_path / "shared" / "topic.yaml")
        assert load(tmp_path / "topics" / "topic.yaml", project=tmp_path).content.title == "Test handout"
        assert problems(tmp_path / "topics" / "topic.yaml") == [
            f": the file is outside {tmp_path / 'topics'} once links are resolved; not read"]


class DescribeWhereAKeyIsSet:
    def it_gives_the_file_line_and_column_of_a_key_path_or_the_file_alone(self, topic):
        path = topic()
        loaded = load(path)
        assert loaded.where("sections[0].points[1]") == f"{path}:6:38"
        assert loaded.where("organisation.logo") == str(path)  # not set anywhere

    def it_gives_the_brand_files_place_for_a_key_the_brand_file_sets(self, topic, tmp_path):
        brand = tmp_path / "brand.yaml"
        brand.write_text("name: Brand Clinic\nphone: 555-0111\n")
        loaded = load(topic((ORGANISATION, "  phone: 555-0100\n")), brand=brand)
        assert loaded.where("organisation.name") == f"{brand}:1:7"
        assert loaded.where("organisation.phone") == f"{loaded.path}:19:10"


# Small dataclasses of the walker's own, to try the limits and kinds the content model does not reach.
@dataclasses.dataclass(frozen=True)
class Nest:
    name: str
    child: Nest | None = None


@dataclasses.dataclass(frozen=True)
class Tree:
    name: str
    children: list[Tree] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Counts:
    name: str
    counts: list[int | None] = dataclasses.field(default_factory=list)
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    tallies: list[dict[str, int]] = dataclasses.field(default_factory=list)


def converted(path, kind: type):
    return convert(parse(path), kind, "doc.yaml")[0]


def refused(path, kind: type) -> list[str]:
    with pytest.raises(ContentInvalid) as info:
        convert(parse(path), kind, "doc.yaml")
    return [str(p) for p in info.value.problems]


class DescribeTheLimits:
    def it_takes_values_twenty_deep_and_refuses_deeper_ones_once(self, write):
        def nested(levels: int) -> str:
            return "".join(f"{'  ' * i}child:\n{'  ' * (i + 1)}name: n{i}\n" for i in range(levels))

        value = converted(write("name: top\n" + nested(19)), Nest)
        depth = 0
        while value.child:
            value, depth = value.child, depth + 1
        assert depth == 19
        assert refused(write("name: top\n" + nested(20)), Nest) == [
            f"doc.yaml:41:{2 * 20 + 7}: child.{'child.' * 19}name: too many or too deeply nested values (limit "
            f"{MAX_NODES:,} values)"]

    def it_counts_the_depth_of_lists_too(self, write):
        def nested(levels: int) -> str:
            items = "".join(f"{'    ' * i}- name: n{i}\n{'    ' * i}  children:\n" for i in range(levels))
            return f"name: top\nchildren:\n{items}{'    ' * levels}[]\n"

        value = converted(write(nested(9)), Tree)
        assert value.children[0].children[0].name == "n1"
        deepest = "children[0]." * 10
        limit = f"too many or too deeply nested values (limit {MAX_NODES:,} values)"
        assert refused(write(nested(10)), Tree) == [f"doc.yaml:21:45: {deepest}name: {limit}",
                                                    f"doc.yaml:23:41: {deepest}children: {limit}"]

    def it_says_once_that_there_are_too_many_values(self, write):
        labels = "".join(f"  k{i}: v\n" for i in range(MAX_NODES + 5))
        assert refused(write("name: A\nlabels:\n" + labels), Counts) == [
            f"doc.yaml:{MAX_NODES}:11: labels.k{MAX_NODES - 3}: too many or too deeply nested values (limit "
            f"{MAX_NODES:,} values)"]

    def it_says_once_where_the_documents_text_comes_to_more_than_the_limit(self, write):
        uses = MAX_TOTAL_CHARS // MAX_TEXT_CHARS + 1  # of the anchored text; the keys k0, k1 ... count too
        labels = "".join(f"  k{i}: *a\n" for i in range(uses + 3))
        assert refused(write(f"name: &a {'a' * MAX_TEXT_CHARS}\nlabels:\n{labels}"), Counts) == [
            f"doc.yaml:1:7: labels.k{uses - 3}: the document's text comes to more than the limit of "
            f"{MAX_TOTAL_CHARS:,} characters (each use of an alias counts)"]

    def it_names_the_kind_of_item_a_list_needs(self, write):
        assert converted(write("name: A\ncounts: [1, ~, 3]\n"), Counts).counts == [1, None, 3]
        assert refused(write("name: A\ncounts: 1\n"), Counts) == [
            "doc.yaml:2:9: counts: expected a list of a whole number, got int '1'"]
        assert refused(write("name: A\ntallies: 1\n"), Counts) == [
            "doc.yaml:2:10: tallies: expected a list of a mapping of names to a whole number, got int '1'"]

    def it_refuses_a_tag_that_is_not_plain_data_in_a_tree_it_is_given(self):
        root = yaml.compose("name: !!python/name:os.system x\n")
        with pytest.raises(ContentInvalid) as info:
            convert(root, Counts, "doc.yaml")
        assert [str(p) for p in info.value.problems] == [
            "doc.yaml:1:7: name: the tag 'tag:yaml.org,2002:python/name:os.system' is not allowed; content is plain "
            "text, lists and mappings"]


def it_names_only_the_keys_a_config_file_may_set_when_it_is_not_a_mapping(tmp_path):
    from handouts.config import load_config

    path = tmp_path / "handouts.yaml"
    path.write_text("just text\n")
    with pytest.raises(ContentInvalid) as info:
        load_config(path)
    [message] = [str(p) for p in info.value.problems]
    assert message.startswith(f"{path}:1:1: expected a mapping of keys such as ")
    assert "brand, assets" in message and not {"root", "found", "warnings"} & set(message.replace(",", " ").split())


def it_walks_each_node_once_however_often_an_alias_repeats_it():
    root = compose("a: &x [1, 2]\nb: *x\nc: *x\n")
    assert [n.value for n in each_node(root) if isinstance(n, yaml.ScalarNode)] == ["a", "1", "2", "b", "c"]

