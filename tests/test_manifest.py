"""The build manifest: what makes an output stale, what is recorded, and how saves merge.

Fast, without building anything: the manifest is fed files and inputs directly, and
read back from disk as JSON.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import re
from importlib import metadata
from pathlib import Path

import pytest

from handouts import manifest as manifests
from handouts.manifest import (FORMAT, MANIFEST_NAME, Manifest, file_hash, fingerprint, relative, shared_inputs,
                               shown, tree_hash)

LIBRARIES = ("weasyprint", "pydyf", "fonttools", "python-pptx", "jinja2", "pyyaml")
"""The libraries whose upgrade changes the bytes of a PDF or deck, as pip names them."""


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclasses.dataclass(frozen=True)
class Options:
    paper: str = "a4"
    theme: Path | None = None
    folders: tuple = ()
    jobs: int = dataclasses.field(default=1, metadata={"record": False})


@pytest.fixture
def templates(tmp_path) -> Path:
    """A fonts folder holding one font (named for the templates it sits beside)."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "Font.ttf").write_bytes(b"font")
    return folder


class DescribeHashes:
    def it_hashes_a_file_with_sha256_and_gives_none_when_unreadable(self, tmp_path):
        (tmp_path / "a").write_bytes(b"abc")
        assert file_hash(tmp_path / "a") == hashlib.sha256(b"abc").hexdigest()
        assert file_hash(tmp_path / "missing") is None
        assert file_hash(tmp_path) is None

    def it_hashes_a_tree_by_names_and_bytes_wherever_it_is(self, tmp_path):
        for root in ("one", "two"):
            (tmp_path / root / "sub").mkdir(parents=True)
            (tmp_path / root / "a.css").write_text("a")
            (tmp_path / root / "sub" / "b.css").write_text("b")
        first = tree_hash(tmp_path / "one")
        assert first == tree_hash(tmp_path / "two")
        (tmp_path / "two" / "sub" / "b.css").rename(tmp_path / "two" / "sub" / "c.css")
        assert tree_hash(tmp_path / "two") != first
        (tmp_path / "one" / "a.css").write_text("changed")
        assert tree_hash(tmp_path / "one") != first

    def it_skips_the_folder_it_is_told_to_and_only_that(self, tmp_path):
        (tmp_path / "cache").mkdir()
        (tmp_path / "a.py").write_text("a")
        (tmp_path / "z.py").write_text("z")
        before = tree_hash(tmp_path, skip=tmp_path / "cache")
        (tmp_path / "cache" / "a.pyc").write_bytes(b"\0")
        assert tree_hash(tmp_path, skip=tmp_path / "cache") == before
        assert tree_hash(tmp_path) != before
        (tmp_path / "z.py").write_text("changed")  # sorted after the skipped folder
        assert tree_hash(tmp_path, skip=tmp_path / "cache") != before


