"""Staff access: the signed-in staff member, session expiry, and route rules.

    @bp.get("/residents")
    @requires_staff_permission(Permission.VIEW_RESIDENTS)
    def residents(): ...   # g.staff is the StaffMember

Deny by default: not signed in → the log-in page (401 for JSON); signed in without the
permission → 403. Sessions end after STAFF_IDLE_MINUTES without a request and
STAFF_SESSION_HOURS after signing in, and as soon as the account's session generation moves on
(log-out, a new password, deactivation, 「すべての端末からログアウト」): a copied cookie opens
nothing afterwards. A guarded view finds who acts in `g.actor`, for the use
cases (which check the permission again and audit what they do)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, jsonify, redirect, render_template, request, session, url_for

from application.access.actor import Actor
from application.staff.views import active_member
from domain.access import ROLE_PERMISSIONS, Permission, allows
from domain.staff import StaffMember
from entrypoints.web.client import client_address
from entrypoints.web.services import container
from entrypoints.web.staff.csrf import renew_csrf_token

__all__ = ["STAFF", "client_ip", "keep_session", "requires_staff", "requires_staff_permission",
           "sign_in_session", "sign_out_session", "staff_may"]

View = TypeVar("View", bound=Callable[..., Any])

STAFF = "staff"  # the access rule of pages any signed-in staff member may use
_ID, _SIGNED_IN, _SEEN = "staff_id", "staff_signed_in_at", "staff_seen_at"
_GENERATION = "staff_generation"


def _now() -> dt.datetime:
    return container().clock().now()


def sign_in_session(staff_id: str) -> None:
    """A fresh session for the signed-in staff member (a new id and CSRF token: no fixation),
    valid until the account's session generation moves on."""
    member = active_member(staff_id, uow=container().uow())
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    now = _now().timestamp()
    session.permanent = True
    session[_ID], session[_SIGNED_IN], session[_SEEN] = staff_id, now, now
    session[_GENERATION] = member.session_generation if member is not None else -1
    renew_csrf_token()


def keep_session(generation: int) -> None:
    """This session stays open after its own account ended every session (a new password)."""
    session[_GENERATION] = generation


def sign_out_session() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _current_staff() -> tuple[StaffMember | None, str]:
    """The signed-in staff member, or None and why not ("", "expired")."""
    staff_id = session.get(_ID)
    if not staff_id:
        return None, ""
    now = _now().timestamp()
    idle = current_app.config.get("STAFF_IDLE_MINUTES", 30) * 60
    longest = current_app.config.get("STAFF_SESSION_HOURS", 12) * 3600
    if now - session.get(_SEEN, 0) > idle or now - session.get(_SIGNED_IN, 0) > longest:
        sign_out_session()
        return None, "expired"
    member = active_member(staff_id, uow=container().uow())
    if member is None:
        sign_out_session()
        return None, ""
    if session.get(_GENERATION) != member.session_generation:  # signed out elsewhere
        sign_out_session()
        return None, "revoked"
    session[_SEEN] = now
    return member, ""


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.path.endswith(
        ".json") or request.headers.get("X-Requested-With") == "fetch"


def _refuse_unsigned(reason: str):  # type: ignore[no-untyped-def]
    if wants_json():
        return jsonify({"error": {"code": "unauthenticated",
                                  "message": "ログインしてください。"}}), 401
    from flask import flash

    if reason == "expired":
        flash("一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。",
              "info")
    elif reason == "revoked":
        flash("このアカウントはログアウトされました。もう一度ログインしてください。", "info")
    target = request.full_path if request.method == "GET" else None
    return redirect(url_for("staff.login", next=target.rstrip("?") if target else None))


def _forbidden():  # type: ignore[no-untyped-def]
    if wants_json():
        return jsonify({"error": {"code": "forbidden",
                                  "message": "この操作の権限がありません。"}}), 403
    return render_template("staff/error.html", status=403, title="権限がありません",
                           message="この画面を使う権限がありません。必要な場合は管理者に"
                                   "依頼してください。"), 403


def _guard(permission: Permission | None, rule: str | Permission) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            member, reason = _current_staff()
            if member is None:
                return _refuse_unsigned(reason)
            g.staff = member
            g.actor = Actor.staff(member, ip=client_ip())
            if permission is not None and not allows(member.role, permission):
                return _forbidden()
            return view(*args, **kwargs)

        guarded.access_rule = rule  # type: ignore[attr-defined]
        guarded.staff_rule = rule  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def requires_staff_permission(permission: Permission) -> Callable[[View], View]:
    """A signed-in staff member whose role holds `permission` (domain/access.py)."""
    return _guard(permission, permission)


def requires_staff(view: View) -> View:
    """Any signed-in staff member (their own account, signing out)."""
    return _guard(None, STAFF)(view)


def staff_may(permission: Permission) -> bool:
    """For templates: may the signed-in staff member do this?"""
    member = g.get("staff")
    return member is not None and permission in ROLE_PERMISSIONS.get(member.role, frozenset())


def client_ip() -> str:
    """Where the request came from, as the audit records it (entrypoints/web/client.py)."""
    return client_address()
