"""A check a writer can satisfy: accepting findings with reasons, advice about what can change,
section grades that splitting never raises, and the plain-language rules at their lines."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from handouts.config import CheckConfig
from handouts.load import load
from handouts.readability import score
from handouts.rules import RULES, check, inline_acceptances

from .conftest import FIXTURES, ROOT, run
from .test_check import schema

TODAY = dt.date(2026, 6, 1)
BLOOD_PRESSURE = FIXTURES / "blood-pressure.yaml"
SECTION = ["Take your medicine every morning.", "Exercise is important for your body.",
           "Tomatoes and bananas are good to eat."]  # 5 long words in 4 sentences with the heading: grade 7
EASY_SECTION = """  - heading: More ways to drink water
    points:
      - Keep a cup by your bed. Fill it at night. Drink it when you wake.
      - Take a bottle out with you. Fill it up. Drink from it on the way.
      - Have a glass with each meal. Add ice if you like. Sip it slowly.
      - Drink more on hot days. Drink more when you walk. Rest in the shade.
"""


@pytest.fixture
def topic(write, minimal_text):
    """Return a function: text to add to the clean fixture (and replacements) in, the topic's path out."""

    def _topic(extra: str = "", **replace: str):
        text = minimal_text + "feedback: Email us at feedback@example.org.\n"
        text = text.replace("    notes: Talk about water.\n", "    notes: Talk about water.\n" + EASY_SECTION)
        for old, new in replace.items():
            assert old in text
            text = text.replace(old, new)
        return write(text + extra, "topic.yaml")

    return _topic


def points(*items: str, comment: str = "") -> str:
    """Return a block list of points for section 0, with `comment` after the last one."""
    lines = [f"      - {json.dumps(p)}" for p in items]
    lines[-1] += f"  {comment}" if comment else ""
    return "    points:\n" + "\n".join(lines)


POINTS = "    points: [Your body needs water., It keeps you well.]"
HYDRATION = "  - term: Hydration\n    definition: Having enough water in your body."


class DescribeAnEmergencyTopic:
    def it_passes_strict_with_at_most_one_accepted_finding(self):
        result = run("check", str(BLOOD_PRESSURE), "--strict", "--today", "2026-06-01")
        assert result.code == 0, result.out
        report = check(load(BLOOD_PRESSURE), today=TODAY)
        assert report.accepted <= 1 and report.errors == report.warnings == 0
        assert report.scores[""].smog <= 8

    def it_says_the_long_words_are_numbers_and_points_to_accepting_them(self, tmp_path):
        more = ('      - "Your top number is 130 or more, or your bottom number is 80 or more, on most days."\n'
                '      - "Your top number is 160 or more on 2 days in a row, or your bottom is 100 or more."\n')
        text = BLOOD_PRESSURE.read_text().replace(more.split("\n")[0] + "\n", more)
        path = tmp_path / "bp.yaml"
        path.write_text(text)
        whole, part = check(load(path), today=TODAY).findings  # the handout, and the get-help block
        assert (whole.rule, part.rule, part.path) == ("smog-warning", "smog-section", "get_help")
        assert "Long words: 8 numerals (180 x2, 120 x2, 160, 100, 911, 130)." in whole.message
        assert "Long words: 5 numerals (180, 120, 160, 100, 130)." in part.message
        for finding in (whole, part):
            assert "ordinary" not in finding.message and not finding.accepted
            assert "accept the finding with the reason" in finding.fix
            assert "everyday words" not in finding.fix  # nothing here for the writer to shorten
        line = whole.related[0].line
        assert line == part.related[0].line
        lines = text.splitlines()
        lines[line - 1] += ('  # check: accept smog-warning: "the numbers readers compare with", '
                            'accept smog-section: "the same numbers"')
        path.write_text("\n".join(lines) + "\n")
        result = run("check", str(path), "--strict", "--today", "2026-06-01")
        assert result.code == 0, result.out
        assert f"{path}: ok (2 accepted)" in result.out

    def it_names_ordinary_words_as_what_to_change(self, topic):
        path = topic(**{POINTS: points("Inflammation and permeability are important.",
                                       "Medication and exercise can help.")})
        [finding] = [f for f in check(load(path), today=TODAY).findings if f.rule == "smog-section"]
        assert "5 ordinary words" in finding.message
        assert finding.fix.startswith("Use shorter everyday words for the ordinary long words (")
        assert "(ordinary word)" in finding.related[0].text


