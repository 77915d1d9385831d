"""The conversation engine: one input in, the updated conversation and the replies out.

Pure: it reads the clock and the bank master, changes the `Conversation` it is given and
returns it in a `Turn`; the caller persists it and sends the messages (through the outbox).
Every mistake a resident can make gets a short explanation and the same question again, and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from application.conversations import postbacks as pb
from application.conversations.answers import NO, YES, normalize, parse_answer, parse_yes_no
from application.conversations.catalogue import DRAFT, ProcedureCatalogue
from application.conversations.inputs import Input, InputKind
from application.conversations.known import KNOWN, known_answer, prefill, restart
from application.conversations.photos import drop_pending, hold_photos, pending_photos
from application.conversations.procedures import CONFIRM, AnswerType, Procedure, Step
from application.conversations.prompts import Prompter, note
from application.conversations.state import Conversation, ConversationStatus
from application.dates import in_japan
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock
from application.ports.messaging import OutgoingMessage
from domain.errors import InvalidValue, NotFound
from domain.places import Place

__all__ = ["KNOWN", "MAX_MESSAGES", "ConversationEngine", "Turn"]

MAX_MESSAGES = 5  # LINE sends at most 5 messages per request
MAX_QUERY = 50  # characters of a bank or branch search

STALE = "その質問はすでに終わっています。"
EXPIRED = "前回の手続きは時間切れになりました。もう一度はじめからお願いします。"
CLOSED = "この手続きはすでに終わっています。"
WITHDRAWN = "この手続きは受付を終了しました。"
CANCELLED = "手続きをやめました。また必要なときに始めてください。"
RESTARTED = "最初からやり直します。"
RESUMED = ("手続きの途中です。続きからお答えください（やり直すときは「最初から」、"
           "やめるときは「やめる」と送ってください）。")
NOTHING_BEFORE = "これより前の質問はありません。"
NOT_SKIPPABLE = "この質問は省略できません。"
SEND_PHOTO = "写真を送ってください。"
NOT_A_PHOTO = "ここでは写真ではなく、文字かボタンで答えてください。"
NOT_A_PLACE = "ここでは位置情報ではなく、文字かボタンで答えてください。"
SEND_PLACE = "場所の住所を入力するか、位置情報を送ってください。"
NEXT_WORDS = {"次へ", "つぎへ", "次", "next"}  # typed instead of tapping 次へ after photos
_SENT = {InputKind.IMAGE, InputKind.LOCATION}  # never a command
YES_OR_NO = "「はい」か「いいえ」で答えてください。"


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
                 bank_master: BankMaster) -> None:
        """`procedures`: the catalogue (by id and version), or just the procedures that ship."""
        self._procedures = (procedures if isinstance(procedures, ProcedureCatalogue)
                            else ProcedureCatalogue(procedures))
        self._clock = clock
        self._banks = bank_master

    def start(self, conversation_id: str, identity_id: str, procedure_id: str,
              known: Mapping[str, str] | None = None, *, draft: bool = False) -> Turn:
        """`known`: the facts the town holds for a verified resident (`steps.KNOWN_FACTS`);
        the questions marked with one are answered from them, never asked. A built procedure
        starts on its newest version (`draft`: on the draft staff are trying)."""
        found = ((self._procedures.version(procedure_id, DRAFT), DRAFT) if draft
                 else self._procedures.current(procedure_id))
        if found is None or found[0] is None:
            raise NotFound(f"手続き「{procedure_id}」はありません。", code="procedure_not_found")
        procedure, version = found
        now = self._clock.now()
        conversation = Conversation.begin(
            id=conversation_id, identity_id=identity_id, procedure_id=procedure_id,
            first_step=procedure.first_step.key, now=now, ttl=procedure.ttl,
            procedure_version=version,
        )
        facts = {k: v for k, v in (known or {}).items() if v}
        if facts:
            conversation.answers = {KNOWN: facts}
        prefill(procedure, conversation, now)
        prompter = Prompter(procedure, self._banks)
        current = (prompter.summary(conversation)
                   if conversation.status is ConversationStatus.CONFIRMING
                   else [prompter.question(conversation)])
        return Turn(conversation, (prompter.intro(), *current))

    def resume(self, conversation: Conversation) -> Turn:
        """Asked to start again what is open and unexpired (a notice's button tapped again in
        the middle): nothing changes; where they are, the current question or summary."""
        procedure = self._procedures.of(conversation)
        if procedure is None or not conversation.status.is_open:
            raise NotFound(f"手続き「{conversation.procedure_id}」は続けられません。",
                           code="procedure_not_found")
        return _Exchange(procedure, self._banks, conversation, self._clock.now()).reply(RESUMED)

    def _newest(self, conversation: Conversation) -> Procedure | None:
        """An expired conversation starts again on the newest version (a draft stays one)."""
        if conversation.procedure_version in (None, DRAFT):
            return self._procedures.of(conversation)
        current = self._procedures.current(conversation.procedure_id)
        if current is None:
            return None
        conversation.procedure_version = current[1]
        return current[0]

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
            return Turn(conversation, (note(CLOSED),))
        if conversation.is_expired_at(now):
            if conversation.status.is_open:
                conversation.expire(now=now)
            procedure = self._newest(conversation)
            if procedure is None:
                return Turn(conversation, (note(EXPIRED),))
            restart(procedure, conversation, now)
            prompter = Prompter(procedure, self._banks)
            return Turn(conversation, (note(EXPIRED), prompter.intro(),
                                       prompter.question(conversation)))
        if procedure is None:
            conversation.cancel(now=now)
            return Turn(conversation, (note(WITHDRAWN),), cancelled=True)
        return _Exchange(procedure, self._banks, conversation, now).run(received)


class _Exchange:
    """One input against one open, unexpired conversation."""

    def __init__(self, procedure: Procedure, banks: BankMaster, conversation: Conversation,
                 now: dt.datetime) -> None:
        self.procedure = procedure
        self.banks = banks
        self.conversation = conversation
        self.now = now
        self.ttl = procedure.ttl
        self.prompter = Prompter(procedure, banks)

    # -- replies -----------------------------------------------------------------------------

    def current(self) -> list[OutgoingMessage]:
        if self.conversation.status is ConversationStatus.CONFIRMING:
            return self.prompter.summary(self.conversation)
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
                return self.reply(STALE)
            value = parsed.value
        elif received.kind is InputKind.TEXT:
            value = received.text
        command = None if received.kind in _SENT else _command(value, tapped=tapped)
        if command is not None:
            return self.command(command)
        if self.conversation.status is ConversationStatus.CONFIRMING:
            return self.confirming(received, value, tapped=tapped)
        step = self.procedure.step(str(self.conversation.step_key))
        if tapped:
            return self.tap(step, value)
        if received.kind is InputKind.IMAGE:
            if step.answer is AnswerType.PHOTO and received.image_ref:
                return self.photo(step, received.image_ref)
            return self.reply(SEND_PLACE if step.answer is AnswerType.LOCATION else NOT_A_PHOTO)
        if received.kind is InputKind.LOCATION:
            if step.answer is not AnswerType.LOCATION:
                return self.reply(NOT_A_PLACE)
            return self.place(step, lambda: Place.of(latitude=received.latitude,
                                                     longitude=received.longitude,
                                                     address=received.text))
        return self.typed(step, value)

    def command(self, command: str) -> Turn:
        conversation, now, ttl = self.conversation, self.now, self.ttl
        if command == pb.CANCEL:
            conversation.cancel(now=now)
            return Turn(conversation, (note(CANCELLED),), cancelled=True)
        if command == pb.RESTART:
            restart(self.procedure, conversation, now)
            return self.reply(RESTARTED)
        if command == pb.BACK:
            if not conversation.go_back(now=now, ttl=ttl):
                return self.reply(NOTHING_BEFORE)
            while self._skipped_without_asking(self._step()) and conversation.history:
                conversation.go_back(now=now, ttl=ttl)
            if known_answer(self._step(), conversation) is not None:  # only known ones before
                prefill(self.procedure, conversation, now)
                return self.reply(NOTHING_BEFORE)
            return self.reply()
        if conversation.status is ConversationStatus.CONFIRMING:
            return self.reply(YES_OR_NO)
        step = self._step()
        if command == pb.SKIP:
            return self.reply(NOT_SKIPPABLE) if step.required else self.accept(step, None)
        if command.startswith(pb.PAGE):
            page = int(command.removeprefix(pb.PAGE))
            return Turn(conversation, (self.prompter.question(conversation, page=page),))
        return self.reply()  # SEARCH: ask for the name again

    def confirming(self, received: Input, value: str, *, tapped: bool) -> Turn:
        if tapped and value not in {YES, NO}:
            return self.reply(STALE)
        try:
            agreed = parse_yes_no(value) if received.kind not in _SENT else None
        except InvalidValue:
            agreed = None
        if agreed is None:
            return self.reply(YES_OR_NO)
        if not agreed:
            return Turn(self.conversation, (self.prompter.declined(self.conversation),))
        return self.complete()

    def tap(self, step: Step, value: str) -> Turn:
        """A button of the current question: only the values that question offered."""
        kind = step.answer
        if (kind is AnswerType.CHOICE and step.option(value) is not None) \
                or (kind is AnswerType.YES_NO and value in {YES, NO}):
            return self.accept(step, parse_answer(step, value, today=in_japan(self.now).date()))
        if kind is AnswerType.PHOTO and value in {pb.MORE_PHOTOS, pb.PHOTOS_DONE}:
            sent = pending_photos(step, self.conversation)
            if sent:
                return self.reply(SEND_PHOTO) if value == pb.MORE_PHOTOS \
                    else self.accept(step, sent)
        if kind is AnswerType.BANK and self.banks.bank(value) is not None:
            return self.accept(step, value)
        if kind is AnswerType.BRANCH:
            bank_code = self._bank_code(step)
            if bank_code and self.banks.branch(bank_code, value) is not None:
                return self.accept(step, value)
        return self.reply(STALE)

    def typed(self, step: Step, text: str) -> Turn:
        if step.answer is AnswerType.PHOTO:
            sent = pending_photos(step, self.conversation)
            if sent and normalize(text) in NEXT_WORDS:
                return self.accept(step, sent)
            return self.reply(SEND_PHOTO)
        if step.answer is AnswerType.LOCATION:
            return self.place(step, lambda: Place.typed(text))
        if step.answer in {AnswerType.BANK, AnswerType.BRANCH}:
            return self.search(step, text)
        try:
            earlier = self.prompter.checked_answers(self.conversation.answers,
                                                    on_path=self.conversation.history)
            value = parse_answer(step, text, today=in_japan(self.now).date(), earlier=earlier)
        except InvalidValue as error:
            return self.reply(error.message)
        return self.accept(step, value)

    def search(self, step: Step, text: str) -> Turn:
        query = text.strip()[:MAX_QUERY]
        what = "金融機関" if step.answer is AnswerType.BANK else "支店"
        if not query:
            return self.reply(f"{what}の名前かコードを送ってください。")
        if step.answer is AnswerType.BANK:  # named exactly: no list to tap
            exact: Any = self.banks.exact_bank(query)
        else:
            exact = self.banks.exact_branch(self._bank_code(step) or "", query)
        if exact is not None:
            return self.accept(step, exact.code, f"{what}は「{exact.full_name}」ですね。")
        wanted = 13  # one more than can be shown, to know whether there are more
        if step.answer is AnswerType.BANK:
            found: list[Any] = list(self.banks.search_banks(query, limit=wanted))
        else:
            found = list(self.banks.search_branches(self._bank_code(step) or "", query,
                                                    limit=wanted))
        if not found:
            return self.reply(f"「{query}」に当てはまる{what}が見つかりませんでした。"
                                  "別の書き方か、コードで送ってください。")
        message = self.prompter.candidates(self.conversation, query, found[:12],
                                           more=len(found) > 12)
        return Turn(self.conversation, (message,))

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


def _command(value: str, *, tapped: bool) -> str | None:
    if not tapped:
        return pb.command_for(value)
    if value in {pb.BACK, pb.RESTART, pb.CANCEL, pb.SKIP, pb.SEARCH}:
        return value
    if value.startswith(pb.PAGE) and value.removeprefix(pb.PAGE).isdecimal():
        return value
    return None
