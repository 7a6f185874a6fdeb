"""Images for the handout: a logo's bytes or a web address in, a `data:` URI out.

`logo_uri(data)` returns an SVG or PNG logo (read by `fetch.py`, whatever its name or
address) as a data URI, its type told by its bytes, `figure_uri(data)` a section's PNG,
JPEG or SVG figure (its type told by its bytes), and `qr_uri(url)` a QR code for `url`
drawn by segno as SVG, so it prints as sharp vector paths; `qr_png(url)` draws the same
code as PNG bytes for a slide, which cannot hold SVG. All are embedded in the HTML
itself: the PDF stage fetches nothing outside the allowed folders, and the bytes (so the
PDF) depend only on the files' contents.
"""

from __future__ import annotations

import base64
import io

import segno

from . import pictures

_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


class NotAPicture(ValueError):
    """The logo's bytes are not an SVG or PNG picture, or the picture is too large to draw."""


def logo_uri(data: bytes, name: str = "") -> str:
    """Return the SVG or PNG logo `data` as a base64 `data:` URI, or raise `NotAPicture`."""
    kind = pictures.kind(data)
    if kind not in _TYPES:
        raise NotAPicture("empty" if not data else "not an SVG or PNG picture")
    if reason := pictures.problem(data):
        raise NotAPicture(reason)
    return f"data:{_TYPES[kind]};base64,{base64.b64encode(data).decode()}"


def figure_type(data: bytes) -> str | None:
    """Return the MIME type of a figure's bytes, told by their first bytes: PNG, JPEG or SVG; else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in data[:65536].lower():
        return "image/svg+xml"
    return None


def figure_uri(data: bytes) -> str:
    """Return a section's PNG, JPEG or SVG figure `data` as a base64 `data:` URI, or raise ValueError.

    An SVG stays an SVG, so the PDF draws it as vectors."""
    kind = figure_type(data)
    if kind is None:
        raise ValueError("the figure is not a PNG, JPEG or SVG picture")
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def qr_uri(url: str) -> str:
    """Return a QR code for `url` as an SVG `data:` URI: black modules, the standard quiet zone."""
    return segno.make(url, error="m", micro=False).svg_data_uri(dark="#000000", border=4)


def qr_png(url: str) -> bytes:
    """Return a QR code for `url` as PNG bytes: black modules, the standard quiet zone, 10 pixels a module."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", dark="#000000", border=4, scale=10)
    return out.getvalue()
