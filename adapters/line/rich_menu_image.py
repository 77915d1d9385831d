"""The rich menu's image, drawn with Pillow: one tile per menu entry, a large label in Noto Sans
CJK (installed by .ci/run as fonts-noto-cjk), colours after the Digital Agency's design system
(a white ground, blue-1000 for the prominent tile, grey lines)."""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from adapters.line.rich_menu_icons import draw_icon
from application.channels.rich_menu import RichMenuPlan, Tile

__all__ = ["FONT_PATHS", "draw_rich_menu"]

log = logging.getLogger(__name__)

FONT_PATHS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
)
_JP_INDEX = 0  # the .ttc's first face is Japanese (JP)
GROUND, INK, LINE = "#FFFFFF", "#1A1A1C", "#D8D8DB"  # white, 墨 (sumi), grey-200
PROMINENT, PROMINENT_INK = "#0017C1", "#FFFFFF"  # DADS blue-1000
ACCENT = "#0031D8"  # blue-900: the bar under an ordinary tile's label
MAX_BYTES = 1024 * 1024  # LINE takes images of at most 1 MB


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if path.exists():
            return ImageFont.truetype(str(path), size, index=_JP_INDEX)
    log.warning("no Noto CJK font found (install fonts-noto-cjk): the rich menu is drawn "
                "with Pillow's default font")
    return ImageFont.load_default(size)


def draw_rich_menu(plan: RichMenuPlan) -> bytes:
    """The plan's image as PNG bytes, plan.width × plan.height."""
    image = Image.new("RGB", (plan.width, plan.height), GROUND)
    draw = ImageDraw.Draw(image)
    for tile in plan.tiles:
        _tile(draw, tile)
    data = io.BytesIO()
    image.save(data, "PNG", optimize=True)
    if data.tell() > MAX_BYTES:
        raise ValueError("the rich menu's image is over 1 MB")
    return data.getvalue()


def _tile(draw: ImageDraw.ImageDraw, tile: Tile) -> None:
    box = (tile.x, tile.y, tile.x + tile.width - 1, tile.y + tile.height - 1)
    inset = (box[0] + 12, box[1] + 12, box[2] - 12, box[3] - 12)
    if tile.prominent:
        draw.rounded_rectangle(inset, radius=36, fill=PROMINENT)
    else:
        draw.rounded_rectangle(inset, radius=36, outline=LINE, width=6)
    ink = PROMINENT_INK if tile.prominent else INK
    centre = (tile.x + tile.width / 2, tile.y + tile.height / 2)
    max_lines = 3
    if tile.icon:  # the icon above, the label below it (two lines at most)
        icon_size = tile.height * 0.34
        draw_icon(draw, tile.icon, (centre[0], tile.y + tile.height * 0.3), icon_size, ink)
        centre = (centre[0], tile.y + tile.height * 0.7)
        max_lines = 2
    size = 150 if tile.prominent else 110
    font = _font(size)
    lines = _wrap(draw, tile.label, font, tile.width - 120)
    while len(lines) > max_lines and size > 60:  # too long: smaller, never cut
        size -= 10
        font = _font(size)
        lines = _wrap(draw, tile.label, font, tile.width - 120)
    text = "\n".join(lines)
    draw.multiline_text(centre, text, font=font, fill=ink, anchor="mm", align="center",
                        spacing=size // 4)
    if not tile.prominent and not tile.icon:
        bottom = draw.multiline_textbbox(centre, text, font=font, anchor="mm",
                                         spacing=size // 4)[3]
        draw.rounded_rectangle((centre[0] - 60, bottom + 40, centre[0] + 60, bottom + 52),
                               radius=6, fill=ACCENT)


def _wrap(draw: ImageDraw.ImageDraw, label: str, font: object, width: int) -> list[str]:
    """Japanese has no spaces: break between any two characters."""
    lines, current = [], ""
    for char in label:
        if current and draw.textlength(current + char, font=font) > width:  # type: ignore[arg-type]
            lines.append(current)
            current = char
        else:
            current += char
    if current:
        lines.append(current)
    return lines
