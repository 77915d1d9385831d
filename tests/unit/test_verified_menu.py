"""A resident whose verification links them on LINE is shown the verified residents' rich menu;
a verification held for staff, or made from another channel, links nothing; LINE being away
does not undo the verification."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from application.channels.rich_menu import RichMenuPlan
from application.channels.verified_menu import VerifiedMenu
from application.messagebus import MessageBus
from application.ports.rich_menus import RichMenus
from domain.channels import ChannelIdentity
from domain.events import VerificationDecided
from domain.verifications import VerificationStatus
from entrypoints.deferred_adapters import RichMenusWhenUsed
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork

pytestmark = pytest.mark.unit

CLOCK = FakeClock()


class FakeRichMenus:
    def __init__(self, *, down: bool = False) -> None:
        self.linked: list[str] = []
        self.down = down

    def install(self, unverified: RichMenuPlan, verified: RichMenuPlan) -> dict[str, str]:
        return {}

    def link_verified(self, user_ids: Sequence[str]) -> None:
        if self.down:
            raise ConnectionError("LINE is away")
        self.linked.extend(user_ids)


def _decide(platform: RichMenus, status: VerificationStatus, channel: str = "line") -> None:
    with FakeUnitOfWork(FakeDatabase(MessageBus({}))) as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="i1", channel=channel, address="U1" if channel == "line" else "+819000000001",
            at=CLOCK.now()))
        VerifiedMenu(platform)([VerificationDecided(verification_id="v1", identity_id="i1",
                                                    status=status.value)], uow)


def test_a_resident_linked_on_line_gets_the_verified_menu() -> None:
    platform = FakeRichMenus()
    _decide(platform, VerificationStatus.LINKED)
    assert platform.linked == ["U1"]


def test_the_container_s_menus_are_made_when_a_resident_is_first_linked() -> None:
    """The bus of every unit of work holds the menus; LINE's SDK is imported once one is
    linked, not when a command opens a unit of work (entrypoints/deferred_adapters.py)."""
    platform, made = FakeRichMenus(), []
    menus = RichMenusWhenUsed(lambda: made.append(platform) or platform)
    _decide(menus, VerificationStatus.REVIEW)
    assert made == []
    _decide(menus, VerificationStatus.LINKED)
    assert made == [platform] and platform.linked == ["U1"]


@pytest.mark.parametrize("status", [VerificationStatus.REVIEW, VerificationStatus.REJECTED])
def test_a_verification_not_linked_keeps_the_unverified_menu(status: VerificationStatus) -> None:
    platform = FakeRichMenus()
    _decide(platform, status)
    assert platform.linked == []


def test_a_verification_from_sms_links_no_rich_menu() -> None:
    platform = FakeRichMenus()
    _decide(platform, VerificationStatus.LINKED, channel="sms")
    assert platform.linked == []


def test_line_being_away_does_not_fail_the_verification() -> None:
    _decide(FakeRichMenus(down=True), VerificationStatus.LINKED)  # logged, not raised
