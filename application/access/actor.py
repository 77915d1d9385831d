"""Who acts (操作者): a staff member, an integrator's API key, the operator at the command line, or
the system itself (a scheduled job). Every staff command takes one; the use case checks the
actor's permission (`ensure`) and writes the audit record in the transaction of the change.

An actor's `id` is the credential that acted, which the records that name a person keep
(`decided_by`, a batch's `approved_by`, the audit log's actor): a staff id, `api:<key id>`,
`cli:<user>` or `system`. Its `party` is the person or organisation accountable for it, and
what every four-eyes rule compares (a batch's maker and approver, an account's typist and
checker): a staff id for a staff member and for the keys that act for them, `org:<name>` for an
organisation's keys (ApiKey.party), `cli:<user>` for the operator. Two keys of one party are
one person; the audit log records the party beside the key. A resident acts through their
channel identity, never as an actor; only the audit log names a resident's own acts (verified,
applied, requested a certificate), as `RESIDENT`, which authorises nothing.
"""

from __future__ import annotations

from attrs import field, frozen

from application.ports.unit_of_work import UnitOfWork
from domain.access import ApiKey, Permission, allows
from domain.errors import NotAllowed
from domain.staff import Role, StaffMember

__all__ = ["RESIDENT", "SYSTEM", "Actor", "actor_by_id"]


@frozen
class Actor:
    id: str
    role: Role
    label: str = ""  # as the audit log shows who acted (a log-in id, `api:<key name>`); "": id
    ip: str = ""  # where the request came from ("" outside a web request)
    party: str = field(kw_only=True)  # who is accountable (four-eyes rules compare this)
    # an API key's scopes: the permissions of its role it may use (None: all of them)
    scopes: frozenset[Permission] | None = field(default=None, kw_only=True)

    @party.default
    def _party_is_the_credential(self) -> str:
        return self.id  # a staff member, the operator, the system: they are their own party

    @classmethod
    def staff(cls, member: StaffMember, *, ip: str = "") -> Actor:
        return cls(id=member.id, role=member.role, label=member.login_id, ip=ip[:64])

    @classmethod
    def api_key(cls, key: ApiKey, *, ip: str = "") -> Actor:
        return cls(id=f"api:{key.id}", role=key.role, label=f"api:{key.name}", ip=ip[:64],
                   party=key.party, scopes=key.scopes)

    @classmethod
    def operator(cls, user: str) -> Actor:
        """Whoever runs a command on the server: they hold the database already, so they act
        as an administrator, recorded by their operating-system user name."""
        return cls(id=f"cli:{user}", role=Role.ADMINISTRATOR, label=f"cli:{user}")

    def may(self, permission: Permission) -> bool:
        return allows(self.role, permission) and (self.scopes is None
                                                  or permission in self.scopes)

    def ensure(self, permission: Permission, doing: str) -> None:
        """Refuse (NotAllowed, in Japanese) unless the actor's role holds `permission`;
        `doing` completes the sentence 「…の役割では{doing}できません」."""
        if not self.may(permission):
            raise NotAllowed(f"{self.role.label}の役割では{doing}できません。")


SYSTEM = Actor(id="system", role=Role.ADMINISTRATOR, label="system")
# Who the audit log names for a resident's own act (the record's target says which resident or
# request). Never passed to a use case: it holds the least role, and nothing checks it.
RESIDENT = Actor(id="resident", role=Role.VIEWER, label="住民")


def actor_by_id(uow: UnitOfWork, actor_id: str) -> Actor:
    """The actor an event names by id (`by`), for the records that follow from it. Where the
    request came from is not known any more (the action's own record has it)."""
    if actor_id == SYSTEM.id or not actor_id:
        return SYSTEM
    kind, _, rest = actor_id.partition(":")
    if kind == "cli" and rest:
        return Actor.operator(rest)
    if kind == "api" and rest:
        key = uow.api_keys.get(rest)
        return Actor.api_key(key) if key else Actor(id=actor_id, role=Role.VIEWER,
                                                    label=actor_id)
    member = uow.staff.get(actor_id)
    return Actor.staff(member) if member else Actor(id=actor_id, role=Role.VIEWER,
                                                    label=actor_id)
