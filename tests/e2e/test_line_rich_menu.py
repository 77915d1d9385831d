"""The rich menu through the LINE simulator, as a resident meets it: a new friend sees the menu
for residents not verified yet, and tapping a tile starts what its label says; once they have
verified with the card, their phone shows the verified residents' menu."""

from __future__ import annotations

import importlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from flask import Flask

from adapters.line.simulator.running import running_simulator
from application.channels.setting_rich_menus import set_rich_menus
from entrypoints.cli import main
from entrypoints.config import DEV_LINE_SECRET, DEV_LINE_TOKEN
from entrypoints.rich_menu_wiring import rich_menu_plans
from tests.e2e.conftest import Stack
from tests.e2e.test_benefit_story import _heads
from tests.e2e.test_cli import _run
from tests.e2e.test_cli_serve import _free_port
from tests.e2e.test_registration import _card_form, _post, _seed

pytestmark = pytest.mark.e2e


def _menu_on_phone(stack: Stack, user: str) -> dict[str, Any]:
    shown = stack.sim.rich_menus.shown_to(user)
    assert shown is not None, "no rich menu on the phone"
    return shown


def _tap_tile(stack: Stack, user: str, label: str) -> None:
    """Tap the rich menu's tile with this label, as the phone page (and LINE) does."""
    for area in _menu_on_phone(stack, user)["areas"]:
        action = area["action"]
        if action["label"] == label:
            assert stack.sim.postback(user, action["data"], action["displayText"]).status == 200
            return
    raise AssertionError(f"no tile {label!r}")


@pytest.fixture
def menus_set(stack: Stack) -> Stack:
    container = stack.container
    done = set_rich_menus(rich_menu_plans(container), platform=container.line_rich_menus(),
                          uow_factory=container.uow)
    assert set(done.menu_ids) == {"madoguchi-unverified", "madoguchi-verified"}
    return stack


def test_a_new_friend_taps_a_tile_of_the_unverified_menu_and_starts_the_procedure(
        menus_set: Stack) -> None:
    stack = menus_set
    user = stack.resident()
    stack.sim.follow(user)

    shown = _menu_on_phone(stack, user)
    assert shown["name"] == "madoguchi-unverified" and shown["chatBarText"] == "メニュー"
    assert shown["areas"][0]["action"]["data"] == "verify:start"
    _tap_tile(stack, user, "お問い合わせ")
    assert "お名前" in stack.texts(user)[-1]


def test_after_verifying_the_resident_is_linked_to_the_verified_menu(menus_set: Stack) -> None:
    stack = menus_set
    _seed(stack.container)
    _, head = _heads(stack.container)[0]
    user = stack.resident(head.facts.name.name)
    stack.sim.follow(user)

    _tap_tile(stack, user, "本人確認")
    card = stack.last(user)
    [button] = card["contents"]["footer"]["contents"]
    url = button["action"]["uri"]
    status, body = _post(url.split("?")[0], _card_form(url, head.facts))
    assert status == 200 and "本人確認が完了しました" in body, body

    shown = _menu_on_phone(stack, user)
    assert shown["name"] == "madoguchi-verified"
    assert [area["action"]["data"] for area in shown["areas"]][-2:] == ["status",
                                                                        "contacts:list"]
    before = len(stack.messages(user))
    _tap_tile(stack, user, "状況確認")
    assert len(stack.messages(user)) > before  # the tap was answered

    newcomer = stack.resident("佐藤 次郎")
    stack.sim.follow(newcomer)
    assert _menu_on_phone(stack, newcomer)["name"] == "madoguchi-unverified"


def test_the_command_sets_both_menus_on_line(tmp_path: Path) -> None:
    with running_simulator(DEV_LINE_SECRET, DEV_LINE_TOKEN, None) as sim:
        env = {"LINE_API_BASE_URL": sim.base_url}
        assert _run(tmp_path, "db", "upgrade").returncode == 0
        done = _run(tmp_path, "line", "rich-menu", env=env)
        assert done.returncode == 0, done.stderr
        assert "madoguchi-verified: richmenu-" in done.stdout
        again = _run(tmp_path, "line", "rich-menu", env=env)  # replaces them
        assert again.returncode == 0, again.stderr
        menus = sim.rich_menus.list().body["richmenus"]
        assert sorted(menu["name"] for menu in menus) == ["madoguchi-unverified",
                                                          "madoguchi-verified"]
        assert sim.rich_menus.default_id in again.stdout


