"""Live preview: topic files in, a page on 127.0.0.1 that shows their handout, deck and findings out.

`run(topics, config, options, ...)` starts one warm process that serves `serve.html`
(package data: one page, no build step) and a JSON state of the selected topic: the
handout's pages (standard and large print) as images of the real PDF, the deck's slides
with their speaker notes (as text first, then as images once LibreOffice has drawn
them), the check findings with the words they are about marked in the text, and for a
folder the status of every topic (ok, warnings, errors, stale). A thread watches the
topics, their brand files, logos and templates (watchfiles); each save rebuilds in the
same process (fonts, stylesheets and readability data stay loaded) and tells the page
over server-sent events. A save that does not load or render keeps the last good
preview and shows the error with its file, line and key.

What it serves is only its page, its state and the files it made, looked up by name in
a table: a path in a request is never opened. Everything it makes goes into a temporary
folder, removed when it stops; it never writes into the project's output folder.
SIGINT or SIGTERM stops it cleanly with exit code 0.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import shutil
import signal
import socket
import tempfile
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, urlsplit

from . import preview, rules
from .batch import find_topics
from .build import BuildOptions
from .config import Config
from .load import ContentInvalid, Loaded, Problem, load
from .manifest import Manifest, fingerprint, shared_inputs

LOOPBACK = "127.0.0.1"
WATCHED = {".yaml", ".yml", ".j2", ".css", ".pptx", ".svg", ".png", ".jpg", ".jpeg", ".ttf", ".otf", ".woff2"}
"""Suffixes of the files whose saves rebuild the preview: topics, brand, logos, templates, fonts."""
KEEP_BUILDS = 3
"""How many builds' files stay servable: the newest and those a page may still be loading."""


