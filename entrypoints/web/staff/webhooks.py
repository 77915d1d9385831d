"""連携（Webhook） (ADR 0071), for administrators: the town's systems subscribed to events, each
one's recent deliveries with their attempts, and the 再送 button. The secret is shown once, on
the page that answers its creation (never in a flash message: the session cookie is signed,
not encrypted). Every change is audited by its use case."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from application.webhooks.changing_subscription import SubscriptionChange, change_subscription
from application.webhooks.replaying_delivery import replay_delivery
from application.webhooks.subscribing import Subscribe, subscribe
from application.webhooks.views import subscription_lines
from domain.access import Permission
from domain.errors import DomainError
from domain.webhooks import RETRY_PLAN, WebhookEventType
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("連携（Webhook）", "staff.webhooks", Permission.ADMINISTER, 935))

_DONE = {SubscriptionChange.PAUSE: "連携先を一時停止しました。",
         SubscriptionChange.RESUME: "連携先を再開しました。",
         SubscriptionChange.DELETE: "連携先を削除しました。"}


def _page(status: int = 200, *, form: dict[str, object] | None = None,
          created: tuple[str, str] | None = None):  # type: ignore[no-untyped-def]
    services = container()
    return render_template(
        "staff/admin/webhooks.html", lines=subscription_lines(uow=services.uow()),
        deleted=subscription_lines(uow=services.uow(), deleted=True),
        kinds=list(WebhookEventType), form=form or {}, created=created,
        labels={kind.value: kind.label for kind in WebhookEventType},
        plan=[_wait(step.total_seconds()) for step in RETRY_PLAN],
        local_http=_local_http()), status


def _wait(seconds: float) -> str:
    return f"{int(seconds // 3600)}時間" if seconds >= 3600 else f"{int(seconds // 60)}分"


def _local_http() -> bool:
    return container().config.environment() != "production"


@staff.get("/webhooks")
@requires_staff_permission(Permission.ADMINISTER)
def webhooks():  # type: ignore[no-untyped-def]
    return _page()


@staff.post("/webhooks")
@requires_staff_permission(Permission.ADMINISTER)
def add_webhook():  # type: ignore[no-untyped-def]
    services = container()
    form = {"url": request.form.get("url", ""), "events": request.form.getlist("event")}
    try:
        made = subscribe(Subscribe(url=str(form["url"]), events=tuple(form["events"]),
                                   actor=g.actor, allow_local_http=_local_http()),
                         uow=services.uow(), ids=services.ids(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _page(422, form=form)
    flash("連携先を登録しました。署名用のシークレットは今だけ表示されます。", "success")
    return _page(created=(made.id, made.secret))


@staff.post("/webhooks/<subscription_id>/<change>")
@requires_staff_permission(Permission.ADMINISTER)
def change_webhook(subscription_id: str, change: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        kind = SubscriptionChange(change)
    except ValueError:
        flash("その操作はできません。", "error")
        return redirect(url_for("staff.webhooks"))
    try:
        change_subscription(subscription_id, kind, actor=g.actor, uow=services.uow(),
                            clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.webhooks"))
    flash(_DONE[kind], "success")
    return redirect(url_for("staff.webhooks"))


@staff.post("/webhooks/deliveries/<delivery_id>/replay")
@requires_staff_permission(Permission.ADMINISTER)
def replay_webhook(delivery_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        queued = replay_delivery(delivery_id, actor=g.actor, uow=services.uow(),
                                 clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.webhooks"))
    if queued:
        services.outbox_notifier().wake()  # the webhooks go with the outbox's dispatcher
        flash("再送しました。結果は配信の記録に表示されます。", "success")
    else:
        flash("この配信はすでに送信待ちか送信中です。", "info")
    return redirect(url_for("staff.webhooks"))
