"""Value objects that validate themselves. Invalid input raises `InvalidValue` in Japanese."""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata

from attrs import field, frozen

from domain.errors import InvalidValue

__all__ = [
    "JST",
    "MAX_YEN",
    "AccountType",
    "Address",
    "BankAccount",
    "DateOfBirth",
    "Money",
    "PersonName",
    "Sex",
    "ZenginKana",
    "to_katakana",
]

JST = dt.timezone(dt.timedelta(hours=9), "JST")  # Japan time: every date a person reads

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean_text(value: str, *, what: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"{what}は文字列で指定してください。")
    text = value.strip()
    if not text:
        raise InvalidValue(f"{what}を入力してください。")
    if _CONTROL.search(text):
        raise InvalidValue(f"{what}に使えない制御文字が含まれています。")
    if len(text) > max_length:
        raise InvalidValue(f"{what}は{max_length}文字以内で入力してください。")
    return text


MAX_YEN = 999_999_999_999  # the largest 合計金額 (N12) a Zengin transfer file carries


@frozen(order=True)
class Money:
    """An amount in yen. Integers only: there are no fractions of a yen in anything we pay.
    At most `MAX_YEN`, the largest total a Zengin transfer file's trailer can carry (合計金額
    N12), so that every amount and every sum of a batch fits the file and the database."""

    yen: int = field()

    @yen.validator
    def _check(self, _attribute: object, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidValue("金額は円単位の整数で指定してください。")
        if value < 0:
            raise InvalidValue("金額に負の値は指定できません。")
        if value > MAX_YEN:
            raise InvalidValue("金額が大きすぎます（1兆円未満で指定してください）。")

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    def __add__(self, other: Money) -> Money:
        return Money(self.yen + other.yen)

    def times(self, count: int) -> Money:
        return Money(self.yen * count)

    def format(self) -> str:
        """`70,000円`, the way a notice shows it."""
        return f"{self.yen:,}円"


class Sex(enum.Enum):
    """性別, coded as the resident registry codes it (1 男, 2 女)."""

    MALE = "1"
    FEMALE = "2"

    @classmethod
    def parse(cls, text: str) -> Sex:
        key = unicodedata.normalize("NFKC", str(text)).strip().lower()
        if key in {"1", "男", "男性", "m", "male"}:
            return cls.MALE
        if key in {"2", "女", "女性", "f", "female"}:
            return cls.FEMALE
        raise InvalidValue(
            f"性別「{text}」を読み取れません（男・女、または 1・2 で指定してください）。"
        )

    @property
    def label(self) -> str:
        return "男" if self is Sex.MALE else "女"


_KANA_NAME = re.compile(r"^[\u30a0-\u30ff\u3000 ]+$")


@frozen
class PersonName:
    """氏名 as written in the registry (family and given name separated by a space where known),
    with the reading in full-width katakana (フリガナ) where known."""

    name: str = field(converter=lambda v: v.strip() if isinstance(v, str) else v)
    kana: str | None = field(default=None,
                             converter=lambda v: v.strip() if isinstance(v, str) else v)

    @name.validator
    def _check_name(self, _attribute: object, value: str) -> None:
        _clean_text(value, what="氏名", max_length=100)

    @kana.validator
    def _check_kana(self, _attribute: object, value: str | None) -> None:
        if value is None:
            return
        text = _clean_text(value, what="氏名のフリガナ", max_length=100)
        if not _KANA_NAME.match(text):
            raise InvalidValue("氏名のフリガナは全角カタカナで入力してください。")

    @classmethod
    def of(cls, name: str, kana: str | None = None) -> PersonName:
        """Build from what a person typed: trims and turns hiragana or half-width kana into
        full-width katakana for the reading."""
        reading = None
        if kana is not None and kana.strip():
            reading = _to_katakana(unicodedata.normalize("NFKC", kana)).strip()
        return cls(name=name, kana=reading)


def _to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def to_katakana(text: str) -> str:
    """A reading as a person reads it back: NFKC (half-width kana made full-width), hiragana
    made katakana, spaces (full-width too) collapsed to one: やまだ　ﾀﾛｳ → ヤマダ タロウ."""
    return " ".join(_to_katakana(unicodedata.normalize("NFKC", str(text))).split())


_POSTAL_CODE = re.compile(r"[0-9]{7}")


@frozen
class Address:
    """住所 on one line, as the registry writes it; postal code of 7 digits where known."""

    text: str = field(converter=lambda v: v.strip() if isinstance(v, str) else v)
    postal_code: str | None = field(default=None)

    @text.validator
    def _check_text(self, _attribute: object, value: str) -> None:
        _clean_text(value, what="住所", max_length=200)

    @postal_code.validator
    def _check_postal_code(self, _attribute: object, value: str | None) -> None:
        if value is not None and not _POSTAL_CODE.fullmatch(value):
            raise InvalidValue("郵便番号は7桁の数字で入力してください。")

    @classmethod
    def of(cls, text: str, postal_code: str | None = None) -> Address:
        code = None
        if postal_code:
            code = unicodedata.normalize("NFKC", postal_code).replace("-", "").replace("〒", "")
            code = code.strip()
        return cls(text=text, postal_code=code or None)


_EARLIEST_BIRTH = dt.date(1880, 1, 1)


@frozen(order=True)
class DateOfBirth:
    """生年月日. Not before 1880; whether it lies in the future is checked against the clock."""

    value: dt.date = field()

    @value.validator
    def _check(self, _attribute: object, value: dt.date) -> None:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidValue("生年月日は日付で指定してください。")
        if value < _EARLIEST_BIRTH:
            raise InvalidValue("生年月日が古すぎます。入力を確認してください。")

    @classmethod
    def parse(cls, text: str) -> DateOfBirth:
        """Accepts 1985-04-01, 1985/4/1 and 19850401 (full-width digits too)."""
        raw = unicodedata.normalize("NFKC", str(text)).strip()
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", raw) or re.fullmatch(
            r"(\d{4})(\d{2})(\d{2})", raw
        )
        if not match:
            raise InvalidValue(f"生年月日「{text}」を読み取れません（例: 1985-04-01）。")
        try:
            return cls(dt.date(*(int(part) for part in match.groups())))
        except ValueError:
            raise InvalidValue(f"生年月日「{text}」は存在しない日付です。") from None

    def ensure_not_after(self, today: dt.date) -> DateOfBirth:
        if self.value > today:
            raise InvalidValue("生年月日が未来の日付になっています。")
        return self

    def age_on(self, day: dt.date) -> int:
        born = self.value
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class AccountType(enum.Enum):
    """預金種目, with the codes of the Zengin transfer file."""

    ORDINARY = "1"
    CURRENT = "2"
    SAVINGS = "4"
    OTHER = "9"

    @property
    def label(self) -> str:
        return {"1": "普通", "2": "当座", "4": "貯蓄", "9": "その他"}[self.value]


