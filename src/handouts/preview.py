"""Preview one topic: a loaded topic in, what `handouts serve` shows out.

`marked_text(loaded, report)` returns the text a reader reads, part by part (key path,
line, text), with the words each check finding is about marked by kind (reading level,
plain words, medical terms, passive voice ...). `handout_pdf(...)` renders one edition
of the handout to PDF bytes (the same stages as `build.render_topic`), `deck(...)` the
slide deck, `deck_slides(pptx)` reads the real deck back as each slide's title, body
text and notes, and `page_images(pdf, folder, stem)` rasterises a PDF with pypdfium2
into JPEG files. `SlideRenderer` draws a deck as images the way an office suite will
show it: LibreOffice headless converts it to PDF beside the server, one deck at a time,
newest first (one LibreOffice kept running through its Python bridge where python3-uno
is installed, under a second a deck; otherwise a new one per deck, seconds), then
pypdfium2 rasterises it.

It imports WeasyPrint, python-pptx and pypdfium2 when first asked for a picture, never
at import time.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from .build import BuildOptions
from .load import Loaded
from .rules import Finding, Report, body_texts

KINDS = {
    "smog-error": "reading", "smog-warning": "reading", "smog-section": "reading", "main-message": "reading",
    "item-long": "reading",
    "lexical-density": "reading", "section-long": "reading",
    "plain-words": "word", "person-first": "word", "person-centred": "word", "complex-word": "word",
    "term-undefined": "term", "acronym-undefined": "term",
    "passive-voice": "passive", "action-not-addressed": "passive",
    "absolute-claim": "claim", "number-unexplained": "number",
}
"""The kind of highlight each rule's finding gets; any other rule is "other"."""
PAGE_SCALE = 1.4
"""Pixels per PDF point of a page image (about 100 dpi: sharp on screen, quick to draw)."""
_PDFIUM = threading.Lock()
"""PDFium is not thread-safe: the handout's pages and the slides' are drawn one document at a time."""
_QUOTED = re.compile(r"""(?<!\w)'((?:[^'\\]|\\.)+?)'(?!\w)|(?<!\w)"((?:[^"\\]|\\.)+?)"(?!\w)""")
"""A quoted word or phrase as a message gives it (`repr`): quotes outside words, so an apostrophe is not one."""


@dataclasses.dataclass
class Part:
    """One piece of the reader's text, with the findings about it marked."""

    path: str
    line: int
    text: str
    marks: list[dict] = dataclasses.field(default_factory=list)
    """{"start", "end", "kind", "finding"}: a span of `text` and the index of its finding."""


def kind(rule: str) -> str:
    """Return the highlight kind of `rule`."""
    return KINDS.get(rule, "other")


def finding_words(finding: Finding) -> list[str]:
    """Return the words or phrases `finding` is about, as its message quotes them (an alternative after
    '->' is not one of them); a finding whose rule names them in a field of its own (`words`) uses that."""
    named = getattr(finding, "words", None)
    if named:
        return [str(w) for w in named]
    message = finding.message
    quoted = [m.group(1) or m.group(2) for m in _QUOTED.finditer(message) if not message[:m.start()].endswith("-> ")]
    if finding.rule == "acronym-undefined":
        quoted.append(finding.message.split(" ", 1)[0])
    return [q for q in quoted if q.strip()]


def marked_text(loaded: Loaded, report: Report) -> list[Part]:
    """Return the reader's text of `loaded`, part by part, with every finding of `report` marked in it.

    A finding is marked on the words it names; a reading-level finding on the hardest
    sentences it names; any other finding on the whole of each part it is about (its key
    path or a part below it).
    """
    parts = [Part(path, loaded.locations.get(path, (0, 0))[0], text) for path, text in body_texts(loaded.content)]
    by_path = {p.path: p for p in parts}
    for index, finding in enumerate(report.findings):
        marked = False
        for related in finding.related:
            part = by_path.get(related.path)
            sentence = related.text.split(" (", 1)[0]
            if part and sentence:
                marked |= _mark(part, sentence, finding, index)
        words = finding_words(finding)
        about = [p for p in parts if p.path == finding.path or p.path.startswith(finding.path + ".")
                 or p.path.startswith(finding.path + "[")] if finding.path else []
        for part in about:
            for word in words:
                marked |= _mark(part, word, finding, index)
        if not marked:
            for part in about:
                part.marks.append({"start": 0, "end": len(part.text), "kind": kind(finding.rule), "finding": index})
    for part in parts:
        part.marks.sort(key=lambda m: (m["start"], -m["end"]))
    return parts


