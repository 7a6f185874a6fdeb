"""The Spanish checks, in process: syllables, the INFLESZ scores, and what each Spanish finding says and where.

test_languages.py builds Spanish topics and runs the command line; these tests call the
check directly on small changes to tests/fixtures/spanish.yaml.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from handouts import spanish
from handouts.config import CheckConfig
from handouts.load import load
from handouts.rules import check

from .conftest import FIXTURES, changed

TODAY = dt.date(2026, 6, 1)
HARD = ("La administración concomitante de medicamentos antiinflamatorios incrementa considerablemente la "
        "probabilidad de complicaciones gastrointestinales hemorrágicas.")
"""One sentence of 14 words and 57 syllables: far below 0 on the INFLESZ scale, which wants 55 or more."""


@pytest.fixture
def topic(tmp_path):
    """Return a function: changes to the Spanish fixture in (key paths with "__"), the loaded topic out."""

    def _topic(**changes):
        data = yaml.safe_load((FIXTURES / "spanish.yaml").read_text(encoding="utf-8"))
        changed(data, changes)
        path = tmp_path / "es.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return load(path)

    return _topic


def findings(loaded, settings=CheckConfig()):
    return check(loaded, settings, TODAY).findings


def found(loaded, rule, settings=CheckConfig()):
    """Return (key path, message) of each `rule` finding, checking it is placed at the line of its key."""
    chosen = [f for f in findings(loaded, settings) if f.rule == rule]
    assert all((f.line, f.col) == loaded.locations[f.path] for f in chosen), chosen
    return [(f.path, f.message) for f in chosen]


class DescribeSpanishSyllables:
    @pytest.mark.parametrize("word, syllables", [
        ("ya", 1), ("yo", 1), ("ayuda", 3), ("leyes", 2),  # y before a vowel is a consonant
        ("rey", 1), ("muy", 1), ("Uruguay", 3),  # y at the end is the vowel i, joined to the vowels before it
        ("rugby", 2), ("pony", 2),  # ... or a syllable of its own after a consonant
        ("oído", 3), ("ahí", 2), ("reír", 2), ("baúl", 2),  # an accent on i or u breaks the group
        ("cacao", 3), ("poeta", 3),  # two strong vowels are two syllables
        ("ciudad", 2), ("huevo", 2), ("guion", 1),  # weak and strong together are one
        ("pst", 1), ("15", 2), ("2026", 4), ("¿Qué?", 1), ("", 0)])
    def it_counts_by_the_rules_of_spanish_spelling(self, word, syllables):
        assert spanish.count_syllables(word) == syllables


class DescribeTheSpanishScore:
    def it_is_all_zero_without_text(self):
        assert spanish.score([]) == spanish.SpanishScore(0, 0, 0, 0.0, 0.0)
        assert spanish.score(["", "¿?"]).as_dict() == {"fernandez_huerta": 0.0, "szigriszt_pazos": 0.0,
                                                      "inflesz": "muy difícil", "sentences": 0, "words": 0}

    def it_gives_the_measures_rounded_for_the_report_and_in_words(self):
        s = spanish.score(["El perro come pan. Beba agua."])  # 6 words, 10 syllables, 2 sentences
        assert (s.sentences, s.words, s.syllables) == (2, 6, 10)
        assert s.as_dict() == {"fernandez_huerta": 103.8, "szigriszt_pazos": 100.0, "inflesz": "muy fácil",
                               "sentences": 2, "words": 6}
        assert s.summary() == "INFLESZ 100 (muy fácil), Fernández-Huerta 104"

    @pytest.mark.parametrize("szigriszt, band", [(39.9, "muy difícil"), (40, "algo difícil"), (54.9, "algo difícil"),
                                                 (55, "normal"), (65, "bastante fácil"), (80, "muy fácil")])
    def it_reads_the_inflesz_bands_from_their_lower_bounds(self, szigriszt, band):
        assert spanish.SpanishScore(1, 1, 1, 0.0, szigriszt).inflesz == band


class DescribeSpanishReadabilityFindings:
    def it_names_a_hard_part_with_its_score_and_what_makes_it_hard(self, topic):
        loaded = topic(sections__0__points=[HARD, HARD])
        s = spanish.score(["Por qué importa el agua", HARD, HARD])
        [part] = [f for f in findings(loaded) if f.path == "sections[0]"]
        assert (part.rule, part.line) == ("inflesz-error", loaded.locations["sections[0]"][0])
        assert part.message == (f"This part scores {s.szigriszt:.0f} on the INFLESZ scale (muy difícil; "
                                f"Fernández-Huerta {s.fernandez_huerta:.0f}), below 55: 11 words a sentence, "
                                f"{s.syllables / s.words:.2f} syllables a word.")
        [whole] = [f for f in findings(loaded) if f.path == ""]
        assert whole.rule == "inflesz-error" and whole.message.startswith("The handout scores ")

    def it_warns_at_the_error_limit_and_errs_only_below_it(self, topic):
        loaded = topic(sections__0__points=[HARD, HARD])
        at = check(loaded, CheckConfig(), TODAY).scores["sections[0]"].szigriszt
        rules = {f.path: f.rule for f in findings(loaded, CheckConfig(inflesz_error=at))}
        assert rules["sections[0]"] == "inflesz-warning"
        rules = {f.path: f.rule for f in findings(loaded, CheckConfig(inflesz_error=at + 0.01))}
        assert rules["sections[0]"] == "inflesz-error"

    def it_scores_a_part_of_20_words_or_more_and_the_whole_handout_always(self, topic):
        scores = check(topic(), CheckConfig(), TODAY).scores
        assert set(scores) == {""} and scores[""].words > 20
        nineteen = ["Beba un vaso de agua con cada comida.", "Beba agua cuando tenga sed.",
                    "Lleve agua al salir."]  # with the heading's 4 words: 23
        assert set(check(topic(sections__0__points=nineteen), CheckConfig(), TODAY).scores) == {"", "sections[0]"}
        assert set(check(topic(sections__0__points=nineteen[:2]), CheckConfig(), TODAY).scores) == {""}

    def it_scores_the_steps_of_a_section_with_it(self, topic):
        steps = ["Llene un vaso con agua fría.", "Beba el vaso despacio.", "Anote en la hoja cuántos vasos bebió.",
                 "Vuelva a llenar el vaso."]
        score = check(topic(sections__0__steps=steps), CheckConfig(), TODAY).scores["sections[0]"]
        assert score.words == 5 + 4 + 5 + 6 + 4 + 7 + 5 and score.sentences == 7  # heading, 2 points, 4 steps

    def it_scores_every_tier_of_the_help_block(self, topic):
        tiers = yaml.safe_load((FIXTURES / "spanish-tiers.yaml").read_text(encoding="utf-8"))["get_help"]
        tiers["routine"]["when"] = ["Tiene preguntas sobre cuánta agua debe beber cada día.",
                                    "Quiere saber qué bebidas le convienen más."]
        score = check(topic(get_help=tiers), CheckConfig(), TODAY).scores["get_help"]
        # the heading (the catalogue's "Cuándo pedir ayuda") and the five items, most urgent first
        assert score.sentences == 6 and score.words == 3 + 4 + 3 + 4 + 9 + 7


class DescribeSpanishWordingFindings:
    def it_finds_a_heading_of_generic_words_in_either_spelling(self, topic):
        loaded = topic(sections__0__heading="Informacion general", get_help__heading="Más información")
        assert found(loaded, "generic-heading") == [
            ("sections[0].heading", "The heading 'Informacion general' says nothing about what follows."),
            ("get_help.heading", "The heading 'Más información' says nothing about what follows.")]
        assert found(topic(sections__0__heading="2026"), "generic-heading")[0][0] == "sections[0].heading"
        assert found(topic(sections__0__heading="Más agua cada día"), "generic-heading") == []

    def it_says_how_to_address_the_reader_in_spanish(self, topic):
        loaded = topic(actions=["Beba agua.", "Los pacientes deberían caminar."])
        assert found(loaded, "action-not-addressed") == [
            ("actions[1]", 'This action does not say "usted" or start with a command such as "Tome" or "Llame" '
                               "(a heuristic).")]
        assert found(loaded, "action-missing") == []
        assert found(topic(actions=["Siempre, cada día."]), "action-missing") == [
            ("actions", "No action tells the reader what to do.")]

    def it_names_the_first_claim_of_a_text_unless_it_is_negated(self, topic):
        loaded = topic(summary=["El agua cura todo y es milagrosa.",
                                "No hay cura para el resfriado, pero el agua ayuda."])
        assert found(loaded, "absolute-claim") == [
            ("summary[0]", "'cura' is an absolute or promotional claim.")]

    def it_asks_for_a_percentage_in_words(self, topic):
        loaded = topic(summary=["El 20% de las personas olvida beber.", "El 20 por ciento, es decir 20 de cada 100."])
        assert found(loaded, "number-unexplained") == [
            ("summary[0]", "'20%' is not explained in words (\"20 de cada 100 personas\").")]

    def it_finds_passive_voice_in_the_main_message_and_the_actions(self, topic):
        loaded = topic(main_message="El agua es bebida por todos.", actions=["Beba agua.", "La pastilla es tomada."])
        assert found(loaded, "passive-voice") == [
            ("main_message", "'es bebida' looks passive (ser + participio, a heuristic): say who does it."),
            ("actions[1]", "'es tomada' looks passive (ser + participio, a heuristic): say who does it.")]
        assert spanish.passive("Estoy muy cansado y es adecuado.") is None

    def it_asks_the_disclaimer_to_say_it_does_not_replace_advice(self, topic):
        assert found(topic(disclaimer="Gracias por leer."), "disclaimer-wording") == [
            ("disclaimer", "The disclaimer does not say that the handout does not replace advice from the "
                               "care team (\"no reemplaza\", \"no sustituye\").")]
        assert found(topic(disclaimer="Esto no sustituye a su médico."), "disclaimer-wording") == []
