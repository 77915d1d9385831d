"""The procedure builder's rules on fakes (ADR 0055): a draft is saved only when every check
passes and its departments are the town's; versions count up and never repeat; publishing
needs an administrator and something changed; withdrawing stops new starts; an import maps the
departments the town does not have; a stale edit is refused; a trial code is 8 letters that
cannot be misread."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from application.access.actor import Actor
from application.conversations.catalogue import DRAFT, ProcedureCatalogue
from application.conversations.engine import ConversationEngine
from application.conversations.procedure_templates import TemplateRefused
from application.conversations.state import Conversation
from application.ports.procedure_store import PublishedProcedure
from application.procedure_builder.drafting import (
    TRIAL_ALPHABET,
    SaveDraft,
    save_draft,
    start_trial,
)
from application.procedure_builder.importing import (
    ImportTemplate,
    import_procedure,
    plan_import,
    read_json,
)
from application.procedure_builder.publishing import publish_procedure, withdraw_procedure
from domain.built_procedures import BuiltProcedure
from domain.cases import Department
from domain.errors import IllegalTransition, InvalidValue, NotAllowed
from domain.staff import Role
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork
from tests.unit.test_conversations import FakeBankMaster

pytestmark = pytest.mark.unit

ADMIN = Actor(id="s-admin", role=Role.ADMINISTRATOR)
WORKER = Actor(id="s-worker", role=Role.CASE_WORKER)
VIEWER = Actor(id="s-viewer", role=Role.VIEWER)
TEMPLATE: dict[str, Any] = {
    "format": "madoguchi.procedure", "version": 1,
    "procedure": {"id": "bulky_waste", "title": "粗大ごみ収集の申込", "steps": [
        {"key": "items", "answer": "number", "question": "何点ですか？", "min_value": 1}]},
    "routing": {"default": "環境課"},
}


@pytest.fixture
def database() -> FakeDatabase:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.departments.add(Department(id="d1", name="環境課"))
        uow.commit()
    return database


def _save(database: FakeDatabase, template: dict[str, Any] = TEMPLATE, *, new: bool = True,
          actor: Actor = WORKER, **more: Any) -> BuiltProcedure:
    return save_draft(SaveDraft(template=template, actor=actor, new=new, **more),
                      uow=FakeUnitOfWork(database), clock=FakeClock())


def _stored(database: FakeDatabase) -> BuiltProcedure:
    with FakeUnitOfWork(database) as uow:
        found = uow.built_procedures.get("bulky_waste")
    assert found is not None
    return found


def test_a_draft_with_problems_is_refused_with_every_place_and_nothing_is_saved(
        database: FakeDatabase) -> None:
    broken = copy.deepcopy(TEMPLATE)
    broken["procedure"]["steps"].append({"key": "kind", "answer": "choice", "question": "?",
                                         "branches": [{"when_value": "x", "goto": "nowhere"}]})
    with pytest.raises(TemplateRefused) as refused:
        _save(database, broken)
    messages = [problem.message for problem in refused.value.problems]
    assert any("選択肢がありません" in m for m in messages)
    assert any("「nowhere」という質問がありません" in m for m in messages)
    assert FakeUnitOfWork(database).__enter__().built_procedures.all() == []


def test_a_department_the_town_does_not_have_is_refused_in_place(
        database: FakeDatabase) -> None:
    elsewhere = copy.deepcopy(TEMPLATE)
    elsewhere["routing"] = {"default": "清掃センター"}
    with pytest.raises(TemplateRefused, match="課「清掃センター」はこの町にありません"):
        _save(database, elsewhere)


def test_versions_count_up_and_publishing_needs_a_change(database: FakeDatabase) -> None:
    _save(database)
    first = publish_procedure("bulky_waste", actor=ADMIN, uow=FakeUnitOfWork(database),
                              clock=FakeClock())
    with pytest.raises(IllegalTransition, match="公開中の版と同じ"):
        publish_procedure("bulky_waste", actor=ADMIN, uow=FakeUnitOfWork(database),
                          clock=FakeClock())
    changed = copy.deepcopy(TEMPLATE)
    changed["procedure"]["title"] = "粗大ごみの申込"
    _save(database, changed, new=False)
    assert _stored(database).draft_changed
    second = publish_procedure("bulky_waste", actor=ADMIN, uow=FakeUnitOfWork(database),
                               clock=FakeClock())
    assert (first.number, second.number) == (1, 2)
    with FakeUnitOfWork(database) as uow:
        versions = uow.built_procedures.versions_of("bulky_waste")
    assert [v.number for v in versions] == [2, 1]
    assert versions[1].template["procedure"]["title"] == "粗大ごみ収集の申込"  # unchanged


def test_only_administrators_publish_and_viewers_do_not_build(database: FakeDatabase) -> None:
    _save(database)
    with pytest.raises(NotAllowed):
        publish_procedure("bulky_waste", actor=WORKER, uow=FakeUnitOfWork(database),
                          clock=FakeClock())
    with pytest.raises(NotAllowed):
        _save(database, actor=VIEWER, new=False)


def test_a_stale_edit_is_refused_and_a_taken_id_too(database: FakeDatabase) -> None:
    saved = _save(database)
    _save(database, new=False, expected_version=saved.version, menu_label="粗大ごみ",
          in_menu=True)
    with pytest.raises(IllegalTransition, match="ほかの職員が"):
        _save(database, new=False, expected_version=saved.version - 1)
    with pytest.raises(InvalidValue, match="すでに使われています"):
        _save(database)
    assert _stored(database).menu_label == "粗大ごみ" and _stored(database).menu_order == 1


def test_withdrawing_stops_new_starts_and_a_new_version_opens_it_again(
        database: FakeDatabase) -> None:
    _save(database)
    publish_procedure("bulky_waste", actor=ADMIN, uow=FakeUnitOfWork(database),
                      clock=FakeClock())
    withdraw_procedure("bulky_waste", actor=ADMIN, uow=FakeUnitOfWork(database),
                       clock=FakeClock())
    assert not _stored(database).accepting
    with pytest.raises(IllegalTransition):
        withdraw_procedure("bulky_waste", actor=ADMIN, uow=FakeUnitOfWork(database),
                           clock=FakeClock())
    publish_procedure("bulky_waste", actor=ADMIN, uow=FakeUnitOfWork(database),
                      clock=FakeClock())
    assert _stored(database).accepting and _stored(database).published_version == 2


def test_an_import_names_the_departments_to_map_and_saves_with_them_mapped(
        database: FakeDatabase) -> None:
    theirs = copy.deepcopy(TEMPLATE)
    theirs["routing"] = {"default": "清掃センター"}
    plan = plan_import(theirs, actor=WORKER, uow=FakeUnitOfWork(database))
    assert plan.unknown_departments == ("清掃センター",) and not plan.id_taken
    built = import_procedure(ImportTemplate(template=theirs, actor=WORKER,
                                            departments={"清掃センター": "環境課"}),
                             uow=FakeUnitOfWork(database), clock=FakeClock())
    assert built.draft["routing"]["default"] == "環境課"
    assert theirs["routing"]["default"] == "清掃センター"  # the upload is not changed
    assert plan_import(theirs, actor=WORKER, uow=FakeUnitOfWork(database)).id_taken


def test_a_file_that_is_not_json_or_of_another_version_is_refused_clearly() -> None:
    with pytest.raises(TemplateRefused, match="2行目で読めません"):
        read_json('{\n "format": ,}')
    with pytest.raises(TemplateRefused, match="version 2"):
        plan_import({**TEMPLATE, "version": 2}, actor=WORKER, uow=FakeUnitOfWork())


def test_a_trial_code_is_eight_unambiguous_letters_for_thirty_minutes(
        database: FakeDatabase) -> None:
    _save(database)
    clock = FakeClock()
    code = start_trial("bulky_waste", actor=WORKER, uow=FakeUnitOfWork(database), clock=clock)
    assert len(code) == 8 and set(code) <= set(TRIAL_ALPHABET)
    built = _stored(database)
    assert built.trial_open(code, clock.now())
    assert not built.trial_open(code, clock.now() + dt.timedelta(minutes=31))
    assert not built.trial_open("AAAAAAAA", clock.now())


def test_a_menu_label_longer_than_line_allows_is_refused() -> None:
    with pytest.raises(InvalidValue, match="20文字以内"):
        BuiltProcedure.drafted(id="x_y", template={}, title="t", by="s",
                               at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC)).place(
            channels=["line"], menu_label="あ" * 21, menu_order=1, by="s",
            at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC))


class _Store:
    """The chat's store, in memory: one built procedure's versions and its draft."""

    def __init__(self) -> None:
        self.templates = {1: TEMPLATE, 0: TEMPLATE}

    def newest(self, procedure_id: str) -> Any:
        return PublishedProcedure(procedure_id=procedure_id, version=max(self.templates),
                                  channels=("line",), label="粗大ごみ", menu_order=1)

    def template(self, procedure_id: str, version: int) -> Any:
        return self.templates.get(version)

    def in_menu(self) -> list[Any]:
        return []

    def trial(self, code: str, now: dt.datetime) -> str | None:
        return None


def test_an_expired_built_conversation_is_not_restarted_on_a_newer_version() -> None:
    """Started again from the menu instead, where the newest version's checks run."""
    store = _Store()
    catalogue = ProcedureCatalogue({}, store)
    at = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
    started = Conversation.begin(id="c", identity_id="i", procedure_id="bulky_waste",
                                 first_step="items", now=at, ttl=dt.timedelta(minutes=30),
                                 procedure_version=1)
    newer = copy.deepcopy(TEMPLATE)
    newer["procedure"]["requires_verification"] = True
    store.templates[2] = newer
    assert catalogue.of(started) is not None  # going on: version 1, as started
    assert catalogue.to_restart(started) is None and started.procedure_version == 1


