"""The rules of `handouts check`: a `Loaded` topic and its `CheckConfig` in, a `Report` out.

`check(loaded, settings, today=...)` runs every rule in `RULES` that the project has
not turned off and returns a `Report`: its `Finding`s (rule id, severity, file, line,
column, key path, message, the standard it comes from and how to fix it) in file
order, and the readability `Score` of every section and of the whole handout.
`unloaded(path, problems, config)` is the `Report` of a file that does not load: each
of the loader's problems as a `content-invalid` finding. `summary(loaded, config)` is
the one line `handouts build` prints.

The rules and their numbers come from the project's standards (AMA, NIH, AHRQ PEMAT-P,
CDC Clear Communication Index, PIF TICK); docs/rules.md lists each with an example.
Several are heuristics (medical terms from a word list, passive voice, imperatives,
explained numbers) and say so in their messages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .config import CheckConfig
from .load import Loaded, Problem
from .model import Content
from .readability import Score, hardest_sentences, score, split_sentences, words

TERMS_FILE = Path(__file__).with_name("data") / "medical-terms.txt"
MAIN_MESSAGE_SENTENCES = 3
SHORT_SENTENCE_WORDS = 20
LIST_ERROR, LIST_WARNING = 7, 5
SECTION_WORDS = 150
REVIEW_YEARS = 3


@dataclass(frozen=True)
class Rule:
    """One check: its id, default severity, what it looks for, its source and the fix."""

    id: str
    severity: str
    title: str
    source: str
    fix: str


@dataclass(frozen=True)
class Related:
    """A place that explains a finding, e.g. one of the hardest sentences of a section."""

    path: str
    line: int
    col: int
    text: str


@dataclass(frozen=True)
class Finding:
    """One place where the handout falls short of a standard."""

    rule: str
    severity: str
    file: str
    line: int
    col: int
    path: str
    message: str
    source: str
    fix: str
    related: tuple[Related, ...] = ()


@dataclass(frozen=True)
class Report:
    """Every finding for one content file, with the readability scores behind them."""

    file: str
    findings: list[Finding]
    scores: dict[str, Score]
    """Readability of each scored part by key path; "" is the whole handout."""
    disabled: dict[str, str] = field(default_factory=dict)
    """Rules the project turned off, with its reasons."""
    loaded: bool = True
    """False when the file did not load: its findings are then the loader's problems (`content-invalid`)."""

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    def fails(self, strict: bool = False) -> bool:
        """Return whether the check fails: any error, or any warning when `strict`."""
        return bool(self.errors or (strict and self.warnings))

    def line(self) -> str:
        """Return the counts as one line: "check: 0 errors, 2 warnings"."""
        return f"check: {plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


