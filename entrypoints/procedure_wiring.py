"""The procedures residents run, as the container wires them: those that ship with Madoguchi
and, from the database, those staff built (ADR 0055); and the chat's fixed menu entries."""

from __future__ import annotations

from pathlib import Path

from application.benefits.account_dialog import BENEFIT_ACCOUNT
from application.cases.consultation_procedure import CONSULTATION
from application.certificates.procedure import CERTIFICATE
from application.channels.contacts import CONTACT_ADD, CONTACT_CODE
from application.channels.menu import Menu, MenuEntry
from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.library import CONTACT, REPORT
from application.ports.procedure_store import ProcedureStore
from application.procedure_builder.publishing import PublishCheck

__all__ = ["SHIPPED", "SHIPPED_IDS", "TEMPLATE_LIBRARY", "procedure_catalogue", "publish_checks",
           "town_menu"]

SHIPPED = (CONTACT, REPORT, CERTIFICATE, BENEFIT_ACCOUNT, CONTACT_ADD, CONTACT_CODE,
           CONSULTATION)
# The ids of the procedures that ship: a procedure staff build cannot take one.
SHIPPED_IDS = frozenset(procedure.id for procedure in SHIPPED)
# The templates library (テンプレート集): the repository's templates/procedures/ folder.
TEMPLATE_LIBRARY = Path(__file__).resolve().parents[1] / "templates" / "procedures"


def procedure_catalogue(store: ProcedureStore | None) -> ProcedureCatalogue:
    return ProcedureCatalogue({procedure.id: procedure for procedure in SHIPPED}, store)


def publish_checks(settings: object) -> tuple[PublishCheck, ...]:
    """Further checks before a procedure is published, as the town is set up (a fee needs the
    town's payment gateway: the fees work adds its check here)."""
    return ()


def town_menu(town_name: str) -> Menu:
    """The menu's fixed entries; the procedures staff built follow in their own order."""
    return Menu(town_name=town_name, entries=(
        MenuEntry("contact", "お問い合わせ"),
        MenuEntry("report", "道路・公園などの通報"),
        MenuEntry("certificate", "証明書の請求"),
        MenuEntry("consultation", "相談"),
    ))

