"""Every language a clinic serves: labels from catalogues, Spanish checks, no missing glyphs,
right to left, translations in step.

The built PDFs are read back with pdftotext and pikepdf, the deck with python-pptx.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pptx import Presentation

from handouts import language, spanish
from handouts.batch import find_topics
from handouts.bundled import BUNDLED, look_for
from handouts.language import labels
from handouts.load import load
from handouts.render import HandoutOptions, render_html

from .conftest import FIXTURES, ROOT, run

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
OUTPUTS = ("handout.pdf", "handout-large-print.pdf", "slides.pptx")


def pieces(label: str) -> list[str]:
    """Return the fixed text of a label around its {values}, each piece long enough to look for."""
    return [p.strip(" .:") for p in re.split(r"\{\w+\}", label) if len(p.strip(" .:")) >= 4]


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


def deck_text(path: Path) -> str:
    deck = Presentation(str(path))
    return " ".join(" ".join(shape.text_frame.text.split())
                    for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)


def built(tmp_path_factory, fixture: str) -> Path:
    """Return the output folder of a build of the fixture topic `fixture` (its name without .yaml)."""
    out = tmp_path_factory.mktemp(fixture)
    result = run("build", str(FIXTURES / f"{fixture}.yaml"), "--out", str(out))
    assert result.code == 0, result.err + result.out
    return out


@pytest.fixture(scope="module")
def spanish_build(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "spanish")


@pytest.fixture(scope="module")
def tiers_build(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "spanish-tiers")


@pytest.fixture(scope="module")
def arabic_build(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "arabic")


class DescribeTheLabelCatalogues:
    def it_bundles_english_and_a_complete_spanish(self):
        english, spanish_labels = labels("en"), labels("es-US")
        assert set(spanish_labels) == set(english) and not spanish_labels.missing
        assert all(spanish_labels[k] != english[k] for k in english)
        assert {"en", "es"} <= set(language.bundled_languages())

    def it_keeps_every_value_placeholder_of_the_english_label(self):
        english, spanish_labels = labels("en"), labels("es")
        for key in english:
            assert set(re.findall(r"\{\w+\}", spanish_labels[key])) == set(re.findall(r"\{\w+\}", english[key])), key

    def it_lets_a_project_override_a_label_and_add_a_language(self, tmp_path):
        folder = tmp_path / "templates" / "labels"
        folder.mkdir(parents=True)
        (folder / "es.yaml").write_text("key_points: Lo más importante\n", encoding="utf-8")
        french = {key: f"FR {value}" for key, value in labels("en").items()}
        (folder / "fr.yaml").write_text(json.dumps(french), encoding="utf-8")
        look = look_for(tmp_path / "templates")
        assert labels("es", look)["key_points"] == "Lo más importante"
        assert labels("es", look)["main_message"] == "El mensaje principal"  # the rest stays bundled
        assert labels("fr-CA", look)["words_to_know"] == "FR Words to know" and not labels("fr", look).missing

    def it_names_the_keys_a_language_lacks_and_fills_them_in_english(self, tmp_path, write):
        folder = tmp_path / "templates" / "labels"
        folder.mkdir(parents=True)
        (folder / "fr.yaml").write_text("key_points: Points clés\n", encoding="utf-8")
        french = labels("fr", look_for(tmp_path / "templates"))
        assert french["key_points"] == "Points clés" and french["words_to_know"] == "Words to know"
        assert "words_to_know" in french.missing
        topic = write((FIXTURES / "minimal.yaml").read_text() + "language: fr\n")
        (tmp_path / "handouts.yaml").write_text("content: [content.yaml]\n")
        result = run("check", str(topic), "--config", str(tmp_path / "handouts.yaml"))
        assert "[labels-missing] language:" in result.out and "words_to_know" in result.out

    def it_refuses_a_catalogue_that_is_not_labels_naming_its_line(self, tmp_path):
        folder = tmp_path / "templates" / "labels"
        folder.mkdir(parents=True)
        (folder / "es.yaml").write_text("key_points: Puntos\nwords_to_know: [a, list]\n", encoding="utf-8")
        (tmp_path / "handouts.yaml").write_text("content: [topic.yaml]\n")
        shutil.copy(FIXTURES / "spanish.yaml", tmp_path / "topic.yaml")
        result = run("check", "--config", str(tmp_path / "handouts.yaml"))
        assert result.code == 1
        assert f"{folder / 'es.yaml'}:2:1: words_to_know: expected a label name and its text" in result.err
        assert "Traceback" not in result.err

    def it_writes_dates_for_the_language(self):
        import datetime as dt

        day = dt.date(2026, 3, 1)
        assert language.long_date(day, "en") == "March 1, 2026"
        assert language.long_date(day, "es-US") == "1 de marzo de 2026"
        assert language.number(12345.5, "es") == "12.345,5" and language.number(1234.5, "en") == "1,234.5"


@needs_poppler
class DescribeASpanishTopic:
    @pytest.mark.parametrize("name", OUTPUTS)
    def it_has_none_of_the_english_labels(self, spanish_build, name):
        path = spanish_build / name
        text = deck_text(path) if name.endswith(".pptx") else pdf_text(path)
        for key, label in labels("en").items():
            for piece in pieces(label):
                assert not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text), (key, piece)

    @pytest.mark.parametrize("name, keys", [
        ("handout.pdf", ["patient_information", "main_message", "key_points", "what_you_can_do", "tick_each_box",
                         "call", "when_to_get_help", "words_to_know", "sources", "about", "made_by", "phone",
                         "published_and_review", "read_online", "scan_code", "page", "published", "review_by"]),
        ("handout-large-print.pdf", ["large_print_edition", "key_points", "page", "scan_code"]),
        ("slides.pptx", ["main_message", "key_points", "what_you_can_do", "call_slide", "sources",
                         "when_to_get_help"]),
    ])
    def it_has_the_spanish_labels(self, spanish_build, name, keys):
        path = spanish_build / name
        text = deck_text(path) if name.endswith(".pptx") else pdf_text(path)
        for key in keys:
            for piece in pieces(labels("es-US")[key]):
                assert piece in text, (key, piece)

    @pytest.mark.parametrize("name", OUTPUTS)
    def it_says_the_help_tiers_in_spanish(self, name, tiers_build):
        path = tiers_build / name
        text = deck_text(path) if name.endswith(".pptx") else pdf_text(path)
        for key, label in labels("en").items():
            for piece in pieces(label):
                assert not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text), (key, piece)
        for key in ("in_an_emergency", "call_emergency", "call_urgent", "call_routine"):
            for piece in pieces(labels("es")[key]):
                assert piece in text, (key, piece)
        if name == "handout.pdf":
            assert "Consultado en internet el 10 de enero de 2026" in text

    def it_writes_dates_and_page_numbers_in_spanish(self, spanish_build):
        text = pdf_text(spanish_build / "handout.pdf")
        assert "Publicado el 15 de enero de 2026" in text
        assert "Revisar antes del 15 de enero de 2028" in text
        assert re.search(r"Página 1 de \d", text)

    @pytest.mark.parametrize("name", OUTPUTS[:2])
    def it_tells_the_pdf_its_language(self, spanish_build, name):
        with pikepdf.open(spanish_build / name) as pdf:
            assert str(pdf.Root.Lang) == "es-US"

    def it_tells_the_deck_its_language(self, spanish_build):
        deck = Presentation(str(spanish_build / "slides.pptx"))
        assert deck.core_properties.language == "es-US"
        runs = [r for s in deck.slides for sh in s.shapes if sh.has_text_frame
                for p in sh.text_frame.paragraphs for r in p.runs]
        assert runs and all(r._r.get_or_add_rPr().get("lang") == "es-US" for r in runs)

    def it_reports_spanish_readability_scores(self):
        result = run("check", str(FIXTURES / "spanish.yaml"), "--format", "json")
        assert result.code == 0, result.out
        report = json.loads(result.out)["files"][0]
        assert report["language"] == "es-US"
        document = report["readability"]["document"]
        assert document["szigriszt_pazos"] > 65 and document["inflesz"] in ("bastante fácil", "muy fácil")
        assert "smog" not in document
        assert report["skipped"]["term-undefined"] == "its list of medical terms is English"
        assert set(report["skipped"]) == {"term-undefined", "plain-words", "lexical-density", "person-first"}
        human = run("check", str(FIXTURES / "spanish.yaml")).out
        assert "INFLESZ" in human and "Fernández-Huerta" in human and "SMOG" not in human


class DescribeSpanishRules:
    @pytest.mark.parametrize("word, syllables", [
        ("casa", 2), ("paciente", 3), ("murciélago", 4), ("país", 2), ("leer", 2), ("hoy", 1), ("ahora", 3),
        ("guerra", 2), ("aéreo", 4), ("cuidado", 3), ("río", 2), ("Buey", 1), ("intestino", 4), ("y", 1)])
    def it_counts_syllables_by_spanish_spelling(self, word, syllables):
        assert spanish.count_syllables(word) == syllables

    def it_scores_by_the_published_formulas(self):
        s = spanish.score(["El perro come pan."])  # 4 words, 6 syllables, 1 sentence
        assert (s.words, s.syllables, s.sentences) == (4, 6, 1)
        assert s.szigriszt == pytest.approx(206.835 - 62.3 * 6 / 4 - 4)
        assert s.fernandez_huerta == pytest.approx(206.84 - 0.60 * 150 - 1.02 * 4)
        assert s.inflesz == "muy fácil"

    def it_fails_hard_spanish_and_names_the_scale(self, write):
        hard = ("La administración concomitante de medicamentos antiinflamatorios no esteroideos "
                "incrementa considerablemente la probabilidad de complicaciones gastrointestinales "
                "hemorrágicas en pacientes anticoagulados con insuficiencia renal crónica establecida.")
        text = (FIXTURES / "spanish.yaml").read_text(encoding="utf-8")
        text = text.replace("main_message: Beba agua cada día. El agua le ayuda a sentirse bien.",
                            f"main_message: {hard}")
        result = run("check", str(write(text)))
        assert result.code == 1 and "[inflesz-error]" in result.out and "INFLESZ scale" in result.out

    @pytest.mark.parametrize("text, addressed", [
        ("Beba un vaso de agua.", True), ("Lávese las manos.", True), ("No fume.", True),
        ("Usted puede caminar.", True), ("Los pacientes deberían caminar.", False), ("Agua con cada comida.", False)])
    def it_knows_an_action_addressed_to_the_reader(self, text, addressed):
        assert spanish.addressed(text) is addressed

    def it_finds_spanish_passive_voice_and_claims_and_a_missing_disclaimer(self, write):
        text = (FIXTURES / "spanish.yaml").read_text(encoding="utf-8")
        text = text.replace("[Beba un vaso de agua con cada comida.]", "[El agua es tomada por los pacientes.]")
        text = text.replace("Este folleto no reemplaza los consejos de su equipo de salud.", "Gracias por leer.")
        text = text.replace("[El agua le ayuda., Beba a menudo.]", "[El agua cura todo., Beba a menudo.]")
        out = run("check", str(write(text))).out
        for rule in ("passive-voice", "action-missing", "disclaimer-wording", "absolute-claim"):
            assert f"[{rule}]" in out, rule
        assert "'es tomada'" in out and "'cura'" in out

    def it_skips_english_rules_for_a_language_without_its_own_and_says_why(self, write):
        text = (FIXTURES / "minimal.yaml").read_text() + "language: de\n"
        text = text.replace("Drink a glass of water with each meal.", "Trinken Sie Wasser.")
        result = run("check", str(write(text)), "--format", "json")
        report = json.loads(result.out)["files"][0]
        assert not any(f["rule"] in ("action-missing", "smog-warning") for f in report["findings"])
        assert report["skipped"]["action-missing"] == "written for English, with no 'de' version"
        assert report["skipped"]["smog-error"] == "SMOG counts English syllables"
        human = run("check", str(write(text))).out
        assert "language 'de': skipped" in human and "action-missing" in human


class DescribeMissingGlyphs:
    def it_fails_check_and_build_naming_the_character_and_where_it_is(self, write, tmp_path):
        text = (FIXTURES / "minimal.yaml").read_text().replace("[Your body needs water., It keeps you well.]",
                                                               "[Your body needs water 💧., It keeps you well.]")
        topic = write(text)
        check = run("check", str(topic))
        assert check.code == 1
        line = f"{topic}:6:36: error [glyph-missing] sections[0].points[0]: '💧' (U+1F4A7 DROPLET) at character 23"
        assert line in check.out
        out = tmp_path / "out"
        build = run("build", str(topic), "--out", str(out))
        assert build.code == 1
        assert f"{topic}:6:36: sections[0].points[0]: '💧' (U+1F4A7 DROPLET)" in build.err
        assert not any(out.glob("**/*.pdf")) and not any(out.glob("**/*.pptx"))

    def it_cannot_be_turned_off(self, write, tmp_path):
        (tmp_path / "handouts.yaml").write_text("check:\n  disabled:\n    glyph-missing: no\n")
        result = run("check", str(write((FIXTURES / "minimal.yaml").read_text())),
                     "--config", str(tmp_path / "handouts.yaml"))
        assert result.code == 1 and "unknown rule glyph-missing" in result.err

    def it_covers_arabic_hebrew_cyrillic_greek_and_vietnamese_with_the_bundled_fonts(self):
        from handouts import glyphs

        points, families = glyphs.points(), glyphs.families()
        for text in ("مرحبا بكم", "שלום", "Здравствуйте", "Γειά σου", "Tiếng Việt", "¿Qué tal? ñ ü"):
            assert all(ord(ch) in points for ch in text if not ch.isspace()), text
        assert {"Atkinson Hyperlegible", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans"} <= set(families)
        assert ord("中") not in points

    def it_draws_with_a_font_a_project_adds_in_its_fonts_css(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        (tmp_path / "handouts.yaml").write_text("content: [topic.yaml]\n")
        text = (FIXTURES / "minimal.yaml").read_text().replace("[Water helps., Drink often.]",
                                                               "[Water helps → you feel well., Drink often.]")
        (tmp_path / "topic.yaml").write_text(text, encoding="utf-8")
        check = run("check")
        assert check.code == 1 and "'→' (U+2192 RIGHTWARDS ARROW)" in check.out  # no bundled font has it
        assert run("templates", "copy", "fonts.css").code == 0
        shutil.copy(BUNDLED / "fonts" / "LiberationSans-Regular.ttf", tmp_path / "templates" / "fonts" / "Extra.ttf")
        with (tmp_path / "templates" / "fonts.css").open("a") as css:
            css.write('@font-face { font-family: "Handouts Extra"; src: url("fonts/Extra.ttf"); }\n')
        check = run("check")
        assert "glyph-missing" not in check.out, check.out
        assert run("build").code == 0
        with pikepdf.open(tmp_path / "output" / "handout.pdf") as pdf:
            fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        assert any(name.endswith("+Handouts-Extra") for name in fonts), fonts  # the arrow drawn with it


@needs_poppler
class DescribeRightToLeft:
    def it_sets_the_handout_right_to_left(self):
        loaded = load(FIXTURES / "arabic.yaml")
        html = render_html(loaded.content, HandoutOptions(direction="rtl"))
        assert '<html lang="ar" dir="rtl">' in html

    def it_aligns_arabic_lines_to_the_right_margin(self, arabic_build):
        from .test_handout import body_lines

        arabic = [line for line in body_lines(arabic_build / "handout.pdf", "letter")
                  if re.search("[\u0600-\u06ff]", line.text) and line.page == 1]
        assert len(arabic) >= 8
        right = 612 - 0.75 * 72  # the right margin of a Letter page
        assert max(line.x1 for line in arabic) == pytest.approx(right, abs=2)
        ends = [right - line.x1 < 30 for line in arabic]  # lines end at the right (boxes indent a little) ...
        assert sum(ends) >= 0.75 * len(arabic)  # ... all but those of a block set beside another
        assert max(line.x0 for line in arabic) - min(line.x0 for line in arabic) > 150  # ... and starts anywhere

    @pytest.mark.parametrize("name", OUTPUTS[:2])
    def it_embeds_the_bundled_arabic_font(self, arabic_build, name):
        with pikepdf.open(arabic_build / name) as pdf:
            fonts = {str(f.BaseFont): f for page in pdf.pages for f in page.Resources.Font.values()}
            arabic = [f for name_, f in fonts.items() if "Arabic" in name_]
            assert arabic, fonts
            for font in arabic:
                descriptor = font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor

    def it_sets_the_decks_paragraphs_right_to_left(self, arabic_build):
        deck = Presentation(str(arabic_build / "slides.pptx"))
        paragraphs = [p for s in deck.slides for sh in s.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
                      if p.text.strip()]
        assert paragraphs and all(p._p.pPr.get("rtl") == "1" and p._p.pPr.get("algn") == "r" for p in paragraphs)


class DescribeTranslations:
    def it_builds_each_language_into_its_own_folder(self, tmp_path):
        topic = tmp_path / "topics" / "water"
        topic.mkdir(parents=True)
        shutil.copy(FIXTURES / "minimal.yaml", topic / "en.yaml")
        shutil.copy(FIXTURES / "spanish.yaml", topic / "es.yaml")
        shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "topics" / "other.yaml")
        found = {t.folder for t in find_topics([tmp_path / "topics"], tmp_path / "out")}
        assert found == {"water/en", "water/es", "other"}
        assert {t.folder for t in find_topics([topic], tmp_path / "out")} == {"water/en", "water/es"}

    def it_reports_drift_from_the_source_language_naming_the_item(self, tmp_path):
        topic = tmp_path / "water"
        topic.mkdir()
        english = (FIXTURES / "spanish.yaml").read_text(encoding="utf-8").replace("language: es-US", "language: en")
        (topic / "en.yaml").write_text(english, encoding="utf-8")
        spanish_text = (FIXTURES / "spanish.yaml").read_text(encoding="utf-8")
        spanish_text = spanish_text.replace("[Su cuerpo necesita agua., El agua le mantiene sano.]",
                                            "[Su cuerpo necesita agua.]")
        spanish_text = spanish_text.replace("phone: 555-0100\nglossary", "phone: 555-0199\nglossary")
        (topic / "es.yaml").write_text(spanish_text, encoding="utf-8")
        result = run("check", str(topic))
        es = topic / "es.yaml"
        assert (f"{es}:8:13: warning [translation-drift] sections[0].points: 1 item here, 2 items in en.yaml "
                "(sections[0].points).") in result.out
        assert f"{es}:13:10: error [translation-contact] get_help.phone: '555-0199' is not in en.yaml" in result.out
        assert result.code == 1
        assert "translation-" not in run("check", str(topic / "en.yaml")).out

    def it_keeps_the_spanish_example_in_step_with_the_demo(self):
        english = load(ROOT / "examples" / "leaky-gut" / "en.yaml", project=ROOT).content
        demo = load(ROOT / "content.yaml", project=ROOT).content
        assert dataclasses.replace(english, brand=None) == dataclasses.replace(demo, brand=None)
        result = run("check", str(ROOT / "examples"), "--config", str(ROOT / "handouts.yaml"), "--format", "json")
        assert result.code == 0, result.out
        reports = {Path(r["file"]).name: r for r in json.loads(result.out)["files"]}
        assert reports["es.yaml"]["language"] == "es-US"
        assert [f["rule"] for f in reports["es.yaml"]["findings"] if not f["accepted"]] == []
        assert reports["es.yaml"]["readability"]["document"]["szigriszt_pazos"] >= 65


class DescribeCataloguesInAProject:
    def it_copies_the_catalogues_and_rebuilds_when_one_changes(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        (tmp_path / "handouts.yaml").write_text("content: [topics]\n")
        (tmp_path / "topics").mkdir()
        shutil.copy(FIXTURES / "spanish.yaml", tmp_path / "topics" / "agua.yaml")
        assert run("build").code == 0
        assert run("build", "--check").code == 0
        copied = run("templates", "copy", "labels")
        assert copied.code == 0, copied.err
        catalogue = tmp_path / "templates" / "labels" / "es.yaml"
        assert catalogue.is_file() and (tmp_path / "templates" / "labels" / "en.yaml").is_file()
        catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("Puntos clave", "Lo más importante"),
                             encoding="utf-8")
        stale = run("build", "--check")
        assert stale.code == 1 and "agua" in stale.out
        assert run("build").code == 0
        assert "Lo más importante" in pdf_text(tmp_path / "output" / "agua" / "handout.pdf")

    def it_numbers_continuation_slides_in_the_language(self):
        import datetime as dt

        from handouts.slides import build_deck

        bullets = [f"Punto número {i}: beba un vaso de agua con cada comida y antes de dormir." for i in range(14)]
        plan = [{"layout": "content", "title": "Lo que usted puede hacer", "bullets": bullets}]
        data = build_deck(plan, title="Agua", author="Clínica", language="es", date=dt.date(2026, 1, 1),
                          part_label=labels("es")["slide_part"])
        import io

        titles = [s.shapes.title.text_frame.text for s in Presentation(io.BytesIO(data)).slides]
        assert len(titles) > 1 and titles[0] == f"Lo que usted puede hacer (1 de {len(titles)})"
