"""Building many topics: incremental, stale-aware, reproducible, parallel and sharded."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handouts.batch import Topic, find_topics, in_shard
from handouts.build import BuildOptions
from handouts.cli import main
from handouts.bundled import BUNDLED, NAMES, look_for
from handouts.manifest import MANIFEST_NAME, Manifest, shared_inputs

from .conftest import FIXTURES, run

OUTPUTS = ("handout.pdf", "handout-large-print.pdf", "slides.pptx")


def make_topics(folder: Path, *names: str) -> Path:
    """Write a copy of the minimal fixture per name, each with its own title; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "minimal.yaml").read_text()
    for name in names:
        (folder / f"{name}.yaml").write_text(text.replace("Test handout", f"Handout {name}"))
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file below `folder` (hidden ones too) as {relative path: bytes}."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def library(tmp_path, monkeypatch):
    """Three topics built once into tmp_path/output; the current folder is tmp_path."""
    monkeypatch.chdir(tmp_path)
    make_topics(tmp_path / "topics", "asthma", "diabetes", "gout")
    result = run("build", "topics", "--jobs", "1")
    assert result.code == 0, result.err
    return tmp_path


class DescribeManyTopics:
    def it_writes_each_topic_into_a_folder_named_after_its_file(self, library):
        for slug in ("asthma", "diabetes", "gout"):
            assert sorted(p.name for p in (library / "output" / slug).iterdir()) == sorted(OUTPUTS)
        manifest = json.loads((library / "output" / MANIFEST_NAME).read_text())
        assert set(manifest["topics"]) == {"asthma", "diabetes", "gout"}
        assert manifest["topics"]["gout"]["content"] == "../topics/gout.yaml"

    def it_still_writes_a_single_file_straight_into_the_output_folder(self, tmp_path):
        result = run("build", str(FIXTURES / "minimal.yaml"), "--out", str(tmp_path))
        assert result.code == 0, result.err
        assert {p.name for p in tmp_path.iterdir()} == {*OUTPUTS, MANIFEST_NAME}
        assert f"wrote {tmp_path / 'slides.pptx'}" in result.out

    def it_refuses_a_file_name_that_would_leave_the_output_folder(self, tmp_path):
        out = tmp_path / "output"
        (tmp_path / "elsewhere").mkdir()
        out.mkdir()
        (out / "linked").symlink_to(tmp_path / "elsewhere")
        names = [tmp_path / "..yaml", tmp_path / "linked.yaml", tmp_path / "fine.yaml"]
        topics = find_topics(names, out)
        assert [t.problem is None for t in topics] == [False, False, True]
        assert "cannot use '.' as an output folder name" in topics[0].problem
        assert "would be outside" in topics[1].problem

    def it_refuses_two_topics_with_the_same_file_name(self, tmp_path):
        topics = find_topics([tmp_path / "a" / "x.yaml", tmp_path / "b" / "x.yaml"], tmp_path / "out")
        assert topics[0].problem is None
        assert topics[1].problem == f"its output folder x/ is already used by {tmp_path / 'a' / 'x.yaml'}"

    def it_reports_a_folder_without_content(self, tmp_path):
        (tmp_path / "empty").mkdir()
        result = run("build", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
        assert result.code == 1
        assert "no .yaml content files found" in result.err


class DescribeIncrementalBuilds:
    def it_skips_unchanged_topics(self, library):
        before = snapshot(library / "output")
        result = run("build", "topics")
        assert result.code == 0, result.err
        assert "3 topics: 0 built, 3 up to date, 0 failed" in result.out
        assert snapshot(library / "output") == before

    def it_rebuilds_only_the_changed_topic(self, library):
        gout = library / "topics" / "gout.yaml"
        gout.write_text(gout.read_text().replace("Handout gout", "Living with gout"))
        result = run("build", "topics")
        assert result.code == 0, result.err
        assert "built topics/gout.yaml -> output/gout/" in result.out
        assert "1 built, 2 up to date" in result.out

    def it_rebuilds_a_topic_whose_output_was_deleted_or_options_changed(self, library):
        (library / "output" / "asthma" / "slides.pptx").unlink()
        result = run("build", "topics", "--check")
        assert result.code == 1
        assert "stale: topics/asthma.yaml -> output/asthma/: output/asthma/slides.pptx is missing" in result.out
        result = run("build", "topics", "--paper", "a4", "--check")
        assert "stale: topics/gout.yaml -> output/gout/: options changed" in result.out

    def it_rebuilds_everything_with_force(self, library):
        result = run("build", "topics", "--force", "--jobs", "1")
        assert result.code == 0, result.err
        assert "3 built, 0 up to date" in result.out

    def it_rebuilds_everything_when_the_network_is_allowed(self, library):
        for _ in range(2):  # the second run has the same options, and still cannot trust the record
            result = run("build", "topics", "--allow-network", "--jobs", "2")
            assert result.code == 0, result.err
            assert "3 built, 0 up to date" in result.out

    def it_removes_only_the_outputs_of_a_deleted_topic_and_says_so(self, library):
        (library / "output" / "gout" / "notes.txt").write_text("kept: not ours")
        (library / "topics" / "gout.yaml").unlink()
        (library / "topics" / "diabetes.yaml").unlink()
        result = run("build", "topics")
        assert result.code == 0, result.err
        assert "removed output/gout/ (topics/gout.yaml no longer exists)" in result.out
        assert "removed output/diabetes/ (topics/diabetes.yaml no longer exists)" in result.out
        assert not (library / "output" / "diabetes").exists()
        assert [p.name for p in (library / "output" / "gout").iterdir()] == ["notes.txt"]
        manifest = json.loads((library / "output" / MANIFEST_NAME).read_text())
        assert set(manifest["topics"]) == {"asthma"}


class DescribeTheManifest:
    def it_records_templates_fonts_theme_tool_and_options_each_by_name(self, tmp_path):
        templates, fonts = tmp_path / "templates", tmp_path / "fonts"
        templates.mkdir()
        shutil.copytree(BUNDLED / "fonts", fonts)
        theme = tmp_path / "theme.pptx"
        theme.write_bytes(b"first")
        options = BuildOptions(paper="a4", theme=theme, look=look_for(templates))
        before = shared_inputs(options, fonts)
        assert before["options"] == {"paper": "a4"}
        assert before["tool"]["handouts"] and before["tool"]["weasyprint"]
        assert before["templates"]["handout.css"].startswith("bundled:")
        (templates / "handout.css").write_text((BUNDLED / "handout.css").read_text() + "\n")
        (fonts / "AtkinsonHyperlegible-LICENSE.txt").write_text("changed")
        theme.write_bytes(b"second")
        after = shared_inputs(options, fonts)
        assert [key for key in before if before[key] != after[key]] == ["templates", "fonts", "theme"]
        assert after["templates"]["handout.css"].startswith("project:")
        assert {k: v for k, v in after["templates"].items() if k != "handout.css"} == \
            {k: v for k, v in before["templates"].items() if k != "handout.css"}

    def it_hashes_every_template_the_renderer_can_use(self):
        from handouts import render
        from handouts.build import BuildOptions
        used = shared_inputs(BuildOptions())["templates"]
        assert set(used) == set(NAMES)
        sheets = render.stylesheets(render.HandoutOptions(large_print=True))
        assert {p.name for p in sheets} <= set(used) and all(p.parent == BUNDLED for p in sheets)

    def it_merges_two_builds_saving_into_one_folder(self, tmp_path):
        first, second = Manifest.load(tmp_path), Manifest.load(tmp_path)
        first.record("a", tmp_path / "a.yaml", {"content": "1"}, {})
        second.record("b", tmp_path / "b.yaml", {"content": "2"}, {})
        first.save()
        second.save()
        assert set(Manifest.load(tmp_path).entries) == {"a", "b"}

    def it_rebuilds_everything_when_the_manifest_is_unreadable(self, library):
        (library / "output" / MANIFEST_NAME).write_text("{not json")
        result = run("build", "topics", "--check")
        assert result.code == 1
        assert "unreadable" in result.err and "every topic will be rebuilt" in result.err
        assert result.out.count("never built") == 3


class DescribeTheCheckOption:
    def it_exits_0_when_every_output_is_current(self, library):
        result = run("build", "topics", "--check")
        assert (result.code, result.out) == (0, "3 topics up to date\n")

    def it_lists_stale_missing_and_removed_topics_and_exits_1_writing_nothing(self, library):
        make_topics(library / "topics", "new")
        gout = library / "topics" / "gout.yaml"
        gout.write_text(gout.read_text() + "\n# edited\n")
        (library / "topics" / "asthma.yaml").unlink()
        before = snapshot(library / "output")
        result = run("build", "topics", "--check")
        assert result.code == 1
        assert result.out.splitlines() == [
            "stale: topics/gout.yaml -> output/gout/: content changed",
            "stale: topics/new.yaml -> output/new/: never built",
            "stale: output/asthma/: built from topics/asthma.yaml, which no longer exists",
        ]
        assert "3 of 4 topics are stale or missing" in result.err
        assert snapshot(library / "output") == before

    def it_finds_an_output_edited_by_hand(self, library):
        pdf = library / "output" / "diabetes" / "handout.pdf"
        data = bytearray(pdf.read_bytes())
        data[-20] ^= 1
        pdf.write_bytes(bytes(data))
        result = run("build", "topics", "--check")
        assert result.code == 1
        assert "output/diabetes/handout.pdf was modified" in result.out


class DescribeReproducibleBuilds:
    def it_writes_byte_identical_outputs_and_manifest_across_runs_and_job_counts(self, library):
        first = snapshot(library / "output")
        result = run("build", "topics", "--force", "--jobs", "2")
        assert result.code == 0, result.err
        assert snapshot(library / "output") == first


class DescribeFailureIsolation:
    def it_reports_a_broken_topic_with_its_file_and_builds_the_others(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        make_topics(tmp_path / "topics", "good", "fine")
        (tmp_path / "topics" / "broken.yaml").write_text("title: [unclosed\n")
        result = run("build", "topics", "--jobs", "2")
        assert result.code == 1
        assert "topics/broken.yaml:2:1: invalid YAML" in result.err
        assert "failed: topics/broken.yaml" in result.err
        assert "Traceback" not in result.err
        assert "3 topics: 2 built, 0 up to date, 1 failed" in result.out
        assert not (tmp_path / "output" / "broken").exists()
        for slug in ("good", "fine"):
            assert (tmp_path / "output" / slug / "slides.pptx").is_file()
        again = run("build", "topics", "--jobs", "2")
        assert again.code == 1
        assert "0 built, 2 up to date, 1 failed" in again.out


class DescribeSharding:
    def it_splits_topics_into_a_stable_partition(self, tmp_path):
        topics = [Topic(tmp_path / f"topic-{i}.yaml", f"topic-{i}") for i in range(60)]
        for n in (1, 2, 3, 7):
            shares = [[t for t in topics if in_shard(t, (k, n))] for k in range(1, n + 1)]
            assert sorted(t.folder for share in shares for t in share) == sorted(t.folder for t in topics)
            assert sum(len(share) for share in shares) == len(topics)
            assert all(share for share in shares)  # 60 topics: no shard comes out empty
        assert [t for t in topics if in_shard(t, (2, 3))] == [t for t in topics if in_shard(t, (2, 3))]

    def it_builds_only_its_share_from_the_command_line(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        make_topics(tmp_path / "topics", *[f"t{i}" for i in range(8)])
        listed = []
        for k in (1, 2):
            result = run("build", "topics", "--check", "--shard", f"{k}/2")
            listed.append({line.split()[1] for line in result.out.splitlines()})
        assert listed[0].isdisjoint(listed[1])
        assert listed[0] | listed[1] == {f"topics/t{i}.yaml" for i in range(8)}

    def it_rejects_a_shard_that_does_not_exist(self, capsys):
        assert run("build", "--shard", "3/2").code == 2
        assert "argument --shard: expected K/N with 1 <= K <= N" in capsys.readouterr().err


class DescribeProgressReports:
    def it_draws_a_bar_on_a_terminal(self, tmp_path):
        class Terminal(io.StringIO):
            def isatty(self):
                return True

        out, err = io.StringIO(), Terminal()
        code = main(["build", str(FIXTURES / "minimal.yaml"), str(FIXTURES / "minimal.yaml"),
                     "--out", str(tmp_path)], out=out, err=err)
        assert code == 1  # the same file twice: the second copy's folder is taken
        assert "built 1  failed 1  skipped 0" in err.getvalue()
        assert "ETA" in err.getvalue()

    def it_lists_skipped_topics_when_verbose_and_reads_topics_from_the_config(self, library):
        (library / "handouts.yaml").write_text("content: [topics]\n")
        result = run("build", "--verbose")
        assert result.code == 0, result.err
        assert result.out.splitlines()[:3] == [f"up to date: topics/{name}.yaml"
                                               for name in ("asthma", "diabetes", "gout")]

    def it_prints_only_failures_when_quiet(self, library):
        (library / "topics" / "asthma.yaml").write_text("title: 1\n")
        result = run("build", "topics", "--quiet")
        assert result.code == 1
        assert result.out == ""
        assert "topics/asthma.yaml" in result.err and "failed:" not in result.err


class DescribeANoOpRebuild:
    def it_imports_neither_weasyprint_nor_python_pptx(self, library):
        script = (
            "import sys\n"
            "from handouts.cli import main\n"
            "code = main(['build', 'topics'])\n"
            "heavy = sorted(m for m in ('weasyprint', 'pptx') if m in sys.modules)\n"
            "print('heavy:', heavy)\n"
            "raise SystemExit(code)\n"
        )
        result = subprocess.run([sys.executable, "-c", script], cwd=library, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "3 up to date" in result.stdout
        assert "heavy: []" in result.stdout
