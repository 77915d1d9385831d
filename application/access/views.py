"""What administrators read about API keys: each key with the party it acts for (a staff
member by log-in id, or an organisation), for `madoguchi apikey list`. No secret is kept, so
none is shown."""

from __future__ import annotations

from attrs import frozen

from application.ports.unit_of_work import UnitOfWork
from domain.access import ApiKey

__all__ = ["KeyLine", "api_keys"]


@frozen
class KeyLine:
    key: ApiKey
    owner: str  # 「staff:<log-in id>」 or 「organisation:<name>」, as the command was given


def api_keys(*, uow: UnitOfWork) -> list[KeyLine]:
    with uow:
        keys = list(uow.queries.staff.api_keys())
        logins = {m.id: m.login_id for m in uow.queries.staff.members()}
    return [KeyLine(key, f"staff:{logins.get(key.staff_id, key.staff_id)}" if key.staff_id
                    else f"organisation:{key.organisation}") for key in keys]
