"""Write PDF: handout HTML in, PDF bytes out, with WeasyPrint.

Importing this module imports WeasyPrint (most of a second), so only the build stage
does. One font configuration is reused across renders. The PDF is PDF/UA-1 (tagged,
language and title set) and reproducible: its dates come from the HTML's
`dcterms.created`/`dcterms.modified` metadata, never from the clock.

Every resource is read through a `fetch.Fetcher`, and a resource that is refused or
cannot be used fails the render with a `fetch.ResourceError` instead of leaving a hole
in the handout (WeasyPrint logs such failures as errors and carries on).
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from pathlib import Path

import weasyprint
from weasyprint.logger import LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from .fetch import Fetcher, Policy, ResourceError


@cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


def write_pdf(html: str, base_url: Path, fetcher: Fetcher | None = None) -> bytes:
    """Return the PDF for `html`, resolving relative links against `base_url`.

    Resources are read through `fetcher`; by default only files inside `base_url` and
    data: URIs are allowed. Raise `ResourceError` if any resource fails.
    """
    fetcher = fetcher or Fetcher(Policy(folders=(Path(base_url),)))
    logged = _Errors()
    LOGGER.addHandler(logged)
    try:
        document = weasyprint.HTML(string=html, base_url=str(base_url) + "/", url_fetcher=fetcher)
        pdf = document.write_pdf(
            pdf_variant="pdf/ua-1",
            font_config=_fonts(),
            pdf_identifier=b"handouts",
        )
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
    return pdf


class _Errors(logging.Handler):
    """Keeps WeasyPrint's error records about a resource it could not use."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.thread = threading.get_ident()  # only this render's records, if topics render in threads

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and str(record.msg).startswith(("Failed to", "Unsupported stylesheet")):
            self.records.append(record)
