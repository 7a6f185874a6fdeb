"""The rules of `handouts check`: a `Loaded` topic and its `CheckConfig` in, a `Report` out.

`check(loaded, settings, today=...)` runs every rule in `RULES` that the project has
not turned off and returns a `Report`: its `Finding`s (rule id, severity, file, line,
column, key path, message, the standard it comes from and how to fix it) in file
order, and the readability `Score` of every section and of the whole handout. The
loader's warnings (unknown keys) are findings too. Findings the topic accepts, in its
`check: accept:` block or with a `# check: accept RULE: "reason"` comment on their
line, carry the reason and count for nothing; an acceptance that matches no finding
is an `accept-unused` warning. `unloaded(path, problems, config)` is the `Report` of a
file that does not load: each of the loader's problems as a `content-invalid` finding
(`unknown-key` for its warnings). `summary(loaded, config)` is the one line `handouts
build` prints.

The rules and their numbers come from the project's standards (AMA, NIH, AHRQ PEMAT-P,
CDC Clear Communication Index, PIF TICK, the SMOG manual, the SHeLL Health Literacy
Editor); docs/rules.md lists each with its threshold, source and an example, and
`RULES` holds the same for `--explain` and SARIF. Several are heuristics (medical terms
and plain words from word lists, word kinds, passive voice, imperatives, explained
numbers) and say so in their messages.

The wording and readability rules are written for English (`ENGLISH_ONLY`). A topic in
Spanish gets their Spanish versions from `spanish.py` instead; a topic in another
language skips them, and its `Report.skipped` says which and why. Rules for every
language: a character none of the handout's fonts can draw (`glyph-missing`, from
`glyphs.py`), a language without a complete label catalogue (`labels-missing`), and a
translation whose structure or contact details differ from its source language's
(`translation-drift`, `translation-contact`, from `translations.py`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .bundled import DEFAULT, Look
from .config import CheckConfig
from .language import SOURCE, base
from .load import Loaded, Problem
from .model import Content
from .readability import Score, hardest_sentences, score, split_sentences, words
from .spanish import SpanishScore

DATA = Path(__file__).with_name("data")
TERMS_FILE = DATA / "medical-terms.txt"
MAIN_MESSAGE_SENTENCES = 3
SHORT_SENTENCE_WORDS = 20
LIST_ERROR, LIST_WARNING = 7, 5
SECTION_WORDS = 150
REVIEW_YEARS = 3
ITEM_WORDS = 40
DENSITY_LIMIT, DENSITY_MIN_WORDS = 0.65, 15


@dataclass(frozen=True)
class Rule:
    """One check: its id, default severity, what it looks for, its source and the fix."""

    id: str
    severity: str
    title: str
    source: str
    fix: str
    description: str
    """What it checks and why, in a few sentences (SARIF fullDescription, `--explain`)."""
    threshold: str = ""
    """When it fires, for rules with a number in them."""
    bad: str = ""
    """Example of text that fails."""
    good: str = ""
    """Example of text that passes."""


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
    accepted: str | None = None
    """The reason the writer accepted this finding (topic `check: accept:` or a `# check: accept` comment)."""


@dataclass(frozen=True)
class Report:
    """Every finding for one content file, with the readability scores behind them."""

    file: str
    findings: list[Finding]
    scores: dict[str, Score | SpanishScore]
    """Readability of each scored part by key path; "" is the whole handout (the measures of its language)."""
    disabled: dict[str, str] = field(default_factory=dict)
    """Rules the project turned off, with its reasons."""
    loaded: bool = True
    """False when the file did not load: its findings are then the loader's problems (`content-invalid`)."""
    language: str = "en"
    """The topic's language (BCP 47): it decides which wording and readability rules run."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Rules not run for this language, with why (English-only rules for a language without its own)."""

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" and not f.accepted for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" and not f.accepted for f in self.findings)

    @property
    def accepted(self) -> int:
        """Return how many findings the writer accepted with a reason (they fail nothing)."""
        return sum(bool(f.accepted) for f in self.findings)

    def fails(self, strict: bool = False) -> bool:
        """Return whether the check fails: any error, or any warning when `strict`."""
        return bool(self.errors or (strict and self.warnings))

    def line(self) -> str:
        """Return the counts as one line: "check: 0 errors, 2 warnings" (", 1 accepted" when there are)."""
        accepted = f", {self.accepted} accepted" if self.accepted else ""
        return f"check: {plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}{accepted}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


_SMOG = "SMOG: McLaughlin 1969 and the SMOG manual's conversion for short texts; Fitzsimmons et al. 2010"
_SHELL = "SHeLL Health Literacy Editor (Ayre et al. 2023, JMIR Formative Research e40645)"
_PLAIN = ("Use everyday words for the ordinary long words the finding names; numerals, glossary terms and "
          "names may stay (accept the finding with a reason if the text needs them).")
RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("content-invalid", "error", "Content file does not load", "the content model (docs/content.md)",
         "Fix the key the message names: valid YAML, the type docs/content.md gives, every required key.",
         "The file must be valid YAML with every required key and each value of the type docs/content.md "
         "gives; nothing else can be checked or built until it loads.",
         bad="points: [[Drink water.]]   (a list inside a list)", good="points: [Drink water.]"),
    Rule("smog-error", "error", "The handout reads above the grade limit (SMOG)",
         f"NIH (grade 8 or lower); {_SMOG}", _PLAIN,
         "The whole handout's reading grade by SMOG (McLaughlin's formula, scaled to 30 sentences). The "
         "finding names the hardest sentences and the long words (3 or more syllables) that drive the grade, "
         "each marked as numeral, glossary term, proper name or ordinary word: only ordinary words are "
         "yours to change.",
         threshold="SMOG above `grade_error` (default 8) for the whole handout",
         bad="a handout written like the source article (grade 13)",
         good="the same points in short everyday words (grade 8 or lower)"),
    Rule("smog-warning", "warning", "The handout reads above the target grade (SMOG)",
         f"AMA (grade 6 or lower), AAFP (grade 5-6); {_SMOG}", _PLAIN,
         "As smog-error, at the lower target most plain-language guides set for patient material.",
         threshold="SMOG above `grade_warning` (default 6) and at most `grade_error` for the whole handout",
         bad="a handout at SMOG 7.1", good="a handout at SMOG 6 or lower"),
    Rule("smog-section", "warning", "A part reads above the target grade (SMOG, short-text method)",
         f"AMA (grade 6 or lower); {_SMOG}", _PLAIN,
         "Each section, the actions and the get-help block graded with the SMOG manual's method for texts "
         "of fewer than 30 sentences: long words times 30 / sentences (at least 10 sentences), then the "
         "manual's table. It is a warning, never an error: a few sentences are too few for a firm grade. "
         "Splitting a sentence never raises it.",
         threshold="grade above `grade_warning` (default 6): 5 or more long words in up to 10 sentences",
         bad='points: ["Inflammation and permeability are important.", "Medication and exercise can help."]',
         good='points: ["Swelling and leaks matter.", "Pills and walks can help."]'),
    Rule("main-message", "error", "Main message is not 1-3 short sentences",
         "CDC Clear Communication Index 1-3",
         f"Say the one thing to remember in 1-{MAIN_MESSAGE_SENTENCES} sentences of at most "
         f"{SHORT_SENTENCE_WORDS} words.",
         "The main message is shown first; readers should take it in at a glance.",
         threshold=f"more than {MAIN_MESSAGE_SENTENCES} sentences, or one of more than {SHORT_SENTENCE_WORDS} words",
         bad="main_message: Drink water. Drink it often. Drink it cold. Drink it now.",
         good="main_message: Drink water every day."),
    Rule("summary-missing", "error", "No summary", "AHRQ PEMAT-P 11; CDC Clear Communication Index 10",
         "Add a `summary:` with the most important points.",
         "A summary repeats the key points, so readers who skim still get them.",
         bad="summary: []", good="summary: [Water helps., Drink often.]"),
    Rule("generic-heading", "warning", "Heading says nothing about the section",
         "AHRQ PEMAT-P 8-9; CDC Clear Communication Index 9",
         "Say what the section is about, as a statement or a question (\"What is leaky gut?\").",
         "Headings should tell readers what each part says, so they can find what they need.",
         threshold="every word of the heading is generic (information, other, general, more, overview, ...)",
         bad="- heading: Other information", good="- heading: Other ways to drink more"),
    Rule("list-too-long", "error", f"List of more than {LIST_ERROR} items", "CDC Clear Communication Index 8",
         "Break the list into shorter lists under their own headings.",
         "Long lists are hard to take in; the Index allows at most 7 items.",
         threshold=f"more than {LIST_ERROR} items in a list", bad="actions: 8 items", good="actions: 7 items"),
    Rule("list-long", "warning", f"List of more than {LIST_WARNING} items", "house style (CDC Clear Communication "
         "Index 8 allows 7)", "Cut the list to the points that matter, or split it.",
         "House style keeps lists to 5 items, below the Index's limit.",
         threshold=f"more than {LIST_WARNING} items", bad="summary: 6 items", good="summary: 5 items"),
    Rule("section-long", "warning", f"Section of more than {SECTION_WORDS} words", "AHRQ PEMAT-P 8",
         "Split the section into two, each with its own heading.",
         "Short sections (chunks) are easier to read and to find again.",
         threshold=f"more than {SECTION_WORDS} words in a section's heading and points",
         bad="a section of 15 bullets of 10 words", good="two sections of 7 or 8 bullets"),
    Rule("item-long", "warning", "Long bullet or paragraph", f"{_SHELL}: text structure; AHRQ PEMAT-P 8",
         "Keep one idea to a bullet: split it into two bullets, or cut words.",
         "SHeLL's text-structure check: long paragraphs and long bullet points are hard to scan. Length is "
         "counted in words, not sentences, so splitting a long sentence (as the readability advice asks) "
         "never makes a bullet too long.",
         threshold=f"a bullet or paragraph of more than {ITEM_WORDS} words",
         bad='- "Drink a glass of water when you wake up, another one with each of your meals, one more '
             'whenever you go out for a walk or feel hot, and keep a full bottle next to your bed in case you '
             'wake up thirsty during the night."',
         good='- "Drink a glass of water when you wake up and with each meal."'),
    Rule("lexical-density", "warning", "Dense text: too many content words", f"{_SHELL}: lexical density",
         "Unpack the dense sentences the finding names: add the small words that join ideas (\"you\", "
         "\"it\", \"to\", \"and\"), or split a list of nouns into a sentence.",
         "Lexical density is the share of words that carry content (nouns, verbs, adjectives, adverbs) "
         "rather than function words. SHeLL reports it because dense text packs many ideas into few words. "
         "A word not in the bundled list of function words counts as a content word.",
         threshold=f"a section with at least {DENSITY_MIN_WORDS} words whose density is above {DENSITY_LIMIT:.0%}",
         bad='points: ["Daily fluid intake supports kidney function.", "Adequate hydration prevents fatigue.", '
             '"Regular fluid consumption improves concentration."]',
         good='points: ["Drink water each day: it helps your kidneys.", "If you drink enough, you will not be so '
              'tired.", "It can help you to think."]'),
    Rule("term-undefined", "warning", "Medical term not in the glossary", "AHRQ PEMAT-P 3-4; CDC Clear "
         "Communication Index 7", "Use an everyday word instead, or add the term to the glossary.",
         "A medical term from the bundled list (or the project's `check.terms`) used in the text but not "
         "defined in the glossary. Only its first use is reported.",
         bad='- "Water helps with constipation."   (no glossary entry)',
         good='- "Water helps with constipation."   (glossary: Constipation: When it is hard to poo.)'),
    Rule("acronym-undefined", "warning", "Acronym not spelled out at first use", "AHRQ PEMAT-P 4; CDC Clear "
         f"Communication Index 7; {_SHELL}: complex language", "Spell it out the first time, e.g. \"irritable "
         "bowel syndrome (IBS)\", or add it to the glossary.",
         "Acronyms are words of 2-7 capitals (OK, UK, TV and Roman numerals excepted). The first use must have "
         "the words in brackets beside it, or the acronym must be in the glossary.",
         bad='- "Ask your GP about water."', good='- "Ask your general practitioner (GP) about water."'),
    Rule("plain-words", "warning", "Complex word with a plain alternative",
         f"{_SHELL}: complex language; Federal Plain Language Guidelines (plainlanguage.gov); "
         "CDC Everyday Words for Public Health Communication",
         "Use the everyday word the finding gives.",
         "Words and phrases from the bundled public-domain list (src/handouts/data/plain-words.txt) that have "
         "an everyday alternative. A word defined in the glossary is not reported.",
         bad='- "Utilize the inhaler prior to exercise."', good='- "Use the inhaler before exercise."'),
    Rule("person-first", "warning", "Language that labels people by a condition",
         f"{_SHELL}: person-centred language; AMA Manual of Style (person-first language)",
         "Name the person first and the condition second, as the finding suggests.",
         "Words that define people by a condition or blame them (\"diabetic\", \"suffers from\", "
         "\"non-compliant\"), from the bundled list (src/handouts/data/person-first.txt).",
         bad='- "Diabetics who suffer from foot pain should call."',
         good='- "If you have diabetes and your feet hurt, call us."'),
    Rule("action-missing", "error", "No action addressed to the reader", "AHRQ PEMAT-P 20-21; CDC Clear "
         "Communication Index 5", "Add at least one step the reader can take, starting with a verb "
         "(\"Drink a glass of water with each meal.\").",
         "At least one action must speak to the reader: start with a verb or say \"you\".",
         bad='actions: ["Patients should drink water."]', good='actions: ["Drink water."]'),
    Rule("action-not-addressed", "warning", "Action not addressed to the reader", "AHRQ PEMAT-P 5, 21",
         "Start with a verb or say \"you\" (\"Ask your nurse ...\", not \"Patients should ask ...\").",
         "Each action should say \"you\" or start with a verb (a heuristic: a list of about 130 verbs).",
         bad='- "Water is good."   (in actions)', good='- "Always keep your water bottle full."'),
    Rule("get-help-missing", "error", "No \"when to get help\" block with a phone number",
         "CDC Clear Communication Index 14", "List when to call in a `get_help` tier (emergency, urgent, "
         "routine, or `when` with `phone`) with a phone number.",
         "Readers must know when to get help and whom to call.",
         threshold="no tier with items, or a phone with fewer than 3 digits",
         bad="phone: ask at the front desk", good="phone: 0800 123 456"),
    Rule("absolute-claim", "warning", "Absolute or promotional claim", "PIF TICK (balanced, not promotional)",
         "Say what the evidence shows and for whom; drop words like \"cure\", \"best way\", \"guaranteed\".",
         "Words that promise too much (cure, best way, guaranteed, miracle, proven, risk-free, no side "
         "effects, ...), unless negated (\"there is no cure\").",
         bad='- "Water is the best way to stay well."', good='- "There is no cure for a cold, but water helps."'),
    Rule("number-unexplained", "warning", "Percentage or \"1 in N\" not explained in words",
         "CDC Clear Communication Index 15-20", "Say what the number means, e.g. \"20% (20 out of every 100 "
         "people)\" or \"This means ...\".",
         "A percentage or \"N in M\" needs words that say what it means in the same text.",
         bad='- "About 1 in 5 people forget to drink."',
         good='- "About 20% of people forget to drink: 20 out of every 100."'),
    Rule("passive-voice", "warning", "Passive voice (heuristic)", f"AHRQ PEMAT-P 5; {_SHELL}: passive voice",
         "Say who does what: \"Take the tablets\", not \"The tablets should be taken\".",
         "A form of \"be\" followed by a past participle in the main message or an action (a heuristic).",
         bad="main_message: Water should be taken every day.", good="main_message: Drink water every day."),
    Rule("review-date-limit", "error", f"Review date more than {REVIEW_YEARS} years after publication",
         "PIF TICK", f"Set `review:` no later than {REVIEW_YEARS} years after `published:`.",
         "Health information must be reviewed regularly.",
         threshold=f"review more than {REVIEW_YEARS} years after published, or before it",
         bad="published: 2026-01-01, review: 2029-01-02", good="published: 2026-01-01, review: 2029-01-01"),
    Rule("review-date-passed", "error", "Review date has passed", "PIF TICK",
         "Review the handout, then update `published:` and `review:`.",
         "A handout past its review date may be out of date (`--today` sets the day checked).",
         bad="review: 2026-05-31 checked on 2026-06-01", good="review: 2026-06-01 checked on 2026-06-01"),
    Rule("sources-missing", "error", "No sources", "PIF TICK", "List what the handout is based on under "
         "`sources:`.", "Readers and reviewers must be able to see what the handout is based on.",
         bad="sources: []", good="sources: [{title: A water guide}]"),
    Rule("feedback-missing", "warning", "No feedback route", "PIF TICK",
         "Add `feedback:` with an email address, phone number or web form readers can use.",
         "Readers should be able to say what they think, by email, phone or web.",
         bad="feedback: Tell us what you think.", good="feedback: Tell us at example.org/feedback."),
    Rule("disclaimer-wording", "warning", "Disclaimer does not say the handout does not replace advice",
         "common practice (not a PIF TICK requirement)",
         "Say that the handout does not replace advice from the care team.",
         "The disclaimer should say the handout does not replace (or is not a substitute for) advice.",
         bad="disclaimer: Ask us anything.",
         good="disclaimer: This is not a substitute for advice from your care team."),
    Rule("unknown-key", "warning", "Unknown key", "the content model (docs/content.md)",
         "Fix the spelling of the key or remove it; the message lists the keys expected there.",
         "A key the content model does not have is ignored by the build, so a typo such as `subtitel:` "
         "silently drops text. With --strict it is an error and the file does not load.",
         bad="subtitel: A guide for families", good="subtitle: A guide for families"),
    Rule("accept-unused", "warning", "Acceptance that matches no finding", "house rule (like ruff's RUF100)",
         "Remove the acceptance, or fix its rule id: the finding it was written for is gone.",
         "An acceptance (`check: accept:` in the topic, or `# check: accept RULE: \"reason\"` on a line) that "
         "no longer matches any finding, names no rule, or cannot be read. Stale acceptances would otherwise "
         "hide a future finding without anyone looking at it again.",
         bad='check: {accept: {smog-warning: "names"}}   (the handout now reads at grade 6)',
         good="no `check:` block once the finding is gone"),
    Rule("inflesz-error", "error", "Spanish text reads as hard (INFLESZ)",
         "Barrio-Cantalejo et al. 2008 (INFLESZ, 55 or more for the public); Szigriszt-Pazos 1993", _PLAIN,
         "For a topic in Spanish, instead of SMOG: the Szigriszt-Pazos perspicuity of the whole handout and of "
         "each part of at least 20 words, read on the INFLESZ scale validated on patient materials in Spanish. "
         "Below 55 the text is 'algo difícil' or worse for the general public. Fernández-Huerta is given beside it.",
         threshold="Szigriszt-Pazos below `inflesz_error` (default 55)",
         bad="La administración concomitante de antiinflamatorios incrementa la probabilidad de complicaciones.",
         good="Estas medicinas juntas pueden dañar su estómago."),
    Rule("inflesz-warning", "warning", "Spanish text reads above the target (INFLESZ)",
         "Barrio-Cantalejo et al. 2008 (65 or more: bastante fácil); Fernández-Huerta 1959, Law 2011", _PLAIN,
         "As inflesz-error, at the target for patient handouts: 'bastante fácil' (65 or more) on the INFLESZ "
         "scale, as English handouts aim for grade 6 rather than grade 8.",
         threshold="Szigriszt-Pazos below `inflesz_warning` (default 65) and at least `inflesz_error`",
         bad="a part that scores 'normal' (55-64)", good="the same points in shorter words and sentences"),
    Rule("glyph-missing", "error", "A character none of the handout's fonts can draw",
         "UKAAF clear print (text must print); docs/languages.md",
         "Remove the character (e.g. an emoji), or add a font that has it to the project's fonts.css.",
         "Every character of the topic and of its language's labels must be in one of the fonts fonts.css "
         "declares (bundled: Latin, Greek, Cyrillic, Vietnamese, Arabic, Hebrew). Otherwise it prints as an "
         "empty box, or in whatever font the machine has. `build` refuses it too, so it cannot be turned off.",
         bad="- \"Drink water 💧\"", good="- \"Drink water\""),
    Rule("labels-missing", "warning", "The language has no complete label catalogue",
         "AHRQ PEMAT-P 2 (the reader's language throughout); docs/languages.md",
         "Add templates/labels/<language>.yaml with every key of the English catalogue, translated.",
         "The handout's fixed words (headings, hints, page numbers) come from the catalogue of the topic's "
         "language; a language without one, or a catalogue that lacks keys, prints those words in English.",
         bad="language: fr   (no templates/labels/fr.yaml)", good="language: es   (bundled)"),
    Rule("translation-drift", "warning", "A translation's structure differs from its source language's",
         "docs/languages.md (translations stay in step)",
         "Bring the translation in step with the source: the same sections, points, actions, help items "
         "and glossary terms.",
         "In a folder of one topic in several languages (en.yaml, es.yaml ...), each translation is compared "
         "with the source language's file: a list of another length anywhere (sections, points, steps, "
         "actions, help items, glossary terms, sources) is named with both counts.",
         bad="es.yaml with 3 points where en.yaml has 4", good="the same 4 points, translated"),
    Rule("translation-contact", "error", "A translation gives other phone numbers or addresses than its source",
         "CDC Clear Communication Index 14 (the reader must reach the right place)",
         "Use the same phone numbers, email and web addresses as the source language's file.",
         "A phone number or email address anywhere in a translation, or the organisation's website, that the "
         "source language's file does not give (or the other way round): a reader must not be sent elsewhere.",
         bad="es.yaml: phone: 555-0199 where en.yaml has 555-0100", good="phone: 555-0100 in both"),
)}
ENGLISH_ONLY = frozenset({"smog-error", "smog-warning", "smog-section", "generic-heading", "term-undefined",
                          "lexical-density", "plain-words", "person-first", "action-missing", "action-not-addressed",
                          "absolute-claim", "number-unexplained", "passive-voice", "disclaimer-wording"})
