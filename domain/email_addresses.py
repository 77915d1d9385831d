"""E-mail addresses (メールアドレス) as residents type them, checked once at entry."""

from __future__ import annotations

import re
import unicodedata

from attrs import frozen

from domain.errors import InvalidValue

__all__ = ["EmailAddress"]

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$")


@frozen
class EmailAddress:
    """An address mail can be sent to, in lower case: the domain always (DNS ignores case) and
    the local part too, as the channels' shared design says (one identity per mailbox however
    it was typed; RFC 5321 lets a server tell Taro@ from taro@, but no mailbox provider a
    resident uses does). Full-width characters typed on a phone (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ)
    are folded to ASCII first; anything else is refused with a message that says what to fix."""

    value: str

    @classmethod
    def of(cls, text: object) -> EmailAddress:
        if not isinstance(text, str) or not text.strip():
            raise InvalidValue("メールアドレスを入力してください。")
        folded = unicodedata.normalize("NFKC", text).strip()
        if len(folded) > 254:
            raise InvalidValue("メールアドレスが長すぎます（254文字以内）。")
        if folded.count("@") != 1:
            raise InvalidValue("メールアドレスには「@」を1つだけ含めてください"
                               "（例: taro@example.jp）。")
        local, domain = folded.split("@")
        if not local or not domain:
            raise InvalidValue("メールアドレスの「@」の前と後ろの両方を入力してください。")
        if not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") \
                or ".." in local:
            raise InvalidValue("メールアドレスの「@」より前に使えない文字があります"
                               "（半角英数字と . _ - + などが使えます）。")
        domain = domain.lower().rstrip(".")
        labels = domain.split(".")
        if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
                or not _TLD.match(labels[-1]):
            raise InvalidValue(f"メールアドレスの「@」より後ろ（{domain}）がドメイン名として"
                               "正しくありません（例: example.jp）。")
        return cls(f"{local.lower()}@{domain}")

    @property
    def domain(self) -> str:
        return self.value.rsplit("@", 1)[1]

    def __str__(self) -> str:
        return self.value
