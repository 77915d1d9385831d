"""Consultations on a real database (ADR 0046): the queue is each department's waiting
consultations, oldest first; hours and the name residents read for staff are kept."""

from __future__ import annotations

import datetime as dt

import pytest

from application.access.actor import Actor
from application.cases.consultation_hours import SetHours, hours_of, set_hours
from application.cases.managing_departments import SaveDepartment, save_department
from application.cases.viewing_consultations import view_consultations
from application.staff.naming_for_residents import NameForResidents, name_for_residents
from domain.cases import InboxCase
from domain.channels import ChannelIdentity
from domain.consultations import DEFAULT_HOURS, Consultation, ConsultationStatus, OpeningHours
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff

pytestmark = pytest.mark.integration

OPERATOR = Actor.operator("test")
T0 = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)


def _department(container: Container, name: str) -> str:
    return save_department(SaveDepartment(name=name, actor=OPERATOR), uow=container.uow(),
                           ids=container.ids(), clock=container.clock()).id


def _identity(container: Container) -> str:
    with container.uow() as uow:
        identity = ChannelIdentity.first_seen(id="i1", channel="line", address="U1", at=T0)
        uow.channel_identities.add(identity)
        uow.commit()
    return identity.id


def test_the_queue_is_each_departments_waiting_consultations_oldest_first(
        container: Container) -> None:
    d1, d2 = _department(container, "総務課"), _department(container, "税務課")
    identity = _identity(container)
    with container.uow() as uow:
        for n, (department, minutes) in enumerate([(d1, 5), (d1, 0), (d2, 1), (d1, 9)], 1):
            at = T0 + dt.timedelta(minutes=minutes)
            uow.cases.add(InboxCase.opened(
                id=f"c{n}", number=f"2026-00000{n}", department_id=department,
                procedure_id="consultation", title="相談", identity_id=identity, answers=[],
                photos=[], at=at))
            uow.consultations.add(Consultation(id=f"c{n}", department_id=department,
                                               requested_at=at, in_hours=True))
        uow.commit()
    with container.uow() as uow:
        uow.consultations.get("c4").take("s1", T0 + dt.timedelta(minutes=20))
        uow.commit()
    with container.uow() as uow:
        waiting = uow.consultations.with_status(ConsultationStatus.WAITING, {d1})
        everyone = uow.consultations.with_status(ConsultationStatus.WAITING, None)
        talking = uow.consultations.with_status(ConsultationStatus.TALKING, None)
    assert [c.id for c in waiting] == ["c2", "c1"]
    assert [c.id for c in everyone] == ["c2", "c3", "c1"]
    assert [(c.id, c.staff_id) for c in talking] == [("c4", "s1")]
    # an administrator's queue numbers each department's residents as they were told
    seen = view_consultations(actor=Actor(id="s-admin", role=Role.ADMINISTRATOR, label="admin"),
                              uow=container.uow(), clock=container.clock())
    assert [(line.case.id, line.place) for line in seen.waiting] == [
        ("c2", 1), ("c3", 1), ("c1", 2)]


def test_hours_and_names_for_residents_are_kept(container: Container) -> None:
    department = _department(container, "総務課")
    with container.uow() as uow:
        assert hours_of(uow, department) == DEFAULT_HOURS
    set_hours(SetHours(department_id=department, weekdays="月水金", opens="9:00",
                       closes="12:00", actor=OPERATOR),
              uow=container.uow(), clock=container.clock())
    worker = make_staff(container, "hanako", Role.CASE_WORKER, name="山田 花子")
    name_for_residents(NameForResidents(staff_id=worker, name="はなこ", actor=OPERATOR),
                       uow=container.uow(), clock=container.clock())
    with container.uow() as uow:
        assert hours_of(uow, department) == OpeningHours.of("月水金", "9:00", "12:00")
        assert uow.staff.get(worker).name_for_residents == "はなこ"
