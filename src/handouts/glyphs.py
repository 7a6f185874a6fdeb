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
import struct
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

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


_UNICODE_MAPS = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))
"""(platform, encoding) of the character maps that map Unicode, the fullest first (as fontTools prefers them)."""


def read_cmap(data: bytes) -> frozenset[int] | None:
    """Return the code points the font file `data` has a glyph for (the first font of a collection).

    None when this reader cannot tell: not a TrueType or OpenType file (e.g. WOFF), or a
    character map in a format other than 4 and 12.
    """
    try:
        start = struct.unpack_from(">I", data, 12)[0] if data[:4] == b"ttcf" else 0
        count = struct.unpack_from(">H", data, start + 4)[0]
        records = (struct.unpack_from(">4s4xII", data, start + 12 + 16 * i) for i in range(count))
        cmap = next((offset for tag, offset, _ in records if tag == b"cmap"), None)
        if cmap is None:
            return None
        maps = {}
        for i in range(struct.unpack_from(">H", data, cmap + 2)[0]):
            platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
            maps[platform, encoding] = cmap + offset
        table = next((maps[key] for key in _UNICODE_MAPS if key in maps), None)
        if table is None:
            return None
        kind = struct.unpack_from(">H", data, table)[0]
        return _format_4(data, table) if kind == 4 else _format_12(data, table) if kind == 12 else None
    except struct.error:  # a truncated or damaged file: let fontTools read it, or say what is wrong
        return None


def _format_4(data: bytes, table: int) -> frozenset[int]:
    """Return the code points of a format 4 map (segments of the Basic Multilingual Plane) with a glyph."""
    n = struct.unpack_from(">H", data, table + 6)[0] // 2
    ends = struct.unpack_from(f">{n}H", data, table + 14)
    starts = struct.unpack_from(f">{n}H", data, table + 16 + 2 * n)
    deltas = struct.unpack_from(f">{n}h", data, table + 16 + 4 * n)
    offsets_at = table + 16 + 6 * n
    offsets = struct.unpack_from(f">{n}H", data, offsets_at)
    found: set[int] = set()
    for i, (first, last, delta, offset) in enumerate(zip(starts, ends, deltas, offsets)):
        if first == 0xFFFF:  # the closing segment
            continue
        for char in range(first, last + 1):
            if offset:
                glyph = struct.unpack_from(">H", data, offsets_at + 2 * i + offset + 2 * (char - first))[0]
                glyph = glyph and (glyph + delta) & 0xFFFF
            else:
                glyph = (char + delta) & 0xFFFF
            if glyph:
                found.add(char)
    return frozenset(found)


def _format_12(data: bytes, table: int) -> frozenset[int]:
    """Return the code points of a format 12 map (groups over all of Unicode) with a glyph."""
    groups = struct.unpack_from(">I", data, table + 12)[0]
    found: set[int] = set()
    for i in range(groups):
        first, last, glyph = struct.unpack_from(">III", data, table + 16 + 12 * i)
        found.update(range(first + (glyph == 0), last + 1))
    return frozenset(found)


@lru_cache(maxsize=64)
def _points(path: Path, stamp: tuple[int, int]) -> frozenset[int]:
    """Return the code points of the font at `path` (as it was at `stamp`: modified, size)."""
    found = read_cmap(path.read_bytes())
    if found is None:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True, fontNumber=0) as font:
            found = frozenset(char for char, glyph in (font.getBestCmap() or {}).items() if glyph != ".notdef")
    return found


@lru_cache(maxsize=64)
def _family(path: Path, stamp: tuple[int, int]) -> str:
    """Return the family name of the font at `path`."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return font["name"].getBestFamilyName() or path.stem


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def points(look: Look = DEFAULT) -> frozenset[int]:
    """Return every code point the look's fonts can draw."""
    return frozenset().union(*(_points(path, _stamp(path)) for path in font_files(look)))


def families(look: Look = DEFAULT) -> list[str]:
    """Return the family names of the look's fonts, each once, in the order `fonts.css` names them."""
    return list(dict.fromkeys(_family(path, _stamp(path)) for path in font_files(look)))


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

    drawable = points(look)
    problems = []

    def scan(text: str, file: str, line: int, col: int, key: str, source: Sequence[str] = ()) -> None:
        seen = set()
        for index, char in enumerate(text):
            if char in seen or not drawn(char) or ord(char) in drawable:
                continue
            seen.add(char)
            at = _column(source, line, col, text, index)
            fonts = ", ".join(families(look)) or "none: fonts.css declares no font file"
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