class DescribeWordKinds:
    def it_marks_numerals_glossary_terms_names_and_ordinary_words(self, topic):
        path = topic(**{POINTS: points("Call 911 at Riverside Hospital about eczema today.",
                                       "Eczema and fibromyalgia are important.", "Rheumatoid arthritis hurts.")},
                     **{HYDRATION: "  - term: Eczema\n    definition: Dry, itchy skin.\n  - term: Fibromyalgia\n"
                                   "    definition: Pain all over.\n  - term: Rheumatoid arthritis\n"
                                   "    definition: Painful joints."})
        report = check(load(path), CheckConfig(grade_warning=4), today=TODAY)
        assert "unknown-key" not in {f.rule for f in report.findings}
        [finding] = [f for f in report.findings if f.rule == "smog-section"]
        assert "1 ordinary word (important)" in finding.message
        assert "1 numeral (911)" in finding.message
        assert "glossary terms (eczema x2, fibromyalgia, rheumatoid, arthritis)" in finding.message
        assert "2 proper names (riverside, hospital)" in finding.message


class DescribeSectionGrades:
    def it_grades_parts_by_the_short_text_method_as_warnings(self, topic):
        report = check(load(topic(**{POINTS: points(*SECTION)})), today=TODAY)
        assert report.scores["sections[0]"].smog_short == 7  # 5 long words in 4 sentences: 5 x 3 = 15 -> 16 -> 7
        [finding] = report.findings
        assert (finding.rule, finding.severity, finding.path) == ("smog-section", "warning", "sections[0]")
        assert "grade 7 by the SMOG manual's method for short texts (5 long words in 4 sentences)" in finding.message
        assert report.scores[""].smog <= 6

    def it_never_raises_a_sections_grade_when_a_sentence_is_split(self, topic):
        long = "Call 911 if your top number is 180 or more and you feel unwell and your chest hurts."
        split = "Call 911 if your top number is 180 or more. You feel unwell and your chest hurts."
        graded = [check(load(topic(**{POINTS: points(text, *SECTION[:2])})), today=TODAY).scores["sections[0]"]
                  for text in (long, split)]
        assert graded[1].sentences == graded[0].sentences + 1
        assert graded[1].smog_short <= graded[0].smog_short

    @given(st.lists(st.lists(st.sampled_from(["water", "medicine", "important", "911", "rest", "every",
                                              "inflammation", "you", "drink", "family"]),
                             min_size=2, max_size=12), min_size=1, max_size=40),
           st.integers(min_value=0), st.integers(min_value=1))
    def it_never_raises_the_short_text_grade_by_splitting_any_sentence(self, sentences, which, where):
        texts = [" ".join(s) + "." for s in sentences]
        i = which % len(sentences)
        cut = 1 + where % (len(sentences[i]) - 1)
        split = texts[:i] + [" ".join(sentences[i][:cut]) + ". " + " ".join(sentences[i][cut:]).capitalize() + "."]
        split += texts[i + 1:]
        before, after = score(texts), score(split)
        assert after.sentences == before.sentences + 1 and after.polysyllables == before.polysyllables
        assert after.smog_short <= before.smog_short


