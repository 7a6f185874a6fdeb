"""Picture headers: a picture's bytes in, its kind and whether its pixel size is allowed out.

A small file can declare a huge picture (a 17 KB PNG of 12000 x 12000 pixels), which a
renderer then decodes into gigabytes. `problem(data)` reads only the header (Pillow opens
pictures lazily) and returns why the picture cannot be used, or None: every raster
picture a handout or slide reads (`fetch.py`) and every logo `check` sees (`load.py`)
goes through it, before anything decodes it. SVG is drawn as vectors, so it has no
pixel size to cap.
"""

from __future__ import annotations

import html
import io
import re
import warnings

MAX_PIXELS = 16_000_000
"""The most pixels (width x height) a raster picture may have: 4000 x 4000, far more than print needs."""

_RASTER = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")


def kind(data: bytes) -> str | None:
    """Return "png", "svg" or "raster" (another picture format) for `data`, or None when it is none of those."""
    if data.startswith(_RASTER[0]):
        return "png"
    if data.startswith(_RASTER[1:]) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "raster"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in data[:65536].lower():
        return "svg"
    return None


_DRAWN = re.compile(rb"""<(?:[\w-]+:)?(?:image|feImage)\b[^>]*?\s(?:[\w-]+:)?href\s*=\s*(["'])(.*?)\1""",
                    re.IGNORECASE | re.DOTALL)
MAX_SVG_LINKS = 20
"""The most pictures an SVG's links are followed to by `check` (a build reads every one under the policy)."""


def svg_links(data: bytes) -> list[str]:
    """Return the addresses of the pictures the SVG `data` draws (`<image href>`), as written, in order."""
    return [html.unescape(m.group(2).decode("utf-8", "replace")).strip() for m in _DRAWN.finditer(data)]


def problem(data: bytes, max_pixels: int = MAX_PIXELS, *, decode: bool = False) -> str | None:
    """Return why the raster picture `data` cannot be used (too many pixels, a broken header), else None.

    Data that is not a raster picture (SVG, CSS, a font) is left to its reader: None.
    With `decode`, a picture within the cap is also decoded, so damaged data is found
    now (by `check`) rather than by the renderer.
    """
    if kind(data) not in ("png", "raster"):
        return None
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's DecompressionBombWarning: we decide below
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
                if width * height <= max_pixels:
                    picture.verify()  # the chunks' checksums, without decoding the pixels
            if decode and width * height <= max_pixels:
                _decode(data)
    except Image.DecompressionBombError:
        return f"the picture has more than {max_pixels:,} pixels, the limit"
    except Exception:  # noqa: BLE001 - any header Pillow cannot read is a broken picture
        return "the picture is damaged or not a valid PNG, JPEG, GIF or WebP"
    if width * height > max_pixels:
        return f"the picture is {width:,} x {height:,} pixels, more than the limit of {max_pixels:,} pixels"
    return None


def _decode(data: bytes) -> None:
    """Decode every pixel of `data`, raising on damaged data even when WeasyPrint told Pillow to let it pass."""
    from PIL import Image, ImageFile

    lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint sets it for every process that imports it
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