_SMALL_TO_LARGE = str.maketrans("ァィゥェォャュョッヮヵヶ", "アイウエオヤユヨツワカケ")
_ZENGIN_SYMBOLS = set("()./- ")


def _build_half_width_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFFA0):
        half = chr(code)
        table[unicodedata.normalize("NFKC", half)] = half
        for mark in ("\uff9e", "\uff9f"):
            composed = unicodedata.normalize("NFKC", half + mark)
            if len(composed) == 1:
                table[composed] = half + mark
    return table


_HALF_WIDTH = _build_half_width_table()
_ZENGIN_KANA_CHARS = {chr(c) for c in range(0xFF71, 0xFFA0) if c != 0xFF70} | {"\uff66"}
_ZENGIN_ALLOWED = (
    _ZENGIN_KANA_CHARS
    | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    | _ZENGIN_SYMBOLS
)


@frozen
class ZenginKana:
    """A name as the Zengin transfer file accepts it: half-width katakana with small kana written
    large, upper-case A–Z, digits, space and ( ) . - /. Build it with `from_text`."""

    text: str = field()

    @text.validator
    def _check(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise InvalidValue("口座名義（カナ）を入力してください。")
        bad = sorted({c for c in value if c not in _ZENGIN_ALLOWED})
        if bad:
            shown = "、".join(f"「{c}」" for c in bad)
            raise InvalidValue(f"口座名義（カナ）に振込で使えない文字があります: {shown}")

    @classmethod
    def from_text(cls, text: str) -> ZenginKana:
        """Converts hiragana, full-width katakana, letters and digits to the transfer-file form
        (キョウ → ｷﾖｳ). Characters the file cannot carry (ー, ・, kanji, …) are refused."""
        if not isinstance(text, str):
            raise InvalidValue("口座名義（カナ）を入力してください。")
        widened = unicodedata.normalize("NFKC", text).upper().replace("\u3000", " ")
        katakana = _to_katakana(widened).translate(_SMALL_TO_LARGE)
        out = "".join(_HALF_WIDTH.get(c, c) for c in katakana)
        return cls(" ".join(out.split()))

    @classmethod
    def of_person(cls, text: str) -> ZenginKana:
        """A person's name as an account holder (口座名義): kana only, in hiragana or katakana,
        full or half width, with spaces; digits and letters are refused (they belong to
        companies' names, and in a person's name they are a typo)."""
        if not isinstance(text, str) or not text.strip():
            raise InvalidValue("口座名義（カナ）を入力してください。")
        widened = unicodedata.normalize("NFKC", text)
        if any(c.isascii() and c.isalnum() for c in widened):
            raise InvalidValue("口座名義はカナで入力してください（数字や英字は使えません）。")
        kana = cls.from_text(text)
        if not any(c in _ZENGIN_KANA_CHARS for c in kana.text):
            raise InvalidValue("口座名義はカナで入力してください（例: ヤマダ タロウ）。")
        return kana

    @property
    def byte_length(self) -> int:
        return len(self.text.encode("cp932"))


_DIGITS = re.compile(r"[0-9]+")
_NUMBER_SEPARATORS = re.compile(r"[\s\-‐‑–—−ー－]")


@frozen
class BankAccount:
    """A payee account: bank code (4 digits), branch code (3), account type, number (7) and the
    holder's name in transfer-file kana."""

    bank_code: str = field()
    branch_code: str = field()
    account_type: AccountType = field()
    number: str = field()
    holder: ZenginKana = field()

    @bank_code.validator
    def _check_bank(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or len(value) != 4 or not _DIGITS.fullmatch(value):
            raise InvalidValue("金融機関コードは4桁の数字で入力してください。")

    @branch_code.validator
    def _check_branch(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or len(value) != 3 or not _DIGITS.fullmatch(value):
            raise InvalidValue("支店コードは3桁の数字で入力してください。")

    @account_type.validator
    def _check_type(self, _attribute: object, value: AccountType) -> None:
        if not isinstance(value, AccountType):
            raise InvalidValue("預金種目を選んでください（普通・当座・貯蓄）。")

    @number.validator
    def _check_number(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or len(value) != 7 or not _DIGITS.fullmatch(value):
            raise InvalidValue("口座番号は7桁の数字で入力してください。")

    @classmethod
    def of(
        cls, *, bank_code: str, branch_code: str, account_type: AccountType | str,
        number: str, holder: str,
    ) -> BankAccount:
        """Build from what a person typed: full-width digits, hyphens and spaces are accepted,
        and a number of fewer than 7 digits is zero-filled on the left as banks do."""

        def digits(text: str) -> str:
            return _NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text)))

        number_digits = digits(number)
        if _DIGITS.fullmatch(number_digits) and len(number_digits) < 7:
            number_digits = number_digits.zfill(7)
        kind = account_type
        if not isinstance(kind, AccountType):
            try:
                kind = AccountType(str(kind))
            except ValueError:
                raise InvalidValue("預金種目を選んでください（普通・当座・貯蓄）。") from None
        return cls(
            bank_code=digits(bank_code),
            branch_code=digits(branch_code),
            account_type=kind,
            number=number_digits,
            holder=ZenginKana.from_text(holder),
        )

    @staticmethod
    def typed_number(text: str) -> str:
        """口座番号 as a person types it (123-4567, １２３４５６７, 12 34): its digits, 1 to 7 of
        them (BankAccount.of zero-fills on the left); refused in Japanese otherwise."""
        digits = _NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text)))
        if not _DIGITS.fullmatch(digits) or len(digits) > 7:
            raise InvalidValue("口座番号は7桁までの数字で入力してください（例: 1234567）。")
        return digits

    def masked(self) -> str:
        """The number as a notice shows it: ＊＊＊＊123."""
        return "＊" * 4 + self.number[-3:]
