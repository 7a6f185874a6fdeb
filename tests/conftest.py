"""Shared helpers: run the CLI in-process and build small content files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from handouts.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


class Result:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


def run(*argv: str) -> Result:
    """Run `handouts argv...` in this process; return its exit code and output."""
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(list(argv), out=out, err=err)
    except SystemExit as exc:  # argparse usage errors and --help/--version
        code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


def changed(data: dict, changes: dict) -> dict:
    """Return `data` with `changes` made: each key a path with "__" between parts ("sections__0__heading"),
    each value the new value, or None to delete the key."""
    for key, value in changes.items():
        target = data
        *parents, last = key.split("__")
        for parent in parents:
            target = target[int(parent)] if parent.isdigit() else target[parent]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return data


@pytest.fixture
def minimal_text() -> str:
    return (FIXTURES / "minimal.yaml").read_text()


@pytest.fixture
def write(tmp_path):
    """Write text to a file in a temporary folder and return its path."""

    def _write(text: str | bytes, name: str = "content.yaml") -> Path:
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return path

    return _write


@pytest.fixture(autouse=True)
def _outside_the_repository(tmp_path_factory, monkeypatch):
    """Run every test from an empty folder, so the repository's own handouts.yaml never applies."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(autouse=True)
def _measured_afresh():
    """Start every test with empty memo caches, so no answer an earlier test computed is reused."""
    from handouts import fit, readability, rules, spanish

    readability.count_syllables.cache_clear()
    spanish.count_syllables.cache_clear()
    rules.word_list.cache_clear()  # the word lists as _entries reads them
    fit._units.cache_clear()
