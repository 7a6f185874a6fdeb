"""Translations of one topic: a folder of files named by language in, drift between them out.

A topic may be kept in several languages as one folder with a file per language, named
by its BCP 47 tag: `topics/blood-pressure/en.yaml`, `es.yaml`, `es-MX.yaml`. Its outputs go
to `output/blood-pressure/en/`, `output/blood-pressure/es/` (see `batch.py`). The source
language is English (`en`, else the first `en-*` file) when the folder has it, else the
first file by name; every other file is a translation of it.

`drift(translation, source)` returns what differs in structure, as (rule, key path,
message) for `rules.py`: a list of another length anywhere in the content (sections,
their points, actions, help items, glossary terms, sources ...), as `translation-drift`;
a phone number or email address (anywhere) or website (of the organisation) that one
file has and the other does not, as `translation-contact`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

from .config import SKIP_NAMES, SUFFIXES
from .glyphs import texts
from .language import SOURCE, TAG, base
from .load import Loaded

_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def is_language_file(path: Path) -> bool:
    """Return whether `path` is a YAML file named by a language tag (`es.yaml`, `es-US.yaml`)."""
    return path.suffix in SUFFIXES and bool(TAG.fullmatch(path.stem))


def is_translation_folder(folder: Path) -> bool:
    """Return whether `folder` holds one topic in several languages: YAML files all named by a language tag."""
    try:
        files = [p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file() and p.name not in SKIP_NAMES
                 and not p.name.startswith(".")]
    except OSError:
        return False
    return bool(files) and all(is_language_file(p) for p in files)


def files(folder: Path) -> list[Path]:
    """Return the language files of a translation folder, the source language's first."""
    found = sorted(p for p in folder.iterdir() if is_language_file(p) and p.is_file())
    return sorted(found, key=lambda p: (p != _source_of(found), p.name))


def _source_of(found: list[Path]) -> Path | None:
    english = [p for p in found if base(p.stem) == SOURCE]
    return min(english, key=lambda p: (p.stem != SOURCE, p.name)) if english else (found[0] if found else None)


def source_for(path: Path) -> Path | None:
    """Return the source-language file `path` translates, or None (not a translation, or the source itself)."""
    folder = path.parent
    if not is_language_file(path) or not is_translation_folder(folder):
        return None
    source = files(folder)[0]
    return None if source.resolve() == path.resolve() else source


def drift(translation: Loaded, source: Loaded) -> list[tuple[str, str, str]]:
    """Return (rule, key path, message) for each way `translation` is out of step with `source`."""
    name = source.path.name
    found = [("translation-drift", path, f"{_items(mine)} here, {_items(theirs)} in {name} ({path}).")
             for path, mine, theirs in _lists(translation.content, source.content, "")]
    mine, theirs = _contacts(translation), _contacts(source)
    for key, (path, shown) in mine.items():
        if key not in theirs:
            found.append(("translation-contact", path, f"{shown!r} is not in {name}; a translation gives the "
                          "same phone numbers and addresses as its source."))
    for key, (path, shown) in theirs.items():
        if key not in mine:
            found.append(("translation-contact", path, f"{name} gives {shown!r} ({path}), this file does not."))
    return found


def _items(values: list) -> str:
    return f"{len(values)} item{'' if len(values) == 1 else 's'}"


def _lists(mine: object, theirs: object, path: str) -> Iterator[tuple[str, list, list]]:
    """Yield (key path, this list, the source's list) for every list whose length differs, walking both."""
    if isinstance(mine, list) and isinstance(theirs, list):
        if len(mine) != len(theirs):
            yield path, mine, theirs
        for i, (a, b) in enumerate(zip(mine, theirs)):
            yield from _lists(a, b, f"{path}[{i}]")
    elif dataclasses.is_dataclass(mine) and type(mine) is type(theirs) and not isinstance(mine, type):
        for f in dataclasses.fields(mine):
            yield from _lists(getattr(mine, f.name), getattr(theirs, f.name), f"{path}.{f.name}" if path else f.name)


def _contacts(loaded: Loaded) -> dict[str, tuple[str, str]]:
    """Return {normalised contact: (key path, as written)} of the phone numbers, emails and website of a topic."""
    found: dict[str, tuple[str, str]] = {}
    for path, text in texts(loaded.content):
        if path.endswith(("url", "logo_alt")) or path.startswith("sources"):
            continue  # a source or the online version may well be another page per language
        for m in _EMAIL.finditer(text):
            found.setdefault(m.group().lower(), (path, m.group()))
        for m in _PHONE.finditer(_EMAIL.sub(" ", text)):
            digits = re.sub(r"\D", "", m.group())
            if len(digits) >= 7:
                found.setdefault(digits, (path, m.group().strip()))
    website = loaded.content.organisation.website
    if website:
        found.setdefault(website.rstrip("/").lower(), ("organisation.website", website))
    return found


def load_source(path: Path, **options) -> Loaded | None:
    """Return the loaded source-language file of translation `path` (`options` go to `load`), or None.

    None too when the source does not load: its own check reports why.
    """
    from .load import ContentInvalid, load

    source = source_for(path)
    if source is None:
        return None
    try:
        return load(source, **options)
    except ContentInvalid:
        return None
