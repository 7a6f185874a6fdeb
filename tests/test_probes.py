"""The probe corpus (tests/probes/probes.yaml): hostile and broken inputs, each with its outcome.

Each probe runs `handouts` in a subprocess, in a fresh copy of a small project, and
must give its exit code and located message with no traceback, leak no byte of the
files outside the project, leave a failed build's previous outputs byte-identical,
and stay within 10 s of CPU time and 500 MB of peak memory, measured for the process
with os.wait4 (bounds on runaway behaviour, not speed tests: the slowest probe, a
whole build, takes a few seconds; CPU time rather than the clock, so a machine busy
with other work does not fail them; a probe still running after 60 s is hung).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

PROBES = Path(__file__).parent / "probes"
CORPUS = yaml.safe_load((PROBES / "probes.yaml").read_text())
MARKER = "SECRET-7f3a9c"
SECONDS = 10
"""The most CPU time (user + system) a probe may use: robust to a machine busy with other work."""
WALL_SECONDS = 60
"""A probe still running after this long is hung (waiting, not working) and is killed."""
MEGABYTES = 500
HANDOUTS = str(Path(sys.executable).with_name("handouts"))


def png(width: int, height: int) -> bytes:
    """Return a 1-bit greyscale PNG of `width` x `height` pixels, all black (a few KB even when huge)."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return _png_file(struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0), data)


def _png_file(header: bytes, data: bytes, *, bad_crc: bool = False) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) ^ (0xFFFF if bad_crc and kind == b"IDAT" else 0)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


PICTURES = {
    "empty": lambda: b"",
    "crc": lambda: _png_file(struct.pack(">IIBBBBB", 8, 8, 1, 0, 0, 0, 0), zlib.compress(b"\0\0" * 8), bad_crc=True),
    "undecodable": lambda: _png_file(struct.pack(">IIBBBBB", 8, 8, 1, 0, 0, 0, 0), b"this is not zlib data"),
}


def _secret(folder: Path) -> None:
    """Write the files outside the project that no probe may reveal."""
    folder.mkdir()
    (folder / "passwd").write_text(f"root:x:0:0:{MARKER}:/root:/bin/bash\n")
    (folder / ".env").write_text(f"API_TOKEN={MARKER}\n")
    (folder / "brand.yaml").write_text(f'name: "{MARKER}"\nphone: "{MARKER}"\n')
    (folder / "secret.png").write_bytes(png(4, 4) + MARKER.encode())


