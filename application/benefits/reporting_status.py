"""状況確認: a resident asks how their household's applications stand; and what a household
reads when a program it was told about is withdrawn (取り下げ)."""

from __future__ import annotations

from application.benefits.notices import status_line
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.benefits import ApplicationStatus, BenefitProgram, ProgramStatus
from domain.channels import ChannelIdentity

__all__ = ["status_messages", "withdrawal_notice"]


def withdrawal_notice(program: BenefitProgram) -> OutgoingMessage:
    """The program was withdrawn: the household's application ends with it."""
    lines = [f"【{program.name} 取り下げのお知らせ】",
             "この給付金は取り下げられました。お知らせした内容や、いただいた申請は"
             "取り下げとなります。"]
    if program.withdrawal_reason:
        lines.append(f"理由: {program.withdrawal_reason}")
    lines.append("ご不明な点は役場の担当窓口にお問い合わせください。")
    return OutgoingMessage("\n".join(lines))


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
            if (program.status is ProgramStatus.WITHDRAWN
                    and application.status is ApplicationStatus.WITHDRAWN
                    and program.withdrawal_reason):
                lines.append(f"  給付金の取り下げ（理由: {program.withdrawal_reason}）")
    return [OutgoingMessage("\n".join(lines))]