class Session:
    """The preview's state: the topics, the selected one's last good preview, its error, and the files made."""

    def __init__(self, topics: list[Path], config: Config, options: BuildOptions, out: Path, workdir: Path,
                 slides: preview.SlideRenderer):
        self.topics = find_topics(topics, out)
        self.folder_mode = len(self.topics) > 1 or any(p.is_dir() for p in topics)
        self.config, self.options, self.out, self.workdir = config, options, out, workdir
        self.slides = slides
        self.selected = self.topics[0].folder if self.topics else ""
        self.version = 0
        self.changed = threading.Condition()
        self.lock = threading.RLock()
        self.files: dict[str, Path] = {}
        self.builds: list[str] = []
        self.view: dict = {}
        self.error: dict | None = None
        self.statuses: list[dict] = []
        self.stopping = False
        self._dirty = threading.Event()
        self._serial = 0
        self._watched: set[Path] = set()
        self._building = ""

    # What the page reads -------------------------------------------------------------

    def state(self) -> dict:
        """Return everything the page shows, as JSON-ready data."""
        with self.lock:
            topic = self._topic()
            return {"version": self.version, "folder": self.folder_mode, "topics": self.statuses,
                    "topic": self.selected, "file": str(topic.path) if topic else "", "error": self.error,
                    "slide_images": self._slide_note(), "slide_renderer": self.slides.method, **self.view}

    def file(self, name: str) -> Path | None:
        """Return the file made under the served `name`, or None: names are looked up, never opened as paths."""
        with self.lock:
            return self.files.get(name)

    def select(self, slug: str) -> bool:
        """Select the topic whose output folder name is `slug`; return whether there is one."""
        if not any(t.folder == slug for t in self.topics):
            return False
        with self.lock:
            if slug != self.selected:
                self.selected, self.view, self.error = slug, {}, None
        self.request()
        return True

    def _slide_note(self) -> str:
        if self.slides.program is None:
            return "unavailable: LibreOffice (soffice) is not installed, so slides are shown as text"
        if self.view.get("slide_error"):
            return "unavailable: " + self.view["slide_error"]
        return "ready" if self.view.get("slides") and all(s.get("image") for s in self.view["slides"]) else "pending"

    def _topic(self):
        return next((t for t in self.topics if t.folder == self.selected), None)

    def _publish(self, **changes) -> None:
        with self.lock:
            if self._building != self.selected:
                return  # another topic was selected meanwhile: this one's stages are not shown
            self.view.update(changes)
            self._bump()

    def _bump(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Return the version once it is newer than `seen`, or after `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.stopping, timeout)
            return self.version

    # Building -----------------------------------------------------------------------

    def request(self) -> None:
        """Ask the builder for a new preview (a save happened, or another topic was selected)."""
        self._dirty.set()

    def builder(self, stop: threading.Event) -> None:
        """Rebuild whenever asked, until `stop` is set (run in a thread of its own)."""
        while not stop.is_set():
            if self._dirty.wait(0.2):
                self._dirty.clear()
                self.rebuild()

    def rebuild(self) -> None:
        """Preview the selected topic stage by stage, each published when ready, and check every topic.

        The standard handout comes first, then the status of the topics, the large print
        and the deck. A newer save stops the stages still to come; an error keeps the last
        good preview.
        """
        with self.lock:
            topic = self._topic()
            self._building = self.selected
        started = time.perf_counter()
        statuses = False
        try:
            if topic is not None:
                statuses = self._build(topic, started)
        except ContentInvalid as exc:
            self._fail("load", [_problem(p) for p in exc.problems])
        except Exception as exc:  # a template, resource or theme error, or a bug: shown, the server goes on
            self._fail("render", _problems(exc, topic.path if topic else Path()))
        if not statuses:
            self._statuses()

    def _statuses(self) -> None:
        shared = shared_inputs(self.options)
        statuses = [self._status(t, shared) for t in self.topics]
        with self.lock:
            self.statuses = statuses
            self._bump()

    def _build(self, topic, started: float) -> bool:
        """Preview `topic`; return whether the topics' statuses were brought up to date on the way."""
        if topic.problem:
            raise ContentInvalid([Problem(str(topic.path), 0, 0, "", topic.problem)])
        loaded = load(topic.path, brand=self.options.brand, max_bytes=self.options.max_file_bytes)
        self._watch_also(loaded)
        report = rules.check(loaded, self.options.check)
        build = self._new_build()
        with self.lock:
            self.error = None
        self._publish(title=loaded.content.title, summary=report.line(), warnings=[str(w) for w in loaded.warnings],
                      findings=[_finding(f) for f in report.findings],
                      text=[dataclasses.asdict(p) for p in preview.marked_text(loaded, report)])
        for name, large in (("standard", False), ("large", True)):
            if self._dirty.is_set():
                return False
            pdf = preview.handout_pdf(loaded, self.options, large)
            pages = self._pages(build, name, pdf)
            self._publish(pages={**self.view.get("pages", {}), name: pages},
                          pdfs={**self.view.get("pdfs", {}), name: self._register(build, f"{name}.pdf", pdf)},
                          timings={**self.view.get("timings", {}), name: round(time.perf_counter() - started, 3)})
            if not large:
                self._statuses()
                self._publish(stale=self._stale(topic, shared_inputs(self.options)))
        if self._dirty.is_set():
            return True
        deck = preview.deck(loaded, self.options)
        slides = preview.deck_slides(deck)
        self._publish(slides=slides, pptx=self._register(build, "slides.pptx", deck), slide_error=None,
                      timings={**self.view.get("timings", {}), "slides": round(time.perf_counter() - started, 3)})
        self.slides.submit(deck, self.workdir / build / "slides", lambda paths: self._slide_images(build, paths))
        return True

    def _new_build(self) -> str:
        with self.lock:
            self._serial += 1
            build = f"b{self._serial}"
            (self.workdir / build).mkdir()
            self.builds.append(build)
            for old in self.builds[:-KEEP_BUILDS]:
                self.files = {k: v for k, v in self.files.items() if not k.startswith(old + "/")}
                shutil.rmtree(self.workdir / old, ignore_errors=True)
            self.builds = self.builds[-KEEP_BUILDS:]
            return build

    def _register(self, build: str, name: str, data: bytes | None = None, path: Path | None = None) -> str:
        path = path or self.workdir / build / name
        if data is not None:
            path.write_bytes(data)
        key = f"{build}/{path.relative_to(self.workdir / build).as_posix()}"
        with self.lock:
            self.files[key] = path
        return "/files/" + key

    def _pages(self, build: str, name: str, pdf: bytes) -> list[dict]:
        from PIL import Image

        pages = []
        for path in preview.page_images(pdf, self.workdir / build, name):
            with Image.open(path) as image:
                width, height = image.size
            pages.append({"src": self._register(build, path.name, path=path), "width": width, "height": height})
        return pages

    def _slide_images(self, build: str, paths: list[Path]) -> None:
        with self.lock:
            if build not in self.builds or not self.view.get("pptx", "").startswith(f"/files/{build}/"):
                return  # a newer deck replaced this one
            if not paths:
                self._publish(slide_error="LibreOffice could not draw this deck, so its slides are shown as text")
                return
            slides = [dict(s) for s in self.view.get("slides", [])]
            for slide, path in zip(slides, paths):
                slide["image"] = self._register(build, "", path=path)
            self._publish(slides=slides)

    def _fail(self, stage: str, problems: list[dict]) -> None:
        with self.lock:
            if self._building != self.selected:
                return
            self.error = {"stage": stage, "problems": problems}
            self._bump()

    # Status of the topics, and what to watch ----------------------------------------

    def _status(self, topic, shared: dict) -> dict:
        entry = {"slug": topic.folder, "file": str(topic.path), "errors": 0, "warnings": 0}
        try:
            loaded = load(topic.path, brand=self.options.brand, max_bytes=self.options.max_file_bytes)
        except ContentInvalid as exc:
            return {**entry, "status": "errors", "errors": sum(p.severity == "error" for p in exc.problems) or 1}
        self._watch_also(loaded)
        report = rules.check(loaded, self.options.check)
        entry.update(errors=report.errors, warnings=report.warnings)
        if topic.problem or report.errors:
            return {**entry, "status": "errors"}
        if report.warnings:
            return {**entry, "status": "warnings"}
        return {**entry, "status": "stale" if self._stale(topic, shared) else "ok"}

    def _stale(self, topic, shared: dict) -> str | None:
        """Return why the topic's built outputs (in the project's output folder) are out of date, if they are."""
        manifest = Manifest.load(self.out)
        inputs = fingerprint(topic.path, shared, manifest.deps(topic.folder), self.out)
        return manifest.stale_reason(topic.folder, topic.path, inputs)

    def watched(self) -> set[Path]:
        """Return the folders whose files' saves rebuild: the topics', the brand's, the logos', the figures',
        the templates'."""
        folders = {t.path.absolute().parent for t in self.topics}
        folders |= {Path(f).absolute() for f in self.options.look.folders}
        if self.options.brand:
            folders.add(self.options.brand.absolute().parent)
        if self.options.theme:
            folders.add(self.options.theme.absolute().parent)
        with self.lock:
            folders |= self._watched
        return {f for f in folders if f.is_dir()}

    def _watch_also(self, loaded: Loaded) -> None:
        content = loaded.content
        extra = set()
        if content.brand:
            extra.add((loaded.path.parent / content.brand).absolute().parent)
        if content.organisation.logo:
            extra.add(Path(content.organisation.logo).absolute().parent)
        for section in content.sections:
            src = section.figure.src if section.figure else ""
            if src and ":" not in src.split("/")[0]:  # a file beside the topic, not a data: URI or an address
                extra.add((loaded.path.parent / src).absolute().parent)
        with self.lock:
            self._watched |= extra


def _problem(p) -> dict:
    return {"file": p.file, "line": p.line, "col": p.col, "key": p.path, "message": p.message,
            "severity": p.severity, "text": str(p)}


def _problems(exc: BaseException, topic: Path) -> list[dict]:
    """Return what a render error says, located at a file and line where it names one."""
    import jinja2

    from .batch import _template_line
    from .fetch import ResourceError

    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line, message = exc.filename or exc.name or "", exc.lineno, f"template error: {exc.message}"
    elif isinstance(exc, jinja2.TemplateError):
        where = _template_line(exc) or str(topic)
        file, _, number = where.rpartition(":") if _template_line(exc) else (where, "", "0")
        line, message = int(number or 0), f"template error: {exc}"
    elif isinstance(exc, ResourceError):
        return [{"file": str(topic), "line": 0, "col": 0, "key": exc.key or "", "message": str(exc),
                 "severity": "error", "text": f"{topic}: {exc}"}]
    elif isinstance(exc, (ValueError, OSError)):
        file, line, message = str(topic), 0, str(exc)
    else:
        file, line, message = str(topic), 0, f"internal error: {exc!r}\n{traceback.format_exc()}"
    text = f"{file}:{line}: {message}" if line else f"{file}: {message}"
    return [{"file": file, "line": line, "col": 0, "key": "", "message": message, "severity": "error", "text": text}]


def _finding(f: rules.Finding) -> dict:
    data = dataclasses.asdict(f)
    data["kind"] = preview.kind(f.rule)
    rule = rules.RULES.get(f.rule)
    data["title"] = rule.title if rule else f.rule
    return data


# The web server ---------------------------------------------------------------------

PAGE = "serve.html"


def _page() -> bytes:
    return resources.files("handouts").joinpath(PAGE).read_bytes()


class Handler(BaseHTTPRequestHandler):
    """Answers the page, its state, its events and the files the session made; 404 for anything else."""

    session: Session
    hosts: frozenset[str]
    server_version = "handouts-serve"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        url = urlsplit(self.path)
        if not self._host_ok():
            return self._send(HTTPStatus.FORBIDDEN, b"unexpected Host header\n", "text/plain")
        if url.path == "/":
            return self._send(HTTPStatus.OK, _page(), "text/html; charset=utf-8")
        if url.path == "/state":
            return self._send(HTTPStatus.OK, json.dumps(self.session.state()).encode(), "application/json")
        if url.path == "/events":
            return self._events()
        if url.path.startswith("/files/"):
            path = self.session.file(url.path[len("/files/"):])
            if path is not None and path.is_file():
                return self._send(HTTPStatus.OK, path.read_bytes(), _type(path), cache=True)
        return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if not self._host_ok():
            return self._send(HTTPStatus.FORBIDDEN, b"unexpected Host header\n", "text/plain")
        if self.headers.get("X-Requested-With") != "handouts":
            # A page of another site can post a form here, but cannot add this header without the
            # browser asking first (CORS), which this server never allows.
            return self._send(HTTPStatus.FORBIDDEN, b"missing X-Requested-With: handouts\n", "text/plain")
        if url.path == "/select":
            slug = parse_qs(url.query).get("topic", [""])[0]
            if self.session.select(slug):
                return self._send(HTTPStatus.OK, b"{}", "application/json")
        return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    def _host_ok(self) -> bool:
        """Refuse a request for another host name (a web page rebinding its name to this address)."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return not self.hosts or host in self.hosts

    def _send(self, status: HTTPStatus, body: bytes, kind: str, cache: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "private, max-age=3600" if cache else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                         "style-src 'self' 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Stream the state's version to the page as server-sent events, until the page or the server goes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not self.session.stopping:
                version = self.session.wait(seen, timeout=10)
                if version != seen:
                    self.wfile.write(f"data: {version}\n\n".encode())
                    seen = version
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the signature http.server calls)
        pass  # the terminal shows only the address and errors


def _type(path: Path) -> str:
    return {".jpg": "image/jpeg", ".pdf": "application/pdf",
            ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}.get(
                path.suffix, "application/octet-stream")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def watch(session: Session, stop: threading.Event, workdir: Path) -> None:
    """Ask `session` for a rebuild on every save in the folders it watches, until `stop` is set."""
    from watchfiles import DefaultFilter, watch as changes_in

    default = DefaultFilter()
    out = session.out.absolute()

    def wanted(change, path: str) -> bool:
        p = Path(path)
        return (default(change, path) and p.suffix.lower() in WATCHED and not p.is_relative_to(workdir)
                and not p.is_relative_to(out))

    while not stop.is_set():
        folders = session.watched()
        for changes in changes_in(*folders, watch_filter=wanted, stop_event=stop, recursive=False, debounce=400,
                                  step=30, rust_timeout=1000, yield_on_timeout=True):
            if changes:
                session.request()
            if session.watched() != folders:
                break  # a topic named a brand file or logo elsewhere: watch that folder too


def run(topics: list[Path], config: Config, options: BuildOptions, out: Path, *, host: str = LOOPBACK,
        port: int = 8000, open_browser: bool = False, stdout: TextIO, stderr: TextIO) -> int:
    """Serve the preview of `topics` until SIGINT or SIGTERM; return the exit code."""
    stop = threading.Event()
    _on_signals(stop)  # before the address is printed: whoever reads it may stop the server at once
    workdir = Path(tempfile.mkdtemp(prefix="handouts-serve-")).resolve()
    slides = preview.SlideRenderer(workdir)
    try:
        try:
            kind = type("Server", (_Server,), {"address_family": socket.AF_INET6 if ":" in host else socket.AF_INET})
            server = kind((host, port), Handler)
        except OSError as exc:
            print(f"cannot listen on {host}:{port}: {exc.strerror or exc}", file=stderr)
            return 1
        session = Session(topics, config, options, out, workdir, slides)
        port = server.server_address[1]
        hosts = {"localhost", "127.0.0.1", "::1"} if is_loopback(host) else set()
        server.RequestHandlerClass = type("Bound", (Handler,), {"session": session, "hosts": frozenset(hosts)})
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        if not is_loopback(host):
            print(f"warning: serving on {host}, not only this computer: anyone who can reach it sees the "
                  "preview. Use the default (127.0.0.1) unless you mean to share it.", file=stderr)
        print(f"serving the preview of {', '.join(str(t) for t in topics)} at {url} (Ctrl-C stops it)",
              file=stdout, flush=True)
        threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True),
                   threading.Thread(target=session.builder, args=(stop,), daemon=True),
                   threading.Thread(target=watch, args=(session, stop, workdir), daemon=True)]
        for thread in threads:
            thread.start()
        session.request()
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        while not stop.wait(0.5):
            pass
        session.stopping = True
        session._bump()
        server.shutdown()
        server.server_close()
        for thread in threads[1:]:
            thread.join(timeout=15)
        print("stopped", file=stdout, flush=True)
        return 0
    finally:
        stop.set()
        slides.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _on_signals(stop: threading.Event) -> None:
    """Make SIGINT (Ctrl-C) and SIGTERM set `stop` instead of raising, so shutdown is orderly."""
    if threading.current_thread() is not threading.main_thread():
        return
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
