"""Colour: #rrggbb colours in, their WCAG 2.x contrast ratio (or a pale tint) out.

Used by the loader to reject a brand colour that would be unreadable as text on white
(WCAG SC 1.4.3 asks for 4.5:1; the handout prints headings and links in it), and by
the tests to check every colour of the print CSS.
"""

from __future__ import annotations

MIN_TEXT_CONTRAST = 4.5
"""The least contrast body-size text may have against its background (WCAG SC 1.4.3)."""


def luminance(colour: str) -> float:
    """Return the relative luminance (0 black to 1 white) of `colour`, written #rrggbb."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = "#ffffff") -> float:
    """Return the contrast ratio of colours `a` and `b`: 1 (none) to 21 (black on white)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tint(colour: str, strength: float = 0.1) -> str:
    """Return `colour` mixed into white at `strength` (0 white, 1 the colour), as #rrggbb."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02x}" for c in channels)
