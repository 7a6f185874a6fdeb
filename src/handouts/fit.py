"""Fit text: paragraphs, a font and a box in; the font size and slide split that fit out.

A .pptx does not carry its fonts, and "shrink text on overflow" is only honoured when a
person edits the box, so the deck is laid out here, before it is saved: every paragraph
is wrapped at the box width with the advance widths of a font file metric-compatible
with the one that renders it (Liberation Sans for Arial, shipped in templates/fonts),
and line heights are added up and compared with the box height.

`face_for(typeface, bold)` returns the `Face` to measure a typeface with (and a warning
when only an approximation with a safety margin is known); `fits` and `text_height`
measure; `fit_size` returns the largest size that fits; `pack` shrinks within a floor and
then splits paragraphs across several boxes, never cutting one; `spread` keeps one size
and splits first, giving only a paragraph too big for a box of its own a smaller size.

The model is deliberately pessimistic: no kerning, breaks only at spaces (an overlong
word is broken between characters, as PowerPoint and LibreOffice do), fixed line
spacing of `LINE` times the size (the deck sets it explicitly) and a little room to
spare on the width.
"""

from __future__ import annotations

import dataclasses
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .bundled import FONTS
LINE = 1.2
"""Line height as a multiple of the font size; slides.py sets exactly this spacing."""
PARAGRAPH_GAP = 0.4
"""Space before every paragraph but the first, as a multiple of the font size."""
WIDTH_SLACK = 0.97
"""Share of the measured line width we fill, for renderers' rounding."""
UNKNOWN_MARGIN = 1.2
"""Widths of a font with no metric-compatible file are measured this much wider."""

METRIC_COMPATIBLE = {
    "arial": "LiberationSans",
    "helvetica": "LiberationSans",
    "helvetica neue": "LiberationSans",
    "arimo": "LiberationSans",
    "liberation sans": "LiberationSans",
    "calibri": "Carlito",  # Office's default font since 2007; LibreOffice substitutes Carlito
    "carlito": "Carlito",
}
"""Typeface names (lower case) that a bundled font file has the same advance widths as."""


@dataclasses.dataclass(frozen=True)
class Face:
    """A typeface as the deck names it, measured with a font file (and a margin)."""

    typeface: str
    file: Path
    margin: float = 1.0

    def width(self, text: str, size: float) -> float:
        """Return the advance width of `text` at `size` points, in points."""
        return _units(self.file, text) * size * self.margin


@lru_cache(maxsize=1 << 16)
def _units(file: Path, text: str) -> float:
    """Return the advance width of `text` in ems of the font in `file`.

    Cached: fitting measures the same words and growing lines at every size it tries.
    """
    advances, default = _advances(file)
    return sum(advances.get(ord(ch), default) for ch in text)


@cache
def _advances(file: Path) -> tuple[dict[int, float], float]:
    """Return {code point: advance in ems} for `file`, and the advance for missing glyphs."""
    with TTFont(file) as font:
        upem = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        advances = {code: metrics[glyph][0] / upem for code, glyph in font.getBestCmap().items()}
    return advances, 1.0  # a glyph from a fallback font: count a full em


def face_for(typeface: str, bold: bool = False) -> tuple[Face, str | None]:
    """Return the face to measure `typeface` with, and a warning when it is approximate."""
    family = METRIC_COMPATIBLE.get(typeface.strip().lower())
    style = "Bold" if bold else "Regular"
    if family:
        return Face(typeface, FONTS / f"{family}-{style}.ttf"), None
    warning = (f"font {typeface!r} has no metric-compatible file here; its text is measured "
               f"as Liberation Sans with {round((UNKNOWN_MARGIN - 1) * 100)}% to spare")
    return Face(typeface, FONTS / f"LiberationSans-{style}.ttf", UNKNOWN_MARGIN), warning


def wrap(text: str, face: Face, size: float, width: float) -> list[str]:
    """Return `text` broken into lines no wider than `width` points."""
    width *= WIDTH_SLACK
    lines: list[str] = []
    for hard_line in text.replace("\v", "\n").split("\n"):
        line = ""
        for word in hard_line.split():
            candidate = f"{line} {word}" if line else word
            if face.width(candidate, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word) > 1 and face.width(word, size) > width:  # a last character stays, however wide
                cut = _longest_prefix(word, face, size, width)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _longest_prefix(word: str, face: Face, size: float, width: float) -> int:
    cut = 1
    while cut < len(word) and face.width(word[:cut + 1], size) <= width:
        cut += 1
    return cut


def text_height(paragraphs: list[str], face: Face, size: float, width: float) -> float:
    """Return the height in points of `paragraphs` set at `size` in a box `width` wide."""
    lines = sum(len(wrap(p, face, size, width)) for p in paragraphs)
    gaps = max(len(paragraphs) - 1, 0) * PARAGRAPH_GAP * size
    return lines * LINE * size + gaps


def fits(paragraphs: list[str], face: Face, size: float, width: float, height: float) -> bool:
    """Return whether `paragraphs` at `size` fit in a box of `width` x `height` points."""
    return text_height(paragraphs, face, size, width) <= height


def fit_size(paragraphs: list[str], face: Face, width: float, height: float,
             start: int, floor: int) -> int | None:
    """Return the largest whole size from `start` down to `floor` that fits, or None."""
    for size in range(start, floor - 1, -1):
        if fits(paragraphs, face, size, width, height):
            return size
    return None


