"""The e-mail channel's settings (ADR 0040), read from the environment by `config.py`."""

from __future__ import annotations

from collections.abc import Mapping

from domain.email_addresses import EmailAddress
from domain.errors import InvalidValue

__all__ = ["DEV_MAIL_PORT", "mail_settings"]

DEV_MAIL_PORT = 8025  # the simulator's mail catcher


def mail_settings(env: Mapping[str, str], production: bool) -> dict[str, object]:
    """MADOGUCHI_MAIL_FROM (the town's sender address; e-mail is on when it is set, and always
    outside production) and MADOGUCHI_SMTP_HOST, _PORT, _USER, _PASSWORD, _STARTTLS (1/0)."""
    mail_from = env.get("MADOGUCHI_MAIL_FROM", "" if production else "noreply@madoguchi.test")
    if not mail_from:
        return {}
    try:
        mail_from = EmailAddress.of(mail_from).value
    except InvalidValue as error:
        raise ValueError(f"MADOGUCHI_MAIL_FROM is not an e-mail address: {error}") \
            from None
    host = env.get("MADOGUCHI_SMTP_HOST", "" if production else "127.0.0.1").strip()
    if not host:
        raise ValueError("MADOGUCHI_SMTP_HOST is required when MADOGUCHI_MAIL_FROM is "
                                 "set (the town's SMTP server)")
    port = env.get("MADOGUCHI_SMTP_PORT", "587" if production else str(DEV_MAIL_PORT)).strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("MADOGUCHI_SMTP_PORT must be a port number (587, 25, …)")
    starttls = env.get("MADOGUCHI_SMTP_STARTTLS", "1" if production else "0").strip()
    if starttls not in {"0", "1"}:
        raise ValueError("MADOGUCHI_SMTP_STARTTLS must be 1 or 0")
    password = env.get("MADOGUCHI_SMTP_PASSWORD", "")
    if production and password and starttls == "0":
        raise ValueError("MADOGUCHI_SMTP_PASSWORD without STARTTLS would cross the "
                                 "network in clear: set MADOGUCHI_SMTP_STARTTLS=1")
    return {"mail_from": mail_from, "smtp_host": host, "smtp_port": int(port),
            "smtp_user": env.get("MADOGUCHI_SMTP_USER", ""), "smtp_password": password,
            "smtp_starttls": starttls == "1"}
