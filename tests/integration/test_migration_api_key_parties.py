"""Migration 0013 on SQLite and PostgreSQL: each existing API key becomes an organisation named
after it, the batches and typed accounts a key made take that organisation as their party, so
keys that worked before still work, and two of them named alike count as one person (ADR
0033)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from adapters.banks.bank_calendar import JapaneseBankCalendar
from adapters.persistence import migrating
from adapters.persistence.orm.staff import api_keys
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.access.actor import Actor
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.messagebus import MessageBus
from domain.access import ApiKey
from domain.batches import BatchState
from domain.errors import IllegalTransition
from domain.staff import Role, StaffMember
from tests.fakes import FakeClock, SequentialIds
from tests.support.payments import approved_town, residents

pytestmark = pytest.mark.integration

AT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), MessageBus({}))


@pytest.fixture
def at_head_afterwards(engine: Engine) -> Iterator[Engine]:
    """The shared test database goes back to the newest schema, whatever the test did."""
    yield engine
    if migrating.current_revision(engine) != migrating.head_revision():
        migrating.upgrade(engine, "head")


def _key(key_id: str, name: str) -> ApiKey:
    return ApiKey(id=key_id, name=name, role=Role.APPROVER, key_hash=f"hash-{key_id}",
                  created_at=AT, organisation="（0013 より前には無い）")


def test_existing_keys_become_organisations_named_after_them(at_head_afterwards: Engine) -> None:
    engine = at_head_afterwards
    with _uow(engine) as uow:
        residents(uow, 3)
        uow.commit()
    with _uow(engine) as uow:
        approved_town(uow, households=3)
        for key in (_key("k1", "基幹系連携"), _key("k2", "基幹系連携　"), _key("k3", "ベンダーB")):
            uow.api_keys.add(key)
        uow.commit()
    ids, clock = SequentialIds("m"), FakeClock()
    batch = create_batch(CreateBatch(program_id="p1", method="bank_transfer",
                                     actor=Actor(id="api:k1", role=Role.APPROVER)),
                         uow=_uow(engine), ids=ids, clock=clock,
                         calendar=JapaneseBankCalendar())

    # The town as it was at 0012: keys with a name only; a key and a staff member typed accounts.
    migrating.downgrade(engine, "0012")
    with engine.begin() as connection:
        connection.execute(text("UPDATE applications SET account_entered_by = 'api:k3' "
                                "WHERE id = 'a3'"))
        connection.execute(text("UPDATE applications SET account_entered_by = 's-kato' "
                                "WHERE id = 'a2'"))
    migrating.upgrade(engine, "head")

    with engine.connect() as connection:
        keys = connection.execute(text(
            "SELECT id, organisation, staff_id FROM api_keys ORDER BY id")).all()
        made_by = connection.execute(text(
            "SELECT created_by, created_party FROM payment_batches")).one()
        typed = dict(connection.execute(text(
            "SELECT id, account_entered_party FROM applications ORDER BY id")).all())
    assert [tuple(row) for row in keys] == [("k1", "基幹系連携", None),
                                            ("k2", "基幹系連携　", None),
                                            ("k3", "ベンダーB", None)]
    assert tuple(made_by) == ("api:k1", "org:基幹系連携")
    assert typed == {"a1": None, "a2": "s-kato", "a3": "org:ベンダーb"}

    # k1 and k2 were named alike: one organisation, so k2 cannot approve what k1 made
    with _uow(engine) as uow:
        k2, k3 = uow.api_keys.get("k2"), uow.api_keys.get("k3")
        assert (k2.party, k3.party) == ("org:基幹系連携", "org:ベンダーb")
        k2, k3 = Actor.api_key(k2), Actor.api_key(k3)
    with pytest.raises(IllegalTransition) as refused:
        approve_batch(ApproveBatch(batch_id=batch.id, actor=k2), uow=_uow(engine), ids=ids,
                      clock=clock)
    approved = approve_batch(ApproveBatch(batch_id=batch.id, actor=k3), uow=_uow(engine),
                             ids=ids, clock=clock)
    assert refused.value.code == "same_person" and approved.state is BatchState.APPROVED


def test_the_database_refuses_a_key_without_exactly_one_party(engine: Engine) -> None:
    with _uow(engine) as uow:
        uow.staff.add(StaffMember(id="s-kato", login_id="kato", display_name="加藤",
                                  role=Role.APPROVER, password_hash="x"))
        uow.commit()

    def insert(key_id: str, staff: str | None, organisation: str | None) -> None:
        with engine.begin() as connection:
            connection.execute(api_keys.insert().values(
                id=key_id, name="x", role=Role.VIEWER, key_hash=key_id, created_at=AT,
                staff_id=staff, organisation=organisation))

    with pytest.raises(IntegrityError):
        insert("n1", None, None)
    with pytest.raises(IntegrityError):
        insert("n2", "s-kato", "ベンダーA")
    with pytest.raises(IntegrityError):
        insert("n3", "s-nobody", None)  # a staff member who does not exist
    insert("ok", "s-kato", None)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM api_keys")).scalars().all() == ["ok"]