"""Rules whose word lists, patterns or formulas are English: they run on English text only."""
TRANSLATED = {"es": frozenset({"smog-error", "smog-warning", "smog-section", "generic-heading", "action-missing",
                               "action-not-addressed", "absolute-claim", "number-unexplained", "passive-voice",
                               "disclaimer-wording"})}
"""Languages with their own versions of rules, and which (SMOG's is INFLESZ)."""
_SKIP_REASONS = {"term-undefined": "its list of medical terms is English",
                 "plain-words": "its list of complex words and their plain alternatives is English",
                 **dict.fromkeys(("smog-error", "smog-warning", "smog-section"), "SMOG counts English syllables")}

def check(loaded: Loaded, settings: CheckConfig = CheckConfig(), today: dt.date | None = None,
          look: Look = DEFAULT, source: Loaded | None = None) -> Report:
    """Return every finding for `loaded` under `settings`, as of `today` (default: the real today).

    `look` gives the fonts and label catalogues the topic is built with; `source` is the
    topic in its source language when `loaded` is a translation of it (`translations.py`).
    """
    from . import glyphs, spanish, translations

    ctx = _Context(loaded, settings, today or dt.date.today())
    language = base(loaded.content.language)
    for run in _CHECKS:
        if language == SOURCE or run is not _readability:
            run(ctx)
    own = TRANSLATED.get(language, frozenset())
    skipped = {}
    if language != SOURCE:
        ctx.findings = [f for f in ctx.findings if f.rule not in ENGLISH_ONLY]
        if language == "es":
            spanish.check(ctx)
        why = f"written for English, with no {language!r} version"
        skipped = {rule: _SKIP_REASONS.get(rule, why) for rule in sorted(ENGLISH_ONLY - own)
                   if rule not in settings.disabled}
    for problem in glyphs.uncovered(loaded, look):
        rule = RULES["glyph-missing"]
        ctx.findings.append(Finding(rule.id, rule.severity, problem.file, problem.line, problem.col, problem.path,
                                    problem.message, rule.source, rule.fix))
    _labels(ctx, look)
    if source is not None:
        for rule_id, path, message in translations.drift(loaded, source):
            ctx.add(rule_id, path, message)
    for problem in loaded.warnings:  # unknown keys: the loader found them, they count like any finding
        rule = RULES["unknown-key"]
        ctx.findings.append(Finding(rule.id, rule.severity, problem.file, problem.line, problem.col, problem.path,
                                    problem.message, rule.source, rule.fix))
    findings = _accept(ctx, [f for f in ctx.findings if f.rule not in settings.disabled or f.rule == "glyph-missing"])
    findings.sort(key=lambda f: (f.file != str(loaded.path), f.line, f.col, f.rule))
    return Report(str(loaded.path), findings, ctx.scores, dict(settings.disabled),
                  language=loaded.content.language, skipped=skipped)


