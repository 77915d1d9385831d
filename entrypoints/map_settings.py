"""The staff map's settings (ADR 0048), read from the environment by entrypoints/config.py:
where the map tiles come from (地理院タイル by default), and the attribution shown on it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

__all__ = ["GSI_ATTRIBUTION", "GSI_PAGE", "GSI_TILES", "map_settings", "tile_origin"]

GSI_TILES = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
GSI_PAGE = "https://maps.gsi.go.jp/development/ichiran.html"
GSI_ATTRIBUTION = "地理院タイル"
_HOST = re.compile(r"(\{s\}\.)?[A-Za-z0-9.-]+(:\d{1,5})?")


def tile_origin(template: str) -> str:
    """The origin the browser fetches tiles from, as a CSP source: `https://tile.example.jp`,
    `https://*.tile.example.org` for Leaflet's `{s}` subdomains."""
    parts = urlsplit(template)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def map_settings(env: Mapping[str, str], production: bool,
                 error: type[Exception]) -> dict[str, str]:
    """MADOGUCHI_MAP_TILES: a tile URL template with {z}, {x} and {y} (and Leaflet's {s}
    subdomains), https in production; `none` = no tiles (the map shows the markers on a blank
    ground). MADOGUCHI_MAP_ATTRIBUTION: the tiles' credit as plain text (地理院タイル, linked
    to GSI's page, for the default tiles)."""
    tiles = env.get("MADOGUCHI_MAP_TILES", "").strip() or GSI_TILES
    attribution = " ".join(env.get("MADOGUCHI_MAP_ATTRIBUTION", "").split())
    if tiles == "none":
        return {"map_tiles": "", "map_attribution": ""}
    parts = urlsplit(tiles)
    if (parts.scheme not in ("https", "http") or not _HOST.fullmatch(parts.netloc)
            or not all(f"{{{key}}}" in parts.path + parts.query for key in "zxy")):
        raise error("MADOGUCHI_MAP_TILES is a tile URL template such as "
                    f"{GSI_TILES} (with {{z}}, {{x}} and {{y}}), or none")
    if production and parts.scheme != "https":
        raise error("MADOGUCHI_MAP_TILES must be an https:// URL in production")
    if tiles == GSI_TILES and not attribution:
        attribution = GSI_ATTRIBUTION
    if len(attribution) > 200:
        raise error("MADOGUCHI_MAP_ATTRIBUTION is at most 200 characters")
    return {"map_tiles": tiles, "map_attribution": attribution or parts.hostname or ""}
