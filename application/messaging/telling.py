"""The one policy for telling a resident (住民への連絡): who is told, and on which channel.

- A message about a **household** (a benefit's decision, a failed transfer, a cash pickup code)
  goes to its head (世帯主): the head applied for the household, answers for it and receives
  for it. Other members are not told: they could not act on the message.
- A message about a **resident's own request** (a certificate) goes to that resident.
- A person is told on their identities that still follow the town, on the **first channel of
  the town's ladder** (`ContactPolicy.ladder`: LINE, SMS, e-mail in the order staff set, stored
  in the database, `ladder.py`) that reaches them, so that each notice finds the person once, on
  the channel that reaches them. A notice whose channel fails for good moves to the next rung
  (`delivering_outbox.py`, `fallback.py`); the postal list is the last.
- A resident no rung reaches but who uses the web page (`/r/`) is told there, where they see it
  when they open the page; a campaign's notices follow the ladder alone (a household only on
  the page is on the postal list).
- Someone not yet linked to a resident (in the middle of verifying) is told on the identity
  they used; so is a resident answered about what they wrote (a case: the same chat).
Nobody reachable: nothing is queued (0 is returned), and the town's postal path covers them.

Every message goes into the outbox with the change that caused it (the caller's unit of work),
through `OutboxMessage.of`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from attrs import field, frozen

from application.messaging.ladder import ladder_in, load_ladder
from application.messaging.outbox import OutboxMessage
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import DEFAULT_LADDER_CHANNELS, ChannelIdentity, Ladder

__all__ = ["ContactPolicy", "Telling", "Told", "load_policy", "policy_in"]

Told = tuple[str, Sequence[OutgoingMessage]]  # whom (a household or resident id), what


@frozen
class ContactPolicy:
    ladder: tuple[str, ...] = field(default=DEFAULT_LADDER_CHANNELS, converter=tuple)

    @classmethod
    def of(cls, ladder: Ladder) -> ContactPolicy:
        return cls(ladder.channels)

    def choose(self, identities: Iterable[ChannelIdentity]) -> list[ChannelIdentity]:
        """The identities to tell: those that follow the town, on the first channel of the
        ladder that has any."""
        reachable = [identity for identity in identities if identity.reachable]
        for channel in self.ladder:
            chosen = [identity for identity in reachable if identity.channel == channel]
            if chosen:
                return chosen
        return []


def _on_the_page(identities: Iterable[ChannelIdentity]) -> list[ChannelIdentity]:
    """A resident no rung of the ladder reaches but who uses the web page finds the message
    there, the next time they open it (the answer to what they did there: a fee paid, a
    decision). A campaign's notices follow the ladder alone: a household only on the page is
    on the postal list (`sending_campaign.py`)."""
    return [identity for identity in identities if identity.reachable and identity.channel == "web"]


def policy_in(uow: UnitOfWork) -> ContactPolicy:
    """The town's policy as stored now, read in the caller's unit of work."""
    return ContactPolicy.of(ladder_in(uow))


def load_policy(uow_factory: Callable[[], UnitOfWork]) -> ContactPolicy:
    """The town's policy as stored now, read once for one use (a page, a job)."""
    return ContactPolicy.of(load_ladder(uow_factory))


class Telling:
    """Writes messages for residents into the outbox, following the policy. The bulk forms read
    every recipient in two queries (a bulk decision, a results import).

    Without a `fixed` policy (the application), each call reads the town's ladder in the unit of
    work it is given, so a ladder staff change applies to the next message."""

    def __init__(self, fixed: ContactPolicy | None, ids: IdGenerator, clock: Clock) -> None:
        self.fixed, self._ids, self._clock = fixed, ids, clock

    def policy(self, uow: UnitOfWork) -> ContactPolicy:
        return self.fixed if self.fixed is not None else policy_in(uow)

    # -- who ---------------------------------------------------------------------------------

    def residents_recipients(self, uow: UnitOfWork,
                             resident_ids: Iterable[str]) -> dict[str, list[ChannelIdentity]]:
        """Who is told, for each resident (residents nobody can reach left out)."""
        linked = uow.channel_identities.linked_to_any(sorted(set(resident_ids)))
        policy = self.policy(uow)
        chosen = {resident: policy.choose(found) or _on_the_page(found)
                  for resident, found in linked.items()}
        return {resident: found for resident, found in chosen.items() if found}

    def households_recipients(self, uow: UnitOfWork,
                              household_ids: Iterable[str]) -> dict[str, list[ChannelIdentity]]:
        """Who is told, for each household: its head's (households nobody can reach left out)."""
        heads = uow.households.heads(sorted(set(household_ids)))
        reached = self.residents_recipients(uow, [h.head_resident_id for h in heads.values()])
        return {household_id: reached[head.head_resident_id]
                for household_id, head in heads.items() if head.head_resident_id in reached}

    # -- telling -----------------------------------------------------------------------------

    def households(self, uow: UnitOfWork, messages: Sequence[Told]) -> int:
        """Tell each household (its head) its messages: (household id, messages) pairs.
        Returns how many identities were written to."""
        reached = self.households_recipients(uow, [household_id for household_id, _ in messages])
        return sum(len(self._queue(uow, reached.get(household_id, []), told))
                   for household_id, told in messages)

    def residents(self, uow: UnitOfWork, messages: Sequence[Told]) -> int:
        """Tell each resident their messages: (resident id, messages) pairs."""
        reached = self.residents_recipients(uow, [resident_id for resident_id, _ in messages])
        return sum(len(self._queue(uow, reached.get(resident_id, []), told))
                   for resident_id, told in messages)

    def identity(self, uow: UnitOfWork, identity: ChannelIdentity,
                 messages: Sequence[OutgoingMessage]) -> int:
        """Tell this one identity (a resident not linked yet: the verification's result)."""
        return len(self._queue(uow, [identity], messages))

    def in_reply(self, uow: UnitOfWork, identity: ChannelIdentity,
                 messages: Sequence[OutgoingMessage]) -> str | None:
        """Staff's answer to what a resident wrote from `identity` (a case): in that same chat
        while it follows the town; else on the resident's own ladder, when the identity is
        linked to one. The outbox id of the first message written (None: nobody reachable)."""
        chosen = [identity] if identity.reachable else []
        if not chosen and identity.resident_id is not None:
            chosen = self.residents_recipients(uow, [identity.resident_id]).get(
                identity.resident_id, [])
        written = self._queue(uow, chosen, messages)
        return written[0] if written else None

    def _queue(self, uow: UnitOfWork, identities: Sequence[ChannelIdentity],
               messages: Sequence[OutgoingMessage]) -> list[str]:
        """The outbox ids written, one per identity."""
        now = self._clock.now()
        written = []
        for identity in identities:
            message = OutboxMessage.of(messages, id=self._ids.new_id(), channel=identity.channel,
                                       recipient=identity.address, at=now, notice=True)
            uow.outbox.add(message)
            written.append(message.id)
        return written