def _labels(ctx: _Context, look: Look) -> None:
    """Warn when the topic's language has no label catalogue, or one that lacks keys (printed in English)."""
    from .language import labels

    tag = ctx.content.language
    catalogue = labels(tag, look)
    if not catalogue.files:
        ctx.add("labels-missing", "language", f"There is no label catalogue for {tag!r}: the handout's fixed "
                f"words (headings such as {catalogue['key_points']!r}) would be printed in English.")
    elif catalogue.missing:
        ctx.add("labels-missing", "language", f"The label catalogue for {tag!r} lacks "
                f"{plural(len(catalogue.missing), 'key')} ({', '.join(catalogue.missing)}), printed in English.")


def unloaded(path: str | Path, problems: list[Problem], settings: CheckConfig = CheckConfig()) -> Report:
    """Return the report of a file that did not load: each of the loader's `problems` as a `content-invalid` finding."""
    findings = []
    for p in problems:
        rule = RULES["content-invalid" if p.severity == "error" else "unknown-key"]
        findings.append(Finding(rule.id, p.severity, p.file, p.line or 1, p.col or 1, p.path, p.message,
                                rule.source, rule.fix))
    return Report(str(path), findings, {}, dict(settings.disabled), loaded=False)


def summary(loaded: Loaded, settings: CheckConfig = CheckConfig(), *, strict: bool = False,
            today: dt.date | None = None, look: Look = DEFAULT, source: Loaded | None = None) -> tuple[str, bool]:
    """Return the line `build` prints ("check: 0 errors, 2 warnings") and whether the build must stop."""
    report = check(loaded, settings, today, look, source)
    failed = strict and report.fails(strict=True)
    note = "; not building (--strict): run `handouts check` for details" if failed else ""
    return report.line() + note, failed


