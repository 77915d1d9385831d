"""Staff link a held verification to one of its candidates: audited, and refused (changing
nothing) when that person or that account already stands for someone else."""

from __future__ import annotations

import datetime as dt

import pytest

from application.residents.deciding_verification import DecideVerification, decide_verification
from domain.channels import ChannelIdentity
from domain.errors import InvalidValue
from domain.residents import MatchKeys
from domain.verifications import IdentityVerification, MatchOutcome, VerificationStatus
from tests import builders as b
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork

pytestmark = pytest.mark.unit

CLOCK = FakeClock()
NOW = CLOCK.now()


def _held(database: FakeDatabase, *, other_account_of: str | None = None,
          account_linked_to: str | None = None) -> None:
    """Verification v1 from account i1, held with candidate r1 (whose date of birth differs)."""
    with FakeUnitOfWork(database) as uow:
        uow.residents.add(b.resident(id="r1"))
        uow.residents.add(b.resident(id="r2", resident_number="000000002", name="山田 次郎"))
        mine = ChannelIdentity.first_seen(id="i1", channel="line", address="U1", at=NOW)
        if account_linked_to:
            mine.link(account_linked_to)
        uow.channel_identities.add(mine)
        if other_account_of:
            other = ChannelIdentity.first_seen(id="i2", channel="line", address="U2", at=NOW)
            other.link(other_account_of)
            uow.channel_identities.add(other)
        card = b.facts(born=dt.date(1980, 4, 10))
        record = IdentityVerification(id="v1", identity_id="i1", provider="dev_card",
                                      subject="s", assurance="development", verified_at=NOW,
                                      facts=card, match_keys=MatchKeys(person="p", place="a"))
        record.hold_for_review(outcome=MatchOutcome.NEAR, reason="生年月日が不一致",
                               candidate_ids=["r1"])
        uow.verifications.add(record)
        uow.commit()


def _link(database: FakeDatabase) -> IdentityVerification:
    return decide_verification(DecideVerification(verification_id="v1", actor=b.actor(),
                                                  link_to="r1"),
                               uow=FakeUnitOfWork(database), clock=CLOCK)


def test_staff_link_a_held_verification_to_its_candidate() -> None:
    database = FakeDatabase()
    _held(database)

    assert _link(database).status is VerificationStatus.LINKED
    with FakeUnitOfWork(database) as uow:
        assert uow.channel_identities.get("i1").resident_id == "r1"
        assert uow.residents.get("r1").is_verified


@pytest.mark.parametrize(("setup", "message"), [
    ({"other_account_of": "r1"}, "別のアカウント"),
    ({"account_linked_to": "r2"}, "別の住民"),
])
def test_a_candidate_or_account_already_linked_to_someone_else_is_refused(
        setup: dict[str, str], message: str) -> None:
    database = FakeDatabase()
    _held(database, **setup)

    with pytest.raises(InvalidValue, match=message):
        _link(database)
    with FakeUnitOfWork(database) as uow:
        assert uow.verifications.get("v1").status is VerificationStatus.REVIEW
        assert not uow.residents.get("r1").is_verified
