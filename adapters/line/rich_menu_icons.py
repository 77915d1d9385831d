"""The icons a rich menu tile may carry (application/channels/rich_menu_layout.ICONS), drawn with
Pillow's shapes in the tile's ink: nothing downloaded, the same on every machine. Each fills a
square of `size` pixels centred on (x, y), in lines of one weight."""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import ImageDraw

__all__ = ["ICON_DRAWINGS", "draw_icon"]

Box = tuple[float, float, float]  # centre x, centre y, size


def _person(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.ellipse((x - s * .18, y - s * .45, x + s * .18, y - s * .09), outline=ink, width=w)
    d.chord((x - s * .38, y - s * .02, x + s * .38, y + s * .74), 180, 360, outline=ink, width=w)
    d.line((x - s * .38, y + s * .36, x + s * .38, y + s * .36), fill=ink, width=w)


def _document(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.rounded_rectangle((x - s * .32, y - s * .44, x + s * .32, y + s * .44), radius=s * .06,
                        outline=ink, width=w)
    for row in (-.2, 0, .2):
        d.line((x - s * .18, y + s * row, x + s * .18, y + s * row), fill=ink, width=w)


def _search(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.ellipse((x - s * .38, y - s * .38, x + s * .14, y + s * .14), outline=ink, width=w)
    d.line((x + s * .1, y + s * .1, x + s * .4, y + s * .4), fill=ink, width=int(w * 1.6))


def _phone(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.rounded_rectangle((x - s * .24, y - s * .44, x + s * .24, y + s * .44), radius=s * .08,
                        outline=ink, width=w)
    d.line((x - s * .08, y + s * .32, x + s * .08, y + s * .32), fill=ink, width=w)


def _mail(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.rectangle((x - s * .42, y - s * .28, x + s * .42, y + s * .28), outline=ink, width=w)
    d.line((x - s * .42, y - s * .28, x, y + s * .06, x + s * .42, y - s * .28), fill=ink,
           width=w, joint="curve")


def _chat(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.rounded_rectangle((x - s * .42, y - s * .36, x + s * .42, y + s * .2), radius=s * .14,
                        outline=ink, width=w)
    d.polygon(((x - s * .22, y + s * .18), (x - s * .28, y + s * .42), (x, y + s * .18)),
              fill=ink)
    for dot in (-.2, 0, .2):
        r = s * .045
        d.ellipse((x + s * dot - r, y - s * .08 - r, x + s * dot + r, y - s * .08 + r), fill=ink)


def _alert(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.polygon(((x, y - s * .42), (x + s * .46, y + s * .38), (x - s * .46, y + s * .38)),
              outline=ink, width=w)
    d.line((x, y - s * .14, x, y + s * .12), fill=ink, width=w)
    r = s * .045
    d.ellipse((x - r, y + s * .22 - r, x + r, y + s * .22 + r), fill=ink)


def _globe(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    r = s * .42
    d.ellipse((x - r, y - r, x + r, y + r), outline=ink, width=w)
    d.ellipse((x - r * .45, y - r, x + r * .45, y + r), outline=ink, width=w)
    d.line((x - r, y, x + r, y), fill=ink, width=w)


def _home(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.line((x - s * .44, y - s * .02, x, y - s * .42, x + s * .44, y - s * .02), fill=ink,
           width=w, joint="curve")
    d.rectangle((x - s * .3, y - s * .12, x + s * .3, y + s * .4), outline=ink, width=w)
    d.rectangle((x - s * .08, y + s * .14, x + s * .08, y + s * .4), fill=ink)


def _calendar(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    d.rounded_rectangle((x - s * .4, y - s * .32, x + s * .4, y + s * .4), radius=s * .06,
                        outline=ink, width=w)
    d.line((x - s * .4, y - s * .12, x + s * .4, y - s * .12), fill=ink, width=w)
    for side in (-.2, .2):
        d.line((x + s * side, y - s * .44, x + s * side, y - s * .24), fill=ink, width=w)
    for cx in (-.2, 0, .2):
        for cy in (.06, .24):
            r = s * .04
            d.ellipse((x + s * cx - r, y + s * cy - r, x + s * cx + r, y + s * cy + r), fill=ink)


def _switch(d: ImageDraw.ImageDraw, b: Box, ink: str, w: int) -> None:
    x, y, s = b
    for sign in (-1, 1):  # two arrows, one each way
        row = y + sign * s * .16
        d.line((x - s * .4, row, x + s * .4, row), fill=ink, width=w)
        tip = x + sign * s * .4
        back = tip - sign * s * .16
        d.polygon(((tip + sign * s * .04, row), (back, row - s * .12), (back, row + s * .12)),
                  fill=ink)


ICON_DRAWINGS: dict[str, Callable[[ImageDraw.ImageDraw, Box, str, int], None]] = {
    "person": _person, "document": _document, "search": _search, "phone": _phone,
    "mail": _mail, "chat": _chat, "alert": _alert, "globe": _globe, "home": _home,
    "calendar": _calendar, "switch": _switch,
}


def draw_icon(draw: ImageDraw.ImageDraw, name: str, centre: tuple[float, float], size: float,
              ink: str) -> bool:
    """Draw the named icon; False (nothing drawn) for no icon or an unknown name."""
    drawing = ICON_DRAWINGS.get(name)
    if drawing is None:
        return False
    drawing(draw, (centre[0], centre[1], size), ink, max(4, math.ceil(size / 16)))
    return True