def unknown_rules(settings: CheckConfig) -> list[str]:
    """Return the ids in `settings.disabled` that name no rule that can be turned off."""
    return [rule for rule in settings.disabled if rule not in switchable()]


def switchable() -> list[str]:
    """Return the ids of the rules a project may turn off: all but `content-invalid` (a file must load) and
    `glyph-missing` (the build refuses a character no font draws)."""
    return [rule for rule in RULES if rule not in ("content-invalid", "glyph-missing")]


# Accepting findings ---------------------------------------------------------------------

UNACCEPTABLE = frozenset({"content-invalid", "accept-unused"})
"""Rules whose findings cannot be accepted: a file must load, and a stale acceptance must go."""
_INLINE = re.compile(r"(?:^|(?<=\s))#\s*check:")
_INLINE_ITEM = re.compile(r"\s*accept\s+([A-Za-z0-9-]+)\s*:\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*')\s*(?:,|$)")


@dataclass(frozen=True)
class Acceptance:
    """One `# check: accept RULE: "reason"` comment: where it is, the rule and the reason."""

    line: int
    col: int
    rule: str
    reason: str


def inline_acceptances(text: str) -> tuple[list[Acceptance], list[tuple[int, int, str]]]:
    """Return the `# check: accept RULE: "reason"` comments in `text`, and (line, col, text) of unreadable ones.

    One comment may accept several rules, separated by commas. Only YAML comments
    count: a `# check:` inside a quoted or plain value is text, not an acceptance.
    """
    found: list[Acceptance] = []
    unreadable: list[tuple[int, int, str]] = []
    inside = _scalar_spans(text)
    start = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        m = next((m for m in _INLINE.finditer(line) if not inside(start + m.start())), None)
        start += len(line)
        if not m:
            continue
        col, rest = m.start(), line[m.end():].rstrip("\r\n")
        items, readable = [], True
        while readable and rest.strip():
            item = _INLINE_ITEM.match(rest)
            if item:
                quoted = item.group(2)
                reason = quoted[1:-1].replace('\\"', '"') if quoted[0] == '"' else quoted[1:-1]
                items.append(Acceptance(number, col, item.group(1), reason.strip()))
                rest = rest[item.end():]
            readable = bool(item)
        if readable and items and all(a.reason for a in items):
            found += items
        else:
            unreadable.append((number, col, line[col:].strip()))
    return found, unreadable


def _scalar_spans(text: str) -> Callable[[int], bool]:
    """Return a test of whether a character offset of `text` falls inside a YAML value (scalar token)."""
    spans: list[tuple[int, int]] = []
    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(token, yaml.ScalarToken):
                spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:  # a file that loaded scans; this is only a guard
        pass
    return lambda offset: any(a <= offset < b for a, b in spans)


def _accept(ctx: _Context, findings: list[Finding]) -> list[Finding]:
    """Return `findings` with those the topic or a line accepts marked so, plus a finding for each stale acceptance."""
    topic = dict(ctx.content.check.accept) if ctx.content.check else {}
    try:
        text = ctx.loaded.path.read_text(encoding="utf-8-sig")
    except OSError:
        text = ""
    inline, unreadable = inline_acceptances(text)
    used: set[int] = set()
    result = []
    for f in findings:
        reason = topic.get(f.rule) if f.rule not in UNACCEPTABLE else None
        if reason is None and f.rule not in UNACCEPTABLE:
            lines = {f.line, *(r.line for r in f.related)} if f.file == str(ctx.loaded.path) else set()
            match = next((i for i, a in enumerate(inline) if a.rule == f.rule and a.line in lines), None)
            if match is not None:
                used.add(match)
                reason = inline[match].reason
        result.append(dataclasses.replace(f, accepted=reason) if reason else f)
    accepted_rules = {f.rule for f in result if f.accepted}
    stale = RULES["accept-unused"]

    def warn(line: int, col: int, path: str, message: str) -> None:
        if stale.id not in ctx.settings.disabled:
            result.append(Finding(stale.id, stale.severity, str(ctx.loaded.path), line, col, path, message,
                                  stale.source, stale.fix))

    for rule in topic:
        path = f"check.accept.{rule}"
        if rule not in RULES or rule in UNACCEPTABLE:
            warn(*ctx.where(path), path, f"{rule!r} is not a rule that can be accepted; see `handouts check "
                 f"--explain RULE` for the rules.")
        elif rule not in accepted_rules and rule not in ctx.settings.disabled:
            warn(*ctx.where(path), path, f"Nothing in this topic is found by {rule} any more: remove this "
                 "acceptance.")
    for i, a in enumerate(inline):
        if i in used or a.rule in ctx.settings.disabled:
            continue
        what = (f"{a.rule!r} is not a rule that can be accepted" if a.rule not in RULES or a.rule in UNACCEPTABLE
                else f"no {a.rule} finding is on this line any more: remove the comment")
        warn(a.line, a.col + 1, "", f"# check: accept {a.rule}: {what}.")
    for line, col, comment in unreadable:
        warn(line, col + 1, "", f"Cannot read the comment {comment!r}: expected "
             "`# check: accept RULE: \"reason\"` (several separated by commas).")
    return result


