"""Who may take the whole town away: an administrator (or the operator at the server), and
nobody else — refused before a row is read or a record written."""

from __future__ import annotations

import pytest

from application.town_data.exporting_town import ExportTown, export_town
from domain.errors import NotAllowed
from domain.staff import Role
from tests import builders as b
from tests.fakes import FakeClock

pytestmark = pytest.mark.unit


def _never() -> object:
    raise AssertionError("nothing may be read or recorded")


class _NoArchive:
    def write(self, *args: object, **kwargs: object) -> object:
        raise AssertionError("nothing may be written")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CASE_WORKER, Role.APPROVER])
def test_only_an_administrator_exports_the_town(role: Role) -> None:
    with pytest.raises(NotAllowed, match="町のデータを書き出し"):
        export_town(ExportTown(actor=b.actor(role=role)), uow_factory=_never,  # type: ignore[arg-type]
                    clock=FakeClock(), archive=_NoArchive())  # type: ignore[arg-type]