_SMOG = "SMOG: McLaughlin 1969, Fitzsimmons et al. 2010"
_PLAIN = "Use short sentences and everyday words; split long sentences; keep medical terms for the glossary."
RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("content-invalid", "error", "Content file does not load", "the content model (docs/content.md)",
         "Fix the key the message names: valid YAML, the type docs/content.md gives, every required key."),
    Rule("smog-error", "error", "Reads above the grade limit (SMOG)", f"NIH (grade 8 or lower); {_SMOG}", _PLAIN),
    Rule("smog-warning", "warning", "Reads above the target grade (SMOG)",
         f"AMA (grade 6 or lower), AAFP (grade 5-6); {_SMOG}", _PLAIN),
    Rule("main-message", "error", "Main message is not 1-3 short sentences",
         "CDC Clear Communication Index 1-3",
         f"Say the one thing to remember in 1-{MAIN_MESSAGE_SENTENCES} sentences of at most "
         f"{SHORT_SENTENCE_WORDS} words."),
    Rule("summary-missing", "error", "No summary", "AHRQ PEMAT-P 11; CDC Clear Communication Index 10",
         "Add a `summary:` with the most important points."),
    Rule("generic-heading", "warning", "Heading says nothing about the section",
         "AHRQ PEMAT-P 8-9; CDC Clear Communication Index 9",
         "Say what the section is about, as a statement or a question (\"What is leaky gut?\")."),
    Rule("list-too-long", "error", f"List of more than {LIST_ERROR} items", "CDC Clear Communication Index 8",
         "Break the list into shorter lists under their own headings."),
    Rule("list-long", "warning", f"List of more than {LIST_WARNING} items", "house style (CDC Clear Communication "
         "Index 8 allows 7)", "Cut the list to the points that matter, or split it."),
    Rule("section-long", "warning", f"Section of more than {SECTION_WORDS} words", "AHRQ PEMAT-P 8",
         "Split the section into two, each with its own heading."),
    Rule("term-undefined", "warning", "Medical term not in the glossary", "AHRQ PEMAT-P 3-4; CDC Clear "
         "Communication Index 7", "Use an everyday word instead, or add the term to the glossary."),
    Rule("acronym-undefined", "warning", "Acronym not spelled out at first use", "AHRQ PEMAT-P 4; CDC Clear "
         "Communication Index 7", "Spell it out the first time, e.g. \"irritable bowel syndrome (IBS)\", "
         "or add it to the glossary."),
    Rule("action-missing", "error", "No action addressed to the reader", "AHRQ PEMAT-P 20-21; CDC Clear "
         "Communication Index 5", "Add at least one step the reader can take, starting with a verb "
         "(\"Drink a glass of water with each meal.\")."),
    Rule("action-not-addressed", "warning", "Action not addressed to the reader", "AHRQ PEMAT-P 5, 21",
         "Start with a verb or say \"you\" (\"Ask your nurse ...\", not \"Patients should ask ...\")."),
    Rule("get-help-missing", "error", "No \"when to get help\" block with a phone number",
         "CDC Clear Communication Index 14", "List when to call under `get_help.when` and give a "
         "`get_help.phone` number."),
    Rule("absolute-claim", "warning", "Absolute or promotional claim", "PIF TICK (balanced, not promotional)",
         "Say what the evidence shows and for whom; drop words like \"cure\", \"best way\", \"guaranteed\"."),
    Rule("number-unexplained", "warning", "Percentage or \"1 in N\" not explained in words",
         "CDC Clear Communication Index 15-20", "Say what the number means, e.g. \"20% (20 out of every 100 "
         "people)\" or \"This means ...\"."),
    Rule("passive-voice", "warning", "Passive voice (heuristic)", "AHRQ PEMAT-P 5",
         "Say who does what: \"Take the tablets\", not \"The tablets should be taken\"."),
    Rule("review-date-limit", "error", f"Review date more than {REVIEW_YEARS} years after publication",
         "PIF TICK", f"Set `review:` no later than {REVIEW_YEARS} years after `published:`."),
    Rule("review-date-passed", "error", "Review date has passed", "PIF TICK",
         "Review the handout, then update `published:` and `review:`."),
    Rule("sources-missing", "error", "No sources", "PIF TICK", "List what the handout is based on under "
         "`sources:`."),
    Rule("feedback-missing", "warning", "No feedback route", "PIF TICK",
         "Add `feedback:` with an email address, phone number or web form readers can use."),
    Rule("disclaimer-wording", "warning", "Disclaimer does not say the handout does not replace advice",
         "common practice (not a PIF TICK requirement)",
         "Say that the handout does not replace advice from the care team."),
)}


def check(loaded: Loaded, settings: CheckConfig = CheckConfig(), today: dt.date | None = None) -> Report:
    """Return every finding for `loaded` under `settings`, as of `today` (default: the real today)."""
    ctx = _Context(loaded, settings, today or dt.date.today())
    for run in _CHECKS:
        run(ctx)
    findings = sorted((f for f in ctx.findings if f.rule not in settings.disabled),
                      key=lambda f: (f.line, f.col, f.rule))
    return Report(str(loaded.path), findings, ctx.scores, dict(settings.disabled))