def test_a_trial_whose_question_was_removed_from_the_draft_ends() -> None:
    store = _Store()
    catalogue = ProcedureCatalogue({}, store)
    trying = Conversation.begin(id="c", identity_id="i", procedure_id="bulky_waste",
                                first_step="items", now=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
                                ttl=dt.timedelta(minutes=30), procedure_version=DRAFT)
    assert catalogue.of(trying) is not None
    renamed = copy.deepcopy(TEMPLATE)
    renamed["procedure"]["steps"][0]["key"] = "count"
    store.templates[DRAFT] = renamed
    assert catalogue.of(trying) is None  # the engine ends it instead of failing


def test_a_start_runs_on_the_version_its_checks_read_even_if_a_newer_one_lands() -> None:
    store = _Store()
    newer = copy.deepcopy(TEMPLATE)
    newer["procedure"]["steps"][0]["question"] = "第2版: 何点ですか？"
    store.templates[2] = newer  # published between the router's checks and the start
    engine = ConversationEngine(ProcedureCatalogue({}, store), FakeClock(), FakeBankMaster())
    checked = engine.start("c1", "i1", "bulky_waste", version=1)
    newest = engine.start("c2", "i2", "bulky_waste")
    assert checked.conversation.procedure_version == 1
    assert "第2版" not in checked.messages[-1].text
    assert newest.conversation.procedure_version == 2 and "第2版" in newest.messages[-1].text