def _project(folder: Path) -> None:
    """Write the small project each probe starts from: the demo topic and brand."""
    (folder / "topics").mkdir(parents=True)
    shutil.copytree(ROOT / "brand", folder / "brand")
    text = (ROOT / "content.yaml").read_text().replace('brand: "brand/brand.yaml"', "brand: ../brand/brand.yaml")
    (folder / "topics" / "demo.yaml").write_text(text)
    (folder / "handouts.yaml").write_text("content: [topics/demo.yaml]\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Return a project whose output/ holds the demo, built once for every build probe."""
    folder = tmp_path_factory.mktemp("built") / "project"
    _project(folder)
    done = subprocess.run([HANDOUTS, "build"], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return folder / "output"


class Run:
    """One finished run: exit code, output, and its peak memory and time."""

    def __init__(self, code: int, out: str, err: str, megabytes: float, seconds: float, timed_out: bool):
        self.code, self.out, self.err, self.timed_out = code, out, err, timed_out
        self.megabytes, self.seconds = megabytes, seconds

    @property
    def text(self) -> str:
        return self.out + self.err


def run(argv: list[str], cwd: Path, stdout: str | None = None) -> Run:
    """Run `handouts argv` in `cwd`; measure the peak memory and CPU time of the process (os.wait4)."""
    err_path, out_path = cwd.parent / "stderr.txt", cwd.parent / "stdout.txt"
    with open(err_path, "wb") as err, open(out_path, "wb") as out:
        read_end = None
        if stdout == "full":
            target = open("/dev/full", "wb")  # noqa: SIM115 - closed below
        elif stdout == "gone":
            read_end, write_end = os.pipe()
            os.close(read_end)
            target = os.fdopen(write_end, "wb")
        else:
            target = out
        close_fds = stdout != "closed"
        process = subprocess.Popen([HANDOUTS, *argv], cwd=cwd, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL if stdout == "closed" else target, stderr=err,
                                   close_fds=close_fds,
                                   preexec_fn=(lambda: os.close(1)) if stdout == "closed" else None,
                                   env={**os.environ, "NO_COLOR": "1"})
        killed = []
        timer = threading.Timer(WALL_SECONDS, lambda: (killed.append(True), process.kill()))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            process.returncode = 0  # reaped by wait4: keep Popen from waiting again
            if target is not out:
                target.close()
    code = os.waitstatus_to_exitcode(status)
    return Run(code, out_path.read_text(errors="replace"), err_path.read_text(errors="replace"),
               usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, timed_out=bool(killed))


def _prepare(probe: dict, root: Path, built: Path | None) -> Path:
    """Return the project folder for `probe`: the base project, its output, then the probe's changes."""
    secret = root / "secret"
    _secret(secret)
    project = root / "project"
    _project(project)
    if built is not None:
        shutil.copytree(built, project / "output")

    def fill(text: str) -> str:
        for key, value in {"{secret}": str(secret), "{project}": str(project),
                           "{x300}": "x" * 300, "{x3000}": "x" * 3000}.items():
            text = text.replace(key, value)
        for width, height in re.findall(r"\{png:(\d+)x(\d+)\}", text):
            uri = "data:image/png;base64," + base64.b64encode(png(int(width), int(height))).decode()
            text = text.replace(f"{{png:{width}x{height}}}", uri)
        return text

    if "edit" in probe:
        file, old, new = probe["edit"]
        path = project / file
        assert old in path.read_text(), f"probe {probe['name']}: {old!r} not in {file}"
        path.write_text(path.read_text().replace(old, fill(new), 1))
    for name, text in probe.get("files", {}).items():
        path = project / name
        for parent in reversed(path.relative_to(project).parents):
            if (project / parent).is_file():
                (project / parent).unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((PROBES / text[1:]).read_text() if text.startswith("@") else fill(text))
    for name, kind in probe.get("pictures", {}).items():
        data = PICTURES[kind]() if kind in PICTURES else png(*map(int, kind.split("x")))
        (project / name).write_bytes(data)
    for name, target in probe.get("links", {}).items():
        path = project / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
        path.symlink_to(fill(target))
    return project


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Return every file below `folder` (symlinks as themselves), to compare after a failed build."""
    found = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        key = str(path.relative_to(folder))
        found[key] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes() if path.is_file() else None
    return found


def _argv(args: list, fmt: str | None) -> list[str]:
    argv = [str(a).replace("{long}", "a" * 300) for a in args]
    return [*argv, "--format", fmt] if fmt else argv


def _cases():
    for probe in CORPUS:
        for args in probe["runs"]:
            formats = probe.get("formats", ["human"]) if args[0] == "check" else [None]
            for fmt in formats:
                label = f"{probe['name']}:{' '.join(map(str, args))}" + (f":{fmt}" if fmt else "")
                yield pytest.param(probe, args, fmt, id=label.replace("{long}", "LONG"))


@pytest.mark.parametrize(("probe", "args", "fmt"), list(_cases()))
def test_probe(probe, args, fmt, request, tmp_path):
    building = args[0] == "build"
    project = _prepare(probe, tmp_path, request.getfixturevalue("built") if building else None)
    before = _snapshot(project / "output")

    result = run(_argv(args, fmt), project, probe.get("stdout"))

    assert not result.timed_out, f"still running after {WALL_SECONDS} s"
    assert result.seconds < SECONDS, f"{result.seconds:.1f} s of CPU time"
    assert result.megabytes < MEGABYTES, f"peak memory {result.megabytes:.0f} MB"
    assert result.code == probe["code"], result.text
    assert "Traceback" not in result.text and "internal error" not in result.text, result.text
    assert MARKER not in result.text
    if probe["message"] and fmt in (None, "human"):
        expected = re.escape("topics/demo.yaml").join(probe["message"].split("{demo}"))
        expected = re.escape("topics/../brand/brand.yaml").join(expected.split("{brand}"))
        found = re.findall(expected, result.text.replace(" error [content-invalid]", ""))  # check's form
        assert found, f"{expected!r} not in:\n{result.text}"
        if probe.get("once"):
            assert len(found) == 1, result.text
    if fmt in ("json", "sarif") and probe.get("stdout") is None:
        json.loads(result.out)  # one whole document, whatever went wrong
    after = _snapshot(project / "output")
    if building and result.code == 1:
        assert after == before, "a failed build changed the previous outputs"
    for name, data in after.items():
        assert data is None or MARKER.encode() not in data, f"output/{name} holds a secret"


def test_the_corpus_covers_every_class_of_the_review():
    names = {probe["name"] for probe in CORPUS}
    for required in ("topic-symlink-to-passwd", "brand-absolute-path", "brand-symlink-out", "alias-expansion",
                     "logo-12000-pixels-square", "stdout-full", "stdout-closed", "reader-gone",
                     "logo-symlink-loop", "output-symlink-loop", "file-name-too-long", "logo-data-uri",
                     "title-over-255", "page-address-too-long-for-qr", "published-in-9999", "empty-logo",
                     "logo-that-cannot-be-decoded", "python-tag-under-an-unknown-key",
                     "output-that-cannot-be-replaced", "malformed-manifest"):
        assert required in names


def test_a_failed_write_restores_what_was_renamed(tmp_path, monkeypatch):
    from handouts import output

    for name in ("a", "b", "c"):
        (tmp_path / name).write_bytes(b"old " + name.encode())
    real = os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if str(dst).endswith("/c") and len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(output.WriteFailed, match="c: cannot write: No space left on device"):
        output.write_all({tmp_path / n: b"new " + n.encode() for n in ("a", "b", "c")})
    monkeypatch.setattr(output.os, "replace", real)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"a": b"old a", "b": b"old b", "c": b"old c"}
    assert len(calls) == 3 + 2  # three renames in, the two done put back


def test_a_manifest_that_cannot_be_written_is_a_message(tmp_path, monkeypatch):
    from handouts import batch, manifest
    from handouts.build import BuildOptions
    from handouts.progress import Reporter

    def full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(manifest, "write_atomic", full)
    monkeypatch.setattr(batch, "_build_all", lambda topics, *a: iter([batch.Outcome(topics[0], outputs={})]))
    (tmp_path / "t.yaml").write_text("x: 1\n")
    import io

    err = io.StringIO()
    code = batch.run_batch([batch.Topic(tmp_path / "t.yaml", ".")], tmp_path / "out", BuildOptions(),
                           Reporter(io.StringIO(), err, bar=False))
    assert code == 1
    assert "cannot write the manifest: No space left on device" in err.getvalue()


def test_a_read_error_while_rendering_is_not_called_a_write_error(tmp_path, monkeypatch, write, minimal_text):
    from handouts import batch, build
    from handouts.build import BuildOptions

    def missing(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", "templates/handout.css")

    monkeypatch.setattr(build, "render_topic", missing)
    outcome = batch.build_one(batch.Topic(write(minimal_text), "."), tmp_path / "out", BuildOptions(), False)
    assert outcome.errors == ["templates/handout.css: cannot read: No such file or directory; nothing was written"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_line_separators_keep_the_spaces_beside_them_in_the_slide_plan(separator, write, minimal_text):
    from handouts.load import load
    from handouts.render import render_slide_plan

    escaped = f"\\u{ord(separator):04x}"  # as YAML's escape, so the content itself keeps the spaces
    text = minimal_text.replace("Your body needs water.", f'"Your body {escaped} needs  {escaped}  water."')
    content = load(write(text)).content
    assert content.sections[0].points[0] == f"Your body {separator} needs  {separator}  water."
    plan = render_slide_plan(content)
    bullets = [b for slide in plan for b in slide.get("bullets", []) if "needs" in str(b)]
    assert f"Your body {separator} needs  {separator}  water." in [b if isinstance(b, str) else b.get("text")
                                                                    for b in bullets], bullets


def test_a_logo_weasyprint_cannot_draw_is_named_at_its_key_not_as_a_data_uri(tmp_path, monkeypatch, write,
                                                                            minimal_text):
    from handouts import batch, pdf
    from handouts.build import BuildOptions
    from handouts.fetch import ResourceError

    (tmp_path / "logo.png").write_bytes(png(8, 8))
    text = minimal_text.replace("  name: Test Clinic", "  name: Test Clinic\n  logo: logo.png\n  logo_alt: A logo")
    path = write(text)

    def undrawable(html, *args, **kwargs):
        raise ResourceError("data:image/png;base64,iVBORw0KGgo=", "WeasyPrint cannot use it as an image")

    monkeypatch.setattr(pdf, "write_pdf", undrawable)
    outcome = batch.build_one(batch.Topic(path, "."), tmp_path / "out", BuildOptions(), False)
    line = text.splitlines().index("  logo: logo.png") + 1
    assert outcome.errors == [f"{path}:{line}:9: organisation.logo: logo.png: WeasyPrint cannot use it as an image; "
                              "nothing was written"]