class _Context:
    """What the checks share: the content, where each key is, and the findings so far."""

    def __init__(self, loaded: Loaded, settings: CheckConfig, today: dt.date):
        self.loaded, self.content, self.settings, self.today = loaded, loaded.content, settings, today
        self.findings: list[Finding] = []
        self.scores: dict[str, Score | SpanishScore] = {}

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
        yield from ((f"sections[{i}].steps[{j}]", step) for j, step in enumerate(section.steps))
    for i, action in enumerate(content.actions):
        yield f"actions[{i}]", action
    yield from help_texts(content)
    yield "disclaimer", content.disclaimer


def help_texts(content: Content) -> Iterator[tuple[str, str]]:
    """Yield (key path, text) of the help box: its heading, then every tier's items, most urgent first."""
    yield "get_help.heading", content.get_help.heading
    for _, path, tier in content.get_help.tiers():
        yield from ((f"{path}.when[{i}]", item) for i, item in enumerate(tier.when))


def _section_texts(heading: str, items: Sequence[str], path: str, key: str) -> Iterator[tuple[str, str]]:
    yield f"{path}.heading", heading
    for i, item in enumerate(items):
        yield f"{path}.{key}[{i}]", item


# Readability ----------------------------------------------------------------------------

def _readability(ctx: _Context) -> None:
    """Grade the whole handout (smog-error, smog-warning) and each part by the short-text method (smog-section)."""
    c, settings = ctx.content, ctx.settings
    kinds = _WordKinds(c)
    parts = {f"sections[{i}]": list(_section_texts(s.heading, s.points, f"sections[{i}]", "points"))
             + [(f"sections[{i}].steps[{j}]", step) for j, step in enumerate(s.steps)]
             for i, s in enumerate(c.sections)}
    parts["actions"] = [(f"actions[{i}]", a) for i, a in enumerate(c.actions)]
    parts["get_help"] = list(help_texts(c))
    whole = list(body_texts(c))
    s = ctx.scores[""] = score([text for _, text in whole])
    if s.words and s.smog > settings.grade_warning:
        rule = "smog-error" if s.smog > settings.grade_error else "smog-warning"
        limit = settings.grade_error if rule == "smog-error" else settings.grade_warning
        _grade_finding(ctx, kinds, rule, "", whole,
                       f"The handout reads at grade {s.smog:.1f} by SMOG (Flesch-Kincaid {s.fk_grade:.1f}, "
                       f"reading ease {s.reading_ease:.0f}), above {limit:g}.")
    for path, located in parts.items():
        s = ctx.scores[path] = score([text for _, text in located])
        if s.words and s.smog_short > settings.grade_warning:
            _grade_finding(ctx, kinds, "smog-section", path, located,
                           f"This part reads at grade {s.smog_short} by the SMOG manual's method for short texts "
                           f"({plural(s.polysyllables, 'long word')} in {plural(s.sentences, 'sentence')}), "
                           f"above {settings.grade_warning:g}.")


_KIND_ORDER = ("ordinary word", "numeral", "glossary term", "proper name")


class _WordKinds:
    """Tells what a long word is: a numeral, a glossary term, a proper name or an ordinary word.

    Only ordinary words are the writer's to change: numbers are needed as they are, the
    glossary defines its terms (as PEMAT asks), and names cannot be shortened. A proper
    name is a word written with a capital somewhere other than at the start of a
    sentence or in a heading, or a word of the organisation's name.
    """

    def __init__(self, content: Content):
        terms = [t.term.lower() for t in content.glossary]
        self.glossary = {_bare(w) for t in terms for w in {*t.split(), *re.split(r"[\s-]+", t)} if w}
        self.names = {_bare(w) for w in words(content.organisation.name)}
        headings = {content.title, content.subtitle, content.get_help.heading, *(s.heading for s in content.sections)}
        for _, text in body_texts(content):
            if text in headings:
                continue
            for sentence in split_sentences(text):
                self.names |= {_bare(w) for w in words(sentence)[1:] if w[:1].isupper()}

    def kind(self, word: str) -> str:
        lower = _bare(word)
        if any(ch.isdigit() for ch in word):
            return "numeral"
        singular = {lower, lower.removesuffix("s"), lower.removesuffix("es")}
        if singular & self.glossary:
            return "glossary term"
        if word[:1].isupper() and lower in self.names:
            return "proper name"
        return "ordinary word"


def _bare(word: str) -> str:
    """Return `word` in lower case without a possessive "'s" ("Crohn’s" -> "crohn"), as names are compared."""
    return word.lower().replace("’", "'").removesuffix("'s")


def _grade_finding(ctx: _Context, kinds: _WordKinds, rule: str, path: str, located: list[tuple[str, str]],
                   message: str) -> None:
    """Add a readability finding: the hardest sentences and every long word, each with its kind."""
    texts = [text for _, text in located]
    hard = [h for h in hardest_sentences(texts, 3) if h.polysyllables]
    related = tuple(
        Related(located[h.text_index][0], *ctx.where(located[h.text_index][0]),
                f"{h.sentence} ({plural(h.polysyllables, 'long word')}: "
                f"{', '.join(f'{w} ({kinds.kind(w)})' for w in h.polysyllabic_words)})")
        for h in hard)
    by_kind: dict[str, dict[str, int]] = {k: {} for k in _KIND_ORDER}
    for h in hardest_sentences(texts, n=10**6):
        for w in h.polysyllabic_words:
            counts = by_kind[kinds.kind(w)]
            counts[w.lower()] = counts.get(w.lower(), 0) + 1
    listed = [f"{plural(sum(counts.values()), kind)} ({_top(counts)})" for kind, counts in by_kind.items() if counts]
    message += f" Long words: {'; '.join(listed)}." if listed else ""
    places = ", ".join(dict.fromkeys(f"{r.path} (line {r.line})" for r in related))
    message += f" Hardest: {places}." if places else ""
    ordinary = by_kind["ordinary word"]
    if ordinary:
        fix = (f"Use shorter everyday words for the ordinary long words ({_top(ordinary, 6)}); numerals, glossary "
               "terms and names may stay. Splitting a sentence never raises the grade.")
    else:
        fix = ("Every long word here is a numeral, a glossary term or a name, which the text may need as it is. "
               f"If so, accept the finding with the reason: `check: {{accept: {{{rule}: \"why\"}}}}` in the topic, "
               f"or `# check: accept {rule}: \"why\"` on the line of the text.")
    line, col = ctx.where(path)
    r = RULES[rule]
    ctx.findings.append(Finding(rule, r.severity, str(ctx.loaded.path), line, col, path, message, r.source, fix,
                                related))


