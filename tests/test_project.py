"""A clinic's project: `handouts new`, the config found from any folder, template overrides."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.bundled import BUNDLED, NAMES
from handouts.cli import main

BIN = Path(sys.executable).parent


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "my-clinic"
    code, out, err = run("new", str(folder))
    assert code == 0, err
    monkeypatch.chdir(folder)
    return folder


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


class DescribeNew:
    def it_writes_a_project_with_config_topic_brand_ci_and_readme(self, project):
        names = {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}
        assert {"handouts.yaml", "topics/hand-washing.yaml", "brand/brand.yaml", "brand/logo.svg",
                ".github/workflows/handouts.yml", ".pre-commit-config.yaml", ".gitignore", "README.md",
                "requirements.txt", "constraints.txt"} <= names
        assert "output/" in (project / ".gitignore").read_text()

    def it_pins_the_tool_and_the_libraries_that_shape_the_bytes(self, project):
        from handouts import __version__
        assert f"handouts=={__version__}" in (project / "requirements.txt").read_text()
        pins = (project / "constraints.txt").read_text()
        assert "weasyprint==" in pins.lower() and "python-pptx==" in pins
        workflow = (project / ".github/workflows/handouts.yml").read_text()
        assert "-r requirements.txt -c constraints.txt" in workflow and "-e ." not in workflow

    def it_writes_a_starter_topic_that_passes_check_strict(self, project):
        code, out, err = run("check", "--strict")
        assert code == 0, out + err
        assert "hand-washing.yaml: ok" in out

    def it_builds_every_topic_from_the_project_root(self, project):
        code, out, err = run("build")
        assert code == 0, out + err
        text = pdf_text(project / "output" / "hand-washing" / "handout.pdf")
        assert "Washing your hands" in text and "Your Clinic" in text

    def it_refuses_a_folder_that_is_not_empty_unless_forced(self, tmp_path):
        (tmp_path / "notes.txt").write_text("mine")
        code, _, err = run("new", str(tmp_path))
        assert code == 1 and "not empty" in err and "--force" in err
        assert not (tmp_path / "handouts.yaml").exists()
        code, _, err = run("new", str(tmp_path), "--force")
        assert code == 0, err
        assert (tmp_path / "handouts.yaml").is_file() and (tmp_path / "notes.txt").read_text() == "mine"

    def it_refuses_a_file(self, tmp_path):
        (tmp_path / "clinic").write_text("a file")
        code, _, err = run("new", str(tmp_path / "clinic"))
        assert code == 1 and "is a file" in err and "Traceback" not in err


class DescribeTheGeneratedCI:
    def it_writes_a_workflow_that_the_github_schema_accepts(self, project):
        result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                                 ".github/workflows/handouts.yml"], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

    def it_bounds_the_workflow_in_time_and_runs_it_when_topics_brand_or_templates_change(self, project):
        import yaml
        workflow = yaml.safe_load((project / ".github/workflows/handouts.yml").read_text())
        job = workflow["jobs"]["handouts"]
        assert 0 < job["timeout-minutes"] <= 60
        for event in ("push", "pull_request"):
            paths = workflow[True][event]["paths"]  # PyYAML reads the key `on` as True
            assert {"topics/**", "brand/**", "templates/**", "handouts.yaml"} <= set(paths)
        steps = " ".join(step.get("run", "") for step in job["steps"])
        assert "handouts check --format sarif" in steps and "handouts build" in steps

    def it_writes_a_pre_commit_config_that_pre_commit_accepts(self, project):
        result = subprocess.run([BIN / "pre-commit", "validate-config", ".pre-commit-config.yaml"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "require_serial: true" in (project / ".pre-commit-config.yaml").read_text()


class DescribeTheConfig:
    def it_is_found_from_a_subfolder_and_gives_the_same_bytes(self, project, monkeypatch):
        assert run("build")[0] == 0
        first = {p.name: p.read_bytes() for p in (project / "output" / "hand-washing").iterdir()}
        shutil.rmtree(project / "output")
        monkeypatch.chdir(project / "topics")
        code, out, err = run("build")
        assert code == 0, out + err
        assert {p.name: p.read_bytes() for p in (project / "output" / "hand-washing").iterdir()} == first
        assert not (project / "topics" / "output").exists()
        shutil.rmtree(project / "output")
        monkeypatch.chdir(project.parent)
        assert run("build", "--config", str(project / "handouts.yaml"))[0] == 0
        assert {p.name: p.read_bytes() for p in (project / "output" / "hand-washing").iterdir()} == first

    def it_reports_an_empty_config(self, project):
        (project / "handouts.yaml").write_text("")
        code, _, err = run("check")
        assert code == 1 and "handouts.yaml: the config file is empty" in err

    def it_reports_a_missing_config_given_on_the_command_line(self, tmp_path):
        code, _, err = run("build", "--config", str(tmp_path / "nope.yaml"))
        assert code == 1 and "nope.yaml: file not found" in err

    def it_warns_of_an_unknown_key_and_refuses_it_under_strict(self, project):
        with (project / "handouts.yaml").open("a") as config:
            config.write("\npapr: a4\n")
        code, _, err = run("check")
        assert code == 0 and "handouts.yaml:" in err and "papr" in err
        code, _, err = run("check", "--strict")
        assert code == 1 and "papr" in err

    def it_says_so_when_the_project_has_no_topics(self, project):
        for topic in (project / "topics").iterdir():
            topic.unlink()
        code, _, err = run("build")
        assert code == 1 and "no .yaml content files found" in err


class DescribeTemplateOverrides:
    def it_lists_the_templates_and_which_copy_is_used(self, project):
        code, out, _ = run("templates", "list")
        assert code == 0 and all(name in out for name in NAMES)
        assert "your copy" not in out

    def it_copies_a_template_and_refuses_to_replace_a_copy(self, project):
        code, out, err = run("templates", "copy", "handout.css")
        assert code == 0, err
        assert (project / "templates" / "handout.css").read_bytes() == (BUNDLED / "handout.css").read_bytes()
        assert not (project / "templates" / "slides.yaml.j2").exists()
        code, _, err = run("templates", "copy", "handout.css")
        assert code == 1 and "already there" in err
        code, _, err = run("templates", "copy", "footer.html")
        assert code == 1 and "unknown template footer.html" in err

    def it_uses_the_projects_copy_and_marks_the_topics_stale(self, project):
        assert run("build")[0] == 0
        assert run("build", "--check")[0] == 0
        run("templates", "copy", "handout.html.j2")
        template = project / "templates" / "handout.html.j2"
        text = template.read_text()
        footer = '<div class="page-footer">'
        assert footer in text
        template.write_text(text.replace(footer, footer + "<p>Printed by the Riverside print room</p>", 1))
        code, out, _ = run("build", "--check")
        assert code == 1 and "hand-washing" in out
        assert run("build")[0] == 0
        assert "Printed by the Riverside print room" in pdf_text(project / "output/hand-washing/handout.pdf")
        manifest = json.loads((project / "output" / ".handouts-manifest.json").read_text())
        recorded = manifest["topics"]["hand-washing"]["inputs"]["templates"]
        assert recorded["handout.html.j2"].startswith("project:") and recorded["handout.css"].startswith("bundled:")

    def it_reports_a_syntax_error_in_an_override_with_its_line_and_keeps_the_outputs(self, project):
        assert run("build")[0] == 0
        before = (project / "output/hand-washing/handout.pdf").read_bytes()
        run("templates", "copy", "handout.html.j2")
        template = project / "templates" / "handout.html.j2"
        lines = template.read_text().splitlines()
        body = lines.index("<body>")
        lines[body] += " {% if %}"
        template.write_text("\n".join(lines) + "\n")
        code, out, err = run("build")
        assert code == 1 and "Traceback" not in err
        assert f"{template}:{body + 1}: template error" in err
        assert (project / "output/hand-washing/handout.pdf").read_bytes() == before

    def it_reports_an_undefined_name_in_an_override_with_its_line(self, project):
        run("templates", "copy", "slides.yaml.j2")
        template = project / "templates" / "slides.yaml.j2"
        template.write_text(template.read_text() + "{{ no_such_name }}\n")
        line = len(template.read_text().splitlines())
        code, _, err = run("build")
        assert code == 1 and "Traceback" not in err
        assert f"{template}:{line}: template error: 'no_such_name' is undefined" in err
