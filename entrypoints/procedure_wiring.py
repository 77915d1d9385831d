"""The procedures residents run, as the container wires them: those that ship with Madoguchi
and, from the database, those staff built (ADR 0055); and the chat's fixed menu entries."""

from __future__ import annotations

from application.associations.desk import ASSOCIATION_JOIN
from application.benefits.account_dialog import BENEFIT_ACCOUNT
from application.cases.consultation_procedure import CONSULTATION
from application.certificates.procedure import CERTIFICATE
from application.channels.contacts import CONTACT_ADD, CONTACT_CODE
from application.channels.menu import Menu, MenuEntry
from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.library import CONTACT, REPORT
from application.ports.procedure_store import ProcedureStore

__all__ = ["IN_MENU", "SHIPPED", "SHIPPED_IDS", "procedure_catalogue", "town_menu"]

SHIPPED = (CONTACT, REPORT, CERTIFICATE, BENEFIT_ACCOUNT, CONTACT_ADD, CONTACT_CODE,
           CONSULTATION, ASSOCIATION_JOIN)

SHIPPED_IDS = frozenset(procedure.id for procedure in SHIPPED)


def procedure_catalogue(store: ProcedureStore | None) -> ProcedureCatalogue:
    return ProcedureCatalogue({procedure.id: procedure for procedure in SHIPPED}, store)


def town_menu(town_name: str) -> Menu:
    """The menu's fixed entries; the procedures staff built follow in their own order."""
    return Menu(town_name=town_name, entries=(
        MenuEntry("contact", "お問い合わせ"),
        MenuEntry("report", "道路・公園などの通報"),
        MenuEntry("certificate", "証明書の請求"),
        MenuEntry("consultation", "相談"),
    ), associations=True)


# The shipped procedures residents choose from the menu (the others are dialogs inside them:
# adding a contact, typing its code, joining a 自治会): what the report counts as online.
IN_MENU = tuple(procedure for procedure in SHIPPED
                if procedure.id in {entry.procedure_id for entry in town_menu("").entries})
