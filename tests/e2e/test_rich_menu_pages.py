"""LINEのリッチメニュー as staff use it (ADR 0054): an administrator lays out a menu, sees it
drawn, saves it (checked with the place of each problem, nothing changed on a refusal,
audited) and publishes both menus on LINE (audited; told plainly when LINE is not configured).
Through the simulator, the published menus are the saved ones: a URL tile opens its page, and a
switch tile moves the resident to the other menu with the postback LINE sends."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image

from application.ports.audit import AuditQuery
from domain.staff import Role
from entrypoints.containers import Container
from entrypoints.web import create_app
from tests.e2e.conftest import Stack
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

PAGE = "/staff/settings/rich-menu"


@pytest.fixture
def admin(client: FlaskClient, container: Container) -> Iterator[FlaskClient]:
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    yield client


def layout_form(client: FlaskClient, audience: str = "verified", rows: int = 1,
                **tiles: dict[str, str]) -> dict[str, str]:
    """tile0=..., tile1=...: {"kind", "label", "icon", "procedure" or "url"}; others empty."""
    form = {"csrf_token": token(client), "audience": audience, "rows": str(rows)}
    for n in range(6):
        tile = tiles.get(f"tile{n}", {"kind": "empty"})
        form |= {f"{key}{n}": value for key, value in tile.items()}
    return form


GOOD = {"tile0": {"kind": "procedure", "label": "お問い合わせ", "icon": "chat",
                  "procedure": "contact"},
        "tile1": {"kind": "url", "label": "町のサイト", "icon": "globe",
                  "url": "https://www.city.example.jp/"},
        "tile2": {"kind": "switch", "label": "はじめての方", "icon": "switch"}}


def _saved(container: Container, audience: str) -> Any:
    with container.uow() as uow:
        return uow.rich_menu_layouts.get(audience)


def _actions(container: Container, action: str) -> list[Any]:
    with container.uow() as uow:
        return list(uow.audit.search(AuditQuery(action=action)))


def _png_size(data_url: str) -> tuple[int, int]:
    data = base64.b64decode(data_url.split(",", 1)[1])
    return Image.open(io.BytesIO(data)).size


def test_the_page_starts_from_the_menu_and_shows_the_image_line_would_get(
        admin: FlaskClient) -> None:
    html = admin.get(PAGE).get_data(as_text=True)
    assert "本人確認前の住民のメニュー" in html and "まだ保存されていません" in html
    assert 'src="data:image/png;base64,' in html
    assert '<option value="verify" selected>' in html  # 本人確認 leads, as the derived menu


def test_a_saved_layout_is_stored_audited_and_shown_again(
        admin: FlaskClient, container: Container) -> None:
    response = admin.post(PAGE, data=layout_form(admin, **GOOD))

    assert response.status_code == 302
    saved = _saved(container, "verified")
    assert saved.rows == 1 and [tile["kind"] for tile in saved.tiles] == [
        "procedure", "url", "switch"]
    assert saved.tiles[1]["target"] == "https://www.city.example.jp/"
    [entry] = _actions(container, "rich_menu.saved")
    assert entry.target_id == "verified" and entry.detail["size"] == "1x3"
    html = admin.get(f"{PAGE}?audience=verified").get_data(as_text=True)
    assert "最後の保存" in html and 'value="https://www.city.example.jp/"' in html


def test_a_bad_layout_is_refused_with_the_place_of_each_problem_and_nothing_changes(
        admin: FlaskClient, container: Container) -> None:
    bad = {"tile0": {"kind": "procedure", "label": "とても長いラベルの手続きの名前です",
                     "icon": "chat", "procedure": "contact"},
           "tile1": {"kind": "url", "label": "町", "icon": "globe",
                     "url": "http://www.city.example.jp/"},
           "tile2": {"kind": "procedure", "label": "", "icon": "document",
                     "procedure": "no-such-procedure"}}

    response = admin.post(PAGE, data=layout_form(admin, **bad))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ラベルは12文字以内にしてください（いま17文字）" in html
    assert "URLは https:// で始まる正しいアドレスにしてください" in html
    assert "ラベルを入力してください" in html and "始める手続きを一覧から選んでください" in html
    assert _saved(container, "verified") is None and _actions(container, "rich_menu.saved") == []


def test_a_menu_with_every_tile_empty_is_refused(admin: FlaskClient,
                                                 container: Container) -> None:
    response = admin.post(PAGE, data=layout_form(admin, rows=2))

    assert response.status_code == 422
    assert "少なくとも1枚のタイル" in response.get_data(as_text=True)
    assert _saved(container, "verified") is None


@pytest.mark.parametrize(("rows", "size"), [(1, (2500, 843)), (2, (2500, 1686))])
def test_the_preview_is_drawn_in_lines_sizes_and_stores_nothing(
        admin: FlaskClient, container: Container, rows: int, size: tuple[int, int]) -> None:
    answer = admin.post(f"{PAGE}/preview", data=layout_form(admin, rows=rows, **GOOD))

    assert answer.status_code == 200 and _png_size(answer.json["image"]) == size
    assert _saved(container, "verified") is None


def test_the_preview_of_a_bad_layout_names_its_problems(admin: FlaskClient) -> None:
    bad = {"tile1": {"kind": "url", "label": "町", "icon": "globe", "url": "javascript:alert(1)"}}
    answer = admin.post(f"{PAGE}/preview", data=layout_form(admin, **bad))

    assert answer.status_code == 422
    assert answer.json["problems"] == [
        {"tile": 1, "message": "URLは https:// で始まる正しいアドレスにしてください。"}]


def test_only_administrators_lay_out_the_menu(client: FlaskClient,
                                             container: Container) -> None:
    make_staff(container, "tanto", Role.CASE_WORKER)
    sign_in(client, "tanto")

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data=layout_form(client, **GOOD)).status_code == 403
    assert _saved(container, "verified") is None


def test_publishing_without_line_configured_says_so_and_records_nothing(
        admin: FlaskClient, container: Container) -> None:
    admin.post(PAGE, data=layout_form(admin, **GOOD))

    response = admin.post(f"{PAGE}/publish", data={"csrf_token": token(admin)},
                          follow_redirects=True)

    assert "LINEが設定されていないため公開できません" in response.get_data(as_text=True)
    assert _actions(container, "rich_menu.published") == []
    assert _saved(container, "verified").published_at is None


def test_published_menus_are_the_saved_ones_and_a_switch_tile_moves_the_resident(
        stack: Stack) -> None:
    container, sim = stack.container, stack.sim
    client = create_app(container).test_client()
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    unverified = {"tile0": {"kind": "verify", "label": "本人確認", "icon": "person"},
                  "tile1": {"kind": "switch", "label": "メニュー切替", "icon": "switch"},
                  "tile2": {"kind": "web", "label": "ウェブ窓口", "icon": "globe"}}
    assert client.post(PAGE, data=layout_form(client, "unverified", **unverified)).status_code \
        == 302
    assert client.post(PAGE, data=layout_form(client, **GOOD)).status_code == 302

    response = client.post(f"{PAGE}/publish", data={"csrf_token": token(client)},
                           follow_redirects=True)

    assert "LINEに公開しました" in response.get_data(as_text=True)
    assert len(_actions(container, "rich_menu.published")) == 1
    assert _saved(container, "unverified").published_at is not None
    user = stack.resident()
    sim.follow(user)
    shown = sim.rich_menus.shown_to(user)
    assert shown["name"] == "madoguchi-unverified" and shown["size"]["height"] == 843
    actions = [area["action"] for area in shown["areas"]]
    assert actions[2] == {"type": "uri", "label": "ウェブ窓口",
                          "uri": f"{container.config.public_url()}/r/"}
    switch = actions[1]
    assert switch["type"] == "richmenuswitch"
    assert switch["richMenuAliasId"] == "madoguchi-verified"

    said = len(stack.messages(user))
    outcome = sim.switch_rich_menu(user, switch["richMenuAliasId"], switch["data"])

    assert outcome.status == 200 and len(stack.messages(user)) == said  # nothing to say to it
    assert sim.rich_menus.shown_to(user)["name"] == "madoguchi-verified"
    postback = sim.event(outcome.webhook_event_id)["postback"]
    assert postback == {"data": "richmenu-switch:madoguchi-verified",
                        "params": {"newRichMenuAliasId": "madoguchi-verified",
                                   "status": "SUCCESS"}}
