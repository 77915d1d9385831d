"""A resident whose verification links them on LINE is shown the verified residents' rich menu;
a verification held for staff, or made from another channel, links nothing; LINE being away
does not undo the verification."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from application.channels.rich_menu import RichMenuPlan
from application.channels.verified_menu import VerifiedMenu
from application.messagebus import MessageBus
from domain.channels import ChannelIdentity
from domain.events import VerificationDecided
from domain.verifications import VerificationStatus
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


def _decide(platform: FakeRichMenus, status: VerificationStatus, channel: str = "line") -> None:
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
