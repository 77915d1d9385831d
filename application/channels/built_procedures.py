"""The chat's side of the procedures staff built (ADR 0055): they join the menu on the
channels staff chose, in their order; starting one checks what its template asks (a resident
verified with the card, recently enough; a place left under its capacity); and staff try a
draft by sending 「試す」 and its code in any chat."""

from __future__ import annotations

import datetime as dt
import re

from attrs import evolve

from application.cases.opening_case import places_taken
from application.channels.menu import VERIFY_DATA, VERIFY_LABEL, Menu, MenuEntry
from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.procedures import Procedure
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.procedure_store import PublishedProcedure
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity

__all__ = ["NOT_OFFERED", "TRIAL_UNKNOWN", "menu_for", "refusal", "trial_code"]

NOT_OFFERED = "この手続きは、いまは受け付けていません。"
NOT_ON_CHANNEL = "この手続きは、ここでは受け付けていません。メニューからお選びください。"
FULL = "申し訳ありません。この手続きは定員に達したため、受付を終了しました。"
VERIFY_FIRST = ("この手続きには、マイナンバーカードでの本人確認が必要です。「本人確認」から"
                "進めてください。")
VERIFY_AGAIN = ("この手続きには、{days}日以内の本人確認が必要です。お手数ですが、もう一度"
                "「本人確認」をお願いします。")
TRIAL_UNKNOWN = ("試すためのコードが違うか、期限（30分）が切れています。作成画面で新しいコードを"
                 "出してください。")
_TRIAL = re.compile(r"\s*試す\s*([A-Za-z0-9]{6,16})\s*")


def menu_for(menu: Menu, catalogue: ProcedureCatalogue, channel: str) -> Menu:
    """The menu with the built procedures offered on this channel, after the fixed entries."""
    built = [published for published in catalogue.in_menu() if channel in published.channels]
    if not built:
        return menu
    return evolve(menu, entries=(*menu.entries, *(MenuEntry(p.procedure_id, p.label)
                                                  for p in built)))


def refusal(published: PublishedProcedure, procedure: Procedure, identity: ChannelIdentity,
            *, uow: UnitOfWork, now: dt.datetime) -> list[OutgoingMessage] | None:
    """Why this resident cannot start it here now, or None."""
    if identity.channel not in published.channels:
        return [OutgoingMessage(text=NOT_ON_CHANNEL)]
    if procedure.requires_verification:
        resident = uow.residents.get(identity.resident_id) if identity.resident_id else None
        if resident is None or not resident.is_verified:
            return [_verify(VERIFY_FIRST)]
        days = procedure.verification_max_age_days
        if days is not None and not resident.verification_is_current(
                now=now, max_age=dt.timedelta(days=days)):
            return [_verify(VERIFY_AGAIN.format(days=days))]
    if procedure.capacity is not None and \
            places_taken(uow, procedure.id) >= procedure.capacity:
        return [OutgoingMessage(text=FULL)]
    return None


def trial_code(text: str) -> str | None:
    """「試す ABC123」: the code of a draft staff want to try."""
    found = _TRIAL.fullmatch(text or "")
    return found.group(1).upper() if found else None


def _verify(text: str) -> OutgoingMessage:
    return OutgoingMessage(text=text, choices=(Choice(label=VERIFY_LABEL, data=VERIFY_DATA),),
                           style=MessageStyle.QUICK_REPLY)