def _mark(part: Part, phrase: str, finding: Finding, index: int) -> bool:
    """Mark every place `phrase` stands in `part` (as a whole word, any case); return whether any did."""
    pattern = re.compile(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])", re.IGNORECASE)
    found = False
    for m in pattern.finditer(part.text):
        part.marks.append({"start": m.start(), "end": m.end(), "kind": kind(finding.rule), "finding": index})
        found = True
    return found


def handout_pdf(loaded: Loaded, options: BuildOptions, large: bool) -> bytes:
    """Return the standard (or, when `large`, the large-print) handout of `loaded` as PDF bytes."""
    from .build import make_handout, read_inputs

    return make_handout(loaded, options, read_inputs(loaded, options), large)


def deck(loaded: Loaded, options: BuildOptions, warn: Callable[[str], None] | None = None) -> bytes:
    """Return the slide deck of `loaded` as .pptx bytes; each warning about it goes to `warn`."""
    from .build import make_deck, read_inputs

    data, warnings = make_deck(loaded, options, read_inputs(loaded, options))
    for message in warnings:
        (warn or (lambda _: None))(message)
    return data


def deck_slides(pptx: bytes) -> list[dict]:
    """Return each slide of the deck `pptx` in order: {"title", "body": [paragraphs], "notes"}."""
    import io

    from pptx import Presentation

    slides = []
    for slide in Presentation(io.BytesIO(pptx)).slides:
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text if title_shape is not None else ""
        body = [p.text for shape in slide.shapes if shape.has_text_frame and shape is not title_shape
                for p in shape.text_frame.paragraphs if p.text.strip()]
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        slides.append({"title": title, "body": body, "notes": notes})
    return slides


def page_images(pdf: bytes, folder: Path, stem: str, scale: float = PAGE_SCALE) -> list[Path]:
    """Write each page of `pdf` as `folder/stem-N.jpg`; return their paths in page order.

    JPEG at quality 90 without chroma subsampling keeps small type sharp and encodes
    about three times faster than PNG, which matters for a preview redrawn on every save.
    """
    import pypdfium2

    paths = []
    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            images = []
            for page in document:
                bitmap = page.render(scale=scale)
                images.append(bitmap.to_pil().copy())  # its own pixels, so the bitmap can go now
                bitmap.close()
                page.close()
        finally:
            document.close()
    for number, image in enumerate(images, start=1):  # encoding needs no lock
        path = folder / f"{stem}-{number}.jpg"
        image.save(path, format="JPEG", quality=90, subsampling=0)
        paths.append(path)
    return paths


def office() -> str | None:
    """Return the LibreOffice program that can convert a deck to PDF, or None when there is none."""
    return shutil.which("soffice") or shutil.which("libreoffice")


UNO_CLIENT = """
import sys, time, uno
from com.sun.star.beans import PropertyValue
def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p
pipe, source, target = sys.argv[1:4]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for attempt in range(600):
    try:
        context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        if attempt == 599:
            raise
        time.sleep(0.1)
desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
try:
    doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "impress_pdf_Export"),))
finally:
    doc.close(True)
"""
"""Converts a deck to PDF in a LibreOffice that is already running (argv: pipe name, .pptx, .pdf). It runs
under a Python that has LibreOffice's `uno` module (Debian's python3-uno), not this package's."""


def uno_python() -> str | None:
    """Return a Python program that can import LibreOffice's `uno` module, or None."""
    for candidate in dict.fromkeys(filter(None, ["/usr/bin/python3", shutil.which("python3")])):
        try:
            if subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0:
                return candidate
        except (OSError, subprocess.TimeoutExpired):
            continue
    return None