def _top(counts: dict[str, int], n: int = 8) -> str:
    """Return the most used words in `counts`, as "word x3, other, ..." (at most `n`)."""
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    shown = [f"{w} x{k}" if k > 1 else w for w, k in ranked[:n]]
    return ", ".join(shown + (["..."] if len(ranked) > n else []))


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
        ("actions", c.actions), *((f"{p}.when", t.when) for _, p, t in c.get_help.tiers())]
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


@lru_cache(maxsize=None)
def _phrase_pattern(phrase: str, endings: str = "s|es", edge: str = r"\w") -> re.Pattern[str]:
    """Return a pattern finding `phrase`, any case, its words joined by spaces or hyphens, with one of `endings`."""
    parts = [re.escape(p) for p in re.split(r"[\s-]+", phrase.strip())]
    return re.compile(rf"(?<!{edge})" + r"[\s-]+".join(parts) + rf"(?:{endings})?(?!{edge})", re.IGNORECASE)


def _may_contain(haystack: str, phrase: str) -> bool:
    """Return False only when no text whose case-folded join is `haystack` can contain `phrase`.

    Compiling a pattern for each of hundreds of listed words was most of `check`'s time;
    a word whose first part is nowhere in the texts is passed over without one.
    """
    first = re.split(r"[\s-]+", phrase.strip())[0]
    return first.casefold() in haystack


def _haystack(texts: Iterable[str]) -> str:
    return "\n".join(texts).casefold()


_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9&]{1,6})s?(?![\w-])")
_NOT_ACRONYMS = frozenset({"OK", "TV", "UK", "US", "USA", "AM", "PM", "II", "III", "IV", "ID"})


def _words(ctx: _Context) -> None:
    texts = list(body_texts(ctx.content))
    glossary = [t.term for t in ctx.content.glossary]
    terms = dict.fromkeys([*bundled_terms(), *(t.lower() for t in ctx.settings.terms)])
    haystack = _haystack(text for _, text in texts)
    for term in terms:
        if not _may_contain(haystack, term):
            continue
        pattern = _phrase_pattern(term)
        first = next(((path, m.group()) for path, text in texts for m in [pattern.search(text)] if m), None)
        if first and not any(pattern.search(g) for g in glossary):
            plain = next((alt for phrase, alt in word_list("plain-words.txt") if phrase == term), None)
            also = f" An everyday word for it: {plain!r}." if plain else ""
            ctx.add("term-undefined", first[0], f"{first[1]!r} looks like a medical term (from the term list, "
                    f"a heuristic) and is not in the glossary.{also}")
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


def _entries(name: str) -> tuple[tuple[str, str], ...]:
    """Return (phrase, alternative) for each line "phrase -> alternative" of a bundled word list."""
    entries = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, _, alternative = (part.strip() for part in line.partition("->"))
        entries.append((phrase, alternative))
    return tuple(entries)


@lru_cache(maxsize=None)
def word_list(name: str) -> tuple[tuple[str, str], ...]:
    """Return the entries of the bundled list `name` (plain-words.txt or person-first.txt), read once."""
    return _entries(name)


def _list_pattern(phrase: str) -> re.Pattern[str]:
    return _phrase_pattern(phrase, "s|es|d|ed", r"[\w-]")


def _alternatives(ctx: _Context, rule: str, name: str, message: str) -> None:
    """Add one `rule` finding per text that uses words of the list `name`, naming each with its alternative."""
    glossary = [t.term for t in ctx.content.glossary]
    texts = list(body_texts(ctx.content))
    haystack = _haystack(text for _, text in texts)
    entries = [(phrase, alternative, _list_pattern(phrase)) for phrase, alternative in word_list(name)
               if _may_contain(haystack, phrase)]
    entries = [e for e in entries if not any(e[2].search(g) for g in glossary)]
    for path, text in texts:
        found = {m.group(): alternative for _, alternative, pattern in entries for m in [pattern.search(text)] if m}
        if found:
            pairs = "; ".join(f"{word!r} -> {alternative!r}" for word, alternative in found.items())
            ctx.add(rule, path, f"{message}: {pairs}.")


def _plain(ctx: _Context) -> None:
    """Complex words with plain alternatives, person-centred language, long items and dense sections (SHeLL)."""
    medical = {t.lower() for t in (*bundled_terms(), *ctx.settings.terms)}
    _alternatives(ctx, "plain-words", "plain-words.txt", "Use an everyday word")
    ctx.findings[:] = [f for f in ctx.findings if not (f.rule == "plain-words" and _only_medical(f.message, medical))]
    _alternatives(ctx, "person-first", "person-first.txt", "Put the person first")
    c = ctx.content
    items = [*((f"summary[{i}]", t) for i, t in enumerate(c.summary)),
             *((f"sections[{i}].points[{j}]", t) for i, s in enumerate(c.sections) for j, t in enumerate(s.points)),
             *((f"sections[{i}].steps[{j}]", t) for i, s in enumerate(c.sections) for j, t in enumerate(s.steps)),
             *((f"actions[{i}]", t) for i, t in enumerate(c.actions)),
             *((path, t) for path, t in help_texts(c) if path != "get_help.heading"),
             ("disclaimer", c.disclaimer)]
    for path, text in items:
        n_words = len(words(text))
        if n_words > ITEM_WORDS:
            ctx.add("item-long", path, f"This has {n_words} words, more than {ITEM_WORDS}.")
    for i, section in enumerate(c.sections):
        texts = section.points
        all_words = [w for t in texts for w in words(t)]
        if len(all_words) < DENSITY_MIN_WORDS:
            continue
        density = lexical_density(all_words)
        if density > DENSITY_LIMIT:
            sentences = [s for t in texts for s in split_sentences(t)]
            densest = max(sentences, key=lambda s: (lexical_density(words(s)), len(words(s))))
            ctx.add("lexical-density", f"sections[{i}]", f"{density:.0%} of this section's words carry content, "
                    f"more than {DENSITY_LIMIT:.0%}. Densest: {densest!r}.")


