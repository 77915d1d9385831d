"""The staff map's settings: 地理院タイル by default with its credit; `none` turns the tiles off;
a template that cannot work names its variable; the security policy's origin is the tiles'."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.config import ConfigurationError, Settings
from entrypoints.map_settings import GSI_TILES, tile_origin
from tests.unit.test_readme_configuration import WORKING, configuration_rows

pytestmark = pytest.mark.unit


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})


def test_the_map_shows_gsi_tiles_credited_unless_told_otherwise(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert (settings.map_tiles, settings.map_attribution) == (GSI_TILES, "地理院タイル")
    assert tile_origin(settings.map_tiles) == "https://cyberjapandata.gsi.go.jp"


def test_none_turns_the_tiles_off(tmp_path: Path) -> None:
    settings = _settings(tmp_path, MADOGUCHI_MAP_TILES="none")
    assert (settings.map_tiles, settings.map_attribution) == ("", "")


def test_another_tile_server_is_credited_as_configured(tmp_path: Path) -> None:
    settings = _settings(tmp_path, MADOGUCHI_MAP_TILES="https://{s}.tile.example.org/{z}/{x}/{y}.png",
                         MADOGUCHI_MAP_ATTRIBUTION="© OpenStreetMap contributors")
    assert settings.map_attribution == "© OpenStreetMap contributors"
    assert tile_origin(settings.map_tiles) == "https://*.tile.example.org"


@pytest.mark.parametrize("template", ["https://tiles.example.jp/map.png",
                                      "ftp://tiles.example.jp/{z}/{x}/{y}.png",
                                      "https://tiles example/{z}/{x}/{y}.png",
                                      "https://evil.example;img-src */{z}/{x}/{y}"])
def test_a_template_that_cannot_work_is_refused_by_name(tmp_path: Path, template: str) -> None:
    with pytest.raises(ConfigurationError, match="MADOGUCHI_MAP_TILES"):
        _settings(tmp_path, MADOGUCHI_MAP_TILES=template)


def test_production_refuses_tiles_over_plain_http(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="https"):
        _settings(tmp_path, **WORKING, MADOGUCHI_MAP_TILES="http://tiles.example.jp/{z}/{x}/{y}.png")


def test_the_readme_documents_the_map_settings() -> None:
    rows = configuration_rows()
    assert "cyberjapandata.gsi.go.jp" in rows["MADOGUCHI_MAP_TILES"]
    assert "none" in rows["MADOGUCHI_MAP_TILES"] and "MADOGUCHI_MAP_ATTRIBUTION" in rows
