"""連絡先: a verified resident sees the channels the town reaches them on and what reaches them,
adds a mobile number or an e-mail address (typed → a 6-digit code sent there → the code typed
back: only then is it linked), and removes one. All in the chat, with the one dialog engine:
two procedures (`CONTACT_ADD`, `CONTACT_CODE`) and their handlers; the list and the removal
are the desk's own buttons (`contacts:`). ADR 0041."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from application.access.actor import RESIDENT
from application.audit.recording import record
from application.channels.menu import CONTACTS_DATA
from application.channels.procedure_handlers import StartProcedure
from application.conversations.engine import ConversationEngine
from application.conversations.procedures import AnswerType, Procedure, Step
from application.conversations.state import Conversation
from application.messaging.outbox import OutboxMessage
from application.messaging.telling import policy_in
from application.ports.clock import IdGenerator
from application.ports.messaging import PAGE_LINK, Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity, ContactPreference, channel_label
from domain.contact_codes import CODE_LIFETIME, CodeCheck, ContactCode
from domain.errors import DomainError

__all__ = ["CONTACT_ADD", "CONTACT_CODE", "ContactCodeDesk", "ContactsDesk"]

_ADD, _RESEND, _REMOVE = "contacts:add", "contacts:resend", "contacts:remove:"
_QUIET, _LOUD = "contacts:reminders:off", "contacts:reminders:on"
_MINUTES = int(CODE_LIFETIME.total_seconds() // 60)
CODES_A_DAY = 5  # contacts a resident may start verifying in a day (codes cost and annoy)

CONTACT_ADD = Procedure(
    id="contact_add", title="連絡先の追加", confirm=False, ttl_minutes=15,
    steps=(Step(key="address", label="連絡先", answer=AnswerType.TEXT, max_length=80,
                check="contact_address",
                question="追加する携帯電話の番号か、メールアドレスを入力してください。",
                hint="確認コードをお送りします。"),),
    completion_message="確認コードを送りました。")
CONTACT_CODE = Procedure(
    id="contact_code", title="確認コードの入力", confirm=False, ttl_minutes=15,
    steps=(Step(key="code", label="確認コード", answer=AnswerType.TEXT, pattern=r"\d{6}",
                pattern_message="6桁の数字で入力してください。",
                question=f"届いた6桁の確認コードを入力してください（{_MINUTES}分間有効です）。"),),
    completion_message="確認しました。")


def shown_address(channel: str, address: str) -> str:
    """How a contact is shown to its resident: 090-1234-5678 for +819012345678."""
    if channel == "sms" and address.startswith("+81"):
        national = "0" + address[3:]
        return f"{national[:3]}-{national[3:7]}-{national[7:]}"
    return address


def shown(identity: ChannelIdentity) -> str:
    return shown_address(identity.channel, identity.address)


class ContactsDesk:
    """The list, the buttons, and the `contact_add` dialog's end (a code is sent)."""

    procedure_id = CONTACT_ADD.id
    postback_prefix = "contacts:"
    from_menu = False  # started by the list's button

    def __init__(self, engine: ConversationEngine, *, town_name: str,
                 codes: Callable[[], str]) -> None:
        self.engine, self.town_name, self.codes = engine, town_name, codes

    # -- the list ----------------------------------------------------------------------------

    def listing(self, identity: ChannelIdentity, uow: UnitOfWork,
                text: str = "") -> list[OutgoingMessage]:
        resident_id = _verified_resident(identity, uow)
        if resident_id is None:
            return [OutgoingMessage(text="連絡先の登録は、本人確認のあとでできます。")]
        linked = [i for i in uow.channel_identities.linked_to(resident_id)
                  if i.channel != "web"]
        told = policy_in(uow).choose(linked)
        lines = [f"・{channel_label(i.channel)} {shown(i) if i.channel != 'line' else ''}"
                 f"{'（このアカウント）' if i.id == identity.id else ''}"
                 f"{'（届きません）' if not i.reachable else ''}".rstrip() for i in linked]
        where = "、".join(sorted({channel_label(i.channel) for i in told})) or "郵送"
        removable = [i for i in linked if i.channel in ("sms", "email")]
        choices = [Choice(label="電話番号・メールを追加", data=_ADD)]
        choices += [Choice(label=f"{channel_label(i.channel)}を削除"
                           f"{f'({n})' if len(removable) > 1 else ''}"[:20],
                           data=f"{_REMOVE}{i.id}", display_text=f"{shown(i)}を削除")
                    for n, i in enumerate(removable, start=1)]
        preference = uow.contact_preferences.get(resident_id)
        reminders = preference is None or preference.reminders
        choices.append(Choice(label="督促のお知らせを止める", data=_QUIET) if reminders
                       else Choice(label="督促のお知らせを再開", data=_LOUD))
        body = "\n".join(["登録している連絡先:", *lines,
                          f"町からのお知らせは{where}でお届けします。",
                          "締切前の督促のお知らせ: "
                          + ("受け取る" if reminders else "止めています")])
        listing = OutgoingMessage(text=f"{text}\n{body}".strip(), choices=tuple(choices),
                                  style=MessageStyle.QUICK_REPLY)
        return [*self._page_card(identity), listing]

    def _page_card(self, identity: ChannelIdentity) -> list[OutgoingMessage]:
        """From the LINE chat, the web page signed in as this resident (before the list: LINE
        shows quick replies on the last message only)."""
        if identity.channel != "line":
            return []
        return [OutgoingMessage(
            text="窓口のページでも、同じ手続きができます。長い入力はページのほうが楽です。"
                 "（このボタンは7日間、1回だけ使えます）",
            choices=(Choice(label="ページで開く", data="", url=PAGE_LINK),),
            style=MessageStyle.BUTTONS, alt_text="窓口のページのご案内")]

    # -- the router's calls ------------------------------------------------------------------

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return None

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        if data == CONTACTS_DATA:
            return self.listing(identity, uow)
        resident_id = _verified_resident(identity, uow)
        if resident_id is None:
            return self.listing(identity, uow)
        if data == _ADD:
            return start(CONTACT_ADD.id, ids.new_id())
        if data == _RESEND:
            return self._resend(resident_id, uow, ids, now, start)
        if data in (_QUIET, _LOUD):
            return self._reminders(identity, resident_id, data == _LOUD, uow, now)
        if data.startswith(_REMOVE):
            return self._remove(data.removeprefix(_REMOVE), identity, resident_id, uow, now)
        return None

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        resident_id = _verified_resident(identity, uow)
        if resident_id is None:
            return self.listing(identity, uow)
        channel, address = str(answers["address"]).split(":", 1)
        known = uow.channel_identities.get_by_address(channel, address)
        if known is not None and known.resident_id == resident_id and known.reachable:
            return self.listing(identity, uow, "その連絡先はすでに登録されています。")
        if known is not None and known.resident_id not in (None, resident_id):
            return self.listing(identity, uow, "その連絡先は別の方が登録しているため、追加"
                                               "できません。窓口にご相談ください。")
        if uow.contact_codes.issued_since(resident_id, now - dt.timedelta(days=1)) >= CODES_A_DAY:
            return self.listing(identity, uow, "今日はこれ以上、確認コードを送れません。明日"
                                               "もう一度お試しください。")
        typed = self.codes()
        code = ContactCode.issue(id=ids.new_id(), resident_id=resident_id, channel=channel,
                                 address=address, code=typed, at=now)
        uow.contact_codes.add(code)
        self._deliver(code, typed, uow, ids, now)
        return [OutgoingMessage(text=f"{shown_address(channel, address)}に確認コードを送り"
                                     "ました。"), *self.ask_code(identity, uow, ids)]

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        return None

    # -- codes -------------------------------------------------------------------------------

    def _deliver(self, code: ContactCode, typed: str, uow: UnitOfWork, ids: IdGenerator,
                 now: dt.datetime) -> None:
        """The code goes to the address being verified, and only there (not a notice: it never
        moves down the ladder)."""
        text = (f"{self.town_name}の確認コード: {typed}\n{_MINUTES}分以内に、お手続き中の画面"
                "（LINEのトークや窓口のページ）に入力してください。心当たりがなければ、このメッセージは無視して"
                "ください。")
        uow.outbox.add(OutboxMessage.of([OutgoingMessage(text=text)], id=ids.new_id(),
                                        channel=code.channel, recipient=code.address, at=now))

    def ask_code(self, identity: ChannelIdentity, uow: UnitOfWork,
                 ids: IdGenerator) -> list[OutgoingMessage]:
        turn = self.engine.start(ids.new_id(), identity.id, CONTACT_CODE.id)
        uow.conversations.add(turn.conversation)
        return list(turn.messages)

    def _resend(self, resident_id: str, uow: UnitOfWork, ids: IdGenerator, now: dt.datetime,
                start: StartProcedure) -> list[OutgoingMessage]:
        code = uow.contact_codes.latest_for(resident_id)
        if code is None:
            return [OutgoingMessage(text="再送できる確認コードがありません。")]
        typed = self.codes()
        try:
            code.resend(typed, now)
        except DomainError as error:
            return [OutgoingMessage(text=error.message)]
        self._deliver(code, typed, uow, ids, now)
        return [OutgoingMessage(text="確認コードをもう一度送りました。"),
                *start(CONTACT_CODE.id, ids.new_id())]

    def _reminders(self, identity: ChannelIdentity, resident_id: str, wanted: bool,
                   uow: UnitOfWork, now: dt.datetime) -> list[OutgoingMessage]:
        """Stop (or resume) the notices that are not essential: a deadline's reminder. A
        decision, a payment or what they asked for always comes."""
        preference = uow.contact_preferences.get(resident_id)
        if preference is None:
            preference = ContactPreference(resident_id=resident_id)
            uow.contact_preferences.add(preference)
        if preference.choose(reminders=wanted, at=now):
            record(uow, RESIDENT, "contact.reminders", "resident", resident_id, at=now,
                   reminders=wanted)
        return self.listing(identity, uow, "督促のお知らせを再開しました。" if wanted else
                            "督促のお知らせを止めました。決定や支払いのお知らせは届きます。")

    def _remove(self, identity_id: str, identity: ChannelIdentity, resident_id: str,
                uow: UnitOfWork, now: dt.datetime) -> list[OutgoingMessage]:
        found = uow.channel_identities.get(identity_id)
        if found is None or found.resident_id != resident_id or found.channel not in (
                "sms", "email"):
            return self.listing(identity, uow, "その連絡先は見つかりませんでした。")
        found.unlink(now)
        record(uow, RESIDENT, "contact.removed", "resident", resident_id, at=now,
               channel=found.channel)
        return self.listing(identity, uow, f"{shown(found)}を削除しました。")


