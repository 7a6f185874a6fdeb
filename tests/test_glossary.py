"""The glossary: two flows of terms side by side (no CSS column balancing), one run in large print."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from handouts.load import load
from handouts.model import Term
from handouts.bundled import BUNDLED as TEMPLATES
from handouts.render import halves

from .conftest import ROOT, run


def terms(*lengths: int) -> list[Term]:
    return [Term(f"Term {i}", "x" * n) for i, n in enumerate(lengths)]


class DescribeHalves:
    def it_keeps_every_term_once_in_order(self):
        given = terms(10, 80, 30, 120, 5, 60, 40)
        assert [t for half in halves(given) for t in half] == given

    def it_cuts_where_the_two_flows_come_closest_to_the_same_height(self):
        assert [len(h) for h in halves(terms(36, 36, 36, 36))] == [2, 2]
        assert [len(h) for h in halves(terms(36 * 5, 36, 36, 36))] == [1, 3]  # one long definition
        assert [len(h) for h in halves(terms(36, 36, 36, 36 * 5))] == [3, 1]

    def it_makes_the_first_flow_the_taller_on_a_tie(self):
        assert [len(h) for h in halves(terms(36, 36, 36))] == [2, 1]
        assert [len(h) for h in halves(terms(36))] == [1, 0]

    def it_gives_two_empty_flows_for_no_terms(self):
        assert halves([]) == [[], []]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo built once: its output folder."""
    out = tmp_path_factory.mktemp("out")
    result = run("build", str(ROOT / "content.yaml"), "--out", str(out))
    assert result.code == 0, result.err
    return out


class DescribeTheBuiltGlossary:
    @pytest.mark.parametrize("name", ["handout.pdf", "handout-large-print.pdf"])
    def it_prints_every_term_and_definition_even_across_a_page_break(self, built, name):
        demo = load(ROOT / "content.yaml", strict=True).content
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(built / name).pages)
        text = text.replace("- ", "-")  # a narrow column may end a line after the hyphen of "long-term"
        missing = [t.term for t in demo.glossary if " ".join(t.definition.split()) not in text]
        assert missing == []

    def it_leaves_no_css_column_layout_to_balance(self):
        for sheet in ("handout.css", "handout-large.css"):
            assert "columns:" not in (TEMPLATES / sheet).read_text()
