"""No missing glyphs: a `Loaded` topic and a `Look` in, the characters no font can draw out.

The handout draws its text only with the fonts `fonts.css` declares (the bundled one, or
a project's copy with its own `fonts/`): Atkinson Hyperlegible for Latin text, Noto Sans
for Greek, Cyrillic and Vietnamese, Noto Sans Arabic and Noto Sans Hebrew. A character
none of them has would print as an empty box, or in whatever font the machine happens
to have. `uncovered(loaded, look)` returns each such character as a `Problem` naming
the character, its code point and name, the file, line, column and key; `build` refuses
the topic and `check` reports it (rule `glyph-missing`). The label catalogue of the
topic's language is checked the same way. Fonts are read with fontTools, each once per
process (its character map only).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .bundled import DEFAULT, Look
from .load import Loaded, Problem

_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.DOTALL)
SKIPPED_KEYS = frozenset({"logo", "brand", "colour", "language", "check"})
"""Content keys that are not text a reader sees (a file path, a colour, a language tag, the check's acceptances)."""


def font_files(look: Look = DEFAULT) -> list[Path]:
    """Return the font files the `@font-face` rules of the look's `fonts.css` name, in order."""
    css = look.find("fonts.css")
    text = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8"), flags=re.DOTALL)
    files = []
    for face in _FACE.findall(text):
        for url in _URL.findall(face):
            path = (css.parent / url).resolve()
            if path.is_file() and path.suffix.lower() in (".ttf", ".otf", ".ttc", ".woff", ".woff2"):
                files.append(path)
    return list(dict.fromkeys(files))


@lru_cache(maxsize=64)
def _font(path: Path, stamp: tuple[int, int]) -> tuple[str, frozenset[int]]:
    """Return the family name and the code points of the font at `path`."""
    with TTFont(path, lazy=True, fontNumber=0) as font:
        family = font["name"].getBestFamilyName() or path.stem
        return family, frozenset(font.getBestCmap() or {})


def coverage(look: Look = DEFAULT) -> tuple[frozenset[int], list[str]]:
    """Return every code point the look's fonts can draw, and the fonts' family names."""
    points: set[int] = set()
    families: list[str] = []
    for path in font_files(look):
        stat = path.stat()
        family, cmap = _font(path, (stat.st_mtime_ns, stat.st_size))
        points |= cmap
        families.append(family)
    return frozenset(points), list(dict.fromkeys(families))


def drawn(char: str) -> bool:
    """Return whether `char` needs a glyph: not white space, a control or an invisible format mark."""
    return not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")
                or 0xFE00 <= ord(char) <= 0xFE0F)  # variation selectors choose a style, draw nothing


def texts(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield (key path, text) of every text in `value`, a content dataclass, as the loader names keys."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from texts(item, f"{path}[{i}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name not in SKIPPED_KEYS:
                yield from texts(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)


def describe(char: str) -> str:
    """Return `char` as a person can find it: "'😀' (U+1F600 GRINNING FACE)"."""
    name = unicodedata.name(char, "")
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''})"


def uncovered(loaded: Loaded, look: Look = DEFAULT) -> list[Problem]:
    """Return a `Problem` for each text of `loaded` (and its language's labels) with a character no font draws.

    One problem per text and character; every distinct character of a text is named.
    """
    from .language import labels, locations, read_catalogue

    points, families = coverage(look)
    fonts = ", ".join(families) or "none: fonts.css declares no font file"
    problems = []

    def scan(text: str, file: str, line: int, col: int, key: str, source: Sequence[str] = ()) -> None:
        seen = set()
        for index, char in enumerate(text):
            if char in seen or not drawn(char) or ord(char) in points:
                continue
            seen.add(char)
            at = _column(source, line, col, text, index)
            problems.append(Problem(file, line, at, key, f"{describe(char)} at character {index + 1} is in "
                                    f"none of the handout's fonts ({fonts}); it would print as an empty box. "
                                    "Remove it, or add a font that has it (docs/languages.md)"))

    sources: dict[str, list[str]] = {}
    for key, text in texts(loaded.content):
        line, col = _where(loaded, key)
        origin = loaded.origins.get(key, str(loaded.path))  # a key the brand file sets is located in it
        if origin not in sources:
            try:
                sources[origin] = Path(origin).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                sources[origin] = []
        scan(text, origin, line, col, key, sources[origin] if key in loaded.locations else [])
    catalogue = labels(loaded.content.language, look)
    for file in catalogue.files:
        lines = locations(file)
        for key, text in read_catalogue(file).items():
            scan(text, str(file), lines.get(key, 1), 1, key)
    return problems


def _column(source: Sequence[str], line: int, col: int, text: str, index: int) -> int:
    """Return the column of character `index` of `text`, whose value starts at `line`:`col` of `source`.

    Exact when the text up to that character stands on that line as written (plain or quoted, no
    escapes); otherwise the value's own column.
    """
    if not 0 < line <= len(source):
        return col
    start = col - 1 + (source[line - 1][col - 1:col] in ("'", '"'))
    return start + index + 1 if source[line - 1][start:].startswith(text[:index + 1]) else col


def _where(loaded: Loaded, key: str) -> tuple[int, int]:
    """Return the line and column of `key`, or of its nearest parent the file sets (a default value has none)."""
    while key and key not in loaded.locations:
        key = re.sub(r"(^|\.)[^.\[]+$|\[\d+\]$", "", key)
    return loaded.locations.get(key, (1, 1))