class DescribeSharedInputs:
    def it_records_options_that_differ_from_the_default_and_paths_by_hash(self, templates, tmp_path):
        theme = tmp_path / "theme.pptx"
        theme.write_bytes(b"theme")
        assert shared_inputs(Options(), templates)["options"] == {}
        inputs = shared_inputs(Options(paper="letter", theme=theme, jobs=4, folders=(Path("assets"),)), templates)
        # jobs does not change the bytes: not recorded; values JSON lacks are recorded as text
        assert inputs["options"] == {"paper": "letter", "folders": ["assets"]}
        assert inputs["theme"] == hashlib.sha256(b"theme").hexdigest()

    def it_keeps_fonts_apart_from_the_other_templates(self, templates):
        before = shared_inputs(Options(), templates)
        (templates / "Font.ttf").write_bytes(b"new font")
        after = shared_inputs(Options(), templates)
        assert before["templates"] == after["templates"] and before["fonts"] != after["fonts"]
        assert shared_inputs(Options(), templates.parent / "no-fonts-here")["fonts"] is None

    def it_does_not_count_compiled_code_as_a_change(self, templates):
        cache = Path(manifests.__file__).parent / "__pycache__"
        cache.mkdir(exist_ok=True)
        before = shared_inputs(Options(), templates)["tool"]["code"]
        compiled = cache / f"zz-{os.getpid()}.cpython-311.pyc"
        try:
            compiled.write_bytes(b"compiled")
            assert shared_inputs(Options(), templates)["tool"]["code"] == before
        finally:
            compiled.unlink(missing_ok=True)

    def it_records_the_version_of_every_library_that_shapes_the_outputs(self, templates):
        tool = shared_inputs(Options(), templates)["tool"]
        for library in LIBRARIES:
            assert tool[library] == metadata.version(library), library
        assert tool["handouts"] and len(tool["code"]) == 64

    @pytest.mark.parametrize("library", LIBRARIES)
    def it_makes_a_library_upgrade_a_reason_to_rebuild(self, library, templates, tmp_path, monkeypatch):
        content = tmp_path / "topic.yaml"
        content.write_text("title: x")
        before = fingerprint(content, shared_inputs(Options(), templates), {}, tmp_path)
        book = Manifest(tmp_path, {})
        book.record(".", content, before, {})
        real = metadata.version
        monkeypatch.setattr(manifests.metadata, "version",
                            lambda name: "999.0" if _normal(name) == _normal(library) else real(name))
        after = fingerprint(content, shared_inputs(Options(), templates), {}, tmp_path)
        assert book.stale_reason(".", content, after) == "tool changed"

    def it_records_a_library_that_is_not_installed_as_none(self, templates, monkeypatch):
        def missing(name):
            raise metadata.PackageNotFoundError(name)

        monkeypatch.setattr(manifests.metadata, "version", missing)
        assert shared_inputs(Options(), templates)["tool"]["jinja2"] is None


class DescribeFingerprints:
    def it_hashes_the_content_and_each_extra_file_again(self, tmp_path):
        content, logo = tmp_path / "topic.yaml", tmp_path / "logo.png"
        content.write_text("title: x")
        logo.write_bytes(b"logo")
        print_ = fingerprint(content, {"tool": 1}, {"logo.png": "stale hash", "gone.png": None}, tmp_path)
        assert print_ == {"content": file_hash(content), "tool": 1,
                          "deps": {"gone.png": None, "logo.png": hashlib.sha256(b"logo").hexdigest()}}
        assert list(print_["deps"]) == ["gone.png", "logo.png"]


