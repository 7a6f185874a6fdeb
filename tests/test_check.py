"""`handouts check` on the command line: exit codes, the three output formats, and `build`'s summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from handouts import report
from handouts.cli import main
from handouts.load import load
from handouts.rules import RULES, check

from .conftest import FIXTURES, ROOT, run

SCHEMAS = Path(__file__).parent / "schemas"
ARTICLE = (FIXTURES / "article.txt").read_text(encoding="utf-8")


@pytest.fixture
def config(tmp_path):
    """An empty project config, so the repository's own handouts.yaml does not apply."""
    path = tmp_path / "empty-config.yaml"
    path.write_text("check: {}\n")
    return str(path)


@pytest.fixture
def clean(write, minimal_text):
    return write(minimal_text + "feedback: Email us at feedback@example.org.\n", "clean.yaml")


@pytest.fixture
def warned(write, minimal_text):
    """Content with one warning: no feedback route."""
    return write(minimal_text, "warned.yaml")


@pytest.fixture
def hard(write, minimal_text):
    """The original article dropped into the handout unchanged: errors."""
    points = "\n".join(f"      - {json.dumps(p)}" for p in ARTICLE.split("\n")[1:] if p.strip())
    text = minimal_text.replace("    points: [Your body needs water., It keeps you well.]",
                                "    points:\n" + points)
    return write(text, "hard.yaml")


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


class DescribeExitCodes:
    def it_exits_0_on_clean_content(self, clean, config):
        result = run("check", str(clean), "--strict", "--config", config)
        assert result.code == 0, result.out
        assert result.out.startswith(f"{clean}: ok (whole handout: SMOG ")

    def it_exits_0_on_warnings_and_1_with_strict(self, warned, config):
        result = run("check", str(warned), "--config", config)
        assert result.code == 0
        assert "warning [feedback-missing] feedback:" in result.out
        assert f"{warned}: 0 errors, 1 warning" in result.out
        assert run("check", str(warned), "--strict", "--config", config).code == 1

    def it_exits_1_on_errors(self, hard, config):
        result = run("check", str(hard), "--config", config)
        assert result.code == 1
        assert "error [smog-error] sections[0]:" in result.out
        assert "Traceback" not in result.out + result.err

    @pytest.mark.parametrize("argv", [["--format", "xml"], ["--today", "soon"]])
    def it_exits_2_on_wrong_usage(self, argv, clean):
        assert run("check", str(clean), *argv).code == 2

    def it_exits_1_naming_a_rule_turned_off_that_does_not_exist(self, clean, tmp_path):
        path = tmp_path / "handouts.yaml"
        path.write_text("check:\n  disabled: {no-such-rule: because}\n")
        result = run("check", str(clean), "--config", str(path))
        assert result.code == 1
        assert "unknown rule no-such-rule" in result.err

    def it_checks_review_dates_as_of_the_day_given(self, clean, config):
        assert run("check", str(clean), "--config", config, "--today", "2029-01-01").code == 0
        result = run("check", str(clean), "--config", config, "--today", "2029-01-02")
        assert result.code == 1
        assert "[review-date-passed] review: The review date 2029-01-01 has passed" in result.out

    def it_passes_the_demo_content_strictly_with_the_project_config(self, monkeypatch):
        monkeypatch.chdir(ROOT)
        result = run("check", "--strict", "--today", "2026-11-26")
        assert result.code == 0, result.out
        assert "content.yaml: ok" in result.out


class DescribeHumanOutput:
    def it_shows_where_what_the_fix_and_the_source(self, hard, config):
        out = run("check", str(hard), "--config", config).out
        line = next(x for x in out.splitlines() if "[smog-error] sections[0]" in x)
        assert line.startswith(f"{hard}:5:5: error ")
        assert f"    fix: {RULES['smog-error'].fix}" in out
        assert f"    source: {RULES['smog-error'].source}" in out

    def it_uses_colour_only_on_a_terminal_without_no_color(self, hard, monkeypatch):
        result = check(load(hard))

        class Terminal(io.StringIO):
            def isatty(self):
                return True

        monkeypatch.delenv("NO_COLOR", raising=False)
        for stream, coloured in ((Terminal(), True), (io.StringIO(), False)):
            report.write(result, "human", stream)
            assert ("\033[" in stream.getvalue()) is coloured
        monkeypatch.setenv("NO_COLOR", "1")
        stream = Terminal()
        report.write(result, "human", stream)
        assert "\033[" not in stream.getvalue()


class DescribeJsonOutput:
    def it_matches_its_schema_and_the_findings(self, hard, config):
        result = run("check", str(hard), "--format", "json", "--config", config)
        data = json.loads(result.out)
        jsonschema.validate(data, schema("check-report.schema.json"))
        assert data["errors"] >= 2 and data["readability"]["document"]["smog"] > 10
        smog = next(f for f in data["findings"] if f["rule"] == "smog-error" and f["path"] == "sections[0]")
        assert (smog["line"], smog["col"]) == (5, 5)
        assert smog["related"][0]["path"].startswith("sections[0].points[")

    def it_fails_its_schema_when_a_finding_lacks_a_line(self, hard):
        data = report.as_json(check(load(hard)))
        del data["findings"][0]["line"]
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, schema("check-report.schema.json"))


class DescribeSarifOutput:
    @pytest.fixture
    def sarif(self, hard, config, monkeypatch):
        monkeypatch.chdir(hard.parent)
        return json.loads(run("check", hard.name, "--format", "sarif", "--config", config).out)

    def it_is_valid_sarif_2_1_0(self, sarif):
        jsonschema.Draft4Validator(schema("sarif-schema-2.1.0.json")).validate(sarif)
        assert sarif["version"] == "2.1.0"

    def it_puts_each_result_on_its_line_and_column_with_its_rule(self, sarif):
        run_ = sarif["runs"][0]
        rules = run_["tool"]["driver"]["rules"]
        assert [r["id"] for r in rules] == list(RULES)
        result = next(r for r in run_["results"] if r["ruleId"] == "smog-error"
                      and r["locations"][0].get("logicalLocations", [{}])[0].get("fullyQualifiedName") == "sections[0]")
        assert rules[result["ruleIndex"]]["id"] == "smog-error"
        assert result["level"] == "error"
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "hard.yaml"
        assert physical["region"] == {"startLine": 5, "startColumn": 5}
        assert result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] > 5

    def it_is_invalid_sarif_without_a_version(self, sarif):
        del sarif["version"]
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft4Validator(schema("sarif-schema-2.1.0.json")).validate(sarif)


class DescribeBuild:
    def it_stops_with_strict_when_the_check_fails_writing_nothing(self, warned, config, tmp_path):
        result = run("build", str(warned), "--strict", "--config", config, "--out", str(tmp_path / "out"))
        assert result.code == 1
        assert "check: 0 errors, 1 warning; not building (--strict)" in result.err
        assert not (tmp_path / "out").exists()

    def it_prints_the_summary_and_builds_despite_errors(self, hard, config, tmp_path):
        out, err = io.StringIO(), io.StringIO()
        code = main(["build", str(hard), "--config", config, "--out", str(tmp_path / "out")], out=out, err=err)
        assert code == 0, err.getvalue()
        assert err.getvalue().startswith("check: ")
        assert "errors" in err.getvalue().splitlines()[0]
        assert (tmp_path / "out" / "handout.pdf").is_file()
