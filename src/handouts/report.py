"""Write check `Report`s out: as text for a person, as JSON, or as SARIF 2.1.0.

`write(reports, fmt, stream)` takes the `rules.Report` of every file checked and writes
one report covering them all to `stream` in one of `FORMATS`: text (each file's
findings, then a total line when there are several files), one JSON document, or one
SARIF run. Text leaves out files that did not load (the command prints the loader's
messages itself); JSON and SARIF give their problems as `content-invalid` findings.
Text output is coloured only on a terminal and never when NO_COLOR is set
(https://no-color.org). SARIF puts each finding on its file, line and column, so GitHub
code scanning shows it on the line of a pull request; an accepted finding is listed in
every format with its reason (a SARIF suppression). `explain(rule)` is the text of
`handouts check --explain RULE` (also each SARIF rule's help), and `reference()` the
rule reference of docs/rules.md made from it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

from . import __version__
from .rules import RULES, Finding, Report, plural

FORMATS = ("human", "json", "sarif")
DOCS_URI = "https://github.com/handouts/handouts/blob/main/docs/rules.md"
"""Where the rules are documented: SARIF's informationUri, and each rule's helpUri with its anchor."""
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_COLOURS = {"error": "\033[1;31m", "warning": "\033[1;33m", "dim": "\033[2m", "ok": "\033[1;32m"}


def write(reports: list[Report], fmt: str, stream: TextIO, colour: bool | None = None) -> None:
    """Write `reports` to `stream` as one report in `fmt` (human, json or sarif)."""
    if fmt == "json":
        json.dump(as_json(reports), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    elif fmt == "sarif":
        json.dump(as_sarif(reports), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    else:
        stream.write(as_text(reports, _use_colour(stream) if colour is None else colour))


def _use_colour(stream: TextIO) -> bool:
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def as_text(reports: list[Report], colour: bool = False) -> str:
    """Return the findings as lines a person reads: where, what, how to fix it, and the source.

    Each file gets its findings and a line with its counts and grade (a file that did not
    load, its loading errors as `content-invalid` findings); then
    come the rules the project turned off and, when several files were checked, the
    totals over all of them.
    """
    def paint(text: str, kind: str) -> str:
        return f"{_COLOURS[kind]}{text}\033[0m" if colour else text

    text = "".join(_file_text(r, paint) for r in reports)
    for rule, reason in _disabled(reports).items():
        text += paint(f"rule {rule} is turned off: {reason}", "dim") + "\n"
    if len(reports) > 1:
        errors, warnings = sum(r.errors for r in reports), sum(r.warnings for r in reports)
        failed = sum(not r.loaded for r in reports)
        accepted = sum(r.accepted for r in reports)
        counts = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
        verdict = counts if errors or warnings else paint("ok", "ok")
        verdict += f", {accepted} accepted" if accepted else ""
        unread = f" ({plural(failed, 'file')} did not load)" if failed else ""
        text += f"{plural(len(reports), 'file')} checked: {verdict}{unread}\n"
    return text


def _file_text(report: Report, paint) -> str:
    lines = []
    for f in report.findings:
        key = f" {f.path}:" if f.path else ""
        if f.accepted:  # listed, so the reason stays in view, but briefly: it fails nothing
            lines.append(paint(f"{f.file}:{f.line}:{f.col}: accepted {f.severity} [{f.rule}]{key} {f.message}",
                               "dim"))
            lines.append(paint(f"    accepted: {f.accepted}", "dim"))
            continue
        lines.append(f"{f.file}:{f.line}:{f.col}: {paint(f.severity, f.severity)} [{f.rule}]{key} {f.message}")
        for r in f.related:
            lines.append(paint(f"    line {r.line}: {r.path}: {r.text}", "dim"))
        lines.append(f"    fix: {f.fix}")
        lines.append(paint(f"    source: {f.source}", "dim"))
    whole = report.scores.get("")
    grade = (f" (whole handout: SMOG {whole.smog:.1f}, Flesch-Kincaid {whole.fk_grade:.1f}, "
             f"reading ease {whole.reading_ease:.0f})") if whole and whole.words else ""
    failing = report.errors or report.warnings
    verdict = report.line().removeprefix("check: ") if failing else paint("ok", "ok") + (
        f" ({report.accepted} accepted)" if report.accepted else "")
    if not report.loaded:
        verdict = f"did not load ({verdict}); fix these first"
    lines.append(f"{report.file}: {verdict}{grade}")
    return "\n".join(lines) + "\n"


def _disabled(reports: list[Report]) -> dict[str, str]:
    """Return the rules turned off, with their reasons (the project's, so the same for every file)."""
    return {rule: why for r in reports for rule, why in r.disabled.items()}


def _finding(f: Finding) -> dict:
    return {
        "rule": f.rule, "severity": f.severity, "file": f.file, "line": f.line, "col": f.col, "path": f.path,
        "message": f.message, "source": f.source, "fix": f.fix,
        "related": [{"path": r.path, "line": r.line, "col": r.col, "text": r.text} for r in f.related],
        "accepted": f.accepted,
    }


def as_json(reports: list[Report]) -> dict:
    """Return the reports as one document: total counts, then each file's counts, findings and scores."""
    return {
        "errors": sum(r.errors for r in reports),
        "warnings": sum(r.warnings for r in reports),
        "accepted": sum(r.accepted for r in reports),
        "files": [_file_json(r) for r in reports],
    }


def _file_json(report: Report) -> dict:
    """Return one file's report as plain data: counts, findings, readability scores, rules turned off."""
    return {
        "file": report.file,
        "loaded": report.loaded,
        "errors": report.errors,
        "warnings": report.warnings,
        "accepted": report.accepted,
        "findings": [_finding(f) for f in report.findings],
        "readability": {
            (path or "document"): {"smog": round(s.smog, 1), "smog_short": s.smog_short,
                                   "fk_grade": round(s.fk_grade, 1),
                                   "reading_ease": round(s.reading_ease, 1), "sentences": s.sentences,
                                   "words": s.words, "polysyllables": s.polysyllables}
            for path, s in report.scores.items()},
        "disabled": report.disabled,
    }


def _uri(file: str) -> str:
    """Return `file` as a URI relative to the current folder when it is inside it (as GitHub wants)."""
    path = Path(file)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def _location(file: str, line: int, col: int, path: str) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(file)}}
    if line > 0:
        physical["region"] = {"startLine": line, "startColumn": max(col, 1)}
    location: dict = {"physicalLocation": physical}
    if path:
        location["logicalLocations"] = [{"fullyQualifiedName": path, "kind": "member"}]
    return location


