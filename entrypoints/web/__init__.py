"""The Flask app factory."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from entrypoints.containers import Container, build_container
from entrypoints.upload_folder import sweep_uploads
from entrypoints.web.access import rule_of
from entrypoints.web.api.batches import api_batches
from entrypoints.web.api.benefits import api_v1_benefits
from entrypoints.web.api.certificates import api_certificates
from entrypoints.web.api.households import api_households
from entrypoints.web.api.v1 import api_v1
from entrypoints.web.errors import register_error_handlers
from entrypoints.web.identity import identity
from entrypoints.web.languages import install_languages
from entrypoints.web.line_webhook import LineDeliveries, line_webhook
from entrypoints.web.mail_unsubscribe import mail_unsubscribe
from entrypoints.web.monitoring import monitoring
from entrypoints.web.notice_page import notice_page
from entrypoints.web.payments import payments
from entrypoints.web.rate_limits import install_rate_limits
from entrypoints.web.request_ids import RequestIds
from entrypoints.web.resident import resident
from entrypoints.web.security_headers import install_security_headers
from entrypoints.web.site import site
from entrypoints.web.sms_webhook import sms_webhook
from entrypoints.web.staff import init_staff
from entrypoints.web.uploads import upload_folder

__all__ = ["create_app"]

UNGUARDED_ENDPOINTS = {"static"}
MAX_CONTENT_LENGTH = 16 * 1024 * 1024


def create_app(container: Container | None = None) -> Flask:
    container = container or build_container()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=container.config.secret_key(),
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=container.config.environment() == "production",
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["madoguchi"] = container
    register_error_handlers(app)
    install_languages(app)  # the reader's language, on staff and resident pages alike
    install_security_headers(app)
    app.register_blueprint(site)
    app.register_blueprint(monitoring)
    app.register_blueprint(api_v1)
    app.register_blueprint(api_v1_benefits)
    app.register_blueprint(line_webhook)
    app.register_blueprint(sms_webhook)
    app.register_blueprint(identity)
    app.register_blueprint(api_certificates)
    app.register_blueprint(api_households)
    app.register_blueprint(payments)
    app.register_blueprint(resident)
    app.register_blueprint(mail_unsubscribe)
    app.register_blueprint(notice_page)
    app.register_blueprint(api_batches)
    init_staff(app)
    install_rate_limits(app, container)  # once every view is registered
    _refuse_unguarded_routes(app)
    if container.config.trusted_proxies():  # the audit and the limits then see the client
        hops = container.config.trusted_proxies()
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)  # type: ignore[method-assign]
    # LINE's deliveries answered before Flask (ADR 0079), under the request's id
    app.wsgi_app = LineDeliveries(app.wsgi_app, container,  # type: ignore[method-assign]
                                  max_length=MAX_CONTENT_LENGTH)
    app.wsgi_app = RequestIds(app.wsgi_app)  # type: ignore[method-assign]
    sweep_uploads(upload_folder(app))  # what a killed job left behind (gunicorn or serve)
    return app


def _refuse_unguarded_routes(app: Flask) -> None:
    """Deny by default: a route without an access rule is a programming error."""
    missing = [
        rule.rule for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNGUARDED_ENDPOINTS
        and rule_of(app.view_functions[rule.endpoint]) is None
    ]
    if missing:
        raise RuntimeError(f"routes without an access rule: {missing}")
