"""Japanese telephone numbers (電話番号) in E.164, and which of them can receive SMS.

Residents type numbers every way there is: 090-1234-5678, ０９０ー１２３４ー５６７８,
(090)1234 5678, +81 90 1234 5678, +81(0)90-1234-5678. All become +819012345678. SMS goes only
to mobile numbers (携帯電話: 070, 080 and 090, eleven digits); a landline (固定電話, ten digits),
an IP phone (050), a toll-free or shared-cost number (0120, 0800, 0570) or a foreign number is
refused with a message that says what to type instead.
"""

from __future__ import annotations

import re
import unicodedata

from attrs import frozen

from domain.errors import InvalidValue

__all__ = ["PhoneNumber", "dialled_number", "written_number"]

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー－().・]")
_MOBILE = re.compile(r"0[789]0\d{8}")
_LANDLINE = re.compile(r"0[1-9]\d{8}")
_NOT_PERSONAL = ("0120", "0800", "0570", "0990")

MALFORMED = ("電話番号の形が正しくありません。携帯電話の番号を「090-1234-5678」のように"
             "入力してください。")
NOT_JAPANESE = "日本の電話番号（+81 または 0 で始まる番号）を入力してください。"
LANDLINE = ("固定電話の番号にはSMSを送れません。携帯電話の番号（070・080・090で始まる11桁）を"
            "入力してください。")
IP_PHONE = ("050で始まるIP電話の番号にはSMSを送れません。携帯電話の番号（070・080・090で"
            "始まる11桁）を入力してください。")
ANY_MALFORMED = ("電話番号の形が正しくありません。「090-1234-5678」や「0866-92-1234」のように"
                 "市外局番から入力してください。")
_ELEVEN = ("020", "050", "060", "070", "080", "090", "0800")  # numbers of eleven digits
SERVICE = ("フリーダイヤルなどの番号にはSMSを送れません。携帯電話の番号（070・080・090で"
           "始まる11桁）を入力してください。")


def _national(text: str) -> str:
    """The number as dialled in Japan (0 and the digits), or a refusal."""
    cleaned = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text)).strip())
    if cleaned.startswith("+"):
        if not cleaned.startswith("+81"):
            raise InvalidValue(NOT_JAPANESE)
        rest = cleaned[3:]
        rest = rest[1:] if rest.startswith("0") else rest  # +81(0)90… written with the 0
        cleaned = "0" + rest
    if not cleaned.isascii() or not cleaned.isdigit() or not cleaned.startswith("0"):
        raise InvalidValue(MALFORMED)
    return cleaned


def dialled_number(text: str) -> str:
    """Any Japanese number a resident can be called back on (a mobile, a landline with its area
    code, 050, 0120…), as dialled in Japan: 0866921234. Refused (with why) otherwise."""
    try:
        national = _national(text)
    except InvalidValue as error:
        raise InvalidValue(error.message if error.message == NOT_JAPANESE
                           else ANY_MALFORMED) from None
    eleven = national.startswith(_ELEVEN)
    if len(national) != (11 if eleven else 10) or national[1] == "0":
        raise InvalidValue(ANY_MALFORMED)
    return national


def written_number(national: str) -> str:
    """A number kept by `dialled_number` as people write it where the split is certain
    (090-1234-5678, 050-…, 0120-123-456); a landline's area code varies, so it stays whole."""
    if len(national) == 11 and national.startswith("0800"):
        return f"{national[:4]}-{national[4:7]}-{national[7:]}"
    if len(national) == 11:
        return f"{national[:3]}-{national[3:7]}-{national[7:]}"
    if national.startswith(("0120", "0570", "0990")):
        return f"{national[:4]}-{national[4:7]}-{national[7:]}"
    return national


@frozen
class PhoneNumber:
    """A Japanese mobile number that can receive SMS, held in E.164 (`+819012345678`)."""

    e164: str

    def __attrs_post_init__(self) -> None:
        if not re.fullmatch(r"\+81[789]0\d{8}", self.e164):
            raise InvalidValue(MALFORMED)

    @classmethod
    def mobile(cls, text: str) -> PhoneNumber:
        """A number as a resident typed it, for SMS: refused (with why) unless it is a mobile."""
        national = _national(text)
        if _MOBILE.fullmatch(national):
            return cls("+81" + national[1:])
        if national.startswith("050") and len(national) == 11:
            raise InvalidValue(IP_PHONE)
        if national.startswith(_NOT_PERSONAL):
            raise InvalidValue(SERVICE)
        if national[:3] in {"020", "060", "070", "080", "090"}:  # a mobile prefix, a digit short
            raise InvalidValue(MALFORMED)
        if _LANDLINE.fullmatch(national):
            raise InvalidValue(LANDLINE)
        raise InvalidValue(MALFORMED)

    @property
    def national(self) -> str:
        """As people write it: 090-1234-5678."""
        digits = "0" + self.e164[3:]
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"

    def masked(self) -> str:
        """For staff pages and logs that must not show the whole number: 090-****-5678."""
        return f"{self.national[:3]}-****-{self.national[-4:]}"

    def __str__(self) -> str:
        return self.e164
