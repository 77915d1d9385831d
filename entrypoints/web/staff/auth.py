"""Signing in and out, the second factor, the staff member's own account, and the language."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for

from application.staff.changing_password import ChangePassword, change_password
from application.staff.enrolling_totp import EnableTotp, enable_totp
from application.staff.signing_in import (
    ConfirmCode,
    SignIn,
    SignInOutcome,
    confirm_code,
    sign_in,
    sign_out,
)
from application.staff.views import active_member, uses_totp
from domain.access import Permission, allows
from domain.errors import InvalidValue
from entrypoints.web.access import public
from entrypoints.web.languages import choose_language
from entrypoints.web.rate_limits import SIGN_IN_ADDRESS, Limit, rate_limited
from entrypoints.web.services import container
from entrypoints.web.staff.access import (
    client_ip,
    keep_session,
    requires_staff,
    sign_in_session,
    sign_out_session,
)
from entrypoints.web.staff.frame import staff

_PENDING, _PENDING_AT, _NEXT = "staff_pending_id", "staff_pending_at", "staff_next"
_ENROLLING = "staff_totp_enrolling"
_PENDING_SECONDS = 300


def _submitted_login_id() -> str:
    return request.form.get("login_id", "").strip().casefold()


def _pending_account() -> str:
    return str(session.get(_PENDING) or "")


# Besides the address, every attempt on one account counts (MADOGUCHI_RATE_LIMIT_SIGN_IN_ACCOUNT):
# the login id typed, and at the code step the account whose password was given.
_SIGN_IN_ACCOUNT = Limit("sign_in_account", "rate_limit_sign_in_account", _submitted_login_id,
                         ("POST",))
_CODE_ACCOUNT = Limit("sign_in_account", "rate_limit_sign_in_account", _pending_account,
                      ("POST",))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/staff") and not target.startswith("//"):
        return target
    return url_for("staff.dashboard")


def _landing(staff_id: str, target: str) -> str:
    """Where a signed-in account starts: a 自治会長 (no dashboard) on the 回覧板 page."""
    member = active_member(staff_id, uow=container().uow())
    if target == url_for("staff.dashboard") and member is not None and not allows(
            member.role, Permission.VIEW_DASHBOARD):
        return url_for("staff.circulars")
    return target


@staff.route("/login", methods=["GET", "POST"])
@public
@rate_limited(SIGN_IN_ADDRESS, _SIGN_IN_ACCOUNT)
def login():  # type: ignore[no-untyped-def]
    if request.method != "POST":  # GET and HEAD (which Flask adds) only show the form
        return render_template("staff/login.html", next=request.args.get("next", ""))
    services = container()
    login_id = request.form.get("login_id", "")
    result = sign_in(SignIn(login_id=login_id, password=request.form.get("password", ""),
                            ip=client_ip()),
                     uow=services.uow(), hasher=services.password_hasher(),
                     clock=services.clock())
    target = _safe_next(request.form.get("next"))
    if result.outcome is SignInOutcome.REFUSED:
        flash(result.message, "error")
        return render_template("staff/login.html", next=request.form.get("next", ""),
                               login_id=login_id), 422
    if result.outcome is SignInOutcome.NEEDS_CODE:
        session[_PENDING] = result.staff_id
        session[_PENDING_AT] = services.clock().now().timestamp()
        session[_NEXT] = target
        return redirect(url_for("staff.login_code"))
    sign_in_session(result.staff_id or "")
    return redirect(_landing(result.staff_id or "", target))


@staff.route("/login/code", methods=["GET", "POST"])
@public
@rate_limited(SIGN_IN_ADDRESS, _CODE_ACCOUNT)
def login_code():  # type: ignore[no-untyped-def]
    services = container()
    pending = session.get(_PENDING)
    started = session.get(_PENDING_AT, 0)
    if not pending or services.clock().now().timestamp() - started > _PENDING_SECONDS:
        session.pop(_PENDING, None)
        flash("もう一度、ログインIDとパスワードを入力してください。", "info")
        return redirect(url_for("staff.login"))
    if request.method != "POST":  # GET and HEAD (which Flask adds) only show the form
        return render_template("staff/login_code.html")
    result = confirm_code(ConfirmCode(staff_id=pending, code=request.form.get("code", ""),
                                      ip=client_ip()),
                          uow=services.uow(), codes=services.one_time_codes(),
                          clock=services.clock())
    if result.outcome is not SignInOutcome.SIGNED_IN:
        flash(result.message, "error")
        return render_template("staff/login_code.html"), 422
    target = session.get(_NEXT) or url_for("staff.dashboard")
    sign_in_session(pending)
    return redirect(_landing(pending, _safe_next(target)))


@staff.post("/logout")
@requires_staff
def logout():  # type: ignore[no-untyped-def]
    services = container()
    sign_out(g.actor, uow=services.uow(), clock=services.clock())
    sign_out_session()
    flash("ログアウトしました。", "success")
    return redirect(url_for("staff.login"))


@staff.get("/lang/<code>")
@public
def language(code: str):  # type: ignore[no-untyped-def]
    return choose_language(code, _safe_next(request.args.get("next")))


@staff.get("/account")
@requires_staff
def account():  # type: ignore[no-untyped-def]
    secret = session.get(_ENROLLING)
    if secret and not uses_totp(g.staff.id, uow=container().uow()):
        return render_template("staff/account.html", uses_totp=False, enrolling=_enrolling(secret))
    return render_template("staff/account.html",
                           uses_totp=uses_totp(g.staff.id, uow=container().uow()),
                           enrolling=None)


def _enrolling(secret: str) -> dict[str, str]:
    uri = container().one_time_codes().provisioning_uri(
        secret, account=g.staff.login_id, issuer=f"窓口 {container().config.town_name()}")
    return {"secret": secret, "uri": uri}


@staff.post("/account/totp/start")
@requires_staff
def totp_start():  # type: ignore[no-untyped-def]
    """A new secret, kept in the session until a code confirms it; the account page shows it
    (post/redirect/get: reloading the page keeps the secret the app was given)."""
    session[_ENROLLING] = container().one_time_codes().new_secret()
    return redirect(url_for("staff.account"))


@staff.post("/account/totp")
@requires_staff
def totp_confirm():  # type: ignore[no-untyped-def]
    services = container()
    secret = session.get(_ENROLLING)
    if not secret:
        flash("はじめから設定し直してください。", "error")
        return redirect(url_for("staff.account"))
    try:
        enable_totp(EnableTotp(actor=g.actor, secret=secret, code=request.form.get("code", "")),
                    uow=services.uow(), codes=services.one_time_codes(), clock=services.clock())
    except InvalidValue as error:
        flash(error.message, "error")
        return render_template("staff/account.html", uses_totp=False,
                               enrolling=_enrolling(secret)), 422
    session.pop(_ENROLLING, None)
    flash("2段階認証を有効にしました。次回のログインから確認コードが必要です。", "success")
    return redirect(url_for("staff.account"))


@staff.post("/account/password")
@requires_staff
def change_own_password():  # type: ignore[no-untyped-def]
    services = container()
    try:
        generation = change_password(ChangePassword(actor=g.actor,
                                       current=request.form.get("current", ""),
                                       new=request.form.get("new", ""),
                                       confirmation=request.form.get("confirmation", "")),
                        uow=services.uow(), hasher=services.password_hasher(),
                        clock=services.clock())
    except InvalidValue as error:
        flash(error.message, "error")
        return render_template("staff/account.html",
                               uses_totp=uses_totp(g.staff.id, uow=services.uow()),
                               enrolling=None), 422
    keep_session(generation)  # other devices (and copied cookies) are signed out
    flash("パスワードを変更しました。ほかの端末ではログアウトされました。", "success")
    return redirect(url_for("staff.account"))