def unloaded(path: str | Path, problems: list[Problem], settings: CheckConfig = CheckConfig()) -> Report:
    """Return the report of a file that did not load: each of the loader's `problems` as a `content-invalid` finding."""
    rule = RULES["content-invalid"]
    findings = [Finding(rule.id, p.severity, p.file, p.line or 1, p.col or 1, p.path, p.message, rule.source, rule.fix)
                for p in problems]
    return Report(str(path), findings, {}, dict(settings.disabled), loaded=False)


def summary(loaded: Loaded, settings: CheckConfig = CheckConfig(), *, strict: bool = False,
            today: dt.date | None = None) -> tuple[str, bool]:
    """Return the line `build` prints ("check: 0 errors, 2 warnings") and whether the build must stop."""
    report = check(loaded, settings, today)
    failed = strict and report.fails(strict=True)
    note = "; not building (--strict): run `handouts check` for details" if failed else ""
    return report.line() + note, failed


def unknown_rules(settings: CheckConfig) -> list[str]:
    """Return the ids in `settings.disabled` that name no rule that can be turned off."""
    return [rule for rule in settings.disabled if rule not in switchable()]


def switchable() -> list[str]:
    """Return the ids of the rules a project may turn off: all but `content-invalid` (a file must load)."""
    return [rule for rule in RULES if rule != "content-invalid"]


class _Context:
    """What the checks share: the content, where each key is, and the findings so far."""

    def __init__(self, loaded: Loaded, settings: CheckConfig, today: dt.date):
        self.loaded, self.content, self.settings, self.today = loaded, loaded.content, settings, today
        self.findings: list[Finding] = []
        self.scores: dict[str, Score] = {}

    def where(self, path: str) -> tuple[int, int]:
        """Return (line, col) of `path`, or of its nearest located parent (a default value has none)."""
        while path not in self.loaded.locations and path:
            path = re.sub(r"(^|\.)[^.\[]+$|\[\d+\]$", "", path)
        return self.loaded.locations.get(path, (1, 1))

    def add(self, rule: str, path: str, message: str, related: tuple[Related, ...] = ()) -> None:
        r = RULES[rule]
        line, col = self.where(path)
        self.findings.append(Finding(rule, r.severity, str(self.loaded.path), line, col, path, message,
                                     r.source, r.fix, related))


def body_texts(content: Content) -> Iterator[tuple[str, str]]:
    """Yield (key path, text) of the text a reader reads, in order; not glossary, sources or notes."""
    yield "title", content.title
    if content.subtitle:
        yield "subtitle", content.subtitle
    yield "main_message", content.main_message
    for i, point in enumerate(content.summary):
        yield f"summary[{i}]", point
    for i, section in enumerate(content.sections):
        yield from _section_texts(section.heading, section.points, f"sections[{i}]", "points")
    for i, action in enumerate(content.actions):
        yield f"actions[{i}]", action
    yield from _section_texts(content.get_help.heading, content.get_help.when, "get_help", "when")
    yield "disclaimer", content.disclaimer


def _section_texts(heading: str, items: Sequence[str], path: str, key: str) -> Iterator[tuple[str, str]]:
    yield f"{path}.heading", heading
    for i, item in enumerate(items):
        yield f"{path}.{key}[{i}]", item


# Readability ----------------------------------------------------------------------------

