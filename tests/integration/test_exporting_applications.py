"""The export for 決裁 and finance on a real database (SQLite and PostgreSQL): the columns a
finance section expects, in Japan days, CP932 and Excel, formulas neutralised, account numbers
masked for roles that may not see them, and one audit record per export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from adapters.banks.zengin_master import ZenginBankMaster
from adapters.csv_io import cp932_csv
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from adapters.xlsx_io import xlsx_workbook
from application.audit.searching import search_audit_log
from application.benefits.exporting_applications import (
    EXPORT_COLUMNS,
    ApplicationExport,
    ExportApplications,
    export_applications,
)
from application.ports.audit import AuditQuery
from domain.benefits import Application, PayoutMethod
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.staff import Role
from tests import builders
from tests.fakes import FakeClock, SequentialIds, message_bus_on

pytestmark = pytest.mark.integration

RECEIVED = dt.datetime(2026, 6, 4, 15, 52, tzinfo=dt.UTC)  # 6月5日 0:52 in Japan
DECIDED = dt.datetime(2026, 6, 9, 16, 30, tzinfo=dt.UTC)  # 6月10日 1:30 in Japan
EVIL_NAME = '=HYPERLINK("http://evil.example/","詳細")'


class Town:
    """H0001: a head whose registry name is a formula, applied on LINE, approved (account
    1234567 at みずほ銀行 東京営業部). H0002: applied on paper, cash. H0003: only notified."""

    def __init__(self, engine: Engine) -> None:
        self.sessions = session_factory(engine)
        self.clock = FakeClock(dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC))
        self.banks = ZenginBankMaster()
        program = builders.program()
        with self.uow() as uow:
            uow.programs.add(program)
            for n, name in ((1, EVIL_NAME), (2, "鈴木 花子"), (3, "佐藤 一郎")):
                uow.residents.add(builders.resident(
                    id=f"r{n}", resident_number=f"00000000{n}", household_number=f"H000{n}",
                    name=name, kana="スズキ ハナコ" if n == 2 else None))
                uow.households.add(builders.household(id=f"h{n}", household_number=f"H000{n}",
                                                      head_resident_id=f"r{n}"))
            uow.commit()
        with self.uow() as uow:
            first = builders.application(id="a1", of_program=program, household_id="h1")
            first.confirm(program=program, at=RECEIVED, payout_method=PayoutMethod.BANK_TRANSFER,
                          payee_account=builders.account())
            first.approve(by="s1", at=DECIDED)
            uow.applications.add(first)
            uow.applications.add(Application.from_paper(
                id="a2", program=program, household_id="h2",
                payout_method=PayoutMethod.ATM_CASH, payee_account=None, at=RECEIVED))
            uow.applications.add(builders.application(id="a3", of_program=program,
                                                      household_id="h3"))
            uow.commit()

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.sessions, message_bus_on(
            ids=SequentialIds("x"), clock=self.clock, banks=self.banks))

    def export(self, role: Role, file_format: str = "csv",
               program_id: str = "p1") -> ApplicationExport:
        return export_applications(
            ExportApplications(program_id=program_id, format=file_format,
                               actor=builders.actor(id=f"s-{role.value}", role=role)),
            uow_factory=self.uow, clock=self.clock, banks=self.banks)

    def csv_lines(self, role: Role) -> list[str]:
        data = b"".join(cp932_csv(EXPORT_COLUMNS, (r.cells() for r in self.export(role).rows)))
        return data.decode("cp932").split("\r\n")


@pytest.fixture
def town(engine: Engine) -> Town:
    return Town(engine)


def test_the_csv_lists_households_that_applied_with_the_finance_columns_in_japan_days(
        town: Town) -> None:
    lines = town.csv_lines(Role.APPROVER)

    assert lines[0] == ('"世帯番号","氏名","カナ","住所","申請日","申請方法","決定","決定日",'
                        '"金額","支払方法","金融機関","支店","口座種別","口座番号"')
    assert lines[1].startswith('"H0001",')
    assert ('"2026/06/05","LINE","支給決定","2026/06/10","70000","口座振込","みずほ銀行",'
            '"東京営業部","普通","1234567"') in lines[1]
    assert lines[2] == ('"H0002","鈴木 花子","スズキ ハナコ","見本県見本町本町1丁目2番3号",'
                        '"2026/06/05","郵送","申請受付済み","","70000","ATM現金受取","","","",""')
    assert lines[3:] == [""]  # H0003 was only notified: not an application yet


def test_a_registry_name_that_is_a_formula_is_written_as_text(town: Town) -> None:
    lines = town.csv_lines(Role.APPROVER)

    assert lines[1].startswith('"H0001","\'=HYPERLINK(""http://evil.example/"",""詳細"")"')


def test_a_case_worker_gets_account_numbers_masked_an_approver_in_full(town: Town) -> None:
    assert town.csv_lines(Role.CASE_WORKER)[1].endswith('"普通","＊＊＊＊567"')
    assert town.csv_lines(Role.APPROVER)[1].endswith('"普通","1234567"')
    assert town.export(Role.CASE_WORKER).masked and not town.export(Role.ADMINISTRATOR).masked


def test_a_viewer_may_not_export_and_nothing_is_recorded(town: Town) -> None:
    with pytest.raises(NotAllowed):
        town.export(Role.VIEWER)
    assert _exports(town) == []


def test_an_unknown_program_or_format_is_refused(town: Town) -> None:
    with pytest.raises(NotFound):
        town.export(Role.APPROVER, program_id="nope")
    with pytest.raises(InvalidValue):
        town.export(Role.APPROVER, file_format="pdf")
    assert _exports(town) == []


def test_each_export_leaves_one_audit_record_with_its_format_before_a_row_is_read(
        town: Town) -> None:
    csv_export = town.export(Role.CASE_WORKER)  # not read at all
    rows = list(town.export(Role.APPROVER, "xlsx").rows)

    assert len(rows) == 2
    assert [(r.actor_id, r.target_id, r.detail) for r in reversed(_exports(town))] == [
        ("s-case_worker", "p1", {"format": "csv", "masked": True}),
        ("s-approver", "p1", {"format": "xlsx", "masked": False})]
    csv_export.rows.close()


def test_the_workbook_has_the_same_rows_with_dates_and_amounts_typed_and_no_formula(
        town: Town) -> None:
    data = b"".join(xlsx_workbook(EXPORT_COLUMNS, (r.values() for r in
                                                   town.export(Role.APPROVER, "xlsx").rows),
                                  sheet="申請一覧"))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == EXPORT_COLUMNS
    assert rows[1][1] == "'" + EVIL_NAME and sheet["B2"].data_type == "s"
    assert rows[1][4] == dt.datetime(2026, 6, 5) and sheet["E2"].number_format == "yyyy/mm/dd"
    assert rows[1][8] == 70000 and rows[1][13] == "1234567"
    assert rows[2][0] == "H0002" and len(rows) == 3


def _exports(town: Town) -> list:  # type: ignore[type-arg]
    records = search_audit_log(AuditQuery(action="application.export"),
                               actor=builders.actor(role=Role.ADMINISTRATOR), uow=town.uow(),
                               clock=town.clock)
    return list(records.records)