class SlideRenderer:
    """Draws decks as images with LibreOffice headless in a thread of its own, newest deck first.

    `submit(pptx, folder, done)` queues a deck (dropping any older one still waiting);
    when its images are written into `folder`, `done(paths)` is called (an empty list when
    the conversion failed). Where LibreOffice's Python bridge is installed (python3-uno),
    one LibreOffice stays running and converts each deck in well under a second;
    otherwise each deck starts a new LibreOffice (seconds). Its profile lives in
    `workdir`, never in the user's; `stop()` ends every process it started.
    """

    def __init__(self, workdir: Path, program: str | None = None, timeout: float = 120):
        self.program = program if program is not None else office()
        self.workdir = workdir
        self.timeout = timeout
        self.method = "none"
        """How decks are drawn: "warm" (one running LibreOffice), "cold" (one per deck) or "none"."""
        self._uno: str | None = None
        self._listener: subprocess.Popen | None = None
        self._waiting: tuple[bytes, Path, Callable[[list[Path]], None]] | None = None
        self._wake = threading.Condition()
        self._stopped = False
        self._process: subprocess.Popen | None = None
        self._thread = threading.Thread(target=self._run, name="slide-images", daemon=True)
        if self.program:
            self.method = "cold"
            self._thread.start()

    def submit(self, pptx: bytes, folder: Path, done: Callable[[list[Path]], None]) -> None:
        with self._wake:
            self._waiting = (pptx, folder, done)
            self._wake.notify()

    def stop(self) -> None:
        """Stop converting: end LibreOffice (every process it started) and the thread."""
        with self._wake:
            self._stopped = True
            self._wake.notify()
            for process in (self._process, self._listener):
                _end(process)
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        _end(self._listener)

    def _run(self) -> None:
        self._uno = uno_python()
        if self._uno:
            self.method = "warm"
            self._listen()
        while True:
            with self._wake:
                while self._waiting is None and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
                assert self._waiting is not None
                pptx, folder, done = self._waiting
                self._waiting = None
            done(self.render(pptx, folder))

    def _pipe(self) -> str:
        return f"handouts-serve-{os.getpid()}"

    def _listen(self) -> None:
        """Start the LibreOffice that stays running, listening on a named pipe (only this user can open it)."""
        assert self.program
        with self._wake:
            if self._stopped:
                return
            self._listener = self._start([self.program, f"-env:UserInstallation={self._profile()}", "--headless",
                                          "--invisible", "--norestore", "--nologo", "--nodefault",
                                          f"--accept=pipe,name={self._pipe()};urp;"])

    def _profile(self) -> str:
        return (self.workdir / "office-profile").as_uri()

    def _start(self, command: list[str]) -> subprocess.Popen:
        # A session of its own, so that stop() can end LibreOffice's helper processes with it.
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, "HOME": str(self.workdir), "TMPDIR": str(self.workdir)})

    def render(self, pptx: bytes, folder: Path) -> list[Path]:
        """Return the slide images of `pptx` written into `folder` (empty if LibreOffice failed)."""
        assert self.program
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "slides.pptx"
        source.write_bytes(pptx)
        pdf = folder / "slides.pdf"
        if self._uno:
            self._convert([self._uno, "-c", UNO_CLIENT, self._pipe(), str(source), str(pdf)])
            if not pdf.is_file():  # the running LibreOffice failed: start another for next time
                with self._wake:
                    _end(self._listener)
                self._listen()
        if not pdf.is_file():
            self._convert([self.program, f"-env:UserInstallation={self._profile()}-cold", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(source)])
        if not pdf.is_file():
            return []
        return page_images(pdf.read_bytes(), folder, "slide", scale=1.0)

    def _convert(self, command: list[str]) -> None:
        with self._wake:
            if self._stopped:
                return
            self._process = self._start(command)
        try:
            self._process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _end(self._process)


def _end(process: subprocess.Popen | None) -> None:
    """End `process` and the processes it started in its session (it was started in a new one)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
