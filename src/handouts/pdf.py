"""Write PDF: handout HTML in, PDF bytes out, with WeasyPrint.

Importing this module imports WeasyPrint (a quarter of a second, through
`native.import_quickly`), so only the build stage does. One font configuration is
reused across renders, and so is each stylesheet given by path: it is parsed (and its
@font-face fonts loaded) once per process, not once per PDF, which saves a warm worker
most of the cost outside layout. The PDF is PDF/UA-1 (tagged,
language and title set) and reproducible: its dates come from the HTML's
`dcterms.created`/`dcterms.modified` metadata, never from the clock.

WeasyPrint's tags lack two attributes PDF/UA readers use, which are added as each tag is
made (`_tag_attributes`): an ordered list (`<ol>`) is an `L` with `ListNumbering
/Decimal`, and a header cell (`<th scope>`) a `TH` with its `Scope` (Column or Row).

Every resource is read through a `Fetcher` (`fetch.fetch` under a policy), and a resource that is refused or
cannot be used fails the render with a `fetch.ResourceError` instead of leaving a hole
in the handout (WeasyPrint logs such failures as errors and carries on).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from .fetch import Policy, ResourceError, fetch
from .native import import_quickly

import_quickly("weasyprint")  # before WeasyPrint is imported by name below: a third quicker (native.py)
import pydyf  # noqa: E402, I001
import weasyprint  # noqa: E402
from weasyprint.logger import LOGGER  # noqa: E402
from weasyprint.pdf import tags  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402


_SCOPES = {"col": "/Column", "row": "/Row", "colgroup": "/Column", "rowgroup": "/Row"}
_build_box_tree = tags._build_box_tree


def _tag_attributes(box, parent, *args):
    """Yield WeasyPrint's tags for `box`, an ordered list's numbering and a header cell's scope added."""
    for element in _build_box_tree(box, parent, *args):
        tag, html = element.get("S"), getattr(box, "element", None)
        if tag == "/L" and getattr(box, "element_tag", None) == "ol":
            element["A"] = pydyf.Dictionary({"O": "/List", "ListNumbering": "/Decimal"})
        elif tag == "/TH" and html is not None and html.get("scope") in _SCOPES and "A" in element:
            element["A"]["Scope"] = _SCOPES[html.get("scope")]
        yield element


tags._build_box_tree = _tag_attributes  # the tree builder calls itself through this name, for every box


class Fetcher(URLFetcher):
    """WeasyPrint URL fetcher that applies a `Policy` and stops the render on any refusal."""

    def __init__(self, policy: Policy):
        super().__init__(allow_redirects=False, fail_on_errors=True)
        self.policy = policy
        self.errors: list[ResourceError] = []
        """Every refusal, kept because WeasyPrint swallows some errors (e.g. inside SVGs)."""

    def fetch(self, url, headers=None):
        try:
            data, mime = fetch(url, self.policy)
        except ResourceError as exc:
            self.errors.append(exc)
            raise
        return URLFetcherResponse(url, data, {"Content-Type": mime})


@cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


def write_pdf(html: str, base_url: Path, fetcher: Fetcher | None = None,
              stylesheets: Sequence[Path] = ()) -> bytes:
    """Return the PDF for `html`, resolving relative links against `base_url`.

    `stylesheets` are CSS files applied after the HTML's own styles are found, in order
    (as user stylesheets: the HTML's own styles win where both set a property). Each is
    parsed once per process and reused while the file is unchanged; it may read files
    in its own folder only.

    Resources are read through `fetcher`; by default only files inside `base_url` and
    data: URIs are allowed. Raise `ResourceError` if any resource fails.
    """
    fetcher = fetcher or Fetcher(Policy(folders=(Path(base_url),)))
    sheets = [_stylesheet(Path(path), _stamp(Path(path)), fetcher.policy.max_bytes) for path in stylesheets]
    with _reported(fetcher):
        document = weasyprint.HTML(string=html, base_url=str(base_url) + "/", url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=sheets,
            pdf_variant="pdf/ua-1",
            font_config=_fonts(),
            pdf_identifier=b"handouts",
        )


def prepare(stylesheets: Sequence[Path], max_bytes: int) -> None:
    """Parse `stylesheets` (as `write_pdf` would under a policy of `max_bytes`) and load their fonts now.

    Processes forked after this share them instead of each doing the work again.
    """
    for path in stylesheets:
        _stylesheet(Path(path), _stamp(Path(path)), max_bytes)


def _stamp(path: Path) -> tuple[int, int]:
    """Return what tells an edited file from the one parsed before: its mtime and size."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@cache
def _stylesheet(path: Path, stamp: tuple[int, int], max_bytes: int) -> weasyprint.CSS:
    """Return the stylesheet at `path` parsed, its fonts added to the shared font configuration.

    `stamp` is only part of the cache key, so an edited file is parsed again.
    """
    fetcher = Fetcher(Policy(folders=(path.parent,), max_bytes=max_bytes))
    with _reported(fetcher):
        return weasyprint.CSS(string=path.read_text(encoding="utf-8"), base_url=str(path),
                              url_fetcher=fetcher, font_config=_fonts())


@contextmanager
def _reported(fetcher: Fetcher) -> Iterator[None]:
    """Raise `ResourceError` for the first resource that `fetcher` refused or WeasyPrint could not use."""
    logged = _Errors()
    LOGGER.addHandler(logged)
    try:
        yield
    except FatalURLFetchingError as exc:
        if isinstance(exc.__cause__, ResourceError):
            raise exc.__cause__ from None
        raise ResourceError(str(exc), "cannot be fetched") from None
    finally:
        LOGGER.removeHandler(logged)
    if fetcher.errors:
        raise fetcher.errors[0]
    if logged.records:
        record = logged.records[0]
        args = record.args if isinstance(record.args, tuple) else ()
        url = next((str(arg) for arg in args if ":" in str(arg)), "handout")
        kind = next((k for k in ("an image", "a stylesheet", "an SVG") if k.split()[1] in str(record.msg)), None)
        reason = f"WeasyPrint cannot use it as {kind}" if kind else record.getMessage()
        raise ResourceError(url, reason, fetcher.policy.key_for(url))


class _Errors(logging.Handler):
    """Keeps WeasyPrint's error records about a resource it could not use."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.thread = threading.get_ident()  # only this render's records, if topics render in threads

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and str(record.msg).startswith(("Failed to", "Unsupported stylesheet")):
            self.records.append(record)
