"""Sign-in by a one-time code: the resident types their phone number or e-mail address, the town
sends a 6-digit code there through the outbox (on that channel), and the code typed here signs
the browser in as the web identity of the same resident. The page says the same whether the
address is known or not; five wrong codes, or ten minutes, use the code up."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from application.channels.web_sign_in import sign_in_as
from domain.errors import InvalidValue
from entrypoints.web.access import public
from entrypoints.web.rate_limits import VERIFICATION_ADDRESS, rate_limited
from entrypoints.web.resident import session
from entrypoints.web.resident.blueprint import resident
from entrypoints.web.services import container

__all__: list[str] = []


def _form(error: str | None = None, status: int = 200, typed: str = ""):  # type: ignore[no-untyped-def]
    return render_template("resident/sign_in.html", town=container().config.town_full_name(),
                           error=error, typed=typed), status


def _code_form(error: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("resident/sign_in_code.html",
                           town=container().config.town_full_name(), error=error), status


@resident.get("/sign-in")
@public
def sign_in_form():  # type: ignore[no-untyped-def]
    return _form()


@resident.post("/sign-in")
@public
@rate_limited(VERIFICATION_ADDRESS)
def send_code():  # type: ignore[no-untyped-def]
    services = container()
    typed = request.form.get("address", "")[:100]
    try:
        attempt = services.sign_in_codes().send(typed)
    except InvalidValue as error:
        return _form(_(error.message), 400, typed)
    services.outbox_notifier().wake()
    return session.save_attempt(redirect(url_for("resident.code_form"), 303), attempt)


@resident.get("/sign-in/code")
@public
def code_form():  # type: ignore[no-untyped-def]
    if session.attempt_id() is None:
        return redirect(url_for("resident.sign_in_form"), 303)
    return _code_form()


@resident.post("/sign-in/code")
@public
@rate_limited(VERIFICATION_ADDRESS)
def check_code():  # type: ignore[no-untyped-def]
    services = container()
    attempt = session.attempt_id()
    if attempt is None:
        return redirect(url_for("resident.sign_in_form"), 303)
    checked = services.sign_in_codes().check(attempt, request.form.get("code", "")[:20])
    if checked.refusal is not None or checked.identity_id is None:
        message = _(checked.refusal.message) if checked.refusal else ""
        return _code_form(message, 400)
    address = sign_in_as(checked.identity_id, uow=services.uow(), ids=services.ids(),
                         clock=services.clock())
    return session.save_address(redirect(url_for("resident.page"), 303), address)