def _readability(ctx: _Context) -> None:
    c = ctx.content
    parts = {f"sections[{i}]": list(_section_texts(s.heading, s.points, f"sections[{i}]", "points"))
             for i, s in enumerate(c.sections)}
    parts["actions"] = [(f"actions[{i}]", a) for i, a in enumerate(c.actions)]
    parts["get_help"] = list(_section_texts(c.get_help.heading, c.get_help.when, "get_help", "when"))
    parts[""] = list(body_texts(c))
    for path, located in parts.items():
        texts = [text for _, text in located]
        s = ctx.scores[path] = score(texts)
        limit = ctx.settings.grade_error if s.smog > ctx.settings.grade_error else ctx.settings.grade_warning
        if not s.words or s.smog <= limit:
            continue
        hard = [h for h in hardest_sentences(texts, 3) if h.polysyllables]
        related = tuple(Related(located[h.text_index][0], *ctx.where(located[h.text_index][0]),
                                f"{h.sentence} ({plural(h.polysyllables, 'long word')}: "
                                f"{', '.join(h.polysyllabic_words)})") for h in hard)
        places = ", ".join(dict.fromkeys(f"{r.path} (line {r.line})" for r in related))
        what = "The handout" if not path else "This part"
        ctx.add("smog-error" if limit == ctx.settings.grade_error else "smog-warning", path,
                f"{what} reads at grade {s.smog:.1f} by SMOG (Flesch-Kincaid {s.fk_grade:.1f}, "
                f"reading ease {s.reading_ease:.0f}), above {limit:g}."
                + (f" Rewrite first: {places}." if places else ""), related)


# Structure ------------------------------------------------------------------------------

_GENERIC_WORDS = frozenset({"information", "info", "other", "misc", "miscellaneous", "general", "details",
                            "more", "notes", "overview", "introduction", "background", "extra", "faq",
                            "faqs", "additional", "further", "section", "part", "about", "the", "and"})


def _structure(ctx: _Context) -> None:
    c = ctx.content
    sentences = split_sentences(c.main_message)
    long = [s for s in sentences if len(words(s)) > SHORT_SENTENCE_WORDS]
    if len(sentences) > MAIN_MESSAGE_SENTENCES or long:
        why = (f"it has {len(sentences)} sentences" if len(sentences) > MAIN_MESSAGE_SENTENCES
               else f"a sentence has {len(words(long[0]))} words")
        ctx.add("main-message", "main_message", f"The main message should be 1-{MAIN_MESSAGE_SENTENCES} short "
                f"sentences; {why}.")
    if not c.summary:
        ctx.add("summary-missing", "summary", "The summary is empty: add the most important points.")
    headings = [(f"sections[{i}].heading", s.heading) for i, s in enumerate(c.sections)]
    for path, heading in headings + [("get_help.heading", c.get_help.heading)]:
        ws = [w.lower() for w in words(heading) if not w.isdigit()]
        if not ws or all(w in _GENERIC_WORDS for w in ws):
            ctx.add("generic-heading", path, f"The heading {heading!r} says nothing about what follows.")
    lists: list[tuple[str, Sequence[str]]] = [
        ("summary", c.summary), *((f"sections[{i}].points", s.points) for i, s in enumerate(c.sections)),
        ("actions", c.actions), ("get_help.when", c.get_help.when)]
    for path, items in lists:
        if len(items) > LIST_ERROR:
            ctx.add("list-too-long", path, f"This list has {len(items)} items, more than {LIST_ERROR}.")
        elif len(items) > LIST_WARNING:
            ctx.add("list-long", path, f"This list has {len(items)} items, more than {LIST_WARNING}.")
    for i, section in enumerate(c.sections):
        count = sum(len(words(t)) for t in [section.heading, *section.points])
        if count > SECTION_WORDS:
            ctx.add("section-long", f"sections[{i}]", f"This section has {count} words, more than {SECTION_WORDS}.")


# Words ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def bundled_terms() -> tuple[str, ...]:
    """Return the bundled medical terms, lower case, in file order."""
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(t.strip().lower() for t in lines if t.strip() and not t.startswith("#"))


def _term_pattern(term: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"[\s-]+", term.strip())]
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(parts) + r"(?:s|es)?(?!\w)", re.IGNORECASE)


_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9&]{1,6})s?(?![\w-])")
_NOT_ACRONYMS = frozenset({"OK", "TV", "UK", "US", "USA", "AM", "PM", "II", "III", "IV", "ID"})


