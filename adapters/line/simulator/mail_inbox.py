"""The simulator's mail inboxes: the mail catcher (mail_catcher.py) started beside the LINE
simulator by `madoguchi serve --line-sim`, and its page at `/_sim/mail`: every simulated
resident's mailbox (by address), each mail with its subject, sender, headers that matter
(Message-ID, List-Unsubscribe), the text part, and the HTML part in a sandboxed frame."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime

from flask import Blueprint, Response, abort, render_template

from adapters.line.simulator.mail_catcher import CaughtMail, MailCatcher
from adapters.line.simulator.simulator import LineSimulator
from application.dates import japanese_datetime

__all__ = ["mail_inbox_blueprint", "running_mail_inbox"]

# The HTML part runs no script, loads nothing and cannot reach the page around it.
_SANDBOX = {"Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                                      "img-src data:", "X-Content-Type-Options": "nosniff"}


def mail_inbox_blueprint(catcher: MailCatcher) -> Blueprint:
    inbox = Blueprint("mail_inbox", __name__, url_prefix="/_sim/mail")

    @inbox.app_template_filter("mail_date")
    def mail_date(header: str | None) -> str:
        """A mail's Date header as the staff pages write a moment (2026年12月5日 9:06, Japan
        time); a header that does not parse is shown as it is."""
        try:
            return japanese_datetime(parsedate_to_datetime(header or ""))
        except (TypeError, ValueError):
            return header or ""

    def found(number: int) -> CaughtMail:
        mail = next((m for m in catcher.mails if m.number == number), None)
        if mail is None:
            abort(404)
        return mail

    @inbox.get("/")
    def mailboxes() -> str:
        boxes = sorted(catcher.by_recipient().items())
        return render_template("mail.html", boxes=boxes, catcher=catcher,
                               selected=None)

    @inbox.get("/<int:number>")
    def one(number: int) -> str:
        return render_template("mail.html", boxes=[], catcher=catcher, selected=found(number))

    @inbox.get("/<int:number>/html")
    def html_part(number: int) -> Response:
        return Response(found(number).part("html"), mimetype="text/html", headers=_SANDBOX)

    return inbox


@contextmanager
def running_mail_inbox(simulator: LineSimulator, *, host: str = "127.0.0.1",
                       port: int | None = None) -> Iterator[MailCatcher]:
    """A mail catcher while the block runs, shown on the simulator's pages. Call it before the
    simulator serves its first request (its pages are set up then)."""
    catcher = MailCatcher(host=host, port=port)
    simulator.app.register_blueprint(mail_inbox_blueprint(catcher))
    with catcher:
        yield catcher