@dataclasses.dataclass(frozen=True)
class Packing:
    """Paragraphs spread over boxes: the size, the paragraph indices per box, and misfits."""

    size: int
    groups: list[list[int]]
    too_big: list[int]
    """Indices of paragraphs that do not fit in a box even alone at the floor size."""


def pack(paragraphs: list[str], face: Face, width: float, height: float,
         start: int, floor: int) -> Packing:
    """Return the largest size (not below `floor`) and the fewest boxes that hold `paragraphs`.

    One box at the largest size that fits; else as few boxes as the floor size needs,
    at the largest size that still needs no more, filled in order. A paragraph too big
    for a box even alone gets a box of its own, and everything is set at the floor size.
    """
    size = fit_size(paragraphs, face, width, height, start, floor)
    if size is not None:
        return Packing(size, [list(range(len(paragraphs)))], [])
    too_big = [i for i, p in enumerate(paragraphs) if not fits([p], face, floor, width, height)]
    fewest = _fill(paragraphs, face, floor, width, height)
    if too_big:  # it overflows anyway: as little as possible
        return Packing(floor, fewest, too_big)
    for size in range(start, floor, -1):
        groups = _fill(paragraphs, face, size, width, height)
        # _fill gives a paragraph too big for a box a box of its own: that size does not fit
        if len(groups) <= len(fewest) and all(
                fits([paragraphs[i] for i in group], face, size, width, height) for group in groups):
            return Packing(size, groups, [])
    return Packing(floor, fewest, [])


@dataclasses.dataclass(frozen=True)
class Spread:
    """Paragraphs spread over boxes at one size: the paragraph indices and the size of each box."""

    groups: list[list[int]]
    sizes: list[int]
    too_big: list[int]
    """Indices of paragraphs that do not fit in a box even alone at the floor size."""


def spread(paragraphs: list[str], face: Face, width: float, height: float,
           size: int, floor: int) -> Spread:
    """Return `paragraphs` in as many boxes as they need at `size`, filled in order.

    The size is kept, so that every box of a deck can share it: boxes are added rather
    than the text shrunk. Only a paragraph too big for a box even alone gets a box of its
    own at the largest size down to `floor` that holds it (or `floor`, listed in `too_big`).
    The boxes are as even as they can be, so that no slide is left with one line of a list.
    """
    groups = _fill(paragraphs, face, size, width, height)
    if len(groups) > 1 and all(fits([paragraphs[i] for i in g], face, size, width, height) for g in groups):
        groups = _balance([text_height([p], face, size, width) for p in paragraphs], len(groups),
                          PARAGRAPH_GAP * size)
    sizes: list[int] = []
    too_big: list[int] = []
    for group in groups:
        texts = [paragraphs[i] for i in group]
        fitting = fit_size(texts, face, width, height, size, floor)  # below `size` only for one paragraph alone
        if fitting is None:
            too_big.extend(group)
        sizes.append(fitting or floor)
    return Spread(groups, sizes, too_big)


def _balance(heights: list[float], count: int, gap: float) -> list[list[int]]:
    """Return indices of paragraphs `heights` tall in `count` boxes, in order, the tallest box as short as can be.

    A split into `count` boxes that all fit exists (the caller filled them), and the
    tallest box of this one is no taller than the tallest of that one: these fit too.
    """
    n = len(heights)
    before = [0.0]
    for h in heights:
        before.append(before[-1] + h)

    def tall(i: int, j: int) -> float:  # paragraphs i..j-1 in one box
        return before[j] - before[i] + (j - i - 1) * gap

    best: dict[tuple[int, int], tuple[float, int]] = {}  # (first paragraph, boxes) -> (tallest, end of first box)

    def solve(i: int, boxes: int) -> tuple[float, int]:
        if (i, boxes) not in best:
            if boxes == 1:
                best[i, boxes] = (tall(i, n), n)
            else:
                best[i, boxes] = min((max(tall(i, j), solve(j, boxes - 1)[0]), j) for j in range(i + 1, n - boxes + 2))
        return best[i, boxes]

    groups, start = [], 0
    for boxes in range(count, 0, -1):
        end = solve(start, boxes)[1]
        groups.append(list(range(start, end)))
        start = end
    return groups


def largest_common_size(paragraphs: list[str], face: Face, width: float, height: float,
                        start: int, floor: int) -> int:
    """Return the largest size from `start` down to `floor` at which each paragraph fits a box alone.

    A paragraph that does not fit alone even at `floor` has no say: `spread` gives it a
    box and a smaller size of its own.
    """
    ordinary = [p for p in paragraphs if fits([p], face, floor, width, height)]
    for size in range(start, floor, -1):
        if all(fits([p], face, size, width, height) for p in ordinary):
            return size
    return floor


def _fill(paragraphs: list[str], face: Face, size: float, width: float, height: float) -> list[list[int]]:
    """Return paragraph indices in boxes, each box filled in order as far as it holds."""
    groups: list[list[int]] = []
    for index, paragraph in enumerate(paragraphs):
        if groups and fits([paragraphs[i] for i in groups[-1]] + [paragraph], face, size, width, height):
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups
