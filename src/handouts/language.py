"""Languages: a BCP 47 tag in, the handout's labels, dates, numbers and direction out.

`labels(tag, look)` returns the `Labels` of a language: every fixed string of the
handout, the large print and the slide plan, read from the catalogues
`templates/labels/<language>.yaml` (the project's templates folder first, then the
package's). A catalogue for `es` serves `es-US` and `es-MX`; one named `es-US.yaml`
overrides it for that region. A project's catalogue extends or overrides the bundled one
of the same language key by key. Keys a language lacks come from English and are named
in `Labels.missing`, so `check` can say so.

`long_date`, `number` format with Babel (CLDR data) for the language; `is_rtl` says
whether the script runs right to left (Arabic, Hebrew, Persian, Urdu ...). This module
imports Babel lazily: loading content stays fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .bundled import BUNDLED, DEFAULT, Look

SOURCE = "en"
"""The language every catalogue is measured against: the bundled English one is complete."""
LABELS = "labels"
"""The folder of catalogues inside a templates folder."""
TAG = re.compile(r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?")
"""The BCP 47 tags handouts accepts: a language, an optional script and an optional region
(`es`, `es-US`, `zh-Hans-CN`, `es-419`)."""
RTL = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "syr"})
"""Languages written right to left (in their usual script)."""


class LabelsInvalid(ValueError):
    """A catalogue that is not a mapping of label names to text."""


def base(tag: str) -> str:
    """Return the language of `tag` without script or region: "es-US" -> "es"."""
    return tag.split("-", 1)[0].lower()


def is_rtl(tag: str) -> bool:
    """Return whether text in `tag` runs right to left (a Latin script subtag says it does not)."""
    parts = tag.split("-")
    if len(parts) > 1 and parts[1] in ("Latn", "Cyrl"):
        return False
    return base(tag) in RTL or (len(parts) > 1 and parts[1] in ("Arab", "Hebr", "Thaa", "Syrc"))


def direction(tag: str) -> str:
    """Return "rtl" or "ltr" for text in `tag`."""
    return "rtl" if is_rtl(tag) else "ltr"


@dataclass(frozen=True)
class Labels(Mapping):
    """The fixed strings of one language, read as `labels["key_points"]` or, in templates, `L.key_points`."""

    tag: str
    strings: dict[str, str]
    missing: tuple[str, ...] = ()
    """Keys the language's catalogues lack, filled in from English."""
    files: tuple[Path, ...] = field(default=(), compare=False)
    """The catalogue files read, lowest priority first (English excluded unless it is the language)."""

    def __getitem__(self, key: str) -> str:
        return self.strings[key]

    def __iter__(self):
        return iter(self.strings)

    def __len__(self) -> int:
        return len(self.strings)

    def __getattr__(self, key: str) -> str:
        try:
            return self.strings[key]
        except KeyError:
            raise AttributeError(f"no label {key!r} in the {SOURCE} catalogue") from None


def catalogue_files(tag: str, look: Look = DEFAULT) -> list[Path]:
    """Return the catalogues that make up `tag`'s labels, lowest priority first.

    The bundled language, the bundled region, then the project's language and region.
    """
    names = [f"{base(tag)}.yaml"] + ([f"{tag}.yaml"] if tag != base(tag) else [])
    files = []
    for folder in reversed(look.folders):  # the package's first: a project's copy wins
        files += [folder / LABELS / name for name in names if (folder / LABELS / name).is_file()]
    return files


def labels(tag: str, look: Look = DEFAULT) -> Labels:
    """Return the labels of language `tag` (English for any key its catalogues lack)."""
    files = tuple(catalogue_files(tag, look))
    return _labels(tag, files, tuple(_stamp(f) for f in files), look)


@lru_cache(maxsize=64)
def _labels(tag: str, files: tuple[Path, ...], stamps: tuple, look: Look) -> Labels:
    english = {}
    for path in catalogue_files(SOURCE, look):
        english.update(read_catalogue(path))
    strings = dict(english) if base(tag) == SOURCE else {}
    for path in files:
        strings.update(read_catalogue(path))
    missing = tuple(key for key in english if key not in strings)
    return Labels(tag, {**english, **strings}, missing, files)


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def read_catalogue(path: Path) -> dict[str, str]:
    """Return the labels in the catalogue `path`, or raise `LabelsInvalid` naming the file and line."""
    from .load import compose  # load imports this module

    try:
        data = compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsInvalid(f"{path}: cannot read the label catalogue: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise LabelsInvalid(f"{where}: invalid YAML: {exc.problem}") from None
    if data is None:
        return {}
    if not isinstance(data, yaml.MappingNode):
        raise LabelsInvalid(f"{path}:{data.start_mark.line + 1}: expected a mapping of label names to text")
    result = {}
    for key, value in data.value:
        if not (isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode) and value.value.strip()):
            raise LabelsInvalid(f"{path}:{key.start_mark.line + 1}:{key.start_mark.column + 1}: "
                                f"{getattr(key, 'value', '?')}: expected a label name and its text")
        result[key.value] = value.value
    return result


def locations(path: Path) -> dict[str, int]:
    """Return {label name: line} of the catalogue `path`."""
    from .load import compose

    data = compose(path.read_text(encoding="utf-8"))
    if not isinstance(data, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 1 for key, _ in data.value if isinstance(key, yaml.ScalarNode)}


@lru_cache(maxsize=64)
def _locale(tag: str):
    """Return Babel's locale for `tag`, or its language's, or English's when Babel knows neither."""
    from babel import Locale, UnknownLocaleError

    for candidate in (tag.replace("-", "_"), base(tag), SOURCE):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("Babel has no English locale")


def long_date(day: dt.date, tag: str) -> str:
    """Return `day` written out in language `tag`: "March 1, 2026", "1 de marzo de 2026"."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=_locale(tag))


def number(value: float, tag: str) -> str:
    """Return `value` with the language's digits grouping and decimal sign: "1,234.5", "1234,5" ."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(tag))


def bundled_languages() -> list[str]:
    """Return the languages whose catalogues ship with the package."""
    return sorted(p.stem for p in (BUNDLED / LABELS).glob("*.yaml"))
