"""A campaign page's applications and notices are written a statement per table (ADR 0068): the
rows read back exactly as those the mapper writes one by one, the accounts encrypted, and a page
raced by another send is read again without doubling a household."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from sqlalchemy import select, text

from adapters.persistence.orm.benefits import applications
from adapters.persistence.sqlite_writers import _WRITERS
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from application.benefits.notices import notice
from application.benefits.sending_campaign import send_campaign
from application.messaging.outbox import OutboxMessage
from application.messaging.telling import ContactPolicy
from domain.benefits import Application
from tests import builders
from tests.integration.test_benefits import NOW, Town
from tests.integration.test_benefits import town as town  # the fixture

pytestmark = pytest.mark.integration

_OWN = {"id", "household_id", "notice_message_id", "recipient"}  # what differs by design


def _fields(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in attrs.asdict(obj, recurse=False).items() if k not in _OWN}


def _notified(town: Town, uow: SqlAlchemyUnitOfWork, n: int) -> tuple[Application, OutboxMessage]:
    program = uow.programs.get("p1")
    application = Application.notify(id=f"a{n}", program=program, household_id=f"h{n}", at=NOW,
                                     offered_account=builders.account(), notice_message_id=f"m{n}",
                                     channel="line")
    message = OutboxMessage.of([notice(program, application, banks=town.banks)], id=f"m{n}",
                               channel="line", recipient=f"U{n:032d}", at=NOW, notice=True)
    return application, message


def test_rows_written_in_one_statement_read_back_as_those_the_mapper_writes(town: Town) -> None:
    with town.uow() as uow:
        one_by_one, its_notice = _notified(town, uow, 1)
        uow.applications.add(one_by_one)
        uow.outbox.add(its_notice)
        in_bulk, bulk_notice = _notified(town, uow, 2)
        uow.applications.add_notified([in_bulk])
        uow.outbox.add_many([bulk_notice])
        uow.commit()

    with town.uow() as uow:
        mapped, bulk = uow.applications.get("a1"), uow.applications.get("a2")
        assert bulk is not None and mapped is not None
        assert _fields(bulk) == _fields(mapped)
        assert bulk.offered_account == builders.account()
        assert (bulk.household_id, bulk.notice_message_id) == ("h2", "m2")
        bulk_row, mapped_row = uow.outbox.get("m2"), uow.outbox.get("m1")
        assert bulk_row is not None and mapped_row is not None
        assert ({**_fields(bulk_row), "payload": None}
                == {**_fields(mapped_row), "payload": None})  # the payload names its application
        assert (bulk_row.payload, mapped_row.payload) == (bulk_notice.payload, its_notice.payload)
        versions = dict(uow.session.execute(  # type: ignore[union-attr]
            select(applications.c.id, applications.c.version)).all())
        assert versions == {"a1": 1, "a2": 1}
        # the account is encrypted as the mapper's: never the number in the clear
        stored = uow.session.execute(  # type: ignore[union-attr]
            text("SELECT offered_account FROM applications WHERE id = 'a2'")).scalar()
        assert "1234567" not in stored


def test_a_campaign_page_raced_by_another_send_is_read_again_and_doubles_nobody(
        town: Town) -> None:
    """Another send notifies h1 after this page read it: the page's insert meets the database's
    one application per household, and the page is read again and sends only to h2."""
    raced = False

    class Racing(SqlAlchemyUnitOfWork):
        def __enter__(self) -> Racing:
            super().__enter__()
            add_notified = self.applications.add_notified

            def another_first(new: Sequence[Application]) -> None:
                nonlocal raced
                if not raced:
                    raced = True
                    with town.uow() as other:
                        application, message = _notified(town, other, 1)
                        other.applications.add(attrs.evolve(application, id="theirs"))
                        other.outbox.add(message)
                        other.commit()
                add_notified(new)
            self.applications.add_notified = another_first  # type: ignore[method-assign]
            return self

    def racing() -> SqlAlchemyUnitOfWork:
        return Racing(town.sessions, town.uow()._bus)

    sent = send_campaign("p1", uow_factory=racing, ids=town.ids, clock=town.clock,
                         banks=town.banks, policy=ContactPolicy(), wake=lambda: None)

    assert (raced, sent["sent"], sent["already_notified"]) == (True, 1, 2)
    assert town.application("h1").id == "theirs"
    assert town.outbox_count() == 2


def test_a_page_written_in_bulk_leaves_the_writers_turn_to_other_threads(town: Town) -> None:
    """The write takes SQLite's per-process writer turn as a flush does, and the turn ends with
    the transaction (on PostgreSQL there is no turn to take): another thread may write next."""
    town.send()
    free: list[bool] = []

    def take() -> None:
        taken = _WRITERS.acquire(timeout=5)
        if taken:
            _WRITERS.release()
        free.append(taken)
    other = threading.Thread(target=take)
    other.start()
    other.join()
    assert free == [True]
