"""The four-eyes rules compare who is accountable (`Actor.party`), never the credential: one
organisation's two API keys are one person, and so are a staff member's session and the key
that acts for them (ADR 0033). Against in-memory fakes."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.banks.bank_calendar import JapaneseBankCalendar
from application.access.actor import Actor
from application.benefits.checking_account import check_account
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.repaying_application import RepayApplication, repay_application
from application.messagebus import MessageBus
from domain.access import ApiKey
from domain.batches import BatchState, PaymentBatch
from domain.benefits import ApplicationStatus
from domain.errors import IllegalTransition
from domain.staff import Role, StaffMember
from domain.values import BankAccount
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds, message_bus_on
from tests.support.payments import approved_town

pytestmark = pytest.mark.unit

AT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
KATO = StaffMember(id="s-kato", login_id="kato", display_name="加藤", role=Role.APPROVER,
                   password_hash="x")
SATO = StaffMember(id="s-sato", login_id="sato", display_name="佐藤", role=Role.APPROVER,
                   password_hash="x")


def _key(key_id: str, *, organisation: str | None = None,
         staff: StaffMember | None = None) -> Actor:
    key = ApiKey(id=key_id, name=f"連携{key_id}", role=Role.APPROVER, key_hash=key_id,
                 created_at=AT, organisation=organisation, staff_id=staff.id if staff else None)
    return Actor.api_key(key)


# Two keys of one organisation (its name written two ways), a key acting for 加藤 and 加藤's
# own session, a key of another organisation, and another staff member.
ABC_1, ABC_2 = _key("k1", organisation="ＡＢＣ商事"), _key("k2", organisation="abc商事 ")
KATO_KEY, KATO_SESSION = _key("k3", staff=KATO), Actor.staff(KATO)
XYZ, SATO_SESSION = _key("k4", organisation="XYZシステム"), Actor.staff(SATO)


class Town:
    def __init__(self) -> None:
        self.ids, self.clock = SequentialIds("x"), FakeClock()
        self.database = FakeDatabase(MessageBus({}))
        with self.uow() as uow:
            approved_town(uow, households=2)
            uow.commit()
        self.database.bus = message_bus_on(ids=self.ids, clock=self.clock)

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database)

    def create(self, actor: Actor) -> PaymentBatch:
        return create_batch(CreateBatch(program_id="p1", method="bank_transfer", actor=actor),
                            uow=self.uow(), ids=self.ids, clock=self.clock,
                            calendar=JapaneseBankCalendar())

    def approve(self, batch_id: str, actor: Actor) -> PaymentBatch:
        return approve_batch(ApproveBatch(batch_id=batch_id, actor=actor), uow=self.uow(),
                             ids=self.ids, clock=self.clock)


def test_each_key_is_a_credential_of_its_party() -> None:
    assert (ABC_1.id, ABC_1.party) == ("api:k1", "org:abc商事")
    assert ABC_2.party == ABC_1.party  # one organisation, however its name was typed
    assert (KATO_KEY.id, KATO_KEY.party) == ("api:k3", KATO_SESSION.party) == (
        "api:k3", "s-kato")
    assert XYZ.party != ABC_1.party
    assert Actor.operator("tanaka").party == "cli:tanaka"


@pytest.mark.parametrize(("maker", "checker"), [
    (ABC_1, ABC_2),  # one organisation's two keys
    (KATO_KEY, KATO_SESSION),  # a staff member's key, then the same member signed in
    (KATO_SESSION, KATO_KEY),
], ids=["one-organisation", "key-then-session", "session-then-key"])
def test_one_party_cannot_make_and_approve_a_batch_with_two_credentials(
        maker: Actor, checker: Actor) -> None:
    town = Town()
    batch = town.create(maker)

    with pytest.raises(IllegalTransition) as refused:
        town.approve(batch.id, checker)

    assert refused.value.code == "same_person"
    assert refused.value.message.startswith("バッチを作成した職員は承認できません。")
    assert "組織のAPIキー" in refused.value.message
    assert town.database.tables["batches"][batch.id].state is BatchState.DRAFT


@pytest.mark.parametrize(("maker", "checker"), [
    (ABC_1, XYZ), (KATO_KEY, SATO_SESSION), (KATO_SESSION, ABC_1),
], ids=["two-organisations", "staff-key-then-another-member", "member-then-organisation"])
def test_two_parties_make_and_approve_a_batch(maker: Actor, checker: Actor) -> None:
    town = Town()
    batch = town.approve(town.create(maker).id, checker)

    assert (batch.state, batch.created_by, batch.approved_by) == (
        BatchState.APPROVED, maker.id, checker.id)  # the records keep the credentials
    assert batch.created_party == maker.party


def test_the_audit_log_names_the_party_beside_the_key() -> None:
    town = Town()
    batch = town.create(ABC_1)
    town.approve(batch.id, KATO_SESSION)

    made, approved = [r for r in town.database.tables["audit"].values()
                      if r.action.startswith("payment_batch.")]
    assert (made.actor_id, made.detail["party"]) == ("api:k1", "org:abc商事")
    assert approved.actor_id == "s-kato" and "party" not in approved.detail  # a session is
    # its own party: nothing to add


def test_a_typed_account_is_checked_by_another_party_than_the_one_who_typed_it() -> None:
    town = Town()
    with town.uow() as uow:  # the starting state: the transfer to a2 failed
        uow.applications.get("a2").status = ApplicationStatus.PAYMENT_FAILED
        uow.commit()
    corrected = BankAccount.of(bank_code="0009", branch_code="001", account_type="1",
                               number="1111111", holder="ヤマダ ハナコ")
    repay_application(RepayApplication(application_id="a2", actor=ABC_1, account=corrected),
                      uow=town.uow(), ids=town.ids, clock=town.clock)

    with pytest.raises(IllegalTransition) as refused:
        check_account("a2", actor=ABC_2, uow=town.uow(), clock=town.clock)
    checked = check_account("a2", actor=XYZ, uow=town.uow(), clock=town.clock)

    assert refused.value.code == "same_staff"
    assert "組織のAPIキー" in refused.value.message
    assert (checked.account_entered_by, checked.account_entered_party) == ("api:k1",
                                                                          "org:abc商事")
    assert checked.account_checked_by == "api:k4"
