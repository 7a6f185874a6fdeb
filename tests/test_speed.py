"""Work saved: one topic's outputs made side by side in forked processes (the same bytes,
warnings and errors), and the SVG logo drawn once per process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from handouts.build import BuildOptions, deck_started, render_topic
from handouts.load import load
from handouts.slides import ThemeError, svg_to_png

from .conftest import FIXTURES, ROOT
from .test_slides import renamed_master

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="outputs are made side by side on Linux only")


def render(path, parallel: bool, **options):
    warnings: list[str] = []
    outputs = render_topic(load(path), BuildOptions(project=path.parent, **options), warnings.append,
                           parallel=parallel)
    return outputs, warnings


def children() -> set[str]:
    """Return the ids of this process's child processes."""
    tasks = Path(f"/proc/{os.getpid()}/task").iterdir()
    return {pid for task in tasks for pid in (task / "children").read_text().split()}


@linux_only
@pytest.mark.parametrize("path", [ROOT / "content.yaml", FIXTURES / "stress.yaml"], ids=["demo", "stress"])
def it_makes_the_same_bytes_and_warnings_as_one_after_the_other(path):
    before = children()
    assert render(path, parallel=True) == render(path, parallel=False)
    assert children() == before  # every forked process was waited for


@linux_only
def it_starts_the_deck_before_the_check_and_stops_it_when_the_check_fails():
    path = FIXTURES / "stress.yaml"
    loaded, options = load(path), BuildOptions(project=path.parent)
    before = children()
    with deck_started(loaded, options, parallel=True) as deck:
        assert deck is not None and len(children() - before) == 1  # running while the topic is checked
        assert render_topic(loaded, options, parallel=True, deck=deck) == render(path, parallel=False)[0]
    assert children() == before
    with pytest.raises(RuntimeError), deck_started(loaded, options, parallel=True) as deck:
        raise RuntimeError("the check failed")
    assert children() == before  # stopped, and waited for
    with deck_started(loaded, options, parallel=False) as deck:
        assert deck is None


@linux_only
def it_passes_on_the_decks_warnings(tmp_path):
    theme = renamed_master(tmp_path, "Segoe UI")  # a font with no metrics here: the deck warns
    _, warnings = render(FIXTURES / "stress.yaml", parallel=True, theme=theme)
    assert any("'Segoe UI' has no metric-compatible file here" in w for w in warnings)
    assert warnings == render(FIXTURES / "stress.yaml", parallel=False, theme=theme)[1]


@linux_only
def it_raises_what_making_the_outputs_one_after_the_other_raises(tmp_path):
    theme = tmp_path / "clinic.pptx"
    theme.write_text("not a deck")
    errors = []
    for parallel in (True, False):
        with pytest.raises(ThemeError) as raised:
            render(ROOT / "content.yaml", parallel, theme=theme)
        errors.append(str(raised.value))
    assert errors[0] == errors[1] and "cannot open the theme" in errors[0]


def it_draws_the_same_svg_logo_once_per_process():
    svg_to_png.cache_clear()
    first, _ = render(ROOT / "content.yaml", parallel=False)
    second, _ = render(ROOT / "content.yaml", parallel=False)
    assert svg_to_png.cache_info().misses == 1 and svg_to_png.cache_info().hits == 1
    assert first == second
