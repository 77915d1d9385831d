"""Who acts: one Actor for staff, API keys, the operator and the system; its permission checked
by the use case; the id events carry resolved back to who it was."""

from __future__ import annotations

import datetime as dt

import pytest

from application.access.actor import SYSTEM, Actor, actor_by_id
from domain.access import ApiKey, Permission
from domain.errors import NotAllowed
from domain.staff import Role, StaffMember
from tests.fakes import FakeDatabase, FakeUnitOfWork

pytestmark = pytest.mark.unit


def _kato() -> StaffMember:
    return StaffMember(id="s1", login_id="kato", display_name="加藤", role=Role.CASE_WORKER,
                       password_hash="x")


def _key(*, staff_id: str | None = None) -> ApiKey:
    return ApiKey(id="k1", name="基幹系連携", role=Role.APPROVER, key_hash="h",
                  created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC), staff_id=staff_id,
                  organisation=None if staff_id else "基幹系ベンダー")


def test_staff_keys_and_the_operator_are_named_as_the_audit_log_shows_them() -> None:
    assert Actor.staff(_kato(), ip="10.0.0.1") == Actor("s1", Role.CASE_WORKER, "kato", "10.0.0.1")
    assert Actor.api_key(_key()) == Actor("api:k1", Role.APPROVER, "api:基幹系連携",
                                          party="org:基幹系ベンダー")
    assert Actor.operator("tanaka") == Actor("cli:tanaka", Role.ADMINISTRATOR, "cli:tanaka")


def test_an_actor_s_party_is_the_person_or_organisation_accountable_for_it() -> None:
    assert Actor.staff(_kato()).party == "s1"
    assert Actor.api_key(_key(staff_id="s1")).party == "s1"  # a key acting for 加藤 is 加藤
    assert Actor.api_key(_key()).party == "org:基幹系ベンダー"
    assert Actor.operator("tanaka").party == "cli:tanaka"
    assert SYSTEM.party == "system"


def test_an_actor_without_the_permission_is_refused_in_japanese() -> None:
    worker = Actor.staff(_kato())

    worker.ensure(Permission.HANDLE_APPLICATIONS, "申請を扱う")
    with pytest.raises(NotAllowed, match="担当者の役割では支払バッチを承認できません"):
        worker.ensure(Permission.APPROVE_BATCHES, "支払バッチを承認")


def test_the_id_an_event_carries_is_resolved_to_who_acted() -> None:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.staff.add(_kato())
        uow.api_keys.add(_key())
        uow.commit()

    with FakeUnitOfWork(database) as uow:
        assert actor_by_id(uow, "s1").label == "kato"
        assert actor_by_id(uow, "api:k1").label == "api:基幹系連携"
        assert actor_by_id(uow, "api:k1").party == "org:基幹系ベンダー"
        assert actor_by_id(uow, "cli:tanaka").label == "cli:tanaka"
        assert actor_by_id(uow, "system") is SYSTEM
        assert actor_by_id(uow, "") is SYSTEM
        gone = actor_by_id(uow, "s-deleted")
        assert (gone.label, gone.role) == ("s-deleted", Role.VIEWER)  # named, never privileged
