"""Loading values: each kind of value accepted as written or refused with a located message.

The walker is fed small dataclasses of its own here, so that every kind of value (text,
whole numbers, numbers, true/false, dates, lists, mappings, optional keys) and every
limit is tried at its edge, independently of the content model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest

from handouts.load import MAX_LIST_ITEMS, MAX_TEXT_CHARS, ContentInvalid, Problem, convert, load, parse


@dataclasses.dataclass(frozen=True)
class Kinds:
    name: str
    count: int | None = None
    ratio: float | None = None
    on: bool | None = None
    day: dt.date | None = None
    items: list[str] = dataclasses.field(default_factory=list)
    labels: dict[str, str] = dataclasses.field(default_factory=dict)


def loaded(write, text: str, strict: bool = False):
    path = write(text, "kinds.yaml")
    value, warnings, locations = convert(parse(path), Kinds, str(path), strict)
    return value, [str(w) for w in warnings], locations


def problems(write, text: str, strict: bool = False) -> list[str]:
    path = write(text, "kinds.yaml")
    with pytest.raises(ContentInvalid) as info:
        convert(parse(path), Kinds, "kinds.yaml", strict)
    return [str(p) for p in info.value.problems]


class DescribeValues:
    def it_takes_each_kind_as_written(self, write):
        value, warnings, _ = loaded(write, "name: A\ncount: 3\nratio: 2\non: true\nday: 2026-02-28\n"
                                           "items: [a, b]\nlabels: {x: one, y: two}\n")
        assert value == Kinds("A", 3, 2.0, True, dt.date(2026, 2, 28), ["a", "b"], {"x": "one", "y": "two"})
        assert isinstance(value.ratio, float) and warnings == []

    def it_takes_nothing_for_an_optional_key(self, write):
        assert loaded(write, "name: A\ncount:\n")[0] == Kinds("A")

    def it_records_where_each_value_is(self, write):
        _, _, locations = loaded(write, "name: A\nitems:\n  - a\n  - b\n")
        assert locations["name"] == (1, 7) and locations["items[1]"] == (4, 5)

    @pytest.mark.parametrize(("line", "message"), [
        ("count: 1.5", "kinds.yaml:2:8: count: expected a whole number, got float '1.5'"),
        ("count: [1]", "kinds.yaml:2:8: count: expected a whole number, got a list"),
        ("ratio: many", "kinds.yaml:2:8: ratio: expected a number, got str 'many'"),
        ("on: 1", "kinds.yaml:2:5: on: expected true or false, got int '1'"),
        ("on: {a: 1}", "kinds.yaml:2:5: on: expected true or false, got a mapping"),
        ("day: 2026-1-31", "kinds.yaml:2:6: day: expected a date like 2026-01-31, got str '2026-1-31'"),
        ("day: 2026-02-30", "kinds.yaml:2:6: day: expected a date like 2026-01-31, got timestamp '2026-02-30'"),
        ("items: a", "kinds.yaml:2:8: items: expected a list of text, got str 'a'"),
        ("labels: [a]", "kinds.yaml:2:9: labels: expected a mapping of names to text, got a list"),
        ("labels: {a: [b]}", "kinds.yaml:2:13: labels.a: expected text, got a list"),
        ("labels: {a: b, a: c}", "kinds.yaml:2:16: labels.a: duplicate key; keep one"),
        ("items: [a, '  ']", "kinds.yaml:2:12: items[1]: expected text, got an empty string"),
        ("items: [a, ~]", "kinds.yaml:2:12: items[1]: expected text, got nothing"),
        ('name: "a\\x07b"', "kinds.yaml:1:7: name: text has the control character U+0007 at character 2; "
                            "remove it"),
    ])
    def it_refuses_a_value_of_the_wrong_kind_where_it_is(self, line, message, write):
        assert problems(write, f"name: A\n{line}\n" if not line.startswith("name") else line + "\n") == [message]

    def it_names_the_required_keys_of_a_missing_mapping(self, write):
        assert problems(write, "count: 1\n") == ["kinds.yaml:1:1: name: missing required key (text)"]
        assert problems(write, "- a\n") == ["kinds.yaml:1:1: expected a mapping of keys name, got a list"]

    def it_warns_of_an_unknown_key_or_refuses_it_when_strict(self, write):
        known = "name, count, ratio, on, day, items, labels"
        assert loaded(write, "name: A\nextra: 1\n")[1] == [
            f"{write('', 'kinds.yaml')}:2:1: warning: extra: unknown key; expected one of: {known}"]
        assert problems(write, "name: A\nextra: 1\n", strict=True) == [
            f"kinds.yaml:2:1: extra: unknown key; expected one of: {known}"]


class DescribeLimits:
    def it_takes_text_up_to_the_limit(self, write):
        assert loaded(write, f"name: {'a' * MAX_TEXT_CHARS}\n")[0].name == "a" * MAX_TEXT_CHARS
        assert problems(write, f"name: {'a' * (MAX_TEXT_CHARS + 1)}\n") == [
            f"kinds.yaml:1:7: name: text is {MAX_TEXT_CHARS + 1:,} characters, more than the limit of "
            f"{MAX_TEXT_CHARS:,}"]

    def it_takes_lists_up_to_the_limit(self, write):
        items = ", ".join(["a"] * MAX_LIST_ITEMS)
        assert len(loaded(write, f"name: A\nitems: [{items}]\n")[0].items) == MAX_LIST_ITEMS
        assert problems(write, f"name: A\nitems: [{items}, a]\n") == [
            f"kinds.yaml:2:8: items: {MAX_LIST_ITEMS + 1} items, more than the limit of {MAX_LIST_ITEMS}"]

    def it_takes_a_file_of_exactly_the_size_limit(self, write):
        text = "name: A\n"
        path = write(text, "kinds.yaml")
        assert parse(path, max_bytes=len(text)) is not None
        with pytest.raises(ContentInvalid, match=f"file is more than the limit of {len(text) - 1:,} bytes"):
            parse(path, max_bytes=len(text) - 1)

    def it_says_a_folder_is_not_a_file(self, tmp_path):
        with pytest.raises(ContentInvalid) as info:
            parse(tmp_path)
        assert str(info.value) == f"{tmp_path}: is a folder, expected a YAML file"

    def it_closes_the_file_it_reads(self, write, minimal_text):
        path = write(minimal_text)
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(20):
            load(path)
        assert len(os.listdir("/proc/self/fd")) == before


class DescribeProblems:
    def it_shows_file_line_column_key_and_message(self):
        assert str(Problem("a.yaml", 3, 5, "sections[0]", "expected text")) == "a.yaml:3:5: sections[0]: expected text"
        assert str(Problem("a.yaml", 0, 0, "", "file not found")) == "a.yaml: file not found"
        assert str(Problem("a.yaml", 2, 1, "x", "unknown key", "warning")) == "a.yaml:2:1: warning: x: unknown key"

    def it_carries_every_problem_in_the_error(self):
        found = [Problem("a.yaml", 1, 1, "a", "one"), Problem("a.yaml", 2, 1, "b", "two")]
        error = ContentInvalid(found)
        assert error.problems == found and str(error) == "a.yaml:1:1: a: one\na.yaml:2:1: b: two"


class DescribeTheOrganisation:
    def _problems(self, write, minimal_text, lines: str) -> list[str]:
        path = write(minimal_text.replace("  name: Test Clinic", "  name: Test Clinic\n" + lines))
        with pytest.raises(ContentInvalid) as info:
            load(path)
        return [str(p).removeprefix(f"{path}:") for p in info.value.problems]

    def it_locates_a_low_contrast_colour_at_its_value(self, write, minimal_text):
        assert self._problems(write, minimal_text, "  colour: '#aaaaaa'") == [
            "20:11: organisation.colour: #aaaaaa on white has a contrast of 2.3:1, less than the 4.5:1 text "
            "needs (WCAG 1.4.3); use a darker shade"]

    def it_refuses_a_logo_that_is_not_an_svg_or_png_where_it_is_named(self, write, minimal_text):
        assert self._problems(write, minimal_text, "  logo: logo.gif\n  logo_alt: Clinic logo") == [
            "20:9: organisation.logo: expected an SVG or PNG file, got 'logo.gif'"]

    def it_refuses_a_logo_file_that_is_not_there(self, write, minimal_text, tmp_path):
        assert self._problems(write, minimal_text, "  logo: missing.png\n  logo_alt: Clinic logo") == [
            f"20:9: organisation.logo: logo file not found: {tmp_path / 'missing.png'}"]
