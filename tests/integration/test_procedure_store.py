"""Built procedures in the database (ADR 0055), on SQLite and PostgreSQL: a version of one
number is written once (two publishers at once: the second is refused by the key, nothing
half-written); the chat's store sees only what residents can start, in menu order, keeps
published versions and reads the draft afresh; a trial code opens only until it expires."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from adapters.persistence.procedure_store import SqlProcedureStore
from application.ports.unit_of_work import DuplicateError
from domain.built_procedures import TRIAL_TTL, BuiltProcedure
from entrypoints.containers import Container

AT = dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)


def _template(title: str) -> dict[str, Any]:
    return {"format": "madoguchi.procedure", "version": 1, "procedure": {
        "id": "bulky_waste", "title": title,
        "steps": [{"key": "n", "answer": "number", "question": "何点？"}]}}


def _add(container: Container, procedure_id: str = "bulky_waste", **placed: Any) -> None:
    with container.uow() as uow:
        built = BuiltProcedure.drafted(id=procedure_id, template=_template("粗大ごみ"),
                                       title="粗大ごみ", by="s1", at=AT)
        if placed:
            built.place(by="s1", at=AT, **placed)
        uow.built_procedures.add(built)
        uow.commit()


def _publish(container: Container, procedure_id: str = "bulky_waste") -> int:
    with container.uow() as uow:
        built = uow.built_procedures.get(procedure_id)
        version = built.publish(by="s1", at=AT)
        uow.built_procedures.add_version(version)
        uow.commit()
    return version.number


def test_a_version_number_is_written_once(container: Container) -> None:
    _add(container)
    assert _publish(container) == 1
    with container.uow() as uow:
        built = uow.built_procedures.get("bulky_waste")
        built.edit(_template("粗大ごみ（改）"), title="粗大ごみ（改）", by="s2", at=AT)
        stale = built.publish(by="s2", at=AT)
        stale = type(stale)(procedure_id=stale.procedure_id, number=1, template=stale.template,
                            published_at=AT, published_by="s2")
        with pytest.raises(DuplicateError):
            uow.built_procedures.add_version(stale)
    with container.uow() as uow:
        [kept] = uow.built_procedures.versions_of("bulky_waste")
        assert kept.template["procedure"]["title"] == "粗大ごみ"
        assert uow.built_procedures.get("bulky_waste").published_version == 1


def test_the_store_sees_what_residents_can_start_in_menu_order(container: Container) -> None:
    store = SqlProcedureStore(container.engine())
    _add(container, channels=["line"], menu_label="粗大ごみ", menu_order=2)
    _add(container, "dog_registration", channels=["web"], menu_label="", menu_order=1)
    _add(container, "hidden_one", channels=["line"], menu_label="", menu_order=None)
    assert store.newest("bulky_waste") is None and store.in_menu() == []  # drafts only
    for procedure_id in ("bulky_waste", "dog_registration", "hidden_one"):
        _publish(container, procedure_id)
    assert [p.procedure_id for p in store.in_menu()] == ["dog_registration", "bulky_waste"]
    newest = store.newest("hidden_one")
    assert newest is not None and newest.version == 1 and newest.menu_order is None
    with container.uow() as uow:
        uow.built_procedures.get("bulky_waste").withdraw(by="s1", at=AT)
        uow.commit()
    assert store.newest("bulky_waste") is None
    assert store.template("bulky_waste", 1) == _template("粗大ごみ")  # still runs those in it


def test_the_draft_is_read_afresh_and_a_trial_code_expires(container: Container) -> None:
    store = SqlProcedureStore(container.engine())
    _add(container)
    assert store.template("bulky_waste", 0)["procedure"]["title"] == "粗大ごみ"
    with container.uow() as uow:
        built = uow.built_procedures.get("bulky_waste")
        built.edit(_template("粗大ごみ（下書き）"), title="粗大ごみ（下書き）", by="s1", at=AT)
        uow.commit()
    with container.uow() as uow:
        before = uow.built_procedures.get("bulky_waste").version
        assert uow.built_procedures.set_trial("bulky_waste", "ABCD2345", AT + TRIAL_TTL)
        uow.commit()
    with container.uow() as uow:  # a trial is not an edit: an open editor stays current
        assert uow.built_procedures.get("bulky_waste").version == before
    assert store.template("bulky_waste", 0)["procedure"]["title"] == "粗大ごみ（下書き）"
    assert store.trial("ABCD2345", AT + dt.timedelta(minutes=29)) == "bulky_waste"
    assert store.trial("ABCD2345", AT + dt.timedelta(minutes=31)) is None
    assert store.trial("ZZZZZZZZ", AT) is None
