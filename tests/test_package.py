"""The tool as a clinic installs it: the wheel in a fresh virtualenv, used from a folder of its own.

Builds the wheel and the sdist once (PyPI's setuptools in an isolated build), installs the
wheel with the pinned versions into a new virtualenv, and drives the installed command.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HERE_BIN = Path(sys.executable).parent


def sh(*argv, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"{argv} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    sh(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, ROOT)
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


@pytest.fixture(scope="module")
def installed(dists, tmp_path_factory) -> Path:
    """Return the bin folder of a fresh virtualenv with the wheel (and pytest) installed."""
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=True)
    sh(env / "bin" / "pip", "install", "--quiet", "-c", ROOT / "constraints.txt", dists["wheel"], "pytest")
    return env / "bin"


class DescribeTheWheel:
    def it_carries_the_templates_fonts_with_their_licences_theme_terms_and_starter_project(self, dists):
        names = set(zipfile.ZipFile(dists["wheel"]).namelist())
        for name in ("handout.html.j2", "handout.css", "handout-large.css", "fonts.css", "slides.yaml.j2",
                     "theme.pptx", "fonts/AtkinsonHyperlegible-Regular.ttf", "fonts/AtkinsonHyperlegible-LICENSE.txt",
                     "fonts/LiberationSans-LICENSE.txt", "fonts/Carlito-LICENSE.txt"):
            assert f"handouts/templates/{name}" in names, name
        data = {"medical-terms.txt", "constraints.txt", "syllables.txt", "cmudict-LICENSE.txt"}
        assert {f"handouts/data/{name}" for name in data} <= names
        assert {"handouts/scaffold/handouts.yaml", "handouts/scaffold/topics/hand-washing.yaml",
                "handouts/scaffold/dot-github/workflows/handouts.yml"} <= names

    def it_builds_a_new_project_from_any_folder_with_the_same_bytes_as_the_checkout(self, installed, tmp_path):
        sh(installed / "handouts", "new", "clinic", cwd=tmp_path)
        project = tmp_path / "clinic"
        sh(installed / "handouts", "check", "--strict", cwd=project)
        sh(installed / "handouts", "build", cwd=project / "topics")  # from a subfolder
        built = {p.name: p.read_bytes() for p in (project / "output" / "hand-washing").iterdir()}
        assert set(built) == {"handout.pdf", "handout-large-print.pdf", "slides.pptx"}
        sh(HERE_BIN / "handouts", "build", "--out", tmp_path / "editable", cwd=project)
        editable = {p.name: p.read_bytes() for p in (tmp_path / "editable" / "hand-washing").iterdir()}
        assert built == editable

    def it_copies_its_bundled_templates_into_a_project(self, installed, tmp_path):
        sh(installed / "handouts", "new", "clinic", cwd=tmp_path)
        sh(installed / "handouts", "templates", "copy", cwd=tmp_path / "clinic")
        copied = {p.name for p in (tmp_path / "clinic" / "templates").iterdir()}
        assert {"handout.html.j2", "handout.css", "theme.pptx", "fonts"} <= copied


class DescribeTheSdist:
    def it_holds_the_tests_and_their_fixtures_which_run_against_the_installed_wheel(self, dists, installed,
                                                                                     tmp_path):
        with tarfile.open(dists["sdist"]) as archive:
            archive.extractall(tmp_path, filter="data")
        unpacked = next(tmp_path.glob("handouts-*"))
        assert (unpacked / "tests" / "fixtures").is_dir() and (unpacked / "templates" / "theme.pptx").is_file()
        result = sh(installed / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "tests/test_load.py", "tests/test_config.py", cwd=unpacked, check=False)
        assert result.returncode == 0, result.stdout[-3000:]
        assert " passed" in result.stdout