def _built(tmp_path: Path, outputs: dict[str, bytes], folder: str = "topic") -> tuple[Manifest, Path, dict]:
    """Return a manifest recording `outputs` written into `folder`, the content file and the inputs."""
    content = tmp_path / "topic.yaml"
    content.write_text("title: x")
    (tmp_path / folder).mkdir(exist_ok=True)
    recorded = {}
    for name, data in outputs.items():
        (tmp_path / folder / name).write_bytes(data)
        recorded[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    inputs = {"content": "1", "templates": "2", "tool": {"handouts": "0.1"}}
    book = Manifest(tmp_path, {})
    book.record(folder, content, inputs, recorded)
    return book, content, inputs


class DescribeStaleness:
    def it_says_nothing_when_outputs_match(self, tmp_path):
        book, content, inputs = _built(tmp_path, {"handout.pdf": b"%PDF", "slides.pptx": b"PK"})
        assert book.stale_reason("topic", content, inputs) is None
        assert book.stale_reason("topic", content, inputs, verify=True) is None

    def it_says_never_built_for_a_new_folder(self, tmp_path):
        book, content, inputs = _built(tmp_path, {})
        assert book.stale_reason("other", content, inputs) == "never built"

    def it_names_the_content_file_it_was_last_built_from(self, tmp_path):
        book, _, inputs = _built(tmp_path, {})
        (tmp_path / "moved.yaml").write_text("title: x")
        assert book.stale_reason("topic", tmp_path / "moved.yaml", inputs) == "last built from topic.yaml"

    def it_names_every_input_that_changed_in_order(self, tmp_path):
        book, content, inputs = _built(tmp_path, {})
        changed = {**inputs, "content": "9", "tool": {"handouts": "0.2"}, "theme": None}
        assert book.stale_reason("topic", content, changed) == "content, tool changed"
        assert book.stale_reason("topic", content, {**inputs, "theme": "abc"}) == "theme changed"

    def it_names_a_missing_output(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        book, content, inputs = _built(tmp_path, {"handout.pdf": b"%PDF", "slides.pptx": b"PK"})
        (tmp_path / "topic" / "slides.pptx").unlink()
        assert book.stale_reason("topic", content, inputs) == "topic/slides.pptx is missing"

    def it_finds_a_change_of_size_always_and_of_bytes_only_when_verifying(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        book, content, inputs = _built(tmp_path, {"handout.pdf": b"%PDF"})
        (tmp_path / "topic" / "handout.pdf").write_bytes(b"%PDX")
        assert book.stale_reason("topic", content, inputs) is None
        assert book.stale_reason("topic", content, inputs, verify=True) == "topic/handout.pdf was modified"
        (tmp_path / "topic" / "handout.pdf").write_bytes(b"%PDF longer")
        assert book.stale_reason("topic", content, inputs) == "topic/handout.pdf was modified"


    def it_reads_entries_that_lack_inputs_or_outputs(self, tmp_path):
        content = tmp_path / "topic.yaml"
        content.write_text("title: x")
        book = Manifest(tmp_path, {"bare": {"content": "topic.yaml"},
                                   "done": {"content": "topic.yaml", "inputs": {"content": "1"}}})
        assert book.stale_reason("bare", content, {"content": "1"}) == "content changed"
        assert book.stale_reason("done", content, {"content": "1"}) is None


class DescribeEntries:
    def it_gives_the_extra_files_of_a_topic(self, tmp_path):
        book = Manifest(tmp_path, {"t": {"inputs": {"deps": {"logo.png": "h"}}}, "bare": {}})
        assert book.deps("t") == {"logo.png": "h"}
        assert book.deps("bare") == {} and book.deps("unknown") == {}

    def it_finds_entries_whose_content_file_is_gone(self, tmp_path):
        (tmp_path / "kept.yaml").write_text("x")
        book = Manifest(tmp_path, {"kept": {"content": "kept.yaml"}, "gone": {"content": "gone.yaml"},
                                   "odd": {}})
        assert set(book.orphans()) == {"gone", "odd"}


class DescribeLoadingAndSaving:
    def it_starts_empty_without_a_problem_when_there_is_no_manifest(self, tmp_path):
        book = Manifest.load(tmp_path)
        assert book.entries == {} and book.problem is None

    @pytest.mark.parametrize(("text", "why"), [
        ("{not json", "unreadable"),
        ('["a list"]', "not a manifest this version understands"),
        ('{"format": 2, "topics": {}}', "not a manifest this version understands"),
        ('{"format": 1, "topics": []}', "not a manifest this version understands"),
    ])
    def it_says_why_a_manifest_cannot_be_used(self, text, why, tmp_path):
        (tmp_path / MANIFEST_NAME).write_text(text)
        book = Manifest.load(tmp_path)
        assert book.entries == {}
        assert book.problem.startswith(f"{tmp_path / MANIFEST_NAME}: {why}")
        assert book.problem.endswith("every topic will be rebuilt")

    def it_replaces_an_unusable_manifest_at_the_next_save(self, tmp_path):
        for text in ("{not json", '{"format": 99}'):
            (tmp_path / MANIFEST_NAME).write_text(text)
            book = Manifest.load(tmp_path)
            book.record("a", tmp_path / "a.yaml", {}, {})
            book.save()
            assert set(Manifest.load(tmp_path).entries) == {"a"} and Manifest.load(tmp_path).problem is None

    def it_creates_the_output_folder_and_its_parents(self, tmp_path):
        book = Manifest.load(tmp_path / "site" / "out")
        book.record("a", tmp_path / "a.yaml", {}, {})
        book.save()
        assert set(Manifest.load(tmp_path / "site" / "out").entries) == {"a"}

    def it_saves_again_after_more_changes(self, tmp_path):
        book = Manifest.load(tmp_path)
        book.record("a", tmp_path / "a.yaml", {}, {})
        book.save()
        book.record("b", tmp_path / "b.yaml", {}, {})
        book.forget("a")
        assert set(book.entries) == {"b"}
        book.forget("never-built")
        book.save()
        assert set(Manifest.load(tmp_path).entries) == {"b"}

    def it_forgets_a_topic_another_build_already_removed(self, tmp_path):
        first = Manifest.load(tmp_path)
        first.record("a", tmp_path / "a.yaml", {}, {})
        first.save()
        one, two = Manifest.load(tmp_path), Manifest.load(tmp_path)
        one.forget("a")
        two.forget("a")
        one.save()
        two.save()
        assert Manifest.load(tmp_path).entries == {}

    def it_writes_nothing_when_nothing_changed(self, tmp_path):
        Manifest.load(tmp_path / "out").save()
        assert not (tmp_path / "out").exists()

    def it_saves_sorted_json_of_this_format_and_reads_it_back(self, tmp_path):
        out = tmp_path / "out"
        book = Manifest.load(out)
        book.record("b", tmp_path / "b.yaml", {"content": "2"}, {"x.pdf": {"size": 1, "sha256": "h"}})
        book.record("a", tmp_path / "a.yaml", {"content": "1"}, {})
        book.save()
        text = (out / MANIFEST_NAME).read_text()
        data = json.loads(text)
        assert data == {"format": FORMAT, "topics": {
            "a": {"content": "../a.yaml", "inputs": {"content": "1"}, "outputs": {}},
            "b": {"content": "../b.yaml", "inputs": {"content": "2"}, "outputs": {"x.pdf": {"size": 1, "sha256": "h"}}},
        }}
        assert text == json.dumps(data, indent=1, sort_keys=True) + "\n"
        assert Manifest.load(out).entries == data["topics"]

    def it_merges_removals_and_additions_with_what_another_build_saved(self, tmp_path):
        first = Manifest.load(tmp_path)
        first.record("a", tmp_path / "a.yaml", {}, {})
        first.record("b", tmp_path / "b.yaml", {}, {})
        first.save()
        second, third = Manifest.load(tmp_path), Manifest.load(tmp_path)
        second.forget("a")
        third.record("c", tmp_path / "c.yaml", {}, {})
        second.save()
        third.save()
        assert set(Manifest.load(tmp_path).entries) == {"b", "c"}
        assert set(third.entries) == {"b", "c"}  # it now holds what is on disk
        third.save()  # nothing changed since: the other build's removal stays
        assert set(Manifest.load(tmp_path).entries) == {"b", "c"}

    def it_holds_the_folder_locked_while_it_writes(self, tmp_path, monkeypatch):
        held = []
        real = manifests.write_atomic

        def write_atomic(path, data):
            fd = os.open(tmp_path, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held.append(False)
            except BlockingIOError:
                held.append(True)
            finally:
                os.close(fd)
            real(path, data)

        monkeypatch.setattr(manifests, "write_atomic", write_atomic)
        book = Manifest.load(tmp_path)
        book.record("a", tmp_path / "a.yaml", {}, {})
        book.save()
        assert held == [True]
        fd = os.open(tmp_path, os.O_RDONLY)  # and released afterwards
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)


class DescribePaths:
    def it_gives_paths_relative_to_the_output_folder_with_forward_slashes(self, tmp_path):
        assert relative(tmp_path / "topics" / "a.yaml", tmp_path / "out") == "../topics/a.yaml"
        assert relative(tmp_path / "out" / "a" / "b.pdf", tmp_path / "out") == "a/b.pdf"

    def it_shows_a_path_below_the_current_folder_relatively_and_others_in_full(self, tmp_path, monkeypatch):
        (tmp_path / "here").mkdir()
        monkeypatch.chdir(tmp_path / "here")
        assert shown(tmp_path / "here" / "out" / "a.pdf") == "out/a.pdf"
        assert shown(tmp_path / "elsewhere" / "a.pdf") == str(tmp_path / "elsewhere" / "a.pdf")