class DescribeAcceptingByTopic:
    ACCEPT = "check:\n  accept:\n    smog-section: \"The long words are the foods the study used.\"\n"

    def it_lists_the_finding_as_accepted_and_does_not_fail_strict(self, topic):
        path = topic(self.ACCEPT, **{POINTS: points(*SECTION)})
        result = run("check", str(path), "--strict", "--today", "2026-06-01")
        assert result.code == 0, result.out
        assert f"{path}:5:5: accepted warning [smog-section] sections[0]:" in result.out
        assert "    accepted: The long words are the foods the study used." in result.out
        assert f"{path}: ok (1 accepted)" in result.out

    def it_gives_the_reason_in_json_and_as_a_sarif_suppression(self, topic, monkeypatch):
        path = topic(self.ACCEPT, **{POINTS: points(*SECTION)})
        data = json.loads(run("check", str(path), "--format", "json", "--today", "2026-06-01").out)
        jsonschema.validate(data, schema("check-report.schema.json"))
        [finding] = data["files"][0]["findings"]
        assert finding["accepted"] == "The long words are the foods the study used."
        assert (data["errors"], data["warnings"], data["accepted"]) == (0, 0, 1)
        monkeypatch.chdir(path.parent)
        sarif = json.loads(run("check", path.name, "--format", "sarif", "--today", "2026-06-01").out)
        jsonschema.Draft4Validator(schema("sarif-schema-2.1.0.json")).validate(sarif)
        [result] = sarif["runs"][0]["results"]
        assert result["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                           "justification": "The long words are the foods the study used."}]

    def it_warns_when_the_acceptance_matches_nothing_any_more(self, topic):
        path = topic(self.ACCEPT)
        report = check(load(path), today=TODAY)
        [stale] = report.findings
        assert (stale.rule, stale.path, stale.severity) == ("accept-unused", "check.accept.smog-section", "warning")
        assert stale.line == load(path).locations["check.accept.smog-section"][0]
        assert run("check", str(path), "--strict", "--today", "2026-06-01").code == 1

    def it_warns_about_an_acceptance_of_no_rule_and_cannot_accept_content_invalid(self, topic):
        for rule in ("no-such-rule", "content-invalid"):
            report = check(load(topic(f"check:\n  accept:\n    {rule}: \"why\"\n")), today=TODAY)
            [stale] = report.findings
            assert stale.rule == "accept-unused" and "is not a rule that can be accepted" in stale.message


class DescribeAcceptingByLine:
    COMMENT = '# check: accept smog-section: "names of conditions, each in the glossary"'

    def it_accepts_the_finding_whose_sentence_is_on_that_line(self, topic):
        path = topic(**{POINTS: points(*SECTION, comment=self.COMMENT)})
        report = check(load(path), today=TODAY)
        [finding] = report.findings
        assert (finding.rule, finding.accepted) == ("smog-section", "names of conditions, each in the glossary")
        assert not report.fails(strict=True)

    def it_reports_the_acceptance_in_all_three_formats(self, topic, monkeypatch):
        path = topic(**{POINTS: points(*SECTION, comment=self.COMMENT)})
        human = run("check", str(path), "--today", "2026-06-01").out
        assert "accepted warning [smog-section]" in human and "accepted: names of conditions" in human
        data = json.loads(run("check", str(path), "--format", "json", "--today", "2026-06-01").out)
        assert data["files"][0]["findings"][0]["accepted"] == "names of conditions, each in the glossary"
        monkeypatch.chdir(path.parent)
        sarif = json.loads(run("check", path.name, "--format", "sarif", "--today", "2026-06-01").out)
        [suppression] = sarif["runs"][0]["results"][0]["suppressions"]
        assert suppression["justification"] == "names of conditions, each in the glossary"

    def it_warns_when_the_line_has_no_such_finding(self, topic):
        path = topic(**{POINTS: points("Your body needs water.", "It keeps you well.", comment=self.COMMENT)})
        [stale] = check(load(path), today=TODAY).findings
        assert stale.rule == "accept-unused"
        assert stale.line == 8 and "no smog-section finding is on this line" in stale.message

    def it_warns_about_a_comment_it_cannot_read(self, topic):
        path = topic(**{POINTS: points("Your body needs water.", comment="# check: accept smog-section")})
        [stale] = check(load(path), today=TODAY).findings
        assert stale.rule == "accept-unused" and "Cannot read the comment" in stale.message

    def it_reads_several_acceptances_and_escaped_quotes(self):
        found, unreadable = inline_acceptances(
            'a: b  # check: accept plain-words: "a \\"quoted\\" word", accept person-first: \'ok\'\n'
            '# check: accept smog-section: "on its own line"\nc: "d # check: accept plain-words: \'text\'"\n'
            'e: >-\n  folded # check: accept plain-words: "text too"\n')
        assert [(a.line, a.rule, a.reason) for a in found] == [
            (1, "plain-words", 'a "quoted" word'), (1, "person-first", "ok"), (2, "smog-section", "on its own line")]
        assert unreadable == []


class DescribeTheDemo:
    def it_keeps_its_acceptances_in_the_topic_not_the_project(self):
        config = yaml.safe_load((ROOT / "handouts.yaml").read_text())
        assert "disabled" not in (config.get("check") or {})
        accept = yaml.safe_load((ROOT / "content.yaml").read_text())["check"]["accept"]
        assert set(accept) == {"smog-warning", "smog-section", "source-publisher"}


class DescribePlainLanguage:
    def it_names_complex_words_with_their_alternatives_at_their_line(self, topic):
        path = topic(**{POINTS: points("Utilize the inhaler prior to exercise.", "Your physician can help.")})
        report = check(load(path), today=TODAY)
        plain = [f for f in report.findings if f.rule == "plain-words"]
        assert [(f.path, f.line) for f in plain] == [("sections[0].points[0]", 7), ("sections[0].points[1]", 8)]
        assert "'Utilize' -> 'use'" in plain[0].message and "'prior to' -> 'before'" in plain[0].message
        assert "'physician' -> 'doctor'" in plain[1].message

    def it_leaves_a_word_the_glossary_defines(self, topic):
        path = topic(**{POINTS: points("Your physician can help.")},
                     **{HYDRATION: "  - term: Physician\n    definition: A doctor."})
        assert "plain-words" not in {f.rule for f in check(load(path), today=TODAY).findings}

    def it_finds_language_that_labels_people_at_its_line(self, topic):
        path = topic(**{POINTS: points("Water is good.", "Diabetics who suffer from foot pain are often "
                                       "non-compliant.")})
        [f] = [f for f in check(load(path), today=TODAY).findings if f.rule == "person-first"]
        assert (f.path, f.line) == ("sections[0].points[1]", 8)
        for pair in ("'Diabetics' -> 'person with diabetes'", "'suffer from' -> 'have, live with'",
                     "'non-compliant' -> 'not able to follow the plan (say why)'"):
            assert pair in f.message

    def it_finds_acronyms_not_spelled_out_at_first_use(self, topic):
        path = topic(**{POINTS: points("Water is good.", "Ask your GP about water.")})
        [f] = [f for f in check(load(path), today=TODAY).findings if f.rule == "acronym-undefined"]
        assert (f.path, f.line) == ("sections[0].points[1]", 8)


class DescribeTheReports:
    def it_counts_unknown_keys_and_gives_their_line_in_json_and_sarif(self, topic, monkeypatch):
        path = topic("subtitel: A guide\n")
        result = run("check", str(path), "--today", "2026-06-01")
        assert f"{path}:30:1: warning [unknown-key] subtitel: unknown key" in result.out
        assert f"{path}: 0 errors, 1 warning" in result.out and result.err == ""
        data = json.loads(run("check", str(path), "--format", "json", "--today", "2026-06-01").out)
        assert data["warnings"] == 1
        [finding] = data["files"][0]["findings"]
        assert (finding["rule"], finding["line"], finding["col"]) == ("unknown-key", 30, 1)
        monkeypatch.chdir(path.parent)
        sarif = json.loads(run("check", path.name, "--format", "sarif", "--today", "2026-06-01").out)
        [result_] = sarif["runs"][0]["results"]
        assert result_["ruleId"] == "unknown-key"
        assert result_["locations"][0]["physicalLocation"]["region"] == {"startLine": 30, "startColumn": 1}

    def it_puts_a_bad_url_at_the_url_line(self, topic):
        path = topic(**{"    url: https://example.org/water": "    url: example.org/water"})
        result = run("check", str(path), "--format", "json")
        [finding] = json.loads(result.out)["files"][0]["findings"]
        assert (finding["path"], finding["line"], finding["col"]) == ("sources[0].url", 23, 11)

    def it_gives_every_rule_a_full_description_help_and_a_help_address(self, topic, monkeypatch):
        monkeypatch.chdir(topic().parent)
        driver = json.loads(run("check", "topic.yaml", "--format", "sarif").out)["runs"][0]["tool"]["driver"]
        assert driver["informationUri"].startswith("https://")
        for rule in driver["rules"]:
            assert rule["fullDescription"]["text"] and rule["help"]["text"] and rule["help"]["markdown"]
            assert rule["helpUri"].endswith(f"#{rule['id']}")


class DescribeExplain:
    @pytest.mark.parametrize("rule", sorted(RULES))
    def it_explains_every_rule(self, rule):
        result = run("check", "--explain", rule)
        assert result.code == 0
        r = RULES[rule]
        assert result.out.startswith(f"{rule} ({r.severity}): {r.title}\n")
        assert r.description in result.out and f"Source: {r.source}" in result.out
        assert f"Fails: {r.bad}" in result.out and f"Passes: {r.good}" in result.out
        if r.threshold:
            assert f"Threshold: {r.threshold}" in result.out

    def it_exits_2_on_an_unknown_rule(self):
        result = run("check", "--explain", "no-such-rule")
        assert result.code == 2 and "unknown rule 'no-such-rule'; the rules are: content-invalid," in result.err


class DescribeWhatAnAcceptanceFindingSays:
    COMMENT = '# check: accept smog-section: "names of conditions, each in the glossary"'

    def it_takes_the_topics_reason_and_calls_a_second_acceptance_on_the_line_stale(self, topic):
        path = topic(DescribeAcceptingByTopic.ACCEPT, **{POINTS: points(*SECTION, comment=self.COMMENT)})
        findings = check(load(path), today=TODAY).findings
        assert [(f.rule, f.accepted) for f in findings] == [
            ("smog-section", "The long words are the foods the study used."), ("accept-unused", None)]
        comment = path.read_text().splitlines()[8].index("# check:") + 1
        assert (findings[1].line, findings[1].col, findings[1].file) == (9, comment, str(path))
        assert findings[1].message == ("# check: accept smog-section: no smog-section finding is on this line any "
                                       "more: remove the comment.")

    @pytest.mark.parametrize("rule", ["no-such-rule", "content-invalid", "accept-unused"])
    def it_says_which_rule_cannot_be_accepted_in_the_topic_at_its_line(self, topic, rule):
        path = topic(f"check:\n  accept:\n    {rule}: \"why\"\n")
        [f] = check(load(path), today=TODAY).findings
        assert (f.path, (f.line, f.col), f.file) == (f"check.accept.{rule}", load(path).locations[f.path], str(path))
        assert f.message == (f"{rule!r} is not a rule that can be accepted; see `handouts check --explain RULE` "
                             "for the rules.")

    @pytest.mark.parametrize("rule", ["no-such-rule", "content-invalid"])
    def it_says_which_rule_cannot_be_accepted_on_a_line(self, topic, rule):
        path = topic(**{POINTS: points(*SECTION, comment=f'# check: accept {rule}: "why"')})
        stale = [f for f in check(load(path), today=TODAY).findings if f.rule == "accept-unused"]
        assert [(f.path, f.line, f.message) for f in stale] == [
            ("", 9, f"# check: accept {rule}: {rule!r} is not a rule that can be accepted.")]

    def it_says_how_to_write_a_comment_it_cannot_read(self, topic):
        path = topic(**{POINTS: points("Your body needs water.", comment="# check: accept smog-section")})
        [f] = check(load(path), today=TODAY).findings
        comment = path.read_text().splitlines()[6].index("# check:") + 1
        assert (f.rule, f.path, f.line, f.col) == ("accept-unused", "", 7, comment)
        assert f.message == ("Cannot read the comment '# check: accept smog-section': expected "
                             "`# check: accept RULE: \"reason\"` (several separated by commas).")

    def it_says_nothing_of_acceptances_for_rules_turned_off_or_when_accept_unused_is(self, topic):
        path = topic(DescribeAcceptingByTopic.ACCEPT, **{POINTS: points("Water.", comment=self.COMMENT)})
        assert [f.rule for f in check(load(path), today=TODAY).findings] == ["accept-unused", "accept-unused"]
        for off in ("smog-section", "accept-unused"):
            assert check(load(path), CheckConfig(disabled={off: "why"}), today=TODAY).findings == []

    def it_reads_a_comment_on_the_line_after_a_block_value(self):
        found, unreadable = inline_acceptances('notes: |\n  some text\n# check: accept smog-warning: "why"\na: b\n')
        assert [(a.line, a.col, a.rule, a.reason) for a in found] == [(3, 0, "smog-warning", "why")]
        assert unreadable == []

    def it_takes_a_single_quoted_reason_as_written(self):
        found, _ = inline_acceptances("a: b  # check: accept plain-words: 'the \\\"x\\\" word'\n")
        assert [a.reason for a in found] == ['the \\"x\\" word']
