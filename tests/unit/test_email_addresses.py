import pytest

from domain.email_addresses import EmailAddress
from domain.errors import InvalidValue


@pytest.mark.parametrize(("typed", "kept"), [
    ("taro@example.jp", "taro@example.jp"),
    ("  Taro.Yamada+soja@Example.CO.JP ", "taro.yamada+soja@example.co.jp"),
    ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),  # typed full-width on a phone
    ("hanako@mail.xn--eckwd4c7c.jp", "hanako@mail.xn--eckwd4c7c.jp"),
])
def test_an_address_is_kept_in_lower_case_after_folding_full_width(typed: str,
                                                                  kept: str) -> None:
    assert EmailAddress.of(typed).value == kept
    assert EmailAddress.of(typed).domain == kept.split("@")[1]


@pytest.mark.parametrize(("typed", "said"), [
    ("", "入力してください"),
    ("taro.example.jp", "「@」を1つだけ"),
    ("taro@@example.jp", "「@」を1つだけ"),
    ("@example.jp", "前と後ろの両方"),
    ("太郎@example.jp", "使えない文字"),
    ("taro..yamada@example.jp", "使えない文字"),
    ("taro@localhost", "ドメイン名として正しくありません"),
    ("taro@example", "ドメイン名として正しくありません"),
    ("taro@exa mple.jp", "ドメイン名として正しくありません"),
    ("taro@-example.jp", "ドメイン名として正しくありません"),
    ("taro@example.jp\r\nBcc: x@evil.jp", "「@」を1つだけ"),
    ("taro@example.jp\r\nBcc: x", "ドメイン名として正しくありません"),
    ("a" * 250 + "@example.jp", "長すぎます"),
])
def test_a_malformed_address_is_refused_with_a_japanese_reason(typed: str, said: str) -> None:
    with pytest.raises(InvalidValue, match=said):
        EmailAddress.of(typed)


def test_something_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidValue):
        EmailAddress.of(None)
