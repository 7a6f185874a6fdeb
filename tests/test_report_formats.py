"""How `handouts check` reports what it found, in each format, for a person and for tools.

Reports are made directly from findings, so each test pins down one thing a reader of
the report relies on: every finding listed, rules turned off named, totals that add up.
"""

from __future__ import annotations

import io
import json

from handouts.readability import Score
from handouts.report import as_sarif, as_text, write
from handouts.rules import Finding, Related, Report


def finding(rule="plain-words", severity="warning", line=3, accepted=None, related=()):
    return Finding(rule, severity, "topic.yaml", line, 5, "sections[0].body", f"message on line {line}",
                   "a source", "a fix", related=related, accepted=accepted)


class DescribeTextForAPerson:
    def it_lists_the_findings_after_an_accepted_one(self):
        report = Report("topic.yaml", [finding(line=2, accepted="the clinic's own word"), finding(line=9)], {})
        text = as_text([report])
        assert "topic.yaml:2:5: accepted warning [plain-words]" in text
        assert "    accepted: the clinic's own word" in text
        assert "topic.yaml:9:5: warning [plain-words] sections[0].body: message on line 9" in text

    def it_names_each_rule_skipped_for_the_language(self):
        report = Report("topic.yaml", [], {}, language="de",
                        skipped={"plain-words": "English only", "passive-voice": "English only"})
        assert "language 'de': skipped plain-words, passive-voice (English only)" in as_text([report])

    def it_names_the_rules_turned_off_and_colours_them_dim_on_a_terminal(self):
        report = Report("topic.yaml", [], {}, disabled={"passive-voice": "our style guide allows it"})
        text = as_text([report], colour=True)
        assert "\033[2mrule passive-voice is turned off: our style guide allows it\033[0m" in text

    def it_totals_several_files_with_the_accepted_findings_and_colours_ok_green(self):
        one = Report("a.yaml", [finding(accepted="checked with the clinic")], {})
        two = Report("b.yaml", [], {})
        text = as_text([one, two], colour=True)
        assert text.endswith("2 files checked: \033[1;32mok\033[0m, 1 accepted\n")


class DescribeSarifForCodeScanning:
    def it_marks_a_rule_turned_off_as_disabled_and_the_others_as_enabled(self):
        report = Report("topic.yaml", [], {}, disabled={"passive-voice": "allowed here"})
        rules = {r["id"]: r for r in as_sarif([report])["runs"][0]["tool"]["driver"]["rules"]}
        assert rules["passive-voice"]["defaultConfiguration"]["enabled"] is False
        assert rules["plain-words"]["defaultConfiguration"]["enabled"] is True

    def it_names_the_key_of_each_related_place(self):
        related = (Related("sections[1].body", 12, 3, "A long sentence."),)
        report = Report("topic.yaml", [finding(related=related)], {})
        place = as_sarif([report])["runs"][0]["results"][0]["relatedLocations"][0]
        assert place["logicalLocations"] == [{"fullyQualifiedName": "sections[1].body", "kind": "member"}]
        assert place["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 3}


class DescribeJsonForTools:
    def it_is_indented_for_a_person_reading_it_too(self):
        out = io.StringIO()
        write([Report("topic.yaml", [finding()], {})], "json", out)
        assert '\n  "errors": 0,' in out.getvalue()

    def it_gives_each_measure_to_one_decimal(self):
        score = Score(sentences=4, words=40, syllables=60, polysyllables=3, smog=7.06, fk_grade=6.44,
                      reading_ease=71.26)
        out = io.StringIO()
        write([Report("topic.yaml", [], {"": score})], "json", out)
        measures = json.loads(out.getvalue())["files"][0]["readability"]["document"]
        assert (measures["smog"], measures["fk_grade"], measures["reading_ease"]) == (7.1, 6.4, 71.3)