def _only_medical(message: str, medical: set[str]) -> bool:
    """Return whether every word a plain-words message names is a medical term (term-undefined covers those)."""
    named = re.findall(r"'([^']+)' ->", message)
    return bool(named) and all(w.lower() in medical for w in named)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Return the bundled function words (articles, pronouns, prepositions, auxiliaries, ...)."""
    lines = (DATA / "function-words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.lower().split())


def lexical_density(ws: list[str]) -> float:
    """Return the share of `ws` that are content words (not function words, not numerals); 0 for no words."""
    if not ws:
        return 0.0
    small = function_words()
    content = [w for w in ws if w.lower().replace("’", "'") not in small and not w[0].isdigit()]
    return len(content) / len(ws)


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


def action_findings(ctx: _Context, speaks: Callable[[str], bool], how: str) -> None:
    """Add a finding for each action that does not `speak` to the reader (`how` says what would), and one
    when none does; each language passes its own test."""
    actions = ctx.content.actions
    for i, action in enumerate(actions):
        if not speaks(action):
            ctx.add("action-not-addressed", f"actions[{i}]", f"This action does not {how} (a heuristic).")
    if not any(speaks(a) for a in actions):
        ctx.add("action-missing", "actions", "No action tells the reader what to do." if actions
                else "There are no actions.")


def _actions(ctx: _Context) -> None:
    c = ctx.content
    action_findings(ctx, addressed, 'say "you" or start with a verb')
    for _, path, tier in c.get_help.tiers():  # the loader makes sure there is one, each with items
        if len(re.findall(r"\d", tier.phone)) < 3:
            ctx.add("get-help-missing", f"{path}.phone", f"{tier.phone!r} is not a phone number.")


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


# Clinic topics: emergencies, steps, figures, tables, sources -------------------------------
# The rules of the parts a clinic topic can have besides bullets (docs/content.md).

STEPS_LIMIT = 7
_EMERGENCY_SIGNS = re.compile(
    r"(?<![\d.,/-])(?:911|999|112|000)(?![\d.,/-])|\bemergency\b|\bambulance\b|\bA&E\b|"
    r"\bchest pains?\b|\b(?:trouble|difficulty|hard|problems?) (?:breathing|to breathe)\b|"
    r"\bshort(?:ness)? of breath\b|\bcan(?:no|')t breathe\b|\bpass(?:ed|es|ing)? out\b|\bunconscious\b|"
    r"\bseizures?\b|\bsevere bleeding\b|\bbleeding (?:that|which) will not stop\b|"
    r"\b(?:trouble|difficulty) (?:speaking|seeing|talking)\b|\bface (?:droop|drooping)\b|\bsuicid",
    re.IGNORECASE)
"""Words that mean "call the emergency number now": the numbers of North America (911), the UK
(999), Europe (112) and Australia (000), and signs the NHS and AHA tell people to call them for."""
_GENERIC_ALT = re.compile(r"^(?:an? )?(?:image|picture|figure|photo|photograph|diagram|drawing|graphic|icon)"
                          r"(?: of)?\.?$|\.(?:png|jpe?g|svg)$", re.IGNORECASE)

RULES.update({r.id: r for r in (
    Rule("emergency-tier", "warning", "Emergency signs without an emergency tier",
         "NHS and American Heart Association leaflets (call the emergency number first, apart from the clinic's)",
         "Move what needs the emergency number into `get_help.emergency` ({phone: \"911\", when: [...]}), so it "
         "is printed first, on page 1 and on its own slide.",
         "Text that names an emergency number (911, 999, 112, 000) or a sign that needs one (chest pain, trouble "
         "breathing, passing out, ...) when `get_help` has no `emergency` tier: a reader in trouble may call the "
         "clinic instead.",
         bad='when: ["Call 911 if you have chest pain."]   (in the routine tier)',
         good='emergency: {phone: "911", when: ["You have chest pain."]}'),
    Rule("steps-long", "warning", f"More than {STEPS_LIMIT} steps", "CDC Clear Communication Index 8",
         f"Keep a numbered list to {STEPS_LIMIT} steps or fewer: group steps, or split the task into two.",
         "Numbered steps, like lists, are hard to follow when there are many.",
         threshold=f"more than {STEPS_LIMIT} steps in a section", bad="steps: 8 items", good="steps: 7 items"),
    Rule("figure-alt", "warning", "Figure's alt text says nothing", "WCAG 2.2 1.1.1; PDF/UA-1 7.3",
         "Say what the picture shows and why it is there, in a sentence; do not repeat the caption or "
         "give a file name.",
         "A figure's alt text is what a screen reader says instead of the picture: a file name, a generic word "
         "(\"image\", \"diagram\") or the caption again tells the reader nothing.",
         bad="alt: diagram.png", good="alt: A cuff around the upper arm, its tube at the inside of the elbow."),
    Rule("table-header", "error", "Table without a header row", "WCAG 2.2 1.3.1; PDF/UA-1 7.5",
         "Give the table a `header:` list naming each column.",
         "Without a header row a screen reader cannot say what each cell is.",
         bad="table: {rows: [[Morning, 120/80]]}", good="table: {header: [Time, Reading], rows: [[Morning, 120/80]]}"),
    Rule("source-publisher", "warning", "Source without a publisher", "PIF TICK (say who the evidence is from)",
         "Add `publisher:` (and `year:`) to the source, e.g. \"American Heart Association\".",
         "Readers should see who stands behind the evidence.",
         bad="sources: [{title: A water guide}]",
         good="sources: [{title: A water guide, publisher: NHS, year: 2024}]"),
)})


def _clinic_topic(ctx: _Context) -> None:
    """Find emergency signs without an emergency tier, long steps, empty alt text, tables without headers and
    sources without publishers."""
    c = ctx.content
    if c.get_help.emergency is None:
        for path, text in body_texts(c):
            if match := _EMERGENCY_SIGNS.search(text):
                ctx.add("emergency-tier", path, f"This text mentions {match.group()!r}, an emergency sign or "
                        "number, but `get_help` has no `emergency` tier: a reader in trouble may call the clinic.")
                break
    for i, section in enumerate(c.sections):
        path = f"sections[{i}]"
        if len(section.steps) > STEPS_LIMIT:
            ctx.add("steps-long", f"{path}.steps", f"These steps are {len(section.steps)}, more than {STEPS_LIMIT}.")
        figure = section.figure
        if figure and figure.alt and not figure.decorative:
            alt = figure.alt.strip()
            if _GENERIC_ALT.search(alt) or (figure.caption and alt.lower() == figure.caption.strip().lower()):
                ctx.add("figure-alt", f"{path}.figure.alt", f"The alt text {alt!r} does not say what the picture "
                        "shows (a file name, a generic word, or the caption again).")
        if section.table and not section.table.header:
            ctx.add("table-header", f"{path}.table", "This table has no header row: name each column in `header:`.")
    for i, source in enumerate(c.sources):
        if not source.publisher:
            ctx.add("source-publisher", f"sources[{i}]", f"The source {source.title!r} does not say who published it.")


_CHECKS = (_readability, _structure, _words, _plain, _actions, _wording, _governance, _clinic_topic)
