"""The access log keeps the path and never the query string: a query may carry personal data or a
signed token (the resident search is a POST form; this is the net under it). `madoguchi serve`
logs through `QuietQueryRequestHandler`; gunicorn through `GUNICORN_ACCESS_LOG_FORMAT`
(entrypoints/gunicorn_conf.py), whose `%(U)s` is the path alone and which leaves out the
referrer (the previous page's address, query included)."""

from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler

__all__ = ["GUNICORN_ACCESS_LOG_FORMAT", "QuietQueryRequestHandler", "logged_path"]

# ... %(L)s: the request's seconds; then the request id the app answered with (request_ids.py)
GUNICORN_ACCESS_LOG_FORMAT = ('%(h)s - - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s '
                              '%({x-request-id}o)s')


def logged_path(target: str) -> str:
    """The request target as the access log shows it: without its query string or fragment."""
    return target.split("?", 1)[0].split("#", 1)[0]


class QuietQueryRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, logging `GET /staff/residents` for
    `GET /staff/residents?name=...` (the status and size as before)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = getattr(self, "path", None)
        if path is None:  # a request line too broken to parse: werkzeug logs it as it came
            self.requestline = logged_path(getattr(self, "requestline", ""))
            super().log_request(code, size)
            return
        self.path = logged_path(path)
        try:
            super().log_request(code, size)
        finally:
            self.path = path
