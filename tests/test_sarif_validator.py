"""`handouts check --format sarif` passes Microsoft's SARIF validator with GitHub's rules.

The validator is the npm package @microsoft/sarif-multitool, which `scripts/system-deps
--test` (run by `make test` and CI) installs into tools/sarif/. Its `--rule-kind
"Sarif;Gh;Ghas"` adds the checks GitHub code scanning applies (GH2012: every rule needs
`fullDescription` and `help`; SARIF2005: the tool needs `informationUri`).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess

import pytest

from .conftest import FIXTURES, ROOT, run

VALIDATOR = (ROOT / "tools" / "sarif" / "node_modules" / "@microsoft"
             / f"sarif-multitool-{platform.system().lower()}" / "Sarif.Multitool")


@pytest.fixture(scope="module")
def validator():
    if not VALIDATOR.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{VALIDATOR} is missing: scripts/system-deps --test installs it")
        pytest.skip("the SARIF validator is not installed: run scripts/system-deps --test")
    return VALIDATOR


def validate(validator, sarif: dict, tmp_path) -> list[tuple[str, str, str]]:
    """Return (rule id, level, message) of everything the validator reports about `sarif`."""
    source, log = tmp_path / "check.sarif", tmp_path / "validation.sarif"
    source.write_text(json.dumps(sarif))
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"}
    done = subprocess.run([str(validator), "validate", "--rule-kind", "Sarif;Gh;Ghas", str(source),
                           "--output", str(log), "--log", "ForceOverwrite", "--quiet"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(log.read_text())["runs"][0].get("results", [])
    return [(r["ruleId"], r.get("level", "warning"), json.dumps(r["message"])) for r in results]


@pytest.fixture
def topics(tmp_path, minimal_text):
    """Content that gives every kind of SARIF result: errors, warnings, accepted findings, a file that does not load."""
    folder = tmp_path / "topics"
    folder.mkdir()
    article = [p for p in (FIXTURES / "article.txt").read_text(encoding="utf-8").split("\n")[1:] if p.strip()]
    points = "\n".join(f"      - {json.dumps(p)}" for p in article)
    (folder / "hard.yaml").write_text(minimal_text.replace(
        "    points: [Your body needs water., It keeps you well.]", "    points:\n" + points)
        + 'subtitel: "a typo"\ncheck:\n  accept:\n    feedback-missing: "Feedback is collected at the desk."\n')
    (folder / "broken.yaml").write_text("title: [unclosed\n")
    return folder


def it_passes_the_validator_with_githubs_rules(validator, topics, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", "topics", "--format", "sarif")
    sarif = json.loads(result.out)
    results = sarif["runs"][0]["results"]
    assert {"smog-error", "smog-section", "unknown-key", "content-invalid"} <= {r["ruleId"] for r in results}
    assert any(r.get("suppressions") for r in results)
    assert validate(validator, sarif, tmp_path) == []


def it_reports_a_rule_without_a_full_description(validator, topics, tmp_path, monkeypatch):
    # The test above is only worth something if the validator does catch what GitHub rejects.
    monkeypatch.chdir(tmp_path)
    sarif = json.loads(run("check", "topics", "--format", "sarif").out)
    del sarif["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"]
    del sarif["runs"][0]["tool"]["driver"]["informationUri"]
    reported = {rule for rule, _, _ in validate(validator, sarif, tmp_path)}
    assert {"GH2012", "SARIF2005"} <= reported