def _words(ctx: _Context) -> None:
    texts = list(body_texts(ctx.content))
    glossary = [t.term for t in ctx.content.glossary]
    terms = dict.fromkeys([*bundled_terms(), *(t.lower() for t in ctx.settings.terms)])
    for term in terms:
        pattern = _term_pattern(term)
        first = next(((path, m.group()) for path, text in texts for m in [pattern.search(text)] if m), None)
        if first and not any(pattern.search(g) for g in glossary):
            ctx.add("term-undefined", first[0], f"{first[1]!r} looks like a medical term (from the term list, "
                    "a heuristic) and is not in the glossary.")
    seen: set[str] = set()
    for path, text in texts:
        if text.isupper():  # a heading in capitals is a clear-print problem, not an acronym
            continue
        for m in _ACRONYM.finditer(text):
            acronym = m.group(1)
            if acronym in seen or acronym in _NOT_ACRONYMS:
                continue
            seen.add(acronym)
            spelled = re.match(r"\s*\(", text[m.end():]) or text[:m.start()].rstrip().endswith("(")
            if not spelled and not any(re.search(rf"\b{re.escape(acronym)}\b", g) for g in glossary):
                ctx.add("acronym-undefined", path, f"{acronym} is not spelled out at its first use.")


# Actions and help -----------------------------------------------------------------------

_YOU = re.compile(r"\byou(?:r|rs|rself)?\b", re.IGNORECASE)
_LEAD_INS = frozenset({"please", "always", "never", "do", "don't", "not", "then", "first", "next", "also",
                       "now", "each", "every", "day", "if", "when"})
_IMPERATIVES = frozenset("""add aim allow answer apply arrange ask avoid be bathe book breathe bring brush buy call
    cancel change check choose clean collect come contact continue cover cut decide discuss do drink drive eat
    empty exercise fill find follow get give go keep know learn leave let lie limit list look make mark measure
    move note open pack plan practise practice prepare put raise read record reduce remember remove repeat
    report rest return rinse ring say see sit sleep show speak stand start stay stop store swallow take talk
    tell test text think track try turn use visit wait wake walk wash watch wear weigh write""".split())


def addressed(text: str) -> bool:
    """Return whether `text` speaks to the reader: says "you" or starts with a verb (a heuristic)."""
    if _YOU.search(text):
        return True
    for word in (w.lower() for w in words(text)):
        if word not in _LEAD_INS:
            return word in _IMPERATIVES
    return False


def _actions(ctx: _Context) -> None:
    c = ctx.content
    for i, action in enumerate(c.actions):
        if not addressed(action):
            ctx.add("action-not-addressed", f"actions[{i}]", "This action does not say \"you\" or start with a "
                    "verb (a heuristic).")
    if not any(addressed(a) for a in c.actions):
        ctx.add("action-missing", "actions", "No action tells the reader what to do." if c.actions
                else "There are no actions.")
    if not c.get_help.when:
        ctx.add("get-help-missing", "get_help.when", "Say when the reader should get help.")
    if len(re.findall(r"\d", c.get_help.phone)) < 3:
        ctx.add("get-help-missing", "get_help.phone", f"{c.get_help.phone!r} is not a phone number.")


# Claims, numbers, voice -----------------------------------------------------------------

