"""Repositories of channel identities, the outbox, the inbox, conversations and attachments."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Select,
    Update,
    and_,
    bindparam,
    false,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import set_committed_value

from adapters.persistence.inbox_queue import pending_row
from adapters.persistence.many import one_of, pair_of
from adapters.persistence.orm.messaging import channel_identities, inbox, outbox
from adapters.persistence.orm.residents import residents
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.sqlite_writers import take_turn
from application.attachments import StoredAttachment
from application.channels.inbox import InboxEvent
from application.channels.rich_menu_layout import SavedRichMenu
from application.conversations.state import Conversation, ConversationStatus
from application.messaging.outbox import OutboxMessage, OutboxStatus
from application.ports.unit_of_work import ConcurrentUpdate
from application.town_settings import TownSetting
from domain.channels import ChannelIdentity, ContactPreference, IdentityStatus
from domain.contact_codes import ContactCode
from domain.residents import VerificationState

__all__ = [
    "SqlAttachmentRepository",
    "SqlChannelIdentityRepository",
    "SqlContactCodeRepository",
    "SqlContactPreferenceRepository",
    "SqlConversationRepository",
    "SqlInboxRepository",
    "SqlOutboxRepository",
    "SqlRichMenuLayoutRepository",
    "SqlTownSettingRepository",
]


def _row(message: OutboxMessage) -> dict[str, object]:
    """A new outbox row's columns (its version starts at 1, as the mapper's would)."""
    return {**{column.name: getattr(message, column.name) for column in outbox.columns
               if column.name != "version"}, "version": 1}


class SqlOutboxRepository(SqlRepository):
    model = OutboxMessage

    def add_many(self, messages: Sequence[OutboxMessage]) -> None:
        if messages:
            self.session.execute(insert(outbox), [_row(m) for m in messages])

    def add_copies(self, message: OutboxMessage, copies: Sequence[tuple[str, str]]) -> None:
        if copies:
            row = _row(message)
            self.session.execute(insert(outbox), [
                {**row, "id": message_id, "recipient": recipient}
                for message_id, recipient in copies])

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.added: list[OutboxMessage] = []

    def add(self, obj: OutboxMessage) -> None:
        super().add(obj)
        self.added.append(obj)

    def added_for(self, channel: str, recipient: str) -> OutboxMessage | None:
        return next((m for m in reversed(self.added)
                     if m.channel == channel and m.recipient == recipient), None)

    def due(self, *, now: dt.datetime, lease: dt.timedelta,
            limit: int) -> Sequence[OutboxMessage]:
        """The oldest due messages, held for this unit of work until it ends, so dispatchers in
        several processes claim disjoint batches: PostgreSQL locks the rows and another
        dispatcher's `due` passes over them (`FOR UPDATE SKIP LOCKED`); SQLite has one writer,
        so when something is due this first takes the write lock (a write that changes
        nothing) and another dispatcher's `due` waits until this claim is committed, then
        finds the rows claimed (threads of one process take their turn first, as a flush
        would: sqlite_writers.py). An idle poll on SQLite only reads."""
        is_due = or_(
            and_(OutboxMessage.status == OutboxStatus.PENDING,
                 or_(OutboxMessage.next_attempt_at.is_(None),
                     OutboxMessage.next_attempt_at <= now)),
            and_(OutboxMessage.status == OutboxStatus.SENDING,
                 OutboxMessage.claimed_at < now - lease))
        if self.session.get_bind().dialect.name == "sqlite":
            if self.session.scalar(select(OutboxMessage.id).where(is_due).limit(1)) is None:
                return []
            take_turn(self.session)
            self.session.execute(update(outbox).where(false()).values(version=outbox.c.version))
        found = self.session.scalars(
            select(OutboxMessage).where(is_due)
            .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        self.tracked.update(found)
        return found

    def save_many(self, messages: Sequence[OutboxMessage]) -> None:
        """Write these messages' delivery state as a flush would (each row's version checked
        and moved on), but in one UPDATE for all the rows that now hold the same state (a
        dispatcher's batch: claimed, or sent) instead of one a row. ConcurrentUpdate when
        another wrote one of them since it was read. The messages then leave the session (but
        one with another change, which the flush writes): a later change to one of them in
        this unit of work is not written."""
        alike: dict[tuple[object, ...], list[OutboxMessage]] = defaultdict(list)
        for message in messages:
            alike[tuple(getattr(message, name) for name in _STATE)].append(message)
        if alike and self.session.get_bind().dialect.name == "sqlite":
            take_turn(self.session)
        for state, rows in alike.items():
            with self.session.no_autoflush:  # these rows are written here, not by a flush
                written = self.session.execute(
                    update(outbox)
                    .where(pair_of(self.session, (outbox.c.id, outbox.c.version),
                                   [(m.id, m.version) for m in rows]))  # type: ignore[attr-defined]
                    .values(version=outbox.c.version + 1, **dict(zip(_STATE, state,
                                                                       strict=True))))
            if written.rowcount != len(rows):
                raise ConcurrentUpdate(f"{len(rows) - written.rowcount} outbox rows were "
                                       "changed by another meanwhile")
            for message in rows:  # what the row now holds: nothing left for the flush
                for name, value in zip(_STATE, state, strict=True):
                    set_committed_value(message, name, value)
                set_committed_value(message, "version",
                                    message.version + 1)  # type: ignore[attr-defined]
                # nor for the commit's flush to look at again: it would compare every column
                # of every row of the batch (a fifth of a dispatcher's CPU, ADR 0076). A row
                # with a change this UPDATE does not write (not its delivery state) stays for
                # the flush to write.
                if not inspect(message).committed_state:
                    self.session.expunge(message)

    def in_groups(self, group_keys: Iterable[str]) -> Sequence[OutboxMessage]:
        found = self.session.scalars(
            select(OutboxMessage).where(one_of(self.session, outbox.c.group_key, group_keys))).all()
        self.tracked.update(found)
        return found

    def get_many(self, message_ids: Sequence[str]) -> dict[str, OutboxMessage]:
        return self._many(message_ids)

    def states_of(self, message_ids: Sequence[str]) -> dict[str, OutboxMessage]:
        """As `get_many`, the payload deferred: recording a batch of replies parsed each one's
        JSON again only to mark it sent (a tenth of a web process's CPU during a webhook
        burst); a message carried on to another rung still reads it, in this transaction."""
        return self._many(message_ids, defer(OutboxMessage.payload))

    def _many(self, message_ids: Sequence[str], *options: Any) -> dict[str, OutboxMessage]:
        found = self.session.scalars(
            select(OutboxMessage).options(*options)
            .where(one_of(self.session, outbox.c.id, message_ids))).all()
        self.tracked.update(found)
        return {message.id: message for message in found}

    def rungs_of(self, notice_id: str) -> Sequence[OutboxMessage]:
        """A notice and the rows that carried it on to other rungs, oldest first."""
        found = self.session.scalars(
            select(OutboxMessage).where(or_(OutboxMessage.id == notice_id,
                                            OutboxMessage.fallback_of == notice_id))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)).all()
        self.tracked.update(found)
        return found

    def get_by_provider_ref(self, channel: str, provider_ref: str) -> OutboxMessage | None:
        return self._one(OutboxMessage.channel == channel,
                         OutboxMessage.provider_ref == provider_ref)


# What delivering changes on a row (OutboxMessage.claim, mark_sent, retry_later, …).
_STATE = ("status", "attempts", "last_error", "sent_at", "claimed_at", "next_attempt_at",
          "group_key", "delivery_status", "provider_ref")


class SqlChannelIdentityRepository(SqlRepository):
    model = ChannelIdentity

    def linked_to(self, resident_id: str) -> Sequence[ChannelIdentity]:
        found = self.session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.resident_id == resident_id)).all()
        self.tracked.update(found)
        return found

    def linked_to_any(self, resident_ids: Sequence[str]) -> dict[str, list[ChannelIdentity]]:
        if not resident_ids:
            return {}
        found = self.session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.resident_id.in_(list(resident_ids)))
            .order_by(ChannelIdentity.created_at, ChannelIdentity.id)).all()
        self.tracked.update(found)
        linked: dict[str, list[ChannelIdentity]] = {}
        for identity in found:
            linked.setdefault(str(identity.resident_id), []).append(identity)
        return linked

    def get_many(self, identity_ids: Sequence[str]) -> dict[str, ChannelIdentity]:
        if not identity_ids:
            return {}
        found = self.session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.id.in_(list(identity_ids)))).all()
        self.tracked.update(found)
        return {identity.id: identity for identity in found}

    def get_by_address(self, channel: str, address: str) -> ChannelIdentity | None:
        found = self.session.scalars(_by_address(), {"channel": channel,
                                                     "address": address}).first()
        if found is not None:
            self.tracked.add(found)
        return found

    def blocked_among(self, channel: str, addresses: Sequence[str]) -> set[str]:
        if not addresses:
            return set()
        return set(self.session.scalars(
            select(ChannelIdentity.address).where(
                ChannelIdentity.channel == channel,
                one_of(self.session, channel_identities.c.address, set(addresses)),
                ChannelIdentity.status == IdentityStatus.BLOCKED)))

    def following(self, channel: str, *, after: str, limit: int) -> Sequence[ChannelIdentity]:
        return list(self.session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.channel == channel,
                                          ChannelIdentity.status == IdentityStatus.FOLLOWING,
                                          ChannelIdentity.id > after)
            .order_by(ChannelIdentity.id).limit(limit)))

    def optional_declined_among(self, channel: str, addresses: Sequence[str]) -> set[str]:
        if not addresses:
            return set()
        return set(self.session.scalars(
            select(ChannelIdentity.address).where(
                ChannelIdentity.channel == channel,
                one_of(self.session, channel_identities.c.address, set(addresses)),
                ChannelIdentity.optional_declined_at.is_not(None))))  # type: ignore[union-attr]

    def reachable(self, resident_ids: Sequence[str], channel: str) -> dict[str, ChannelIdentity]:
        if not resident_ids:
            return {}
        found = self.session.scalars(
            select(ChannelIdentity)
            .join(residents, residents.c.id == channel_identities.c.resident_id)
            .where(one_of(self.session, channel_identities.c.resident_id, resident_ids),
                   channel_identities.c.channel == channel,
                   channel_identities.c.status == IdentityStatus.FOLLOWING,
                   residents.c.verification_state == VerificationState.VERIFIED)
            .order_by(channel_identities.c.status_changed_at)).all()
        self.tracked.update(found)
        return {identity.resident_id: identity for identity in found}  # type: ignore[misc]


class SqlConversationRepository(SqlRepository):
    model = Conversation

    def current_for(self, identity_id: str) -> Conversation | None:
        """The newest conversation of this identity that is still open, if any."""
        found = self.session.scalars(_current_conversation(), {"identity": identity_id}).first()
        if found is not None:
            self.tracked.add(found)
        return found

    def latest_for(self, identity_id: str) -> Conversation | None:
        """The newest conversation of this identity, open or not."""
        return self._one_ordered((Conversation.updated_at.desc(), Conversation.id.desc()),
                                 Conversation.identity_id == identity_id)


# The statements of the webhook's hot path, built once (building a statement costs more than
# running it on a small indexed table).

@functools.cache
def _by_address() -> Select:  # type: ignore[type-arg]
    return select(ChannelIdentity).where(ChannelIdentity.channel == bindparam("channel"),
                                         ChannelIdentity.address == bindparam("address"))


@functools.cache
def _current_conversation() -> Select:  # type: ignore[type-arg]
    return (select(Conversation)
            .where(Conversation.identity_id == bindparam("identity"),
                   Conversation.status.in_([ConversationStatus.ACTIVE,
                                            ConversationStatus.CONFIRMING]))
            .order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(1))


class SqlInboxRepository(SqlRepository):
    """A second copy of the same event is refused when the unit of work commits (the unique
    index decides, also between two concurrent deliveries): nothing of it stays."""

    model = InboxEvent

    def mark_processed(self, inbox_id: str, *, now: dt.datetime) -> bool:
        """One conditional UPDATE: of two workers at once, the second waits for the first's
        commit and finds the row done; an earlier event of the sender still pending makes it
        wait its turn. The event's text leaves the row with it."""
        self.session.flush()  # the event's changes first, in this process's writers' turn
        if self.session.get_bind().dialect.name == "sqlite":
            take_turn(self.session)  # as a flush would, before SQLite's lock
        return self.session.execute(_mark_processed(), {"inbox_id": inbox_id, "handled_at": now}
                                    ).rowcount == 1


@functools.cache
def _mark_processed() -> Update:
    return (update(inbox).where(pending_row(bindparam("inbox_id")))
            .values(processed_at=bindparam("handled_at"), event=None, claimed_until=None))


class SqlTownSettingRepository(SqlRepository):
    model = TownSetting


class SqlRichMenuLayoutRepository(SqlRepository):
    model = SavedRichMenu


class SqlContactCodeRepository(SqlRepository):
    model = ContactCode

    def latest_for(self, resident_id: str) -> ContactCode | None:
        """The resident's newest code not verified yet (the one a typed code answers)."""
        return self._one_ordered((ContactCode.created_at.desc(), ContactCode.id.desc()),
                                 ContactCode.resident_id == resident_id,
                                 ContactCode.verified_at.is_(None))

    def issued_since(self, resident_id: str, since: dt.datetime) -> int:
        return self.session.scalar(
            select(func.count()).select_from(ContactCode)
            .where(ContactCode.resident_id == resident_id,
                   ContactCode.created_at >= since)) or 0


class SqlContactPreferenceRepository(SqlRepository):
    model = ContactPreference

    def quiet_among(self, resident_ids: Sequence[str]) -> set[str]:
        """Those of these residents who stopped the reminders."""
        if not resident_ids:
            return set()
        return set(self.session.scalars(
            select(ContactPreference.resident_id).where(
                ContactPreference.resident_id.in_(list(resident_ids)),
                ContactPreference.reminders.is_(False))))


class SqlAttachmentRepository(SqlRepository):
    model = StoredAttachment

    def get_by_ref(self, ref: str) -> StoredAttachment | None:
        return self._one(StoredAttachment.ref == ref)

    def remove_refs(self, refs: Sequence[str]) -> int:
        """Delete these kept photos (a case past its retention, ADR 0047). How many went."""
        found = list(self.session.scalars(select(StoredAttachment)
                                          .where(StoredAttachment.ref.in_(sorted(set(refs))))))
        for attachment in found:
            self.session.delete(attachment)
        return len(found)
