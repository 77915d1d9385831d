"""Rich menus on the local LINE platform, through the real line-bot-sdk and through Madoguchi's
adapter: create, upload the image, set the default, link per user (one and in bulk), replace;
a menu LINE would refuse is refused by the simulator too."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    CreateRichMenuAliasRequest,
    MessagingApi,
    MessagingApiBlob,
)

from adapters.line.rich_menus import LineRichMenus, rich_menu_request
from adapters.line.simulator.running import running_simulator
from adapters.line.simulator.simulator import LineSimulator
from application.channels.menu import Menu, MenuEntry
from application.channels.rich_menu import rich_menus

pytestmark = pytest.mark.integration

SECRET, TOKEN = "rich-menu-test-secret", "rich-menu-test-token"
TOWN = Menu("試験町", [MenuEntry("contact", "お問い合わせ"), MenuEntry("report", "通報")])


@pytest.fixture
def sim() -> Iterator[LineSimulator]:
    with running_simulator(SECRET, TOKEN, None) as sim:
        yield sim


def _apis(sim: LineSimulator) -> tuple[MessagingApi, MessagingApiBlob]:
    configuration = Configuration(host=sim.base_url, access_token=TOKEN)
    configuration.retries = False
    return MessagingApi(ApiClient(configuration)), MessagingApiBlob(ApiClient(configuration))


def _shown(sim: LineSimulator, user_id: str) -> Any:
    with urllib.request.urlopen(f"{sim.base_url}/_sim/richmenu/{user_id}", timeout=10) as answer:
        return json.load(answer)


def _platform(sim: LineSimulator, *, linking: bool = True) -> LineRichMenus:
    return LineRichMenus(access_token=TOKEN, base_url=sim.base_url, data_url=sim.base_url,
                         linking=linking)


def test_the_adapter_sets_the_default_menu_and_links_a_verified_user(sim: LineSimulator) -> None:
    unverified, verified = rich_menus(TOWN)
    ids = _platform(sim).install(unverified, verified)
    user, other = (u.user_id for u in sim.users.all()[:2])
    for who in (user, other):
        sim.users.follow(who)

    assert _shown(sim, user)["richMenuId"] == ids[unverified.name]
    areas = _shown(sim, user)["areas"]
    assert [area["action"]["data"] for area in areas] == [tile.data for tile in unverified.tiles]
    with urllib.request.urlopen(f"{sim.base_url}{_shown(sim, user)['imageUrl']}") as image:
        assert image.headers["Content-Type"] == "image/png" and image.read(4) == b"\x89PNG"

    _platform(sim, linking=False).link_verified([user])  # not told the menus are set: no call
    assert _shown(sim, user)["richMenuId"] == ids[unverified.name]
    _platform(sim).link_verified([user])  # a fresh adapter finds the menu by its name
    assert _shown(sim, user)["richMenuId"] == ids[verified.name]
    assert _shown(sim, other)["richMenuId"] == ids[unverified.name]
    api, _ = _apis(sim)
    assert api.get_rich_menu_id_of_user(user).rich_menu_id == ids[verified.name]


def test_setting_again_replaces_both_menus_and_bulk_links(sim: LineSimulator) -> None:
    platform = _platform(sim)
    first = platform.install(*rich_menus(TOWN))
    second = platform.install(*rich_menus(TOWN))
    api, _ = _apis(sim)
    assert {menu.rich_menu_id for menu in api.get_rich_menu_list().richmenus} == set(
        second.values())
    assert not set(first.values()) & set(second.values())
    assert {alias.rich_menu_alias_id: alias.rich_menu_id  # aliases follow the new menus
            for alias in api.get_rich_menu_alias_list().aliases} == second
    users = [u.user_id for u in sim.users.all()[:3]]
    platform.link_verified(users)
    assert {_shown(sim, u) is None for u in users} == {True}  # not friends: nothing shown
    assert {api.get_rich_menu_id_of_user(u).rich_menu_id for u in users} == {
        second["madoguchi-verified"]}


def test_a_menu_line_would_refuse_is_refused(sim: LineSimulator) -> None:
    api, blob = _apis(sim)
    good = rich_menu_request(rich_menus(TOWN)[1]).to_dict()
    bad_requests = [
        {**good, "chatBarText": "とても長いメニューの名前ですね十五"},
        {**good, "size": {"width": 2500, "height": 2500}},
        {**good, "areas": good["areas"] * 7},  # 21 areas
        {**good, "areas": [{**good["areas"][0],
                            "bounds": {"x": 2000, "y": 0, "width": 833, "height": 843}}]},
        {**good, "areas": [{**good["areas"][0], "action": {"type": "postback", "data": ""}}]},
    ]
    for body in bad_requests:
        request = urllib.request.Request(
            f"{sim.base_url}/v2/bot/richmenu", data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 400
    assert api.get_rich_menu_list().richmenus == []

    menu_id = api.create_rich_menu(rich_menu_request(rich_menus(TOWN)[1])).rich_menu_id
    with pytest.raises(ApiException) as no_image:
        api.set_default_rich_menu(menu_id)
    assert no_image.value.status == 400
    with pytest.raises(ApiException) as alias_to_nothing:
        api.create_rich_menu_alias(CreateRichMenuAliasRequest(richMenuAliasId="menu",
                                                              richMenuId=menu_id))
    assert alias_to_nothing.value.status == 400
    tiny_png = _platform(sim)._draw(rich_menus(Menu("町", []))[1])  # 2500×843, not 1686
    with pytest.raises(ApiException) as wrong_size:
        blob.set_rich_menu_image(menu_id, tiny_png, _headers={"Content-Type": "image/png"})
    assert wrong_size.value.status == 400
    with pytest.raises(ApiException) as not_an_image:
        blob.set_rich_menu_image(menu_id, b"GIF89a....", _headers={"Content-Type": "image/gif"})
    assert not_an_image.value.status == 415


def _switch(sim: LineSimulator, user: str, alias: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{sim.base_url}/_sim/users/{user}/richmenuswitch", method="POST",
        data=json.dumps({"richMenuAliasId": alias, "data": f"richmenu-switch:{alias}"}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def test_a_switch_tap_moves_the_user_to_the_aliases_menu_and_says_so_in_the_postback(
        sim: LineSimulator) -> None:
    ids = _platform(sim).install(*rich_menus(TOWN))
    user = sim.users.all()[0].user_id
    sim.users.follow(user)

    sent = _switch(sim, user, "madoguchi-verified")

    assert _shown(sim, user)["richMenuId"] == ids["madoguchi-verified"]
    assert sim.event(sent["webhookEventId"])["postback"]["params"] == {
        "newRichMenuAliasId": "madoguchi-verified", "status": "SUCCESS"}
    unknown = _switch(sim, user, "no-such-alias")  # LINE sends it, with the failure's status
    assert sim.event(unknown["webhookEventId"])["postback"]["params"]["status"] == \
        "RICHMENU_ALIAS_ID_NOTFOUND"
    assert _shown(sim, user)["richMenuId"] == ids["madoguchi-verified"]
