"""Rich menu layouts in the database (ADR 0054): one row per audience, saved again in place; the
plans LINE is given take the saved layout where there is one and the derived one elsewhere;
publishing to a LINE that refuses records nothing."""

from __future__ import annotations

import pytest

from adapters.line.rich_menus import LineRichMenus
from adapters.line.simulator.running import running_simulator
from application.access.actor import Actor
from application.channels.publishing_rich_menus import LineRefused, publish_rich_menus
from application.channels.rich_menu_layout import LayoutTile, menu_procedures
from application.channels.saved_rich_menus import planned_rich_menus, saved_layouts
from application.channels.saving_rich_menu_layout import (
    SaveRichMenuLayout,
    save_rich_menu_layout,
)
from application.ports.audit import AuditQuery
from domain.staff import Role
from entrypoints.containers import Container

pytestmark = pytest.mark.integration

ADMIN = Actor(id="s-admin", role=Role.ADMINISTRATOR, label="管理者")
WEB = "https://madoguchi.example.jp/r/"


def _save(container: Container, audience: str, *tiles: LayoutTile) -> None:
    save_rich_menu_layout(SaveRichMenuLayout(audience, len(tiles) // 3, tiles), actor=ADMIN,
                          uow=container.uow(), clock=container.clock(),
                          procedures=menu_procedures(container.menu()))


def test_a_layout_is_stored_once_per_audience_and_saved_again_in_place(
        container: Container) -> None:
    _save(container, "verified", LayoutTile("status", "状況確認", "search"),
          LayoutTile("empty"), LayoutTile("url", "町", "globe", "https://city.example.jp/"))
    _save(container, "verified", LayoutTile("contacts", "連絡先", "phone"),
          LayoutTile("status", "状況確認", "search"), LayoutTile("empty"),
          LayoutTile("switch", "切替", "switch"), LayoutTile("web", "ウェブ", "globe"),
          LayoutTile("procedure", "相談", "chat", "consultation"))

    with container.uow() as uow:
        saved = saved_layouts(uow)
        assert list(saved) == ["verified"]
        layout = saved["verified"].layout
        assert layout.rows == 2 and layout.tiles[5] == LayoutTile("procedure", "相談", "chat",
                                                                   "consultation")
        assert saved["verified"].updated_by == "s-admin"
        assert [r.action for r in uow.audit.search(AuditQuery(action="rich_menu.saved"))] == [
            "rich_menu.saved", "rich_menu.saved"]


def test_the_plans_take_the_saved_layout_and_the_derived_one_elsewhere(
        container: Container) -> None:
    _save(container, "unverified", LayoutTile("verify", "本人確認", "person"),
          LayoutTile("switch", "済みの方", "switch"), LayoutTile("empty"))

    unverified, verified = planned_rich_menus(container.menu(), uow_factory=container.uow,
                                              web_url=WEB)

    assert unverified.height == 843
    assert [(t.label, t.icon, t.switch_to) for t in unverified.tiles] == [
        ("本人確認", "person", ""), ("済みの方", "switch", "madoguchi-verified")]
    assert verified.name == "madoguchi-verified" and verified.tiles[-1].data == "contacts:list"


def test_publishing_to_a_line_that_refuses_says_so_and_records_nothing(
        container: Container) -> None:
    _save(container, "verified", LayoutTile("status", "状況確認", "search"),
          LayoutTile("empty"), LayoutTile("empty"))
    with running_simulator("secret", "the-right-token", None) as sim:
        refusing = LineRichMenus(access_token="a-wrong-token", base_url=sim.base_url,
                                 data_url=sim.base_url)
        with pytest.raises(LineRefused) as refused:
            publish_rich_menus(actor=ADMIN, menu=container.menu(), platform=refusing,
                               uow_factory=container.uow, clock=container.clock(),
                               web_url=WEB, procedures=menu_procedures(container.menu()))

    assert refused.value.message.startswith(
        "LINEがリッチメニューを受け付けませんでした（HTTP 401）")
    with container.uow() as uow:
        assert saved_layouts(uow)["verified"].published_at is None
        assert list(uow.audit.search(AuditQuery(action="rich_menu.published"))) == []
