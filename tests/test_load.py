"""Loading content: every kind of bad input gets a located, actionable message."""

from __future__ import annotations

import datetime as dt

import pytest

from handouts.load import ContentInvalid, load

from .conftest import run


def problems_of(path, **kw) -> list[str]:
    with pytest.raises(ContentInvalid) as info:
        load(path, **kw)
    return [str(p) for p in info.value.problems]


class DescribeValidContent:
    def it_loads_the_minimal_fixture_into_typed_content(self, write, minimal_text):
        loaded = load(write(minimal_text))
        c = loaded.content
        assert c.title == "Test handout"
        assert c.sections[0].points == ["Your body needs water.", "It keeps you well."]
        assert c.published == dt.date(2026, 1, 1)
        assert c.get_help.phone == "555-0100"
        assert c.organisation.colour == "#1f4e79"
        assert loaded.warnings == []

    def it_loads_the_bundled_demo_content(self):
        from .conftest import ROOT

        c = load(ROOT / "content.yaml", strict=True).content
        assert c.title and c.sections and c.glossary and c.sources

    def it_accepts_a_bom_and_crlf_line_endings(self, write, minimal_text):
        path = write(b"\xef\xbb\xbf" + minimal_text.replace("\n", "\r\n").encode())
        assert load(path).content.title == "Test handout"


class DescribeBadContent:
    def it_reports_a_missing_file(self, tmp_path):
        assert problems_of(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: file not found"]

    def it_reports_an_empty_file(self, write):
        [message] = problems_of(write("\n  \n"))
        assert "file is empty" in message

    def it_reports_invalid_yaml_with_line_and_column(self, write, minimal_text):
        path = write(minimal_text.replace("summary: [Water helps., Drink often.]", "summary: [Water helps."))
        [message] = problems_of(path)
        assert message.startswith(f"{path}:4:")
        assert "invalid YAML" in message

    def it_reports_a_missing_required_key_with_its_path(self, write, minimal_text):
        path = write(minimal_text.replace("  phone: 555-0100\n", ""))
        [message] = problems_of(path)
        assert message == (f"{path}:10:3: get_help.phone: missing required key: `phone` and `when` go together "
                           "(the routine tier)")

    def it_reports_a_wrong_type_with_the_key_path(self, write, minimal_text):
        path = write(minimal_text.replace("[Your body needs water., It keeps you well.]",
                                          "[Your body needs water., [a, nested, list]]"))
        [message] = problems_of(path)
        assert message == f"{path}:6:38: sections[0].points[1]: expected text, got a list"

    def it_reports_every_error_in_one_run(self, write, minimal_text):
        text = (minimal_text.replace("title: Test handout\n", "")
                .replace("published: 2026-01-01", "published: soon")
                .replace("  name: Test Clinic", "  name: [Test]"))
        messages = problems_of(write(text))
        assert any(m.endswith("title: missing required key (text)") for m in messages)
        assert any("published: expected a date like 2026-01-31, got str 'soon'" in m for m in messages)
        assert any("organisation.name: expected text, got a list" in m for m in messages)
        assert len(messages) == 3

    def it_warns_about_an_unknown_key_and_fails_on_it_when_strict(self, write, minimal_text):
        path = write(minimal_text + "colour_scheme: blue\n")
        [warning] = load(path).warnings
        assert str(warning) == (f"{path}:23:1: warning: colour_scheme: unknown key; expected one of: "
                                "title, main_message, summary, sections, actions, get_help, glossary, sources, "
                                "organisation, published, review, disclaimer, subtitle, language, feedback, url, "
                                "author, notes, brand, check")
        [error] = problems_of(path, strict=True)
        assert error.startswith(f"{path}:23:1: colour_scheme: unknown key")

    def it_rejects_duplicate_keys_instead_of_keeping_the_last(self, write, minimal_text):
        path = write(minimal_text + "title: Another title\n")
        [message] = problems_of(path)
        assert message == f"{path}:23:1: title: duplicate key (first set on line 1); keep one"

    def it_rejects_an_empty_string_and_a_null(self, write, minimal_text):
        path = write(minimal_text.replace("title: Test handout", 'title: ""')
                     .replace("main_message: Drink water every day.", "main_message:"))
        messages = problems_of(path)
        assert any("title: expected text, got an empty string" in m for m in messages)
        assert any("main_message: expected text, got nothing" in m for m in messages)

    def it_rejects_a_bad_colour_and_a_bad_url(self, write, minimal_text):
        path = write(minimal_text.replace("  name: Test Clinic", "  name: Test Clinic\n  colour: blue")
                     .replace("url: https://example.org/water", "url: javascript:alert(1)"))
        messages = problems_of(path)
        assert any("organisation.colour: expected a colour like #1f4e79, got 'blue'" in m for m in messages)
        assert any("sources[0].url: expected an address starting with https://" in m for m in messages)

    def it_rejects_python_tags(self, write, minimal_text):
        path = write(minimal_text.replace("title: Test handout", "title: !!python/object/apply:os.system [ls]"))
        [message] = problems_of(path)
        assert "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in message

    def it_names_the_byte_offset_of_invalid_utf8(self, write, minimal_text):
        data = minimal_text.encode()
        [message] = problems_of(write(data[:10] + b"\xff" + data[10:]))
        assert message.endswith("not valid UTF-8 at byte offset 10; save the file as UTF-8")


class DescribeTheCommandLine:
    @pytest.mark.parametrize("case", ["missing", "empty", "invalid", "wrong type"])
    def it_exits_1_with_a_located_message_and_no_traceback(self, case, write, minimal_text, tmp_path):
        path = {
            "missing": tmp_path / "absent.yaml",
            "empty": write("", "empty.yaml"),
            "invalid": write("title: [unclosed\n", "invalid.yaml"),
            "wrong type": write(minimal_text.replace("title: Test handout", "title: {a: 1}"), "wrong.yaml"),
        }[case]
        for command in ("check", "build"):
            result = run(command, str(path), "--out", str(tmp_path / "out")) if command == "build" else run(
                command, str(path))
            assert result.code == 1
            assert str(path) in (result.out if command == "check" else result.err)  # check: a finding
            assert "Traceback" not in result.out + result.err
        assert not (tmp_path / "out").exists()

    def it_exits_2_on_wrong_usage(self):
        result = run("build", "--paper", "tabloid")
        assert result.code == 2

    def it_reports_the_version(self, capsys):
        from handouts import __version__

        assert run("--version").code == 0
        assert capsys.readouterr().out.strip() == f"handouts {__version__}"

    def it_checks_without_importing_weasyprint(self, write, minimal_text):
        import subprocess
        import sys

        path = write(minimal_text)
        code = ("import sys; from handouts.cli import main; rc = main(['check', %r, %r]); "
                "sys.exit(10 if 'weasyprint' in sys.modules or 'pptx' in sys.modules else rc)"
                ) % (str(path), str(path.parent))
        assert subprocess.run([sys.executable, "-c", code]).returncode == 0
