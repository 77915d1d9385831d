"""Who an application or a payment is about, as staff read it where they decide, approve or
repay: the head of household (name, reading, address) and the account with the bank's and the
branch's names. Read inside the unit of work of an audited look (the callers record it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import frozen

from application.ports.bank_master import BankMaster
from application.ports.unit_of_work import UnitOfWork
from domain.values import BankAccount, to_katakana
from domain.yucho import as_on_passbook

__all__ = ["Applicant", "ShownAccount", "applicants", "shown_account"]


@frozen
class Applicant:
    """A household's head as the registry knows them."""

    resident_id: str
    resident_number: str
    name: str
    kana: str
    address: str
    postal_code: str  # 7 digits, or ""

    @property
    def postal_text(self) -> str:
        """〒123-4567 (the house format), or "" when the registry has no postal code."""
        code = self.postal_code
        return f"〒{code[:3]}-{code[3:]}" if len(code) == 7 else ""


@frozen
class ShownAccount:
    """An account as a page shows it: the bank master's names beside the codes ("" when the
    master does not know the code), the number masked unless the page may show it in full."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type_label: str
    number: str  # in full, or masked (＊＊＊＊567)
    holder: str
    passbook: tuple[str, str] | None = None  # ゆうちょ: (記号, 番号) as printed, when in full

    @property
    def masked(self) -> bool:
        return self.number.startswith("＊")


def shown_account(account: BankAccount, banks: BankMaster, *, full: bool = False) -> ShownAccount:
    bank = banks.bank(account.bank_code)
    branch = banks.branch(account.bank_code, account.branch_code)
    return ShownAccount(bank_code=account.bank_code, bank_name=bank.full_name if bank else "",
                        branch_code=account.branch_code,
                        branch_name=branch.full_name if branch else "",
                        account_type_label=account.account_type.label,
                        number=account.number if full else account.masked(),
                        holder=to_katakana(account.holder.text),  # as people read it
                        passbook=as_on_passbook(account) if full else None)


def applicants(uow: UnitOfWork, head_ids: Sequence[str]) -> Mapping[str, Applicant]:
    """Heads by resident id (only these are decrypted). Inside `with uow:`."""
    found = uow.residents.by_ids(list(dict.fromkeys(head_ids)))
    shown: dict[str, Applicant] = {}
    for resident_id, resident in found.items():
        facts = resident.facts
        shown[resident_id] = Applicant(
            resident_id=resident_id, resident_number=resident.resident_number or "",
            name=facts.name.name if facts else "", kana=(facts.name.kana or "") if facts else "",
            address=facts.address.text if facts else "",
            postal_code=(facts.address.postal_code or "") if facts else "")
    return shown
