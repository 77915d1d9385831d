"""The request slip (証明書交付請求書) as a PDF, with reportlab's built-in Japanese CID fonts
(HeiseiMin-W3, HeiseiKakuGo-W5): no font file is needed, the reader supplies the glyphs."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from adapters.documents.labels import plain_label
from application.certificates.queue import RequestFile
from application.dates import era_date, japanese_time, postal_code
from domain.residents import Resident

__all__ = ["ReportlabSlipRenderer"]

MINCHO = "HeiseiMin-W3"
GOTHIC = "HeiseiKakuGo-W5"
_registered = False


def _fonts() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
        pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))
        _registered = True


def _when(moment: dt.datetime | None) -> str:
    """令和8年12月5日 0:52 (Japan time), as a form shows a moment."""
    if moment is None:
        return "—"
    return f"{era_date(moment)} {japanese_time(moment)}"


def _person(resident: Resident | None) -> list[tuple[str, str]]:
    if resident is None or resident.facts is None:
        return [("氏名", "（住民記録がありません）")]
    facts = resident.facts
    birth = facts.date_of_birth.value
    rows = [
        ("氏名", facts.name.name),
        ("フリガナ", facts.name.kana or ""),
        ("生年月日", f"{era_date(birth)}（{birth.year}年）"),
        ("性別", facts.sex.label),
        ("住所", (f"{postal_code(facts.address.postal_code)} " if facts.address.postal_code
                 else "") + facts.address.text),
        ("宛名番号", resident.resident_number or "—"),
    ]
    if resident.verification is not None:
        method = plain_label(resident.verification.provider, "verification_method")
        rows.append(("本人確認", f"{method}（{_when(resident.verification.verified_at)}）"))
    return rows


class ReportlabSlipRenderer:
    def render(self, file: RequestFile, *, town_name: str, printed_at: dt.datetime) -> bytes:
        _fonts()
        request = file.request
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4)
        pdf.setTitle(f"証明書交付請求書 {request.id}")
        pdf.setAuthor(town_name)
        width, height = A4
        y = height - 25 * mm

        pdf.setFont(GOTHIC, 16)
        pdf.drawCentredString(width / 2, y, "証明書交付請求書（オンライン請求）")
        y -= 8 * mm
        pdf.setFont(MINCHO, 9)
        pdf.drawRightString(width - 20 * mm, y, f"{town_name}　印刷 {_when(printed_at)}")
        y -= 10 * mm

        def section(title: str, rows: list[tuple[str, str]]) -> None:
            nonlocal y
            pdf.setFont(GOTHIC, 11)
            pdf.drawString(20 * mm, y, f"■ {title}")
            y -= 6 * mm
            pdf.setFont(MINCHO, 10)
            for label, value in rows:
                pdf.drawString(24 * mm, y, label)
                pdf.drawString(55 * mm, y, value[:60])
                y -= 5.5 * mm
            y -= 3 * mm

        items = "、".join(sorted(request.items)) or "省略"
        section("請求の内容", [
            ("受付番号", request.id[-8:].upper()),
            ("請求日時", _when(request.requested_at)),
            ("証明書", request.kind.label),
            ("記載事項", items),
            ("通数", f"{request.copies}通"),
            ("使用目的", request.purpose),
            ("交付方法", "住民登録の住所へ郵送"),
        ])
        section("手数料", [
            ("手数料", f"{request.fee_per_copy.format()} × {request.copies}通 = "
                       f"{request.fee.format()}"),
            ("郵送料", request.postage.format()),
            ("合計", request.total.format()),
            ("支払", f"{request.payment_state.label}"
                     f"（{plain_label(request.payment_provider, 'payment_provider') or '—'}"
                     f"　{_when(request.paid_at)}）"),
            ("決済番号", request.payment_id or "—"),
        ])
        section("請求者（本人確認済み）", _person(file.requester))
        if request.subject_id != request.requester_id:
            section("証明書の対象の方（同一世帯）", _person(file.subject))
        else:
            section("証明書の対象の方", [("", "請求者本人")])

        pdf.setFont(GOTHIC, 11)
        pdf.drawString(20 * mm, y, "■ 事務処理欄")
        y -= 9 * mm
        pdf.setFont(MINCHO, 10)
        for index, label in enumerate(("受付", "交付", "郵送", "確認")):
            x = 24 * mm + index * 40 * mm
            pdf.rect(x, y - 14 * mm, 34 * mm, 18 * mm)
            pdf.drawString(x + 2 * mm, y, label)
        pdf.showPage()
        pdf.save()
        return buffer.getvalue()
