"""The docs describe the model as it is."""

from __future__ import annotations

import dataclasses

from handouts import model

from .conftest import ROOT


def it_documents_every_content_key():
    doc = (ROOT / "docs" / "content.md").read_text()
    for cls in (model.Content, model.Section, model.Term, model.Source, model.GetHelp, model.Organisation,
                model.Tier, model.Figure, model.Table):
        for field in dataclasses.fields(cls):
            assert f"| `{field.name}` |" in doc, f"{cls.__name__}.{field.name} is not in docs/content.md"


def it_gives_every_rule_of_check_its_reference_entry():
    from handouts.report import reference

    doc = (ROOT / "docs" / "rules.md").read_text()
    assert doc.endswith(reference()), (
        "docs/rules.md's Rule reference is out of date: regenerate it with "
        "python -c \"from handouts.report import reference; print(reference(), end='')\"")
