"""The SMS inbox page of the simulator (`/_sim/sms`): each simulated phone number's messages as
its phone shows them, the delivery status, and a form to reply from that number (the reply goes,
signed, to the town's inbound webhook). Errors a person can cause answer in Japanese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from flask import (
    Blueprint,
    Response,
    jsonify,
    redirect,
    render_template_string,
    request,
    url_for,
)

from application.dates import japanese_time
from domain.errors import InvalidValue
from domain.phone import PhoneNumber


class SmsStandIn(Protocol):
    """What the page needs of the stand-in (adapters/line/simulator/sms.py)."""

    from_number: str
    messages: Sequence[Any]
    replies: Sequence[dict[str, str]]
    requests_seen: int

    def numbers(self) -> list[str]: ...
    def inbox(self, number: str) -> Sequence[Any]: ...
    def reply(self, from_number: str, body: str) -> tuple[str, int]: ...
    def set_faults_from(self, settings: dict[str, Any]) -> None: ...

__all__ = ["inbox_blueprint"]

_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SMS 受信箱（シミュレーター）</title>
<style>
 body{font-family:system-ui,"Noto Sans JP",sans-serif;margin:1rem;max-width:40rem;color:#1a1a1c}
 .phone{border:1px solid #949497;border-radius:12px;padding:1rem;margin:1rem 0}
 .sms{background:#e8f1fe;border-radius:8px;padding:.5rem .75rem;margin:.5rem 0;
      white-space:pre-wrap;word-break:break-all}
 .mine{background:#f1f1f4;text-align:right}
 .meta{font-size:.8rem;color:#626264}
 .error{color:#ec0000}
 button,input{font-size:1rem;min-height:44px}
</style></head><body>
<h1>SMS 受信箱</h1>
<p>送信元（役場の番号）: {{ from_number }}</p>
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="{{ url_for('sms_inbox.reply') }}" class="phone">
 <h2>住民として送信</h2>
 <label>住民の携帯番号 <input name="from" required placeholder="090-1234-5678"></label>
 <label>本文 <input name="body" required value="はい"></label>
 <button type="submit">送信</button>
</form>
{% for number, items in phones %}
<section class="phone" id="{{ number }}">
 <h2>{{ number }}</h2>
 {% for item in items %}
  <div class="sms {{ 'mine' if item.mine else '' }}">{{ item.body }}
   <div class="meta">{{ item.when }}{% if item.status %} ・ {{ item.status }}{% endif %}</div>
  </div>
 {% endfor %}
 <form method="post" action="{{ url_for('sms_inbox.reply') }}">
  <input type="hidden" name="from" value="{{ number }}">
  <input name="body" required aria-label="返信" value="はい">
  <button type="submit">返信</button>
 </form>
</section>
{% else %}<p>まだ SMS はありません。</p>{% endfor %}
</body></html>"""


# Twilio's message statuses as the phone page shows them (the town's own words for them are the
# delivery statuses of ADR 0041)
STATUS_LABELS = {"accepted": "受付", "queued": "送信待ち", "sending": "送信中", "sent": "送信済み",
                 "delivered": "配信済み", "undelivered": "不達", "failed": "失敗"}


def _phones(standin: SmsStandIn) -> list[tuple[str, list[dict[str, Any]]]]:
    numbers = sorted(set(standin.numbers()) | {r["From"] for r in standin.replies})
    phones = []
    for number in numbers:
        items = [{"body": m.body, "at": m.created_at.isoformat(), "mine": False,
                  "status": STATUS_LABELS.get(m.status, m.status)}
                 for m in standin.inbox(number)]
        items += [{"body": r["Body"], "at": r["at"], "mine": True, "status": ""}
                  for r in standin.replies if r["From"] == number]
        items.sort(key=lambda item: item["at"])
        for item in items:  # 9:06 in Japan time, as the staff pages write a time
            item["when"] = japanese_time(dt.datetime.fromisoformat(item["at"]))
        phones.append((number, items))
    return phones


def inbox_blueprint(standin: SmsStandIn) -> Blueprint:
    inbox = Blueprint("sms_inbox", __name__, url_prefix="/_sim/sms")

    @inbox.get("")
    def page() -> str:
        return render_template_string(_PAGE, phones=_phones(standin),
                                      from_number=standin.from_number,
                                      error=request.args.get("error", ""))

    @inbox.get("/stats")
    def stats() -> Response:
        """For benchmarks: what was accepted, and how many of it twice (same number, same
        text), and the requests answered."""
        sent = [(m.to, m.body) for m in standin.messages]
        return jsonify({"messages": len(sent), "duplicates": len(sent) - len(set(sent)),
                        "requests": standin.requests_seen})

    @inbox.post("/faults")
    def faults() -> Response:
        """For benchmarks: {"error_rate": .05, "lost_rate": .02, "throttle_rate": .02}."""
        body = request.get_json(force=True, silent=True) or {}
        try:
            standin.set_faults_from(body)
        except (TypeError, ValueError) as error:
            return jsonify({"message": f"入力が正しくありません: {error}"}), 400  # type: ignore[return-value]
        return jsonify({})

    @inbox.post("/reply")
    def reply() -> Response:
        body = request.form.get("body", "").strip()
        try:
            number = PhoneNumber.mobile(request.form.get("from", "")).e164
        except InvalidValue as error:
            return redirect(url_for(".page", error=error.message))  # type: ignore[return-value]
        if not body:
            return redirect(url_for(".page", error="本文を入力してください。"))  # type: ignore[return-value]
        try:
            standin.reply(number, body)
        except (ValueError, OSError):
            return redirect(url_for(".page", error="役場の受信先に届けられませんでした。"))  # type: ignore[return-value]
        return redirect(url_for(".page") + f"#{number}")  # type: ignore[return-value]

    return inbox
