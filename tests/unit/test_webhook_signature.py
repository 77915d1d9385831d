"""The webhooks' signature (ADR 0071): what a receiver checks with `verify_signature`."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from pathlib import Path

import pytest

from domain.webhook_signature import InvalidSignature, sign, signature_header, verify_signature

pytestmark = pytest.mark.unit

SECRET = "whsec_test"
BODY = b'{"id":"e1","type":"application.decided"}'
NOW = 1_780_000_000


def test_the_signature_is_hmac_sha256_over_the_timestamp_a_dot_and_the_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, NOW, BODY) == expected
    assert signature_header(SECRET, NOW, BODY) == f"t={NOW},v1={expected}"


def test_a_signed_body_verifies_and_gives_its_timestamp() -> None:
    assert verify_signature(SECRET, signature_header(SECRET, NOW, BODY), BODY,
                            now=NOW + 10) == NOW


@pytest.mark.parametrize(("secret", "body"), [("whsec_other", BODY), (SECRET, BODY + b" ")])
def test_another_secret_or_a_changed_body_is_refused(secret: str, body: bytes) -> None:
    with pytest.raises(InvalidSignature):
        verify_signature(secret, signature_header(SECRET, NOW, BODY), body, now=NOW)


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_signature_outside_five_minutes_is_refused(skew: int) -> None:
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify_signature(SECRET, signature_header(SECRET, NOW, BODY), BODY, now=NOW + skew)


@pytest.mark.parametrize("header", ["", "v1=abc", f"t={NOW}", "t=soon,v1=abc", "garbage",
                                    "t=²,v1=abc"])  # a digit to isdigit(), not to int()
def test_a_malformed_header_is_refused(header: str) -> None:
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, header, BODY, now=NOW)


def test_one_matching_signature_among_several_is_enough_while_a_secret_is_replaced() -> None:
    header = f"t={NOW},v1={sign('whsec_old', NOW, BODY)},v1={sign(SECRET, NOW, BODY)}"
    assert verify_signature(SECRET, header, BODY, now=NOW) == NOW


def test_the_verification_snippet_in_the_integrators_guide_agrees_with_the_signer() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "integrators.md").read_text(
        encoding="utf-8")
    [snippet] = [block for block in re.findall(r"```python\n(.*?)```", guide, re.DOTALL)
                 if "def verify(" in block]
    namespace: dict[str, object] = {}
    exec(snippet, namespace)  # the guide's own code, as a receiver would paste it
    verify = namespace["verify"]
    now = int(time.time())
    assert verify(SECRET, signature_header(SECRET, now, BODY), BODY)  # type: ignore[operator]
    assert not verify(SECRET, signature_header("whsec_other", now, BODY), BODY)  # type: ignore[operator]
    assert not verify(SECRET, signature_header(SECRET, now - 600, BODY), BODY)  # type: ignore[operator]
