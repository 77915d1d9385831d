"""The read side on the database: the queries of `application/ports/queries.py`, run on the
unit of work's session (so a look and its audit record commit together)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.persistence.queries.benefits import SqlBenefitQueries
from adapters.persistence.queries.case_figures import SqlCaseFigureQueries
from adapters.persistence.queries.cases import SqlCaseQueries
from adapters.persistence.queries.certificates import SqlCertificateQueries
from adapters.persistence.queries.exports import SqlExportQueries
from adapters.persistence.queries.figures import SqlFigureQueries
from adapters.persistence.queries.kpi import SqlKpiQueries
from adapters.persistence.queries.matching import SqlMatchingQueries
from adapters.persistence.queries.messages import SqlMessageQueries
from adapters.persistence.queries.notices import SqlNoticeQueries
from adapters.persistence.queries.payments import SqlPaymentQueries
from adapters.persistence.queries.residents import SqlResidentQueries
from adapters.persistence.queries.segments import SqlSegmentQueries
from adapters.persistence.queries.staff import SqlStaffQueries
from adapters.persistence.queries.surveys import SqlSurveyQueries
from adapters.persistence.queries.town_data import SqlTownDataQueries

__all__ = ["SqlQueries"]


class SqlQueries:
    def __init__(self, session: Session) -> None:
        self.benefits = SqlBenefitQueries(session)
        self.exports = SqlExportQueries(session)
        self.payments = SqlPaymentQueries(session)
        self.residents = SqlResidentQueries(session)
        self.matching = SqlMatchingQueries(session)
        self.certificates = SqlCertificateQueries(session)
        self.cases = SqlCaseQueries(session)
        self.case_figures = SqlCaseFigureQueries(session)
        self.messages = SqlMessageQueries(session)
        self.staff = SqlStaffQueries(session)
        self.figures = SqlFigureQueries(session)
        self.kpi = SqlKpiQueries(session)
        self.town = SqlTownDataQueries(session)
        self.notices = SqlNoticeQueries(session)
        self.segments = SqlSegmentQueries(session)
        self.surveys = SqlSurveyQueries(session)
