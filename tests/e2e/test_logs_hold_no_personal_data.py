"""Nothing a log line says names a resident: not while staff import the registry (a row with
an error included) and search it by name and date of birth, whatever the log level, in the
JSON lines and in the records any other handler would see."""

from __future__ import annotations

import io
import logging

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from domain.staff import Role
from entrypoints.containers import Container
from entrypoints.logging_setup import configured_logging
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

NAMES = ("窓口 花子", "マドグチ ハナコ", "見本 次郎", "ミホン ジロウ")
BIRTHS = ("1985-04-01", "1979-12-24", "19851301")
REGISTRY = ("宛名番号,世帯番号,続柄,氏名,氏名カナ,生年月日,性別,住所,郵便番号,異動区分\n"
            "000701,H0701,世帯主,窓口 花子,マドグチ ハナコ,1985-04-01,女,見本町2丁目3番4号,"
            "1000001,\n"
            "000702,H0702,世帯主,見本 次郎,ミホン ジロウ,19851301,男,見本町5丁目6番7号,"
            "1000002,\n")  # the second row's date of birth is refused: its report quotes it


def test_a_registry_import_and_a_resident_search_log_no_name_nor_date_of_birth(
        client: FlaskClient, container: Container, caplog: pytest.LogCaptureFixture) -> None:
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    stream = io.StringIO()
    with configured_logging("json", "DEBUG", stream=stream), caplog.at_level(logging.DEBUG):
        imported = client.post("/staff/registry-import", data={
            "csrf_token": token(client), "valid_rows": "1", "partial": "1",
            "file": (io.BytesIO(REGISTRY.encode()), "registry.csv")},
            content_type="multipart/form-data")
        assert imported.status_code == 302
        report = client.get(imported.location.removesuffix("/") + "/report")
        assert "19851301" in report.get_data(as_text=True)  # the report may quote it; logs not
        for form in ({"name": "窓口 花子", "date_of_birth": "1985-04-01"},
                     {"name": "見本 次郎", "date_of_birth": "1979-12-24"}):
            found = client.post("/staff/residents", data={"csrf_token": token(client), **form})
            assert found.status_code == 200
        # the old GET form, as a bookmark would send it: its query string is not logged either
        client.get("/staff/residents?name=%E7%AA%93%E5%8F%A3+%E8%8A%B1%E5%AD%90"
                   "&date_of_birth=1985-04-01")

    written = stream.getvalue()
    seen = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "registry import written" in written  # the import did log, by counts
    for fact in NAMES + BIRTHS:
        assert fact not in written and fact not in seen, fact


def test_a_database_error_quotes_no_value_of_its_statement(engine: Engine) -> None:
    """A refused statement's error is logged (by its type, entrypoints/logging_setup.py) and may
    be shown anywhere: the engine never puts the values in it."""
    with pytest.raises(DBAPIError) as raised, engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table WHERE name = :name"),
                           {"name": "窓口 花子"})

    assert "窓口" not in str(raised.value) and "hidden" in str(raised.value)
