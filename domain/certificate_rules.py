"""The town's rules for certificate requests: the fees (手数料) and postage, which items a
certificate may show, and who may ask for whose certificate (本人・同一世帯の方)."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen

from domain.certificates import MAX_COPIES, CertificateKind
from domain.errors import DomainError, InvalidValue
from domain.households import Household
from domain.residents import RegistryStatus, Resident
from domain.values import Money

__all__ = [
    "DEFAULT_FEES",
    "DEFAULT_POSTAGE",
    "ITEMS",
    "FeeSchedule",
    "HouseholdRule",
    "NotEligible",
    "Quote",
    "check_items",
    "check_subject",
]

# What most towns charge per copy (the town sets its own by ordinance; see config).
DEFAULT_FEES: dict[CertificateKind, Money] = {
    CertificateKind.RESIDENT_RECORD: Money(300),
    CertificateKind.SEAL_REGISTRATION: Money(300),
    CertificateKind.INCOME: Money(300),
    CertificateKind.TAXATION: Money(300),
}
DEFAULT_POSTAGE = Money(110)  # 定形郵便 25g まで

# Items a resident may ask to be shown (記載事項); other kinds have none to choose.
ITEMS: dict[CertificateKind, frozenset[str]] = {
    CertificateKind.RESIDENT_RECORD: frozenset({"世帯全員", "続柄", "本籍"}),
}


class NotEligible(DomainError):
    """The requester may not ask for this certificate (of this person)."""

    code = "not_eligible"


@frozen
class Quote:
    fee_per_copy: Money
    copies: int
    postage: Money

    @property
    def fee(self) -> Money:
        return self.fee_per_copy.times(self.copies)

    @property
    def total(self) -> Money:
        return self.fee + self.postage


def _fees(value: Mapping[CertificateKind, Money]) -> dict[CertificateKind, Money]:
    return dict(value)


@frozen
class FeeSchedule:
    """Fees per copy by kind, and the postage of one envelope (all copies go together)."""

    fees: dict[CertificateKind, Money] = field(factory=lambda: dict(DEFAULT_FEES),
                                               converter=_fees)
    postage: Money = DEFAULT_POSTAGE

    def __attrs_post_init__(self) -> None:
        missing = [kind.label for kind in CertificateKind if kind not in self.fees]
        if missing:
            raise InvalidValue(f"手数料が決まっていない証明書があります: {'、'.join(missing)}")

    def quote(self, kind: CertificateKind, copies: int) -> Quote:
        if isinstance(copies, bool) or not isinstance(copies, int) \
                or not 1 <= copies <= MAX_COPIES:
            raise InvalidValue(f"通数は1〜{MAX_COPIES}通で指定してください。")
        return Quote(fee_per_copy=self.fees[kind], copies=copies, postage=self.postage)


@frozen
class HouseholdRule:
    """Which certificates a verified resident may ask for on behalf of a member of the same
    household (住民基本台帳法 第12条: 本人又は同一の世帯に属する者). A 印鑑登録証明書 needs the
    registrant's own card, so by default only the registrant asks for it online."""

    household_kinds: frozenset[CertificateKind] = field(
        default=frozenset({CertificateKind.RESIDENT_RECORD, CertificateKind.INCOME,
                           CertificateKind.TAXATION}),
        converter=frozenset)

    def allows_household(self, kind: CertificateKind) -> bool:
        return kind in self.household_kinds


def check_subject(kind: CertificateKind, requester: Resident, subject: Resident,
                  household: Household | None, rule: HouseholdRule) -> None:
    """Raises NotEligible, in words the resident understands, unless `requester` may ask for
    `subject`'s certificate of `kind`."""
    if not requester.is_verified:
        raise NotEligible("証明書の請求には、マイナンバーカードでの本人確認が必要です。")
    if requester.registry_status is not RegistryStatus.RESIDENT:
        raise NotEligible("住民登録のある方だけが、このトークで証明書を請求できます。"
                          "窓口にお問い合わせください。")
    if subject.id == requester.id:
        return
    if not rule.allows_household(kind):
        raise NotEligible(f"{kind.label}は、ご本人からの請求だけを受け付けています。")
    same_household = (
        household is not None and requester.id in household.member_ids
        and subject.id in household.member_ids
        and requester.household_number == subject.household_number == household.household_number
    )
    if not same_household:
        raise NotEligible("同じ世帯の方の証明書だけを請求できます。")
    if subject.registry_status is not RegistryStatus.RESIDENT:
        raise NotEligible("その方の証明書は、このトークでは請求できません。窓口にお問い合わせ"
                          "ください。")


def check_items(kind: CertificateKind, items: frozenset[str]) -> frozenset[str]:
    allowed = ITEMS.get(kind, frozenset())
    unknown = sorted(set(items) - allowed)
    if unknown:
        raise InvalidValue(f"{kind.label}には指定できない記載事項です: {'、'.join(unknown)}")
    return frozenset(items)
