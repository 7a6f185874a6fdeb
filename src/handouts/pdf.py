"""Write PDF: handout HTML in, PDF bytes out, with WeasyPrint.

Importing this module imports WeasyPrint (most of a second), so only the build stage
does. One font configuration is reused across renders. The PDF is PDF/UA-1 (tagged,
language and title set) and reproducible: its dates come from the HTML's
`dcterms.created`/`dcterms.modified` metadata, never from the clock.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration


@cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


def write_pdf(html: str, base_url: Path) -> bytes:
    """Return the PDF for `html`, resolving relative links against `base_url`."""
    document = weasyprint.HTML(string=html, base_url=str(base_url) + "/")
    return document.write_pdf(
        pdf_variant="pdf/ua-1",
        font_config=_fonts(),
        pdf_identifier=b"handouts",
    )
