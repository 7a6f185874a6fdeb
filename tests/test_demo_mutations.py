"""Property: however the demo content is damaged, `check` and `build` answer with messages, never a traceback.

Hypothesis mutates the demo topic (deletes, duplicates and swaps lines, and writes
random bytes into it), then runs `check` in every format and, for a few examples,
`build`. Each must exit 0 or 1 with no exception escaping and no "internal error".
Examples are few so the suite stays fast; a failure prints the mutated file.
"""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ROOT, run

DEMO = (ROOT / "content.yaml").read_bytes()
LINES = DEMO.splitlines(keepends=True)


@st.composite
def mutated(draw) -> bytes:
    """Return the demo content with one to four random changes."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "bytes"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(j, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.binary(min_size=1, max_size=8)) + line[at:]
    return b"".join(lines)


def _project(tmp_path, text: bytes):
    shutil.copytree(ROOT / "brand", tmp_path / "brand", dirs_exist_ok=True)
    (tmp_path / "handouts.yaml").write_text("content: [content.yaml]\n")
    path = tmp_path / "content.yaml"
    path.write_bytes(text)
    return path


def _clean(result, text: bytes) -> None:
    shown = text.decode("utf-8", "replace")
    assert result.code in (0, 1), f"exit {result.code}\n{result.err}\n--- content:\n{shown}"
    assert "internal error" not in result.out + result.err, f"{result.err}\n--- content:\n{shown}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_check_answers_any_damaged_demo_with_messages(text, tmp_path, monkeypatch):
    path = _project(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    for fmt in ("human", "json", "sarif"):
        _clean(run("check", str(path), "--format", fmt), text)  # run() lets any exception through


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_build_answers_any_damaged_demo_with_messages(text, tmp_path, monkeypatch):
    path = _project(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    checked = run("check", str(path))
    built = run("build", str(path), "--out", str(tmp_path / "out"), "--jobs", "1")
    _clean(built, text)
    if built.code == 1:  # whatever build refuses, check refuses first (not the reverse: check has more rules)
        assert checked.code == 1, f"build refused what check passed:\n{built.err}\n--- content:\n{text!r}"
