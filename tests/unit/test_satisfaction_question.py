"""The satisfaction question after a completed procedure, on fakes (ADR 0059): a finished
お問い合わせ is followed by the question; one tap answers it anonymously for the Japan month; a
second tap or an answered month's button says 回答済み; the next month asks again; the town
may turn it off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from application.cases.opening_case import CaseDesk
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import Menu, MenuEntry
from application.channels.routing import STALE_BUTTON, InboundRouter
from application.conversations.engine import ConversationEngine
from application.conversations.library import CONTACT
from application.handlers import message_bus
from application.messaging.codec import messages_from_json
from application.messaging.outbox import OutboxMessage
from application.messaging.telling import ContactPolicy, Telling
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import DuplicateError
from application.surveys.answering_satisfaction import SatisfactionDesk, rated_in
from application.surveys.respondents import RespondentKeys
from application.surveys.satisfaction import (
    ALREADY_ANSWERED,
    NOT_ASKED,
    QUESTION,
    SETTING_KEY,
    THANKS,
    parse_rating,
    previous_month,
    question,
)
from application.town_settings import TownSetting
from domain.benefits import PayoutMethod
from domain.cases import Department
from domain.channels import ChannelIdentity
from domain.surveys import SurveyAnswer, month_of, score_of
from tests import builders as b
from tests.fakes import JST, FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds
from tests.unit.test_conversations import FakeBankMaster
from tests.unit.test_inbound_routing import NoIdentityProvider

pytestmark = pytest.mark.unit

PROCEDURES = {CONTACT.id: CONTACT}
KEYS = RespondentKeys(b"a survey secret of the town, 32b")
TAG = "0123456789abcdef"


def _tap(score: int, *, person: str = "x000001", period: str = "2026-06") -> str:
    """A button of the question as it was asked to `person` (U1's identity is "x000001")."""
    tag = KEYS.asked(procedure_id="contact", person=person, period=period)
    return f"survey:sat:contact:{score}:{tag}"


TAP_5 = _tap(5)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 6, 10, 9, 0, tzinfo=JST))


@pytest.fixture
def database(clock: FakeClock) -> FakeDatabase:
    ids = SequentialIds("m")
    database = FakeDatabase(message_bus(
        telling=Telling(ContactPolicy(("line",)), ids, clock), ids=ids, clock=clock,
        banks=None, pay_url=str, respondents=KEYS))
    with FakeUnitOfWork(database) as uow:
        uow.departments.add(Department(id="d1", name="総務課"))
        uow.commit()
    return database


@pytest.fixture
def router(clock: FakeClock) -> InboundRouter:
    return InboundRouter(
        engine=ConversationEngine(PROCEDURES, clock, FakeBankMaster()),
        menu=Menu("試験町", [MenuEntry("contact", "お問い合わせ")]),
        handlers=[SatisfactionDesk(KEYS, rated_in(PROCEDURES))],
        identity_provider=NoIdentityProvider(), status=lambda identity, *, uow: [],
        ids=SequentialIds("x"), clock=clock, cases=CaseDesk(PROCEDURES, FakeBankMaster()))


def _say(database: FakeDatabase, router: InboundRouter, clock: FakeClock, *,
         uow: Any = None, **what: str) -> list[str]:
    """One event from U1 (a tap when `data` is given); every message it wrote, in order."""
    before = set(database.tables["outbox"])
    kind = InboundKind.POSTBACK if "data" in what else InboundKind.TEXT
    event = InboundEvent(channel="line", external_id=f"e{len(database.tables['inbox'])}",
                         address="U1", kind=kind, occurred_at=clock.now(), **what)
    assert router.handle(event, uow=uow or FakeUnitOfWork(database))
    return [m.text for key, row in database.tables["outbox"].items() if key not in before
            for m in messages_from_json(row.payload["messages"])]