_CLAIM = re.compile(r"\b(best way|cur(?:e|es|ed|ing)|guarantee[ds]?|miracles?|miraculous|wonder drug|"
                    r"magic(?:al)?|breakthrough|(?:clinically )?proven|risk[- ]free|completely safe|"
                    r"totally safe|100% (?:safe|effective|natural)|no side effects|works every time|"
                    r"always works)\b", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:no|not|never|cannot|can't|won't|isn't|is not a|does not|doesn't)(?: \w+)?\s*$",
                      re.IGNORECASE)
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|per ?cent\b)", re.IGNORECASE)
_ONE_IN_N = re.compile(r"\b\d[\d,]*\s+in\s+\d[\d,]*\b")
_EXPLAINED = re.compile(r"\b(?:out of|of every|for every|in every|means|in other words|that is)\b", re.IGNORECASE)
_BE = r"(?:am|is|are|was|were|be|been|being)"
_PARTICIPLE = re.compile(rf"\b{_BE}\s+(?:\w+ly\s+|not\s+|also\s+|often\s+|always\s+|never\s+)?"
                         r"(\w{2,}ed|given|taken|known|seen|shown|done|made|written|found|told|kept|held|"
                         r"left|paid|sent|brought|bought|caught|taught|thought|built|spent|put|set|hurt|"
                         r"eaten|drunk|worn|chosen|broken|stolen|forgotten|hidden|beaten)\b", re.IGNORECASE)
_ADJECTIVES = frozenset({"tired", "worried", "scared", "bored", "interested", "excited", "pleased", "concerned",
                         "married", "supposed", "used", "ashamed", "confused", "annoyed", "surprised",
                         "frightened", "embarrassed", "stressed", "need", "feed", "seed", "speed", "bleed",
                         "breed", "indeed", "proceed", "succeed", "exceed", "shed"})


def passive(text: str) -> str | None:
    """Return the first "be + past participle" in `text` ("is taken"), or None (a heuristic)."""
    m = next((m for m in _PARTICIPLE.finditer(text) if m.group(1).lower() not in _ADJECTIVES), None)
    return m.group() if m else None


def _wording(ctx: _Context) -> None:
    for path, text in body_texts(ctx.content):
        for m in _CLAIM.finditer(text):
            if not _NEGATED.search(text[:m.start()]):
                ctx.add("absolute-claim", path, f"{m.group()!r} is an absolute or promotional claim.")
                break
        numbers = _PERCENT.findall(text) + _ONE_IN_N.findall(text)
        if numbers and not _EXPLAINED.search(text):
            ctx.add("number-unexplained", path, f"{numbers[0]!r} is not explained in words.")
    voiced = [("main_message", ctx.content.main_message),
              *((f"actions[{i}]", a) for i, a in enumerate(ctx.content.actions))]
    for path, text in voiced:
        phrase = passive(text)
        if phrase:
            ctx.add("passive-voice", path, f"{phrase!r} looks passive (a heuristic): say who does it.")


# Governance -----------------------------------------------------------------------------

def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEB = re.compile(r"https?://|www\.|\b[\w-]+\.(?:org|com|net|gov|nhs\.uk|co\.uk|ca|au|ie)\b", re.IGNORECASE)
_PHONE = re.compile(r"\d[\d ()-]{1,}\d")


def _governance(ctx: _Context) -> None:
    c = ctx.content
    limit = _years_after(c.published, REVIEW_YEARS)
    if c.review > limit or c.review < c.published:
        ctx.add("review-date-limit", "review", f"Review date {c.review} should fall between publication "
                f"({c.published}) and {limit}, at most {REVIEW_YEARS} years later.")
    if c.review < ctx.today:
        ctx.add("review-date-passed", "review", f"The review date {c.review} has passed (today is {ctx.today}).")
    if not c.sources:
        ctx.add("sources-missing", "sources", "No sources are listed.")
    if not c.feedback:
        ctx.add("feedback-missing", "feedback", "There is no `feedback:` telling readers how to give feedback.")
    elif not (_EMAIL.search(c.feedback) or _WEB.search(c.feedback) or _PHONE.search(c.feedback)):
        ctx.add("feedback-missing", "feedback", "The feedback text gives no email, phone number or web address.")
    if not re.search(r"\b(?:replace|substitute|instead of|in place of)", c.disclaimer, re.IGNORECASE):
        ctx.add("disclaimer-wording", "disclaimer", "The disclaimer does not say the handout does not replace "
                "advice from the care team.")


_CHECKS = (_readability, _structure, _words, _actions, _wording, _governance)
