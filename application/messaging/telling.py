"""The one policy for telling a resident (住民への連絡): who is told, and on which channel.

- A message about a **household** (a benefit's decision, a failed transfer, a cash pickup code)
  goes to its head (世帯主): the head applied for the household, answers for it and receives
  for it. Other members are not told: they could not act on the message.
- A message about a **resident's own request** (a certificate) goes to that resident.
- A person is told on their identities that still follow the town, on the **first channel of
  the town's ladder** (`ContactPolicy.ladder`) that reaches them. Today the ladder is LINE
  alone; SMS, e-mail and the web join it later, so that each notice finds the person once, on
  the channel that reaches them.
- Someone not yet linked to a resident (in the middle of verifying) is told on the identity
  they used.
Nobody reachable: nothing is queued (0 is returned), and the town's postal path covers them.

Every message goes into the outbox with the change that caused it (the caller's unit of work),
through `OutboxMessage.of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import field, frozen

from application.messaging.outbox import OutboxMessage
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity

__all__ = ["ContactPolicy", "Telling"]


@frozen
class ContactPolicy:
    ladder: tuple[str, ...] = field(default=("line",), converter=tuple)

    def choose(self, identities: Iterable[ChannelIdentity]) -> list[ChannelIdentity]:
        """The identities to tell: those that follow the town, on the first channel of the
        ladder that has any."""
        reachable = [identity for identity in identities if identity.reachable]
        for channel in self.ladder:
            chosen = [identity for identity in reachable if identity.channel == channel]
            if chosen:
                return chosen
        return []


class Telling:
    """Writes messages for residents into the outbox, following the policy."""

    def __init__(self, policy: ContactPolicy, ids: IdGenerator, clock: Clock) -> None:
        self.policy, self._ids, self._clock = policy, ids, clock

    # -- who ---------------------------------------------------------------------------------

    def resident_recipients(self, uow: UnitOfWork, resident_id: str) -> list[ChannelIdentity]:
        return self.policy.choose(uow.channel_identities.linked_to(resident_id))

    def household_recipients(self, uow: UnitOfWork,
                             household_id: str) -> list[ChannelIdentity]:
        head = uow.households.heads([household_id]).get(household_id)
        return self.resident_recipients(uow, head.head_resident_id) if head else []

    # -- telling -----------------------------------------------------------------------------

    def household(self, uow: UnitOfWork, household_id: str,
                  messages: Sequence[OutgoingMessage]) -> int:
        """Tell the household (its head); returns how many identities were written to."""
        return self._queue(uow, self.household_recipients(uow, household_id), messages)

    def resident(self, uow: UnitOfWork, resident_id: str,
                 messages: Sequence[OutgoingMessage]) -> int:
        return self._queue(uow, self.resident_recipients(uow, resident_id), messages)

    def identity(self, uow: UnitOfWork, identity: ChannelIdentity,
                 messages: Sequence[OutgoingMessage]) -> int:
        """Tell this one identity (a resident not linked yet: the verification's result)."""
        return self._queue(uow, [identity], messages)

    def _queue(self, uow: UnitOfWork, identities: Sequence[ChannelIdentity],
               messages: Sequence[OutgoingMessage]) -> int:
        now = self._clock.now()
        for identity in identities:
            uow.outbox.add(OutboxMessage.of(messages, id=self._ids.new_id(),
                                            channel=identity.channel,
                                            recipient=identity.address, at=now))
        return len(identities)