def _inquire(database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> list[str]:
    for text in ("メニュー", "お問い合わせ", "山田 花子", "ごみ・環境", "粗大ごみの出し方",
                 "いいえ"):
        _say(database, router, clock, text=text)
    return _say(database, router, clock, text="はい")


def _answers(database: FakeDatabase) -> list[SurveyAnswer]:
    return list(database.tables["survey_answers"].values())


def test_a_finished_procedure_is_followed_by_the_question(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    said = _inquire(database, router, clock)

    assert said[0].startswith("お問い合わせを受け付けました。")
    assert said[1:] == [QUESTION]


def test_one_tap_answers_anonymously_for_the_japan_month(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _inquire(database, router, clock)

    assert _say(database, router, clock, data=TAP_5) == [THANKS]

    [answer] = _answers(database)
    identity_id = next(iter(database.tables["channel_identities"]))
    assert (answer.survey_id, answer.procedure_id, answer.score, answer.period) == (
        "satisfaction", "contact", 5, "2026-06")
    assert answer.resident_id is None and identity_id not in answer.respondent_key
    assert answer.respondent_key == KEYS.key(survey_id="satisfaction", procedure_id="contact",
                                             person=identity_id)


def test_a_second_tap_is_told_it_was_answered_and_changes_nothing(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _inquire(database, router, clock)
    _say(database, router, clock, data=TAP_5)

    assert _say(database, router, clock, data=_tap(1)) == [ALREADY_ANSWERED]
    assert [a.score for a in _answers(database)] == [5]


def test_asked_once_a_month_and_again_the_next_month(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _inquire(database, router, clock)
    _say(database, router, clock, data=_tap(4))

    said = _inquire(database, router, clock)
    assert said[0].startswith("お問い合わせを受け付けました。")
    assert QUESTION not in said  # answered this month
    clock.current = dt.datetime(2026, 7, 1, 0, 30, tzinfo=JST)  # 30 June 15:30 UTC: July
    assert QUESTION in _inquire(database, router, clock)
    assert _say(database, router, clock, data=_tap(2, period="2026-07")) == [THANKS]
    assert sorted((a.period, a.score) for a in _answers(database)) == [
        ("2026-06", 4), ("2026-07", 2)]


def test_a_question_asked_at_the_end_of_a_month_is_answered_for_that_month(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    clock.current = dt.datetime(2026, 6, 30, 23, 50, tzinfo=JST)
    [question_message] = [m for m in _questions(database, router, clock)]
    clock.current = dt.datetime(2026, 7, 1, 0, 10, tzinfo=JST)

    assert _say(database, router, clock, data=question_message.choices[1].data) == [THANKS]
    [answer] = _answers(database)
    assert (answer.period, answer.score) == ("2026-06", 4)
    clock.current = dt.datetime(2026, 8, 1, 0, 10, tzinfo=JST)  # two months on: not taken
    assert _say(database, router, clock, data=question_message.choices[0].data) == [NOT_ASKED]


def test_only_the_person_asked_may_answer(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    [asked] = _questions(database, router, clock)
    someone = InboundEvent(channel="line", external_id="e-other", address="U2",
                           kind=InboundKind.POSTBACK, occurred_at=clock.now(),
                           data=asked.choices[0].data)
    assert router.handle(someone, uow=FakeUnitOfWork(database))  # a copied button
    forged = f"survey:sat:contact:1:{TAG}"  # a fresh session's own guess

    assert _say(database, router, clock, data=forged) == [NOT_ASKED]
    assert _answers(database) == []
    [told] = [m.text for row in database.tables["outbox"].values() if row.recipient == "U2"
              for m in messages_from_json(row.payload["messages"])]
    assert told == NOT_ASKED
    assert _say(database, router, clock, data=asked.choices[0].data) == [THANKS]


def _questions(database: FakeDatabase, router: InboundRouter,
               clock: FakeClock) -> list[OutgoingMessage]:
    """The questions U1 received after an お問い合わせ."""
    before = set(database.tables["outbox"])
    _inquire(database, router, clock)
    return [m for key, row in database.tables["outbox"].items() if key not in before
            for m in messages_from_json(row.payload["messages"]) if m.text == QUESTION]


def test_unanswered_the_question_is_asked_again(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _inquire(database, router, clock)

    assert QUESTION in _inquire(database, router, clock)


def test_the_town_may_turn_the_question_off(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.town_settings.add(TownSetting(key=SETTING_KEY, value={"on": False},
                                          updated_at=clock.now()))
        uow.commit()

    said = _inquire(database, router, clock)

    assert QUESTION not in said and len(said) == 1


@pytest.mark.parametrize("data", [f"survey:sat:contact:6:{TAG}", f"survey:sat:contact:0:{TAG}",
                                  f"survey:sat:contact::{TAG}", f"survey:sat::5:{TAG}",
                                  f"survey:sat:nonesuch:5:{TAG}", "survey:sat:contact:5",
                                  f"survey:sat:contact:55:{TAG}", "survey:sat:contact:5:x"])
def test_a_forged_or_unknown_button_is_stale_and_stores_nothing(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock, data: str) -> None:
    assert _say(database, router, clock, data=data)[0] == STALE_BUTTON
    assert _answers(database) == []


class _LosesTheRace(FakeUnitOfWork):
    """The first commit meets a concurrent tap's answer (stored meanwhile): the database's
    unique index refuses it, as it would."""

    def __init__(self, database: FakeDatabase, other: SurveyAnswer) -> None:
        super().__init__(database)
        self.other = other

    def commit(self) -> None:
        if self.other is not None:
            self.database.tables["survey_answers"][self.other.id] = self.other
            self.other = None  # type: ignore[assignment]
            raise DuplicateError("uq_survey_answers")
        super().commit()


def test_two_taps_at_once_give_the_loser_a_clear_answer(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _inquire(database, router, clock)
    identity_id = next(iter(database.tables["channel_identities"]))
    first = SurveyAnswer.satisfaction(
        id="other", procedure_id="contact", score=3, channel="line", at=clock.now(),
        respondent_key=KEYS.key(survey_id="satisfaction", procedure_id="contact",
                                person=identity_id))

    said = _say(database, router, clock, data=TAP_5, uow=_LosesTheRace(database, first))

    assert said == [ALREADY_ANSWERED]
    assert [a.score for a in _answers(database)] == [3]


# -- the rules -------------------------------------------------------------------------------

def test_the_question_offers_five_to_one() -> None:
    message = question("contact", TAG)

    assert [c.label for c in message.choices] == [
        "5 とても満足", "4 満足", "3 ふつう", "2 不満", "1 とても不満"]
    assert [parse_rating(c.data).score for c in message.choices] == [5, 4, 3, 2, 1]


def test_a_procedure_id_is_read_up_to_the_last_colon() -> None:
    rating = parse_rating(f"survey:sat:grant.2026-a:3:{TAG}")

    assert rating is not None and (rating.procedure_id, rating.score, rating.tag) == (
        "grant.2026-a", 3, TAG)


def test_the_month_before() -> None:
    assert (previous_month("2026-12"), previous_month("2026-01")) == ("2026-11", "2025-12")


def test_the_asked_tag_names_the_person_procedure_and_month() -> None:
    tag = KEYS.asked(procedure_id="contact", person="r1", period="2026-06")

    assert len(tag) == 16 and int(tag, 16) >= 0
    assert tag != KEYS.asked(procedure_id="contact", person="r2", period="2026-06")
    assert tag != KEYS.asked(procedure_id="report", person="r1", period="2026-06")
    assert tag != KEYS.asked(procedure_id="contact", person="r1", period="2026-07")
    assert tag not in KEYS.key(survey_id="satisfaction", procedure_id="contact", person="r1")


def test_the_month_is_japans() -> None:
    assert month_of(dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)) == "2026-12"
    assert month_of(dt.datetime(2026, 11, 30, 14, 59, tzinfo=dt.UTC)) == "2026-11"


@pytest.mark.parametrize(("value", "score"), [("4", 4), (4, 4), ("5 とても満足", 5), ("0", None),
                                              ("6", None), ("45", None), ("", None),
                                              (None, None), ("良い", None)])
def test_a_score_is_read_from_an_answer(value: object, score: int | None) -> None:
    assert score_of(value) == score


def test_respondent_keys_differ_between_surveys_and_need_the_secret() -> None:
    one = KEYS.key(survey_id="satisfaction", procedure_id="contact", person="r1")

    assert one != KEYS.key(survey_id="satisfaction", procedure_id="report", person="r1")
    assert one != RespondentKeys(b"another secret of 32 bytes......").key(
        survey_id="satisfaction", procedure_id="contact", person="r1")
    assert len(one) == 64 and "r1" not in one


# -- a benefit application ---------------------------------------------------------------------

def _household_on_line(database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.residents.add(b.resident())
        uow.households.add(b.household())
        uow.programs.add(b.program())
        uow.applications.add(b.application())
        identity = ChannelIdentity.first_seen(id="i1", channel="line", address="U1",
                                              at=b.OPENS)
        identity.link("r1")
        uow.channel_identities.add(identity)
        uow.commit()


def _confirm(database: FakeDatabase, clock: FakeClock, *, on_paper: bool = False) -> list[str]:
    before = set(database.tables["outbox"])
    with FakeUnitOfWork(database) as uow:
        application, program = uow.applications.get("a1"), uow.programs.get("p1")
        if on_paper:
            application.confirm_on_paper(program=program, at=clock.now(), entered_by="s1",
                                         payout_method=PayoutMethod.BANK_TRANSFER,
                                         payee_account=b.account())
        else:
            application.confirm(program=program, at=clock.now(),
                                payout_method=PayoutMethod.BANK_TRANSFER,
                                payee_account=b.account())
        uow.commit()
    return [m.text for key, row in database.tables["outbox"].items() if key not in before
            for m in messages_from_json(row.payload["messages"])]


def test_the_household_head_is_asked_after_a_benefit_application(
        database: FakeDatabase, clock: FakeClock) -> None:
    _household_on_line(database)

    told = _confirm(database, clock)

    assert told == [QUESTION]
    [row] = database.tables["outbox"].values()
    [button, *_] = messages_from_json(row.payload["messages"])[0].choices
    assert button.data == "survey:sat:benefit:5:" + KEYS.asked(
        procedure_id="benefit", person="r1", period="2026-06")


def test_an_address_that_declined_optional_messages_is_not_asked(
        database: FakeDatabase, router: InboundRouter, clock: FakeClock) -> None:
    _household_on_line(database)
    with FakeUnitOfWork(database) as uow:
        uow.channel_identities.get("i1").decline_optional(clock.now())
        uow.commit()

    assert _confirm(database, clock) == []  # a benefit application
    said = _inquire(database, router, clock)  # a case: the completion message only
    assert said[0].startswith("お問い合わせを受け付けました。") and QUESTION not in said


def test_a_paper_application_is_not_followed_by_the_question(
        database: FakeDatabase, clock: FakeClock) -> None:
    _household_on_line(database)

    assert _confirm(database, clock, on_paper=True) == []


# -- in the same request as what it follows ------------------------------------------------------

def _queued(count: int) -> OutboxMessage:
    return OutboxMessage.of([OutgoingMessage(text=f"m{n}") for n in range(count)], id="o1",
                            channel="line", recipient="U1", at=dt.datetime(2026, 6, 1))


def test_the_question_joins_an_unsent_message_within_five() -> None:
    queued = _queued(4)

    assert queued.followed_by([question("contact", TAG)])
    assert [m.text for m in messages_from_json(queued.payload["messages"])][-2:] == [
        "m3", QUESTION]
    assert not queued.followed_by([question("contact", TAG)])  # six: a request of its own


def test_a_message_being_sent_is_not_joined() -> None:
    queued = _queued(1)
    queued.attempts = 1

    assert not queued.followed_by([question("contact", TAG)])
    assert len(queued.payload["messages"]) == 1
