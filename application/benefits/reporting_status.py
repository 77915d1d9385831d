"""状況確認: a resident asks how their household's applications stand."""

from __future__ import annotations

from application.benefits.notices import status_line
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity

__all__ = ["status_messages"]


def status_messages(identity: ChannelIdentity, *, uow: UnitOfWork) -> list[OutgoingMessage]:
    resident = uow.residents.get(identity.resident_id) if identity.resident_id else None
    if resident is None or not resident.is_verified:
        return [OutgoingMessage("申請の状況をお知らせするには、先に「本人確認」（マイナンバー"
                                "カード）をお願いします。")]
    household = (uow.households.get_by_number(resident.household_number)
                 if resident.household_number else None)
    applications = uow.applications.of_household(household.id) if household else []
    if not applications:
        return [OutgoingMessage("あなたの世帯の給付金の申請・お知らせはありません。")]
    lines = ["あなたの世帯の申請の状況です。"]
    for application in applications[:10]:
        program = uow.programs.get(application.program_id)
        if program is not None:
            lines.append(status_line(program, application))
    return [OutgoingMessage("\n".join(lines))]
