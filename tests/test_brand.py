"""Brand files and brand colours: one file of organisation details for every topic."""

from __future__ import annotations

import pikepdf
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from handouts.colour import contrast
from handouts.load import ContentInvalid, load

from .conftest import run

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>\n'
BRAND = """\
name: Brand Clinic
phone: 555-0111
website: https://brand.example.org
logo: logo.svg
logo_alt: Brand Clinic logo
colour: "#0b5d3b"
"""


def without_organisation(text: str) -> str:
    """Return the minimal fixture's text with its organisation mapping removed."""
    return text.replace("organisation:\n  name: Test Clinic\n", "")


def problems_of(path, **kw) -> list[str]:
    with pytest.raises(ContentInvalid) as info:
        load(path, **kw)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def brand(tmp_path):
    """A brand file with its logo, in a folder of its own."""
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "logo.svg").write_text(LOGO)
    path = folder / "brand.yaml"
    path.write_text(BRAND)
    return path


class DescribeContrast:
    def it_gives_the_wcag_ratios_of_known_pairs(self):
        assert contrast("#000000") == pytest.approx(21.0)
        assert contrast("#ffffff") == pytest.approx(1.0)
        assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes
        assert contrast("#777777") < 4.5
        assert contrast("#1f4e79", "#ffffff") == contrast("#ffffff", "#1f4e79")

    def it_rejects_a_brand_colour_too_light_for_text_on_white(self, write, minimal_text):
        path = write(minimal_text.replace("  name: Test Clinic\n", '  name: Test Clinic\n  colour: "#7fb2e5"\n'))
        [message] = problems_of(path)
        assert message.startswith(f"{path}:20:11: organisation.colour: #7fb2e5 on white has a contrast of 2.2:1")
        assert "WCAG" in message

    def it_accepts_the_default_and_a_dark_brand_colour(self, write, minimal_text):
        assert load(write(minimal_text)).content.organisation.colour == "#1f4e79"
        path = write(minimal_text.replace("  name: Test Clinic\n", '  name: Test Clinic\n  colour: "#0b5d3b"\n'))
        assert load(path).content.organisation.colour == "#0b5d3b"


class DescribeTheBrandFile:
    def it_fills_in_the_organisation_named_by_the_content(self, write, minimal_text, brand):
        path = write("brand: brand/brand.yaml\n" + without_organisation(minimal_text))
        org = load(path, strict=True).content.organisation
        assert org.name == "Brand Clinic"
        assert org.phone == "555-0111"
        assert org.colour == "#0b5d3b"
        assert org.logo == str(brand.parent.resolve() / "logo.svg")  # relative to the brand file
        assert org.logo_alt == "Brand Clinic logo"

    def it_lets_the_contents_own_organisation_keys_win(self, write, minimal_text, brand):
        path = write("brand: brand/brand.yaml\n" + minimal_text.replace("  name: Test Clinic\n",
                                                                          "  name: Test Clinic\n  phone: 555-0199\n"))
        org = load(path).content.organisation
        assert (org.name, org.phone, org.website) == ("Test Clinic", "555-0199", "https://brand.example.org")

    def it_uses_the_projects_brand_unless_the_content_names_one(self, write, minimal_text, brand, tmp_path):
        other = tmp_path / "other.yaml"
        other.write_text("name: Other Clinic\n")
        assert load(write(without_organisation(minimal_text)), brand=brand).content.organisation.name == "Brand Clinic"
        named = write("brand: other.yaml\n" + without_organisation(minimal_text), "named.yaml")
        assert load(named, brand=brand).content.organisation.name == "Other Clinic"

    def it_is_found_through_the_project_config(self, write, minimal_text, brand, tmp_path):
        write(without_organisation(minimal_text), "topic.yaml")
        config = write("content: [topic.yaml]\nbrand: brand/brand.yaml\n", "handouts.yaml")
        result = run("check", "--config", str(config))
        assert result.code == 0, result.err
        assert run("check", str(tmp_path / "topic.yaml")).code == 1  # no config: no organisation

    def it_reports_a_missing_brand_file_at_the_key_that_names_it(self, write, minimal_text, tmp_path):
        path = write("brand: nowhere.yaml\n" + minimal_text)
        assert problems_of(path) == [f"{path}:1:8: brand: brand file not found: {tmp_path / 'nowhere.yaml'}"]
        result = run("check", str(path))
        assert result.code == 1 and "Traceback" not in result.err

    def it_fails_cleanly_when_the_projects_brand_file_is_missing(self, write, minimal_text, tmp_path):
        write(minimal_text, "topic.yaml")
        config = write("content: [topic.yaml]\nbrand: gone.yaml\n", "handouts.yaml")
        result = run("build", "--config", str(config), "--out", str(tmp_path / "out"))
        assert result.code == 1
        assert f"{tmp_path / 'gone.yaml'}: file not found" in result.err
        assert "Traceback" not in result.err and not (tmp_path / "out").exists()

    def it_reports_problems_at_their_line_in_the_brand_file(self, write, minimal_text, brand):
        brand.write_text(BRAND.replace("#0b5d3b", "#9fd3b9") + "slogan: We care\n")
        path = write("brand: brand/brand.yaml\n" + without_organisation(minimal_text))
        with pytest.raises(ContentInvalid) as info:
            load(path)
        messages = [str(p) for p in info.value.problems]
        assert messages[0] == (f"{brand}:7:1: warning: organisation.slogan: unknown key; expected one of: "
                               "name, phone, website, email, logo, logo_alt, colour")
        assert messages[1].startswith(f"{brand}:6:9: organisation.colour: #9fd3b9 on white")

    def it_rejects_a_brand_file_that_is_not_a_mapping(self, write, minimal_text, brand):
        brand.write_text("- Brand Clinic\n")
        path = write("brand: brand/brand.yaml\n" + without_organisation(minimal_text))
        assert problems_of(path) == [f"{brand}:1:1: expected a mapping of organisation fields such as "
                                     "name, logo, colour"]

    def it_still_requires_an_organisation_name_from_somewhere(self, write, minimal_text, brand):
        brand.write_text("phone: 555-0111\n")
        path = write("brand: brand/brand.yaml\n" + without_organisation(minimal_text))
        assert problems_of(path) == [f"{brand}:1:1: organisation.name: missing required key (text)"]