def as_sarif(reports: list[Report]) -> dict:
    """Return the reports as a SARIF 2.1.0 log with one run: the rules, then every file's results."""
    ids = list(RULES)
    disabled = _disabled(reports)
    rules = [{
        "id": r.id,
        "name": "".join(part.capitalize() for part in r.id.split("-")),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.description + (f" Threshold: {r.threshold}." if r.threshold else "")},
        "help": {"text": explain(r.id), "markdown": explain(r.id, markdown=True)},
        "helpUri": f"{DOCS_URI}#{r.id}",  # the rule's heading in the reference of docs/rules.md
        "defaultConfiguration": {"level": r.severity, "enabled": r.id not in disabled},
        "properties": {"source": r.source},
    } for r in RULES.values()]
    results = []
    for f in (f for r in reports for f in r.findings):
        result = {
            "ruleId": f.rule,
            "ruleIndex": ids.index(f.rule),
            "level": f.severity,
            "message": {"text": f"{f.message} Fix: {f.fix}"},
            "locations": [_location(f.file, f.line, f.col, f.path)],
        }
        if f.related:
            result["relatedLocations"] = [
                {"id": i, **_location(f.file, r.line, r.col, r.path), "message": {"text": r.text}}
                for i, r in enumerate(f.related)]
        if f.accepted:
            result["suppressions"] = [{"kind": "inSource", "status": "accepted", "justification": f.accepted}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "handouts", "version": __version__, "informationUri": DOCS_URI,
                                "rules": rules}},
            "results": results,
        }],
    }


def explain(rule_id: str, markdown: bool = False) -> str:
    """Return what `rule_id` checks, why (its source), its threshold and examples of failing and passing text."""
    r = RULES[rule_id]
    code = (lambda t: f"`` {t} ``" if "`" in t else f"`{t}`") if markdown else (lambda t: t)
    lines = [f"{r.id} ({r.severity}): {r.title}", "", r.description, "",
             f"Source: {r.source}"]
    if r.threshold:
        lines.append(f"Threshold: {r.threshold}")
    lines.append(f"Fix: {r.fix}")
    if r.bad:
        lines += ["", f"Fails: {code(r.bad)}", f"Passes: {code(r.good)}"]
    return ("\n\n" if markdown else "\n").join(line for line in lines if line or not markdown) + "\n"


def reference() -> str:
    """Return the "Rule reference" section of docs/rules.md: `explain` of every rule, in Markdown.

    Regenerate it with `python -c "from handouts.report import reference; print(reference(), end='')"`
    and paste it over the section (tests/test_docs.py compares them).
    """
    parts = ["## Rule reference\n\nWhat `handouts check --explain RULE` prints, for every rule.\n"]
    for r in RULES.values():
        body = explain(r.id, markdown=True).split("\n\n", 1)[1]
        parts.append(f"### `{r.id}`\n\n**{r.severity}**: {r.title}\n\n{body}")
    return "\n".join(parts)
