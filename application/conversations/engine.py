"""The conversation engine: one input in, the updated conversation and the replies out.

Pure: it reads the clock, the bank master and the postal codes, changes the `Conversation` it
is given and returns it in a `Turn`; the caller persists it and sends the messages (through the
outbox). Every mistake a resident can make gets a short explanation and the same question
again, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from application.conversations import known as facts
from application.conversations import postbacks as pb
from application.conversations import replies as say
from application.conversations.addresses import drop_area, hold_area, read_address
from application.conversations.answers import NO, YES, normalize, parse_answer, parse_yes_no
from application.conversations.bank_search import search_banks
from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.inputs import Input, InputKind
from application.conversations.known import CHECKING, KNOWN, known_answer, prefill, restart
from application.conversations.photos import drop_pending, hold_photos, pending_photos
from application.conversations.procedures import CONFIRM, AnswerType, Procedure, Step
from application.conversations.prompts import Prompter, note
from application.conversations.state import Conversation, ConversationStatus
from application.dates import in_japan
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock
from application.ports.messaging import OutgoingMessage
from application.ports.postal_codes import PostalCodes
from domain.errors import InvalidValue, NotFound
from domain.places import Place

__all__ = ["KNOWN", "MAX_MESSAGES", "ConversationEngine", "Turn"]

MAX_MESSAGES = 5  # LINE sends at most 5 messages per request

_SENT = {InputKind.IMAGE, InputKind.LOCATION}  # never a command


@frozen
class Turn:
    """What one input did: the conversation (changed in place), the replies, and whether it
    finished (then `answers` holds the answers on the path taken) or was cancelled."""

    conversation: Conversation
    messages: tuple[OutgoingMessage, ...] = field(converter=tuple)
    finished: bool = False
    answers: dict[str, Any] = field(factory=dict)
    cancelled: bool = False

    def __attrs_post_init__(self) -> None:
        if not 1 <= len(self.messages) <= MAX_MESSAGES:  # the engine's bug, never a resident's
            raise AssertionError(f"a turn must carry 1 to {MAX_MESSAGES} messages")


class ConversationEngine:
    def __init__(self, procedures: ProcedureCatalogue | Mapping[str, Procedure], clock: Clock,
                 bank_master: BankMaster, postal_codes: PostalCodes | None = None) -> None:
        """`procedures`: the catalogue (by id and version), or just the procedures that ship."""
        self._procedures = (procedures if isinstance(procedures, ProcedureCatalogue)
                            else ProcedureCatalogue(procedures))
        self._clock = clock
        self._banks = bank_master
        self._postal = postal_codes  # None: a postal code typed is not looked up

    def start(self, conversation_id: str, identity_id: str, procedure_id: str,
              known: Mapping[str, str] | None = None, *, version: int | None = None) -> Turn:
        """`known`: the facts the town holds for a verified resident (`steps.KNOWN_FACTS`);
        the questions marked with one are answered from them, never asked (shown first, to
        confirm: known.py). A built procedure starts on its newest version, or on `version`
        (the one its start was checked on; DRAFT: the draft staff are trying)."""
        found = ((self._procedures.version(procedure_id, version), version) if version is not None
                 else self._procedures.current(procedure_id))
        if found is None or found[0] is None:
            raise NotFound(f"手続き「{procedure_id}」はありません。", code="procedure_not_found")
        procedure, version = found
        now = self._clock.now()
        held = {k: v for k, v in (known or {}).items() if v}
        conversation = Conversation.begin(
            id=conversation_id, identity_id=identity_id, procedure_id=procedure_id,
            first_step=facts.first_key(procedure, held), now=now, ttl=procedure.ttl,
            procedure_version=version,
        )
        if held:
            conversation.answers = {KNOWN: held}
        exchange = self._exchange(procedure, conversation, now)
        return Turn(conversation, (exchange.prompter.intro(), *exchange.current()))

    def resume(self, conversation: Conversation) -> Turn:
        """Asked to start again what is open and unexpired (a notice's button tapped again in
        the middle): nothing changes; where they are, the current question or summary."""
        procedure = self._procedures.of(conversation)
        if procedure is None or not conversation.status.is_open:
            raise NotFound(f"手続き「{conversation.procedure_id}」は続けられません。",
                           code="procedure_not_found")
        return self._exchange(procedure, conversation, self._clock.now()).reply(say.RESUMED)

    def expire_if_idle(self, conversation: Conversation) -> bool:
        """For a clean-up job: mark an open conversation idle past `expires_at` as expired."""
        now = self._clock.now()
        if conversation.status.is_open and conversation.is_expired_at(now):
            conversation.expire(now=now)
            return True
        return False

    def handle(self, conversation: Conversation, received: Input) -> Turn:
        """One input from the resident. Postbacks not starting with "dlg:" are refused with a
        ValueError: they are the caller's to route (see `postbacks.is_dialogue_postback`)."""
        if received.kind is InputKind.POSTBACK and not pb.is_dialogue_postback(received.data):
            raise ValueError("not a conversation postback: route it elsewhere")
        now = self._clock.now()
        procedure = self._procedures.of(conversation)
        if conversation.status in {ConversationStatus.COMPLETED, ConversationStatus.CANCELLED}:
            return Turn(conversation, (note(say.CLOSED),))
        if conversation.is_expired_at(now):
            if conversation.status.is_open:
                conversation.expire(now=now)
            procedure = self._procedures.to_restart(conversation)
            if procedure is None:
                return Turn(conversation, (note(say.EXPIRED),))
            restart(procedure, conversation, now)
            exchange = self._exchange(procedure, conversation, now)
            return Turn(conversation, (note(say.EXPIRED), exchange.prompter.intro(),
                                       *exchange.current()))
        if procedure is None:
            conversation.cancel(now=now)
            return Turn(conversation, (note(say.WITHDRAWN),), cancelled=True)
        return self._exchange(procedure, conversation, now).run(received)

    def _exchange(self, procedure: Procedure, conversation: Conversation,
                  now: dt.datetime) -> _Exchange:
        return _Exchange(procedure, self._banks, self._postal, conversation, now)


