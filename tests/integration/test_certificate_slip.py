"""The request slip as a PDF with Japanese text in the built-in CID fonts."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib

import pytest

from adapters.documents.certificate_slip import ReportlabSlipRenderer
from application.certificates.queue import RequestFile
from domain.certificates import CertificateKind, CertificateRequest
from domain.values import Money
from tests import builders

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)


def _file(*, for_member: bool) -> RequestFile:
    parent = builders.resident(id="r1", resident_number="1")
    child = builders.resident(id="r2", resident_number="2", name="山田 花子")
    request = CertificateRequest(
        id="01JREQUEST0000000000000001", requester_id="r1",
        subject_id="r2" if for_member else "r1", kind=CertificateKind.RESIDENT_RECORD, copies=2,
        purpose="年金・保険", fee_per_copy=Money(300), postage=Money(110),
        items={"続柄", "世帯全員"}, requested_at=NOW)
    request.start_payment("x-1", provider="paypay", provider_id="c", url="u", at=NOW)
    request.mark_paid(payment_id="0420000000000001", amount=Money(710), at=NOW)
    return RequestFile(request=request, requester=parent, subject=child)


def _text(pdf: bytes) -> bytes:
    """The page content streams, decoded (reportlab writes them ASCII85 over Flate)."""
    out = b""
    for body in re.findall(rb"\bstream\r?\n(.*?)endstream", pdf, re.DOTALL):
        body = body.strip()
        try:
            out += zlib.decompress(base64.a85decode(body.removesuffix(b"~>")))
        except (ValueError, zlib.error):
            out += body
    return out


_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)


def _shown(content: bytes) -> str:
    """The text drawn with Tj: the Japanese fonts take UTF-16 code units."""
    def unescape(match: re.Match[bytes]) -> bytes:
        code = match[1]
        if code.isdigit():
            return bytes([int(code, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(code, code)

    shown = []
    for raw in _STRING.findall(content):
        data = _ESCAPE.sub(unescape, raw)
        shown.append(data.decode("utf-16-be", "replace") if len(data) % 2 == 0 else "")
    return "\n".join(shown)


@pytest.mark.parametrize("for_member", [False, True])
def test_the_slip_is_a_pdf_in_japanese_fonts_with_the_request_and_the_people(
    for_member: bool,
) -> None:
    pdf = ReportlabSlipRenderer().render(_file(for_member=for_member), town_name="試験町",
                                         printed_at=NOW)
    assert pdf.startswith(b"%PDF") and b"HeiseiMin-W3" in pdf and b"HeiseiKakuGo-W5" in pdf
    content = _text(pdf)
    text = _shown(content)
    assert "証明書交付請求書" in text and "住民票の写し" in text and "合計" in text
    assert "710円" in text and "山田 太郎" in text
    assert ("同一世帯" in text) is for_member


def test_the_slip_shows_japan_time_in_the_era_and_names_the_payment_service() -> None:
    late = dt.datetime(2026, 12, 4, 15, 52, tzinfo=dt.UTC)  # 2026-12-05 00:52 in Japan
    request = CertificateRequest(
        id="01JREQUEST0000000000000002", requester_id="r1", subject_id="r1",
        kind=CertificateKind.RESIDENT_RECORD, copies=1, purpose="年金・保険",
        fee_per_copy=Money(300), postage=Money(110), items=set(), requested_at=late)
    request.start_payment("x-2", provider="paypay", provider_id="c", url="u", at=late)
    request.mark_paid(payment_id="0420000000000002", amount=Money(410), at=late)
    file = RequestFile(request=request, requester=builders.resident(id="r1"), subject=None)

    text = _shown(_text(ReportlabSlipRenderer().render(file, town_name="試験町",
                                                       printed_at=late)))

    assert "令和8年12月5日 0:52" in text and "12月4日" not in text
    assert "PayPay" in text and "paypay" not in text