SAVED_TILES = [{"kind": "url", "label": "町のサイト", "icon": "globe",
                "target": "https://www.city.example.jp/"},
               {"kind": "switch", "label": "はじめての方", "icon": "switch", "target": ""},
               {"kind": "status", "label": "状況確認", "icon": "search", "target": ""}]


def _save_verified_layout(database: Path) -> None:
    """What staff's editor stores (ADR 0054), written straight into the town's database."""
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO rich_menu_layouts (audience, rows, tiles, updated_at, updated_by,"
                   " published_by, version) VALUES ('verified', 1, ?, '2026-12-05 00:00:00',"
                   " 's1', '', 1)", (json.dumps(SAVED_TILES, ensure_ascii=False),))


def _verified_actions(menus: list[dict[str, Any]]) -> list[dict[str, Any]]:
    [verified] = [menu for menu in menus if menu["name"] == "madoguchi-verified"]
    return [area["action"] for area in verified["areas"]]


def test_the_command_sets_the_layout_staff_saved(tmp_path: Path) -> None:
    with running_simulator(DEV_LINE_SECRET, DEV_LINE_TOKEN, None) as sim:
        assert _run(tmp_path, "db", "upgrade").returncode == 0
        _save_verified_layout(tmp_path / "var" / "madoguchi.db")

        done = _run(tmp_path, "line", "rich-menu", env={"LINE_API_BASE_URL": sim.base_url})

        assert done.returncode == 0, done.stderr
        menus = sim.rich_menus.list().body["richmenus"]
        assert [(a["type"], a.get("uri") or a.get("richMenuAliasId") or a.get("data"))
                for a in _verified_actions(menus)] == [
            ("uri", "https://www.city.example.jp/"),
            ("richmenuswitch", "madoguchi-unverified"), ("postback", "status")]
        [unverified] = [menu for menu in menus if menu["name"] == "madoguchi-unverified"]
        assert unverified["areas"][0]["action"]["data"] == "verify:start"  # derived: none saved


def test_serve_with_the_simulator_sets_the_rich_menus_at_start_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "in_process"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    _save_verified_layout(tmp_path / "var" / "madoguchi.db")
    seen: dict[str, Any] = {}

    def served(host: str, port: int, app: Flask, **options: Any) -> None:
        config = app.extensions["madoguchi"].config
        seen["menus"] = requests.get(
            f"{config.line_api_base_url()}/v2/bot/richmenu/list", timeout=10,
            headers={"Authorization": f"Bearer {config.line_access_token()}"}).json()

    monkeypatch.setattr(importlib.import_module("entrypoints.cli.serve"), "run_simple", served)
    result = runner.invoke(main, ["serve", "--port", "8996", "--line-sim", str(_free_port())],
                           env=env)

    assert result.exit_code == 0, result.output
    assert sorted(menu["name"] for menu in seen["menus"]["richmenus"]) == [
        "madoguchi-unverified", "madoguchi-verified"]
    assert _verified_actions(seen["menus"]["richmenus"])[0]["uri"] == \
        "https://www.city.example.jp/"  # the layout staff saved


def test_the_line_commands_beside_it_run_too(tmp_path: Path) -> None:
    """`madoguchi line check-friends` (in the same command group) ran into a TypeError: it gave
    the use case the unit of work's provider of a provider."""
    with running_simulator(DEV_LINE_SECRET, DEV_LINE_TOKEN, None) as sim:
        assert _run(tmp_path, "db", "upgrade").returncode == 0
        checked = _run(tmp_path, "line", "check-friends", env={"LINE_API_BASE_URL": sim.base_url})
        assert checked.returncode == 0, checked.stderr
        assert "0 LINE user(s) asked about" in checked.stdout
