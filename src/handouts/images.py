"""Images for the handout: a logo file or a web address in, a `data:` URI out.

`logo_uri(data, name)` returns an SVG or PNG logo (read by `fetch.py`) as a data URI, and `qr_uri(url)` a QR
code for `url` drawn by segno as SVG, so it prints as sharp vector paths; `qr_png(url)`
draws the same code as PNG bytes for a slide, which cannot hold SVG. Both are
embedded in the HTML itself: the PDF stage fetches nothing outside `templates/`, and
the bytes (so the PDF) depend only on the files' contents.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import segno

_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def logo_uri(data: bytes, name: str) -> str:
    """Return the SVG or PNG logo `data` (read from the file `name`) as a base64 `data:` URI."""
    return f"data:{_TYPES[Path(name).suffix.lower()]};base64,{base64.b64encode(data).decode()}"


def qr_uri(url: str) -> str:
    """Return a QR code for `url` as an SVG `data:` URI: black modules, the standard quiet zone."""
    return segno.make(url, error="m", micro=False).svg_data_uri(dark="#000000", border=4)


def qr_png(url: str) -> bytes:
    """Return a QR code for `url` as PNG bytes: black modules, the standard quiet zone, 10 pixels a module."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", dark="#000000", border=4, scale=10)
    return out.getvalue()
