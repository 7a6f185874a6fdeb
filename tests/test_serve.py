"""`handouts serve`: a real server on a free port, edited files, raw requests, SIGINT; and its preview stage."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts import preview, rules
from handouts.config import load_config
from handouts.load import load

from .conftest import FIXTURES, ROOT

WAIT = 240
"""Seconds to wait for a rebuild before failing: a bound on a hang, not a speed test (see bench/serve.py)."""


class Served:
    """A `handouts serve` process on a free port, and ways to ask it things."""

    def __init__(self, cwd: Path, *args: str):
        self.tmp = cwd / "tmp"
        self.tmp.mkdir(exist_ok=True)
        env = {**os.environ, "TMPDIR": str(self.tmp), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "handouts", "serve", *args, "--port", "0"], cwd=cwd,
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.first_line = self.proc.stdout.readline()
        found = re.search(r"http://([\d.]+):(\d+)/", self.first_line)
        assert found, f"no address in {self.first_line!r}; stderr: {self.proc.stderr.read() if not found else ''}"
        self.host, self.port = found.group(1), int(found.group(2))
        self.url = found.group()

    def get(self, path: str, method: str = "GET", host: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes, str]:
        """Send `path` exactly as given (no normalising of '..'); return status, body and content type."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=True)
            connection.putheader("Host", host or f"{self.host}:{self.port}")
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read(), response.getheader("Content-Type") or ""
        finally:
            connection.close()

    def state(self) -> dict:
        status, body, _ = self.get("/state")
        assert status == 200
        return json.loads(body)

    def wait(self, what: str, test, timeout: float = WAIT) -> dict:
        """Return the state once `test(state)` holds; fail saying `what` did not happen."""
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"the server stopped: {self.proc.stderr.read()}"
            state = self.state()
            if test(state):
                return state
            if time.monotonic() > deadline:
                pytest.fail(f"{what} did not happen within {timeout} s; last state: {json.dumps(state)[:2000]}")
            time.sleep(0.1)

    def pdf_text(self, url: str) -> str:
        status, body, kind = self.get(url)
        assert status == 200 and kind == "application/pdf"
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)

    def stop(self) -> tuple[int, str, str]:
        """Send SIGINT (Ctrl-C) and return the exit code, stdout and stderr."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, out, err

    def kill(self) -> None:
        """End the server after a failed test, and the LibreOffice it started (SIGKILL leaves that running)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        for pid in running_in(self.tmp):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the demo project: handouts.yaml, content.yaml and its brand folder."""
    for name in ("handouts.yaml", "content.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "brand", tmp_path / "brand")
    return tmp_path


@pytest.fixture
def served(project):
    server = Served(project, "content.yaml")
    yield server
    server.kill()


def built(state: dict) -> bool:
    """Return whether the preview has both editions of the handout and the deck."""
    return bool(state.get("pages", {}).get("standard") and state.get("pages", {}).get("large")
                and state.get("slides"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def running_in(folder: Path) -> dict[int, str]:
    """Return {pid: command line} of the running processes that name `folder` (a LibreOffice profile in it)."""
    found = {}
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if proc.name.isdigit() and int(proc.name) != os.getpid() and str(folder) in command:
            found[int(proc.name)] = command
    return found


DEMO_TITLE = 'title: "Leaky gut and L-glutamine: what one article says"'


class DescribeServe:
    def it_previews_the_topic_updates_on_save_shows_a_broken_save_and_recovers(self, served, project):
        page_status, page, kind = served.get("/")
        assert page_status == 200 and kind.startswith("text/html") and b"EventSource" in page
        assert served.host == "127.0.0.1"

        state = served.wait("the first preview", built)
        assert state["title"] == "Leaky gut and L-glutamine: what one article says"
        assert len(state["pages"]["large"]) > len(state["pages"]["standard"]) >= 2
        first_page = state["pages"]["standard"][0]["src"]
        status, png, kind = served.get(first_page)
        assert status == 200 and kind == "image/jpeg" and png.startswith(b"\xff\xd8\xff")
        assert "what one article says" in served.pdf_text(state["pdfs"]["standard"])
        assert [s["title"] for s in state["slides"]][0] == state["title"]
        assert any(s["notes"] for s in state["slides"])
        assert {k: state["text"][0][k] for k in ("path", "line", "text")} == {"path": "title", "line": 8,
                                                                              "text": state["title"]}
        config = load_config(project / "handouts.yaml")
        expected = rules.check(load(project / "content.yaml"), config.check)
        assert [(f["rule"], f["line"]) for f in state["findings"]] == [(f.rule, f.line) for f in expected.findings]

        edit(project / "content.yaml", DEMO_TITLE, 'title: "Leaky gut: what one writer says"')
        state = served.wait("the new title in the preview",
                            lambda s: s.get("title") == "Leaky gut: what one writer says"
                            and s["pages"]["standard"][0]["src"] != first_page)
        assert "what one writer says" in served.pdf_text(state["pdfs"]["standard"])
        state = served.wait("the new title in the large print and the deck",
                            lambda s: built(s) and s["slides"][0]["title"] == "Leaky gut: what one writer says")
        assert "what one writer says" in served.pdf_text(state["pdfs"]["large"])
        good_pages = state["pages"]

        edit(project / "content.yaml", 'title: "Leaky gut: what one writer says"', "title: [Leaky gut, two]")
        state = served.wait("the error of the broken save", lambda s: s["error"] is not None)
        problem = state["error"]["problems"][0]
        assert (Path(problem["file"]).name, problem["line"], problem["key"]) == ("content.yaml", 8, "title")
        assert "content.yaml:8:" in problem["text"] and "expected text" in problem["message"]
        assert state["pages"] == good_pages, "the last good preview stays"
        assert served.get("/")[0] == 200, "the server keeps running"

        edit(project / "content.yaml", "title: [Leaky gut, two]", 'title: "Leaky gut, fixed"')
        state = served.wait("recovery after the fix",
                            lambda s: s["error"] is None and s.get("title") == "Leaky gut, fixed"
                            and s["pages"]["standard"][0]["src"] not in {p["src"] for p in good_pages["standard"]})
        assert "Leaky gut, fixed" in served.pdf_text(state["pdfs"]["standard"])
        assert not (project / "output").exists(), "serve never writes into the project's output folder"

    def it_rebuilds_on_a_save_of_the_brand_file_or_a_template(self, project):
        copied = subprocess.run([sys.executable, "-m", "handouts", "templates", "copy", "handout.html.j2"],
                                cwd=project, capture_output=True, text=True)
        assert copied.returncode == 0, copied.stderr
        template = project / "templates" / "handout.html.j2"
        server = Served(project, "content.yaml")
        try:
            server.wait("the first preview", built)
            edit(project / "brand" / "brand.yaml", 'name: "Riverside Community Clinic"', 'name: "Hillside Clinic"')
            state = server.wait("the new brand name", lambda s: s.get("pdfs") and "Hillside Clinic" in
                                server.pdf_text(s["pdfs"]["standard"]))
            assert state["error"] is None
            before = state["pdfs"]["standard"]

            lines = template.read_text().splitlines(keepends=True)
            lines.insert(9, "{% if %}\n")
            template.write_text("".join(lines))
            state = server.wait("the template error", lambda s: s["error"] is not None)
            problem = state["error"]["problems"][0]
            assert (Path(problem["file"]).resolve(), problem["line"]) == (template.resolve(), 10)
            assert "handout.html.j2:10: template error" in problem["text"]

            del lines[9]
            template.write_text("".join(lines))
            server.wait("recovery after the template is fixed",
                        lambda s: s["error"] is None and s["pdfs"]["standard"] != before)
        finally:
            code, _, err = server.stop()
        assert code == 0 and "Traceback" not in err

    def it_serves_only_its_own_files(self, served, project):
        state = served.wait("the first preview", lambda s: s.get("pages", {}).get("standard"))
        src = state["pages"]["standard"][0]["src"]
        assert served.get(src)[0] == 200
        build, name = src[len("/files/"):].split("/", 1)
        (project / "secret.txt").write_text("secret")
        for path in ("/../content.yaml", "/files/../content.yaml", "/files/../../../../etc/passwd",
                     "/files//etc/passwd", "/files/%2e%2e/%2e%2e/etc/passwd", f"/files/{build}/../{build}/{name}",
                     f"/files/{build}/./{name}", "/etc/passwd", str(project / "secret.txt"),
                     "/files/" + str(project / "secret.txt"), "/content.yaml", "/secret.txt", "/serve.html"):
            status, body, _ = served.get(path)
            assert status == 404, path
            assert b"secret" not in body and b"root:" not in body
        assert served.get("/state", host="evil.example:80")[0] == 403

    def it_stops_on_sigint_with_exit_0_and_removes_its_temporary_folder(self, served):
        if preview.office():
            state = served.wait("the slide images", lambda s: s["slide_images"] == "ready")
            status, image, kind = served.get(state["slides"][0]["image"])
            assert status == 200 and kind == "image/jpeg" and image.startswith(b"\xff\xd8\xff")
            assert running_in(served.tmp), "LibreOffice runs with its profile in the temporary folder"
        else:
            served.wait("the first preview", lambda s: s.get("pages", {}).get("standard"))
        assert [p.name for p in served.tmp.iterdir() if p.name.startswith("handouts-serve-")]
        code, out, err = served.stop()
        assert code == 0, err
        assert "Traceback" not in err and "Traceback" not in out
        assert "stopped" in out
        assert list(served.tmp.iterdir()) == []
        assert running_in(served.tmp) == {}, "no LibreOffice it started is left running"

    def it_previews_a_folder_with_the_status_of_each_topic(self, tmp_path):
        topics = tmp_path / "topics"
        topics.mkdir()
        good = (FIXTURES / "minimal.yaml").read_text() + "feedback: Email us at info@example.org.\n"
        (topics / "a-good.yaml").write_text(good)
        (topics / "d-new.yaml").write_text(good.replace("Test handout", "New handout"))
        (topics / "b-wordy.yaml").write_text(good.replace("Drink water every day.", "Drink water every day. "
                                                          "It is the best way to stay well, guaranteed."))
        (topics / "c-broken.yaml").write_text(good.replace("title: Test handout", "title: [a, b]"))
        built = subprocess.run([sys.executable, "-m", "handouts", "build", "topics/a-good.yaml", "topics/b-wordy.yaml"],
                               cwd=tmp_path, capture_output=True, text=True)
        assert built.returncode == 0, built.stderr
        server = Served(tmp_path, "topics")
        try:
            state = server.wait("the topic list", lambda s: len(s["topics"]) == 4 and s.get("pages"))
            statuses = {t["slug"]: t["status"] for t in state["topics"]}
            assert statuses == {"a-good": "ok", "b-wordy": "warnings", "c-broken": "errors", "d-new": "stale"}
            assert state["folder"] is True and state["topic"] == "a-good"
            ours = {"X-Requested-With": "handouts"}
            assert server.get("/select?topic=c-broken", method="POST")[0] == 403, "a form of another site"
            assert server.get("/select?topic=../etc", method="POST", headers=ours)[0] == 404
            assert server.get("/select?topic=c-broken", method="POST", headers=ours)[0] == 200
            state = server.wait("the broken topic's error", lambda s: s["topic"] == "c-broken" and s["error"])
            assert state["error"]["problems"][0]["line"] == 1
        finally:
            code, _, err = server.stop()
        assert code == 0 and "Traceback" not in err

    def it_listens_elsewhere_only_when_asked_and_warns(self, tmp_path):
        (tmp_path / "content.yaml").write_text((FIXTURES / "minimal.yaml").read_text())
        server = Served(tmp_path, "content.yaml", "--host", "0.0.0.0")
        code, _, err = server.stop()
        assert code == 0
        assert "warning: serving on 0.0.0.0" in err


class DescribeTheCommandLine:
    def it_imports_nothing_heavy_for_help(self):
        script = ("import sys\nfrom handouts.cli import main\n"
                  "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
                  "heavy = [m for m in ('weasyprint', 'pptx', 'pypdfium2', 'watchfiles', 'handouts.serve') "
                  "if m in sys.modules]\nprint('heavy:', heavy)\n")
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert "serve" in result.stdout and "heavy: []" in result.stdout

    def it_refuses_a_topic_that_is_not_there(self, tmp_path):
        result = subprocess.run([sys.executable, "-m", "handouts", "serve", "missing.yaml", "--port", "0"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert (result.returncode, result.stdout) == (1, "")
        assert "missing.yaml: no .yaml content files found" in result.stderr

    def it_says_when_the_port_is_taken(self, tmp_path):
        import socket

        (tmp_path / "content.yaml").write_text((FIXTURES / "minimal.yaml").read_text())
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = subprocess.run([sys.executable, "-m", "handouts", "serve", "content.yaml", "--port", str(port)],
                                    cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


class DescribeMarkedText:
    def it_marks_the_words_a_finding_names_by_kind(self, write, minimal_text):
        path = write(minimal_text.replace("It keeps you well.", "It is the best way to treat your fibromyalgia.")
                     .replace("Drink water every day.", "Water should be taken every day."))
        loaded = load(path)
        report = rules.check(loaded)
        parts = {p.path: p for p in preview.marked_text(loaded, report)}
        point = parts["sections[0].points[1]"]
        marked = {(point.text[m["start"]:m["end"]], m["kind"]) for m in point.marks}
        assert ("fibromyalgia", "term") in marked
        assert ("best way", "claim") in marked
        main = parts["main_message"]
        assert {(main.text[m["start"]:m["end"]], m["kind"]) for m in main.marks} == {("be taken", "passive")}
        for part in parts.values():
            for m in part.marks:
                assert report.findings[m["finding"]].path in part.path

    def it_marks_a_complex_word_but_not_its_alternative(self, write, minimal_text):
        path = write(minimal_text.replace("Your body needs water.", "Utilize water to help your body use food."))
        loaded = load(path)
        report = rules.check(loaded)
        point = next(p for p in preview.marked_text(loaded, report) if p.path == "sections[0].points[0]")
        words = {(point.text[m["start"]:m["end"]], m["kind"], report.findings[m["finding"]].rule) for m in point.marks}
        assert words == {("Utilize", "word", "plain-words")}

    def it_marks_the_whole_part_when_a_finding_names_no_words(self, write, minimal_text):
        path = write(minimal_text.replace("actions: [Drink a glass of water with each meal.]",
                                          "actions: [Patients should drink water.]"))
        loaded = load(path)
        report = rules.check(loaded)
        action = next(p for p in preview.marked_text(loaded, report) if p.path == "actions[0]")
        assert any(m["start"] == 0 and m["end"] == len(action.text) and
                   report.findings[m["finding"]].rule == "action-not-addressed" for m in action.marks)


class DescribeTheDeckAndPages:
    def it_reads_the_real_deck_back_and_draws_pdf_pages(self, write, minimal_text, tmp_path):
        from handouts.build import BuildOptions

        loaded = load(write(minimal_text))
        slides = preview.deck_slides(preview.deck(loaded, BuildOptions()))
        assert slides[0]["title"] == "Test handout"
        assert any(s["notes"] == "Talk about water." and "Your body needs water." in s["body"] for s in slides)
        pdf = preview.handout_pdf(loaded, BuildOptions(), large=False)
        pages = preview.page_images(pdf, tmp_path, "page")
        assert len(pages) == len(PdfReader(io.BytesIO(pdf)).pages)
        assert all(p.read_bytes().startswith(b"\xff\xd8\xff") for p in pages)
