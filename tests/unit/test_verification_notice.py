"""What a resident is told when their card verification is decided: once linked, the menu of
procedures comes with the result, as buttons (no typing 証明書の請求)."""

from __future__ import annotations

import pytest

from application.channels.menu import Menu, MenuEntry
from application.messagebus import MessageBus
from application.messaging.codec import messages_from_json
from application.messaging.telling import ContactPolicy, Telling
from application.residents.handlers import VerificationNotice
from domain.channels import ChannelIdentity
from domain.events import VerificationDecided
from domain.verifications import VerificationStatus
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds

pytestmark = pytest.mark.unit

CLOCK = FakeClock()
MENU = Menu("試験町", [MenuEntry("contact", "お問い合わせ"),
                      MenuEntry("certificate", "証明書の請求")])


def _told(status: VerificationStatus) -> list:  # type: ignore[type-arg]
    database = FakeDatabase(MessageBus({}))
    notice = VerificationNotice(Telling(ContactPolicy(("line",)), SequentialIds("o"), CLOCK), MENU)
    with FakeUnitOfWork(database) as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(id="i1", channel="line",
                                                              address="U1", at=CLOCK.now()))
        notice([VerificationDecided(verification_id="v1", identity_id="i1",
                                    status=status.value)], uow)
        uow.commit()
    [message] = database.tables["outbox"].values()
    return list(messages_from_json(message.payload["messages"]))


def test_a_linked_verification_comes_with_the_procedures_as_buttons() -> None:
    [told] = _told(VerificationStatus.LINKED)

    assert "本人確認が完了しました" in told.text
    assert [c.label for c in told.choices] == ["状況確認", "お問い合わせ", "証明書の請求",
                                                "連絡先", "お知らせの設定"]


def test_a_verification_waiting_for_staff_offers_no_procedures_yet() -> None:
    [told] = _told(VerificationStatus.REVIEW)

    assert "職員の確認" in told.text and not told.choices
