"""The simulator's mail inboxes: the mail catcher (mail_catcher.py) started beside the LINE
simulator by `madoguchi serve --line-sim`, and its page at `/_sim/mail`: every simulated
resident's mailbox (by address), each mail with its subject, sender, headers that matter
(Message-ID, List-Unsubscribe), the text part, and the HTML part in a sandboxed frame.

不達にする (make it bounce) on a mail rehearses a hard bounce that comes after the relay
accepted it: the simulator writes the relay's report (mail_bounces.py) into the town's own
mailbox (the sender address), offers it as a file for `madoguchi mail bounce`, and, under
`madoguchi serve --line-sim`, hands it at once to the town's bounce path (`on_bounce`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime

from flask import Blueprint, Response, abort, redirect, render_template

from adapters.line.simulator.mail_bounces import delivery_status_report
from adapters.line.simulator.mail_catcher import CaughtMail, MailCatcher
from adapters.line.simulator.simulator import LineSimulator
from application.dates import japanese_datetime

__all__ = ["mail_inbox_blueprint", "running_mail_inbox"]

# The HTML part runs no script, loads nothing and cannot reach the page around it.
_SANDBOX = {"Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                                      "img-src data:", "X-Content-Type-Options": "nosniff"}


def mail_inbox_blueprint(catcher: MailCatcher,
                        on_bounce: Callable[[bytes], object] | None = None) -> Blueprint:
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

    @inbox.post("/<int:number>/bounce")
    def bounce(number: int) -> Response:
        """The relay's report into the town's mailbox and, when wired, to the town at once."""
        mail = found(number)
        if not _bounceable(mail) or number in catcher.bounced:
            abort(409)
        report = delivery_status_report(mail, at=dt.datetime.now(dt.UTC))
        catcher.bounced.add(number)
        catcher.keep("MAILER-DAEMON", [mail.mail_from], report)
        if on_bounce is not None:
            on_bounce(report)
        return redirect(f"/_sim/mail/{number}", code=303)  # type: ignore[return-value]

    @inbox.get("/<int:number>/dsn.eml")
    def report_file(number: int) -> Response:
        """The same report as a file: `madoguchi mail bounce dsn-N.eml`."""
        mail = found(number)
        if not _bounceable(mail):
            abort(404)
        return Response(delivery_status_report(mail, at=dt.datetime.now(dt.UTC)),
                        mimetype="message/rfc822", headers={
                            "Content-Disposition": f'attachment; filename="dsn-{number}.eml"'})

    @inbox.app_template_global("bounceable")
    def bounceable(mail: CaughtMail) -> bool:
        return _bounceable(mail)

    return inbox


def _bounceable(mail: CaughtMail) -> bool:
    """A mail the town sent (a bounce report itself does not bounce back)."""
    return bool(mail.mail_from) and mail.mail_from != "MAILER-DAEMON" and bool(mail.recipients)


@contextmanager
def running_mail_inbox(simulator: LineSimulator, *, host: str = "127.0.0.1",
                       port: int | None = None,
                       on_bounce: Callable[[bytes], object] | None = None,
                       ) -> Iterator[MailCatcher]:
    """A mail catcher while the block runs, shown on the simulator's pages. Call it before the
    simulator serves its first request (its pages are set up then). `on_bounce` takes the
    bounce reports made on the page (the town's `madoguchi mail bounce` path)."""
    catcher = MailCatcher(host=host, port=port)
    simulator.app.register_blueprint(mail_inbox_blueprint(catcher, on_bounce))
    with catcher:
        yield catcher