class DescribeTheLogo:
    def it_must_exist_and_be_svg_or_png(self, write, minimal_text, brand):
        (brand.parent / "logo.gif").write_bytes(b"GIF89a")
        brand.write_text(BRAND.replace("logo.svg", "logo.gif"))
        path = write("brand: brand/brand.yaml\n" + without_organisation(minimal_text))
        folder = brand.parent.resolve()
        [message] = problems_of(path)
        assert message == f"{brand}:4:7: organisation.logo: expected an SVG or PNG file, got 'logo.gif'"
        brand.write_text(BRAND.replace("logo.svg", "gone.png"))
        [message] = problems_of(path)
        assert message == f"{brand}:4:7: organisation.logo: logo file not found: {folder / 'gone.png'}"

    def it_is_relative_to_the_content_file_when_the_content_sets_it(self, write, minimal_text, tmp_path):
        Image.new("RGB", (8, 8), "#1f4e79").save(tmp_path / "mark.png")
        path = write(minimal_text.replace("  name: Test Clinic\n",
                                          "  name: Test Clinic\n  logo: mark.png\n  logo_alt: Test Clinic logo\n"))
        assert load(path).content.organisation.logo == str((tmp_path / "mark.png").resolve())


class DescribeABrandedBuild:
    def it_drives_both_the_handout_and_the_slides(self, write, minimal_text, brand, tmp_path):
        path = write("brand: brand/brand.yaml\n" + without_organisation(minimal_text))
        result = run("build", str(path), "--out", str(tmp_path / "out"))
        assert result.code == 0, result.err
        with pikepdf.open(tmp_path / "out" / "handout.pdf") as pdf:
            figures = [str(e.Alt) for e in _elements(pdf.Root.StructTreeRoot.K) if str(e.S) == "/Figure"]
        assert figures[0] == "Brand Clinic logo"
        text = " ".join(PdfReader(tmp_path / "out" / "handout.pdf").pages[0].extract_text().split())
        assert "Brand Clinic" in text and "555-0111" in text
        deck = Presentation(tmp_path / "out" / "slides.pptx")
        assert deck.core_properties.author == "Brand Clinic"
        assert deck.slides[0].placeholders[1].text == "Brand Clinic"


def _elements(node):
    """Yield the structure elements under `node`, in order."""
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from _elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        if "/K" in node:
            yield from _elements(node.K)


class DescribeAPngLogo:
    def it_is_embedded_with_its_alt_text(self, write, minimal_text, tmp_path):
        Image.new("RGB", (300, 100), "#0b5d3b").save(tmp_path / "wide.png")
        path = write(minimal_text.replace("  name: Test Clinic\n",
                                          "  name: Test Clinic\n  logo: wide.png\n  logo_alt: Test Clinic logo\n"))
        assert run("build", str(path), "--out", str(tmp_path / "out")).code == 0
        with pikepdf.open(tmp_path / "out" / "handout.pdf") as pdf:
            figures = [str(e.Alt) for e in _elements(pdf.Root.StructTreeRoot.K) if str(e.S) == "/Figure"]
            images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert figures[0] == "Test Clinic logo"
        assert [(int(i.Width), int(i.Height)) for i in images] == [(300, 100)]
