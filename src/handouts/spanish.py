"""Checks for Spanish: plain strings in, readability scores and wording findings out.

`score(texts)` returns a `SpanishScore`: syllables counted by the rules of Spanish
spelling (a vowel group is one syllable unless two strong vowels meet, or a written
accent on i or u breaks it), the Fernández-Huerta reading ease (1959, in the form
corrected by Law 2011) and the Szigriszt-Pazos perspicuity (1993) read on the INFLESZ
scale, which Barrio-Cantalejo et al. (2008) validated with patient materials in Spanish.

`check(ctx)` adds the Spanish versions of the wording rules to a check in progress
(`rules.py` calls it for a topic whose `language` is Spanish): readability
(`inflesz-error`, `inflesz-warning`), actions addressed to the reader, passive voice,
the disclaimer, absolute claims, unexplained numbers and generic headings. Like their
English versions they are heuristics and say so. docs/rules.md gives the thresholds and
their sources.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .readability import split_sentences, words

INFLESZ_BANDS = ((40, "muy difícil"), (55, "algo difícil"), (65, "normal"), (80, "bastante fácil"),
                 (float("inf"), "muy fácil"))
"""The INFLESZ scale (Barrio-Cantalejo et al. 2008): a Szigriszt-Pazos score below each bound and its name."""
MIN_PART_WORDS = 20
"""A part (section, actions, help) shorter than this is not scored alone: the formulas need running text."""

_STRONG = set("aeoáéíóú")
_WEAK = set("iuüy")


@dataclass(frozen=True)
class SpanishScore:
    """Counts and readability measures for some Spanish text; all zero when there is no text."""

    sentences: int
    words: int
    syllables: int
    fernandez_huerta: float
    """Fernández-Huerta reading ease, 0-100ish; 60-70 "normal", 70 or more easy."""
    szigriszt: float
    """Szigriszt-Pazos perspicuity, read on the INFLESZ scale; 55 or more suits the general public."""

    @property
    def inflesz(self) -> str:
        """Return the INFLESZ band of the Szigriszt-Pazos score ("normal", "bastante fácil" ...)."""
        return next(name for bound, name in INFLESZ_BANDS if self.szigriszt < bound)

    def as_dict(self) -> dict:
        """Return the measures as plain data, rounded, for the JSON report."""
        return {"fernandez_huerta": round(self.fernandez_huerta, 1), "szigriszt_pazos": round(self.szigriszt, 1),
                "inflesz": self.inflesz, "sentences": self.sentences, "words": self.words}

    def summary(self) -> str:
        """Return the measures as a person reads them."""
        return (f"INFLESZ {self.szigriszt:.0f} ({self.inflesz}), Fernández-Huerta {self.fernandez_huerta:.0f}")


@lru_cache(maxsize=8192)
def count_syllables(word: str) -> int:
    """Return the syllables of a Spanish `word` (a number counts as the syllables of its digits read out, roughly)."""
    total = 0
    for run in re.findall(r"\d+|[^\W\d_]+", word.lower()):
        total += max(1, len(run)) if run[0].isdigit() else _letters(run)
    return total


def _letters(run: str) -> int:
    """Return the vowel nuclei of a run of letters: vowels together are one, unless two strong ones meet."""
    count, previous = 0, ""
    for i, ch in enumerate(run):
        if ch == "y" and (i + 1 == len(run) or run[i + 1] not in _STRONG | _WEAK) and i > 0:
            kind = "weak"  # final or before a consonant, y is the vowel i: hoy, muy
        elif ch in _STRONG:
            kind = "strong"
        elif ch in _WEAK and ch != "y":
            kind = "weak"
        else:
            kind = ""
        if kind and (not previous or (kind == previous == "strong")):
            count += 1
        previous = kind
    return max(count, 1) if any(c.isalpha() for c in run) else 0


def score(texts: Iterable[str]) -> SpanishScore:
    """Return the readability of `texts` (bullets or paragraphs, each at least one sentence)."""
    sentences = [s for text in texts for s in split_sentences(text)]
    ws = [w for s in sentences for w in words(s)]
    if not ws:
        return SpanishScore(0, 0, 0, 0.0, 0.0)
    syllables = sum(count_syllables(w) for w in ws)
    per_word = syllables / len(ws)
    per_sentence = len(ws) / len(sentences)
    huerta = 206.84 - 0.60 * (100 * per_word) - 1.02 * per_sentence
    szigriszt = 206.835 - 62.3 * per_word - per_sentence
    return SpanishScore(len(sentences), len(ws), syllables, huerta, szigriszt)


# Wording ---------------------------------------------------------------------------------

_YOU = re.compile(r"\b(?:usted|ustedes|su|sus|suyo|tú|tu|tus|te|le|puede|debe|necesita)\b", re.IGNORECASE)
_LEAD_INS = frozenset("no nunca siempre también después primero luego antes ahora cada día si cuando "
                      "por favor y o".split())
_IMPERATIVES = frozenset("""agregue añada anote apague aplique apunte baje beba busque camine cambie coma compre
    comparta consulte controle cuente cuide deje descanse duerma elija empiece enjuague escoja escriba espere
    evite guarde hable haga intente lave lea lleve llame limite mantenga marque mida mire muévase ore pida
    planee practique pregunte prepare pruebe ponga quite reduzca registre respire revise sepa siga suba tome
    tenga traiga trate use vaya vea venga vigile visite fume olvide suspenda conduzca maneje salga cancele
    pare detenga agrega añade anota bebe busca camina come consulta
    cuida deja descansa duerme elige escribe evita guarda habla haz intenta lava lee lleva llama mantén marca
    mide mira pide pon pregunta prepara prueba reduce revisa sigue toma ten trae usa ve ven""".split())
_ENCLITIC = re.compile(r"[áéíóú]\w*(?:se|le|les|lo|la|los|las|me|nos|te)$")


def addressed(text: str) -> bool:
    """Return whether `text` speaks to the reader: says usted/tú or starts with a command (a heuristic)."""
    if _YOU.search(text):
        return True
    for word in (w.lower() for w in words(text)):
        if word not in _LEAD_INS:
            return word in _IMPERATIVES or bool(_ENCLITIC.search(word))
    return False


_SER = r"(?:es|son|era|eran|fue|fueron|será|serán|sería|serían|sea|sean|ser|sido|siendo|ha sido|han sido)"
_PARTICIPLE = re.compile(rf"\b{_SER}\s+(?:\w+mente\s+|muy\s+|no\s+|también\s+)?"
                         r"(\w{2,}(?:ado|ada|ados|adas|ido|ida|idos|idas)|hech[oa]s?|dich[oa]s?|escrit[oa]s?|"
                         r"vist[oa]s?|puest[oa]s?|abiert[oa]s?|cubiert[oa]s?|vuelt[oa]s?|rot[oa]s?)\b",
                         re.IGNORECASE)
_ADJECTIVES = frozenset({"adecuado", "adecuada", "adecuados", "adecuadas", "delicado", "delicada", "privado",
                         "pesado", "pesada", "ocupado", "ocupada", "preocupado", "preocupada", "cansado", "cansada",
                         "cuidado", "raro", "sagrado", "apropiado", "apropiada", "exagerado", "complicado",
                         "complicada", "conocido", "conocida", "parecido", "parecida", "querido", "querida"})


def passive(text: str) -> str | None:
    """Return the first "ser + participio" in `text` ("es tomado"), or None (a heuristic; "se toma" is fine)."""
    m = next((m for m in _PARTICIPLE.finditer(text) if m.group(1).lower() not in _ADJECTIVES), None)
    return m.group() if m else None


_CLAIM = re.compile(r"\b(?:la mejor (?:manera|forma)|cura(?:n|r)?|curará|milagros[oa]s?|milagros?|"
                    r"garantizad[oa]s?|garantiza(?:n)?|infalible|comprobad[oa] científicamente|"
                    r"100 ?% (?:segur[oa]|natural|eficaz)|sin efectos secundarios|sin ningún riesgo|sin riesgos?|"
                    r"totalmente segur[oa]|completamente segur[oa]|siempre funciona|funciona siempre)\b",
                    re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:no|nunca|ni|tampoco)(?: \w+)?\s*$", re.IGNORECASE)
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|por ?ciento\b)", re.IGNORECASE)
_EXPLAINED = re.compile(r"\b(?:de cada|por cada|significa|es decir|o sea|quiere decir)\b", re.IGNORECASE)
_DISCLAIMER = re.compile(r"\b(?:no (?:reemplaza|remplaza|sustituye|sustituyen|reemplazan)|en lugar de|en vez de|"
                         r"no es un sustituto|no toma el lugar)", re.IGNORECASE)
_GENERIC = frozenset("""información info otros otras otro varios general generales detalles más notas resumen
    introducción antecedentes extra adicional adicionales preguntas frecuentes sección parte sobre acerca de
    del la el y los las""".split())


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


def check(ctx) -> None:
    """Add the Spanish findings and readability scores to `ctx`, a check in progress (`rules._Context`)."""
    from .rules import _section_texts as section_texts
    from .rules import action_findings, body_texts, help_texts

    c = ctx.content
    parts = {f"sections[{i}]": list(section_texts(s.heading, s.points, f"sections[{i}]", "points"))
             + [(f"sections[{i}].steps[{j}]", step) for j, step in enumerate(s.steps)]
             for i, s in enumerate(c.sections)}
    parts["actions"] = [(f"actions[{i}]", a) for i, a in enumerate(c.actions)]
    parts["get_help"] = list(help_texts(c))  # every tier, most urgent first
    parts[""] = list(body_texts(c))
    settings = ctx.settings
    for path, located in parts.items():
        s = score(text for _, text in located)
        if path and s.words < MIN_PART_WORDS:
            continue
        ctx.scores[path] = s
        if not s.words or s.szigriszt >= settings.inflesz_warning:
            continue
        rule, limit = (("inflesz-error", settings.inflesz_error) if s.szigriszt < settings.inflesz_error
                       else ("inflesz-warning", settings.inflesz_warning))
        what = "The handout" if not path else "This part"
        ctx.add(rule, path, f"{what} scores {s.szigriszt:.0f} on the INFLESZ scale ({s.inflesz}; "
                f"Fernández-Huerta {s.fernandez_huerta:.0f}), below {limit:g}: {s.words / s.sentences:.0f} words "
                f"a sentence, {s.syllables / s.words:.2f} syllables a word.")
    headings = [(f"sections[{i}].heading", s.heading) for i, s in enumerate(c.sections)]
    for path, heading in headings + [("get_help.heading", c.get_help.heading)]:
        ws = [_fold(w) for w in words(heading) if not w.isdigit()]
        if not ws or all(w in {_fold(g) for g in _GENERIC} for w in ws):
            ctx.add("generic-heading", path, f"The heading {heading!r} says nothing about what follows.")
    action_findings(ctx, addressed, 'say "usted" or start with a command such as "Tome" or "Llame"')
    for path, text in body_texts(c):
        for m in _CLAIM.finditer(text):
            if not _NEGATED.search(text[:m.start()]):
                ctx.add("absolute-claim", path, f"{m.group()!r} is an absolute or promotional claim.")
                break
        numbers = _PERCENT.findall(text)
        if numbers and not _EXPLAINED.search(text):
            ctx.add("number-unexplained", path, f"{numbers[0]!r} is not explained in words "
                    "(\"20 de cada 100 personas\").")
    for path, text in [("main_message", c.main_message), *((f"actions[{i}]", a) for i, a in enumerate(c.actions))]:
        phrase = passive(text)
        if phrase:
            ctx.add("passive-voice", path, f"{phrase!r} looks passive (ser + participio, a heuristic): "
                    "say who does it.")
    if not _DISCLAIMER.search(c.disclaimer):
        ctx.add("disclaimer-wording", "disclaimer", "The disclaimer does not say that the handout does not "
                "replace advice from the care team (\"no reemplaza\", \"no sustituye\").")