class _Exchange:
    """One input against one open, unexpired conversation."""

    def __init__(self, procedure: Procedure, banks: BankMaster, postal: PostalCodes | None,
                 conversation: Conversation, now: dt.datetime) -> None:
        self.procedure = procedure
        self.banks = banks
        self.postal = postal
        self.conversation = conversation
        self.now = now
        self.ttl = procedure.ttl
        self.today = in_japan(now).date()
        self.prompter = Prompter(procedure, banks, today=self.today)

    # -- replies -----------------------------------------------------------------------------

    def current(self) -> list[OutgoingMessage]:
        if self.conversation.status is ConversationStatus.CONFIRMING:
            return self.prompter.summary(self.conversation)
        if self.conversation.step_key == CHECKING:
            return [facts.facts_message(self.procedure, self.conversation)]
        return [self.prompter.question(self.conversation)]

    def reply(self, *notes: str) -> Turn:
        """Notes, then the current question. After a mistake nothing has changed, so that is
        the same question again; after a move, the new one."""
        return Turn(self.conversation, (*(note(text) for text in notes), *self.current()))

    # -- the input ---------------------------------------------------------------------------

    def run(self, received: Input) -> Turn:
        tapped = received.kind is InputKind.POSTBACK
        value = ""
        if tapped:
            parsed = pb.parse_postback(received.data)
            if parsed is None or parsed.turn != self.conversation.turn:
                return self.reply(say.STALE)
            value = parsed.value
        elif received.kind is InputKind.TEXT:
            value = received.text
        command = None if received.kind in _SENT else _command(value, tapped=tapped)
        if self.conversation.step_key == CHECKING and command not in {pb.CANCEL, pb.RESTART}:
            return self.checking(_agreed(received, value, tapped=tapped))
        if command is not None:
            return self.command(command)
        if self.conversation.status is ConversationStatus.CONFIRMING:
            return self.confirming(_agreed(received, value, tapped=tapped))
        step = self.procedure.step(str(self.conversation.step_key))
        if tapped:
            return self.tap(step, value)
        if received.kind is InputKind.IMAGE:
            if step.answer is AnswerType.PHOTO and received.image_ref:
                return self.photo(step, received.image_ref)
            return self.reply(say.SEND_PLACE if step.answer is AnswerType.LOCATION
                              else say.NOT_A_PHOTO)
        if received.kind is InputKind.LOCATION:
            if step.answer is not AnswerType.LOCATION:
                return self.reply(say.NOT_A_PLACE)
            return self.place(step, lambda: Place.of(latitude=received.latitude,
                                                     longitude=received.longitude,
                                                     address=received.text))
        return self.typed(step, value)

    def command(self, command: str) -> Turn:
        conversation, now, ttl = self.conversation, self.now, self.ttl
        if command == pb.CANCEL:
            conversation.cancel(now=now)
            return Turn(conversation, (note(say.CANCELLED),), cancelled=True)
        if command == pb.RESTART:
            restart(self.procedure, conversation, now)
            return self.reply(say.RESTARTED)
        if command == pb.BACK:
            if not conversation.go_back(now=now, ttl=ttl):
                return self.reply(say.NOTHING_BEFORE)
            while self._skipped_without_asking(self._step()) and conversation.history:
                conversation.go_back(now=now, ttl=ttl)
            if known_answer(self._step(), conversation) is not None:  # only known ones before
                prefill(self.procedure, conversation, now)
                return self.reply(say.NOTHING_BEFORE)
            return self.reply()
        if conversation.status is ConversationStatus.CONFIRMING:
            return self.reply(say.YES_OR_NO)
        step = self._step()
        if command == pb.SKIP:
            return self.reply(say.NOT_SKIPPABLE) if step.required else self.accept(step, None)
        if command.startswith(pb.PAGE):
            page = int(command.removeprefix(pb.PAGE))
            return Turn(conversation, (self.prompter.question(conversation, page=page),))
        return self.reply()  # SEARCH: ask for the name again

    def confirming(self, agreed: bool | str | None) -> Turn:
        if agreed is None or isinstance(agreed, str):
            return self.reply(agreed or say.YES_OR_NO)
        if not agreed:
            return Turn(self.conversation, (self.prompter.declined(self.conversation),))
        return self.complete()

    def checking(self, agreed: bool | str | None) -> Turn:
        """What the town holds, confirmed (the questions it answers filled) or not (the
        procedure ends: the facts are the card's, 本人確認 again after a move)."""
        if agreed is None or isinstance(agreed, str):
            return self.reply(agreed or say.YES_OR_NO)
        if not agreed:
            self.conversation.cancel(now=self.now)
            return Turn(self.conversation, (facts.facts_declined(),), cancelled=True)
        facts.facts_confirmed(self.procedure, self.conversation, self.now)
        return self.reply()

    def tap(self, step: Step, value: str) -> Turn:
        """A button of the current question: only the values that question offered."""
        kind = step.answer
        if (kind is AnswerType.CHOICE and step.option(value) is not None) \
                or (kind is AnswerType.YES_NO and value in {YES, NO}):
            return self.accept(step, parse_answer(step, value, today=in_japan(self.now).date()))
        if kind is AnswerType.PHOTO and value in {pb.MORE_PHOTOS, pb.PHOTOS_DONE}:
            sent = pending_photos(step, self.conversation)
            if sent:
                return self.reply(say.SEND_PHOTO) if value == pb.MORE_PHOTOS \
                    else self.accept(step, sent)
        if kind is AnswerType.BANK and self.banks.bank(value) is not None:
            return self.accept(step, value)
        if kind is AnswerType.DATE and step.offer_dates:  # an offered date, allowed still
            return self.typed(step, value)
        if kind is AnswerType.BRANCH:
            bank_code = self._bank_code(step)
            if bank_code and self.banks.branch(bank_code, value) is not None:
                return self.accept(step, value)
        return self.reply(say.STALE)

    def typed(self, step: Step, text: str) -> Turn:
        if step.answer is AnswerType.PHOTO:
            sent = pending_photos(step, self.conversation)
            if sent and normalize(text) in say.NEXT_WORDS:
                return self.accept(step, sent)
            return self.reply(say.SEND_PHOTO)
        if step.answer is AnswerType.LOCATION:
            return self.place(step, lambda: Place.typed(text))
        if step.answer in {AnswerType.BANK, AnswerType.BRANCH}:
            return self.search(step, text)
        if step.answer is AnswerType.ADDRESS:
            return self.address(step, text)
        try:
            earlier = self.prompter.checked_answers(self.conversation.answers,
                                                    on_path=self.conversation.history)
            value = parse_answer(step, text, today=in_japan(self.now).date(), earlier=earlier)
        except InvalidValue as error:
            return self.reply(error.message)
        return self.accept(step, value)

    def search(self, step: Step, text: str) -> Turn:
        found = search_banks(self.banks, step, self._bank_code(step), text)
        if found.code is not None:
            return self.accept(step, found.code, found.note)
        if not found.candidates:
            return self.reply(found.note)
        return Turn(self.conversation, (self.prompter.candidates(
            self.conversation, found.query, found.candidates, more=found.more),))

    def photo(self, step: Step, ref: str) -> Turn:
        """One photo: the answer of a one-photo question; for one that takes several, kept
        waiting (asked again: 写真を追加 / 次へ) until the last one allowed."""
        if step.max_photos is None:
            return self.accept(step, ref)
        sent = [*pending_photos(step, self.conversation), ref]
        if len(sent) >= step.max_photos:
            return self.accept(step, sent, f"写真を{len(sent)}枚受け取りました。")
        self.conversation.ask(step.key, now=self.now, ttl=self.ttl)
        hold_photos(self.conversation, step, sent)
        return self.reply()

    def address(self, step: Step, text: str) -> Turn:
        """An address typed whole, a postal code (then the rest is asked), or that rest."""
        reading = read_address(step, text, self.conversation, self.postal)
        if reading.found is not None:
            self.conversation.ask(step.key, now=self.now, ttl=self.ttl)
            hold_area(self.conversation, step, *reading.found)
            return self.reply()
        if reading.value is None:
            return self.reply(reading.problem)
        return self.accept(step, reading.value)

    def place(self, step: Step, read: Callable[[], Place]) -> Turn:
        """A place sent or typed; one outside Japan (or half a point) is explained."""
        try:
            value = read().to_dict()
        except InvalidValue as error:
            return self.reply(error.message)
        return self.accept(step, value)

    # -- moving on ---------------------------------------------------------------------------

    def accept(self, step: Step, value: Any, *notes: str) -> Turn:
        conversation = self.conversation
        drop_pending(conversation)
        drop_area(conversation)
        if step.answer is AnswerType.BANK and conversation.answers.get(step.key) != value:
            self._forget_branches_of(step)
        conversation.record_answer(value)
        key = self.procedure.next_key(step, value)
        while key != CONFIRM and self._skipped_without_asking(self.procedure.step(key)):
            conversation.ask(key, now=self.now, ttl=self.ttl)
            skipped = known_answer(self.procedure.step(key), conversation)
            conversation.record_answer(skipped)
            key = self.procedure.next_key(self.procedure.step(key), skipped)
        if key != CONFIRM:
            conversation.ask(key, now=self.now, ttl=self.ttl)
            return self.reply(*notes)
        if self.procedure.confirm:
            conversation.confirm(now=self.now, ttl=self.ttl)
            return self.reply(*notes)
        return self.complete()

    def complete(self) -> Turn:
        conversation = self.conversation
        conversation.complete(now=self.now)
        return Turn(conversation, (self.prompter.completion(conversation),), finished=True,
                    answers=conversation.answers_on_path())

    def _step(self) -> Step:
        return self.procedure.step(str(self.conversation.step_key))

    def _bank_code(self, step: Step) -> str | None:
        """The bank chosen on the path for a branch question."""
        bank_step = step.bank_step or ""
        if bank_step not in self.conversation.history:
            return None
        code = self.conversation.answers.get(bank_step)
        return code if isinstance(code, str) else None

    def _skipped_without_asking(self, step: Step) -> bool:
        """A branch question whose bank was skipped (or not on the path) cannot be asked; a
        question the town's record answers is not."""
        return (step.answer is AnswerType.BRANCH and self._bank_code(step) is None) \
            or known_answer(step, self.conversation) is not None

    def _forget_branches_of(self, bank_step: Step) -> None:
        dependants = {s.key for s in self.procedure.steps if s.bank_step == bank_step.key}
        answers = self.conversation.answers
        if dependants & answers.keys():
            self.conversation.answers = {k: v for k, v in answers.items() if k not in dependants}


def _agreed(received: Input, value: str, *, tapped: bool) -> bool | str | None:
    """はい / いいえ typed or tapped: True or False; None when neither; STALE for another
    button."""
    if tapped and value not in {YES, NO}:
        return say.STALE
    try:
        return parse_yes_no(value) if received.kind not in _SENT else None
    except InvalidValue:
        return None


def _command(value: str, *, tapped: bool) -> str | None:
    if not tapped:
        return pb.command_for(value)
    if value in {pb.BACK, pb.RESTART, pb.CANCEL, pb.SKIP, pb.SEARCH}:
        return value
    if value.startswith(pb.PAGE) and value.removeprefix(pb.PAGE).isdecimal():
        return value
    return None
