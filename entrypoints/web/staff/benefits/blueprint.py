"""The benefit pages' blueprint (/staff/benefits) and what its pages share: finding a program,
the labels of its statuses and the moves staff may make."""

from __future__ import annotations

from flask import Blueprint

from application.benefits import views as benefit_views
from domain.access import Permission
from domain.benefits import BenefitProgram, ProgramStatus
from entrypoints.web.services import container
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["PROGRAM_LABELS", "program_or_404", "staff_benefits"]

staff_benefits = Blueprint("staff_benefits", __name__, url_prefix="/staff/benefits")
use_staff_error_pages(staff_benefits)
register_nav(staff_benefits, NavEntry("給付金", "staff_benefits.index",
                                      Permission.VIEW_PROGRAMS, order=40))

PROGRAM_LABELS = {ProgramStatus.DRAFT: "準備中", ProgramStatus.OPEN: "受付中",
                  ProgramStatus.CLOSED: "受付終了", ProgramStatus.WITHDRAWN: "取り下げ"}
MOVES = {  # the buttons a program in each status shows: (status to, label); 取り下げる is a
    # link to its confirmation page (a reason, and what it would take back), never one click
    ProgramStatus.DRAFT: (("open", "受付を開始する"),),
    ProgramStatus.OPEN: (("closed", "受付を終了する"),),
    ProgramStatus.CLOSED: (("open", "受付を再開する"),),
    ProgramStatus.WITHDRAWN: (),
}


@staff_benefits.context_processor
def _permissions() -> dict[str, object]:
    return {"Permission": Permission}


def program_or_404(program_id: str) -> BenefitProgram:
    return benefit_views.program(program_id, uow=container().uow())
