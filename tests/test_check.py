"""`handouts check` on the command line: exit codes, the three output formats, and `build`'s summary."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from handouts import report, rules
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
        assert f"{hard}:1:1: error [smog-error] The handout reads at grade" in result.out
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

    def it_exits_1_when_the_project_turns_off_content_invalid(self, clean, tmp_path):
        path = tmp_path / "handouts.yaml"
        path.write_text("check:\n  disabled: {content-invalid: files may be broken}\n")
        result = run("check", str(clean), "--config", str(path))
        assert result.code == 1
        assert "unknown rule content-invalid; rules that can be turned off are: smog-error," in result.err

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
        line = next(x for x in out.splitlines() if "[smog-section] sections[0]" in x)
        assert line.startswith(f"{hard}:5:5: warning ")
        assert "    fix: Use shorter everyday words for the ordinary long words (" in out
        assert f"    source: {RULES['smog-section'].source}" in out

    def it_uses_colour_only_on_a_terminal_without_no_color(self, hard, monkeypatch):
        result = check(load(hard))

        class Terminal(io.StringIO):
            def isatty(self):
                return True

        monkeypatch.delenv("NO_COLOR", raising=False)
        for stream, coloured in ((Terminal(), True), (io.StringIO(), False)):
            report.write([result], "human", stream)
            assert ("\033[" in stream.getvalue()) is coloured
        monkeypatch.setenv("NO_COLOR", "1")
        stream = Terminal()
        report.write([result], "human", stream)
        assert "\033[" not in stream.getvalue()


class DescribeJsonOutput:
    def it_matches_its_schema_and_the_findings(self, hard, config):
        result = run("check", str(hard), "--format", "json", "--config", config)
        data = json.loads(result.out)
        jsonschema.validate(data, schema("check-report.schema.json"))
        [file] = data["files"]
        assert file["file"] == str(hard) and file["loaded"] is True
        assert data["errors"] == file["errors"] >= 1 and file["readability"]["document"]["smog"] > 10
        smog = next(f for f in file["findings"] if f["rule"] == "smog-error")
        assert (smog["path"], smog["line"], smog["col"]) == ("", 1, 1)
        section = next(f for f in file["findings"] if f["rule"] == "smog-section" and f["path"] == "sections[0]")
        assert (section["line"], section["col"]) == (5, 5)
        assert section["related"][0]["path"].startswith("sections[0].points[")
        assert file["readability"]["sections[0]"]["smog_short"] > 8

    def it_fails_its_schema_when_a_finding_lacks_a_line(self, hard):
        data = report.as_json([check(load(hard))])
        del data["files"][0]["findings"][0]["line"]
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
        result = next(r for r in run_["results"] if r["ruleId"] == "smog-section"
                      and r["locations"][0].get("logicalLocations", [{}])[0].get("fullyQualifiedName") == "sections[0]")
        assert rules[result["ruleIndex"]]["id"] == "smog-section"
        assert result["level"] == "warning"
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
        assert "check: 1 error, " in err.getvalue().splitlines()[0]
        assert (tmp_path / "out" / "handout.pdf").is_file()


@pytest.fixture
def broken(write):
    """A file whose YAML does not parse."""
    return write("title: [unclosed\n", "broken.yaml")


@pytest.fixture
def mistyped(write, minimal_text):
    """A file that parses but has a list where text belongs, at line 6, column 14."""
    return write(minimal_text.replace("points: [Your body needs water., It keeps you well.]",
                                      "points: [[Drink water.]]"), "mistyped.yaml")


class DescribeManyFiles:
    def it_reports_each_file_then_the_totals(self, clean, warned, hard, config):
        files = [str(clean), str(warned), str(hard)]
        result = run("check", *files, "--config", config)
        assert result.code == 1
        totals = json.loads(run("check", *files, "--format", "json", "--config", config).out)
        assert totals["errors"] > 0 and totals["warnings"] > 1
        lines = result.out.splitlines()
        assert lines[-1] == (f"3 files checked: {rules.plural(totals['errors'], 'error')}, "
                             f"{rules.plural(totals['warnings'], 'warning')}")
        verdicts = [x for x in lines if x.startswith(tuple(f"{p}: " for p in (clean, warned, hard)))]
        assert [v.split(":")[0] for v in verdicts] == [str(clean), str(warned), str(hard)]
        assert f"{warned}: 0 errors, 1 warning" in result.out

    def it_reads_the_yaml_files_of_a_folder(self, tmp_path, minimal_text, config):
        topics = tmp_path / "topics"
        topics.mkdir()
        for name in ("b.yaml", "a.yml", "notes.txt", "handouts.yaml"):
            (topics / name).write_text(minimal_text)
        result = run("check", str(topics), "--format", "json", "--config", config)
        assert [f["file"] for f in json.loads(result.out)["files"]] == [str(topics / "a.yml"), str(topics / "b.yaml")]

    def it_checks_the_content_list_of_handouts_yaml_without_arguments(self, tmp_path, minimal_text, monkeypatch):
        (tmp_path / "topics").mkdir()
        (tmp_path / "topics" / "a.yaml").write_text(minimal_text)
        (tmp_path / "extra.yaml").write_text(minimal_text)
        (tmp_path / "handouts.yaml").write_text("content: [topics, extra.yaml]\n")
        monkeypatch.chdir(tmp_path)
        result = run("check", "--format", "json")
        assert [f["file"] for f in json.loads(result.out)["files"]] == ["topics/a.yaml", "extra.yaml"]
        assert result.code == 0

    def it_fails_with_strict_when_any_file_has_a_warning(self, clean, warned, config):
        assert run("check", str(clean), "--strict", "--config", config).code == 0
        assert run("check", str(clean), str(warned), "--strict", "--config", config).code == 1

    def it_checks_the_other_files_when_one_does_not_load(self, clean, broken, config):
        result = run("check", str(broken), str(clean), "--config", config)
        assert result.code == 1
        assert f"{clean}: ok" in result.out
        assert result.out.splitlines()[-1] == "2 files checked: 1 error, 0 warnings (1 file did not load)"

    def it_exits_1_when_a_folder_holds_no_content(self, tmp_path, config):
        (tmp_path / "empty").mkdir()
        result = run("check", str(tmp_path / "empty"), "--config", config)
        assert result.code == 1
        assert "no .yaml content files found" in result.err

    def it_writes_one_json_document_whose_totals_add_up(self, clean, warned, hard, broken, config):
        data = json.loads(run("check", str(clean), str(warned), str(hard), str(broken),
                              "--format", "json", "--config", config).out)
        jsonschema.validate(data, schema("check-report.schema.json"))
        assert len(data["files"]) == 4
        assert data["errors"] == sum(f["errors"] for f in data["files"]) > 1
        assert data["warnings"] == sum(f["warnings"] for f in data["files"]) >= 1

    def it_writes_one_sarif_run_with_the_results_of_every_file(self, clean, warned, hard, config, monkeypatch):
        monkeypatch.chdir(hard.parent)
        sarif = json.loads(run("check", clean.name, warned.name, hard.name, "--format", "sarif",
                               "--config", config).out)
        jsonschema.Draft4Validator(schema("sarif-schema-2.1.0.json")).validate(sarif)
        [run_] = sarif["runs"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
        assert uris == {"warned.yaml", "hard.yaml"}


class DescribeContentThatDoesNotLoad:
    def it_reports_the_loaders_messages_as_findings_on_stdout(self, mistyped, config):
        result = run("check", str(mistyped), "--config", config)
        assert result.code == 1
        assert result.err == ""  # `check > report.txt` keeps everything
        lines = result.out.splitlines()
        assert lines[0] == (f"{mistyped}:6:14: error [content-invalid] sections[0].points[0]: "
                            "expected text, got a list")
        assert lines[-1] == f"{mistyped}: did not load (1 error, 0 warnings); fix these first"

    def it_gives_each_problem_as_a_content_invalid_finding_in_json(self, mistyped, config):
        result = run("check", str(mistyped), "--format", "json", "--config", config)
        assert result.code == 1
        data = json.loads(result.out)
        jsonschema.validate(data, schema("check-report.schema.json"))
        [file] = data["files"]
        assert (file["loaded"], file["errors"], data["errors"]) == (False, 1, 1)
        [finding] = file["findings"]
        assert finding["rule"] == "content-invalid" and finding["severity"] == "error"
        assert (finding["file"], finding["line"], finding["col"]) == (str(mistyped), 6, 14)
        assert (finding["path"], finding["message"]) == ("sections[0].points[0]", "expected text, got a list")

    @pytest.mark.parametrize("text, message", [
        ("title: [unclosed\n", "invalid YAML"),
        ("title: Water\n", "missing required key"),
        ("", "file is empty"),
    ])
    def it_reports_yaml_errors_missing_keys_and_empty_files(self, write, text, message, config):
        path = write(text, "topic.yaml")
        data = json.loads(run("check", str(path), "--format", "json", "--config", config).out)
        jsonschema.validate(data, schema("check-report.schema.json"))
        findings = data["files"][0]["findings"]
        assert findings and {f["rule"] for f in findings} == {"content-invalid"}
        assert any(message in f["message"] for f in findings), findings
        assert all(f["line"] >= 1 and f["col"] >= 1 for f in findings)

    def it_puts_each_problem_on_its_line_in_sarif(self, mistyped, clean, config, monkeypatch):
        monkeypatch.chdir(mistyped.parent)
        result = run("check", mistyped.name, clean.name, "--format", "sarif", "--config", config)
        assert result.code == 1
        sarif = json.loads(result.out)
        jsonschema.Draft4Validator(schema("sarif-schema-2.1.0.json")).validate(sarif)
        run_ = sarif["runs"][0]
        [result_] = [r for r in run_["results"] if r["ruleId"] == "content-invalid"]
        assert run_["tool"]["driver"]["rules"][result_["ruleIndex"]]["id"] == "content-invalid"
        assert result_["level"] == "error"
        assert result_["message"]["text"].startswith("expected text, got a list")
        location = result_["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "mistyped.yaml"
        assert location["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 14}
        assert location["logicalLocations"][0]["fullyQualifiedName"] == "sections[0].points[0]"

    def it_fails_the_json_schema_when_a_file_that_did_not_load_has_no_error(self, broken):
        data = report.as_json([rules.unloaded(broken, [])])
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, schema("check-report.schema.json"))


class DescribeAReaderThatClosesEarly:
    def it_stops_quietly_with_exit_code_141(self, write, hard, config):
        files = [str(write(hard.read_text(), f"topic{i}.yaml")) for i in range(10)]
        pipe_buffer = 65536  # Linux; output well beyond it makes the write after the close certain
        assert len(run("check", *files, "--format", "json", "--config", config).out) > 3 * pipe_buffer
        argv = [sys.executable, "-m", "handouts", "check", *files, "--format", "json", "--config", config]
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
            assert process.stdout.readline() == b"{\n"
            process.stdout.close()  # as `| head -1` does
            err = process.stderr.read().decode()
            assert process.wait() == 141
        assert err == ""