class ContactCodeDesk:
    """The `contact_code` dialog's end: the typed code checked; the contact linked once right."""

    procedure_id = CONTACT_CODE.id
    postback_prefix = "contactcode:"  # no buttons of its own
    from_menu = False

    def __init__(self, contacts: ContactsDesk) -> None:
        self.contacts = contacts

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return None

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        return None

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        return None

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        resident_id = _verified_resident(identity, uow)
        code = uow.contact_codes.latest_for(resident_id) if resident_id else None
        if resident_id is None or code is None:
            return self.contacts.listing(identity, uow, "確認中の連絡先がありません。")
        checked = code.check(str(answers["code"]), now)
        if checked is CodeCheck.VERIFIED:
            linked = _link(uow, code, resident_id, ids, now)
            if linked is None:
                return self.contacts.listing(identity, uow, "その連絡先は別の方が登録している"
                                                            "ため、追加できません。")
            record(uow, RESIDENT, "contact.added", "resident", resident_id, at=now,
                   channel=linked.channel)
            return self.contacts.listing(identity, uow, f"{shown(linked)}を登録しました。")
        if checked is CodeCheck.WRONG:
            return [OutgoingMessage(text=f"確認コードが違います（あと{code.tries_left}回入力"
                                         "できます）。"),
                    *self.contacts.ask_code(identity, uow, ids)]
        if checked is CodeCheck.EXPIRED:
            return [OutgoingMessage(
                text="確認コードの有効期限が切れました。", style=MessageStyle.QUICK_REPLY,
                choices=(Choice(label="コードを再送する", data=_RESEND),
                         Choice(label="連絡先の一覧", data=CONTACTS_DATA)))]
        return self.contacts.listing(identity, uow, "入力できる回数を超えました。もう一度"
                                                    "「電話番号・メールを追加」からやり直して"
                                                    "ください。")


def _verified_resident(identity: ChannelIdentity, uow: UnitOfWork) -> str | None:
    if identity.resident_id is None:
        return None
    resident = uow.residents.get(identity.resident_id)
    return resident.id if resident is not None and resident.is_verified else None


def _link(uow: UnitOfWork, code: ContactCode, resident_id: str, ids: IdGenerator,
          now: dt.datetime) -> ChannelIdentity | None:
    """The verified contact as the resident's identity (a new one, or the one they had that had
    stopped reaching them); None when it stands for someone else meanwhile."""
    found = uow.channel_identities.get_by_address(code.channel, code.address)
    if found is None:
        found = ChannelIdentity.first_seen(id=ids.new_id(), channel=code.channel,
                                           address=code.address, at=now)
        uow.channel_identities.add(found)
    elif found.resident_id not in (None, resident_id):
        return None
    found.follow(now)
    found.link(resident_id)
    return found
