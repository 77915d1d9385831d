"""The SMS channel's settings (ADR 0039), read from the environment by entrypoints/config.py."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["DEV_TWILIO_SID", "DEV_TWILIO_TOKEN", "SMS_PROVIDERS", "sms_settings"]

SMS_PROVIDERS = ("twilio", "none")
TWILIO_API = "https://api.twilio.com"
# Outside production: what the SMS stand-in (adapters/line/simulator/sms.py) expects.
DEV_TWILIO_SID = "AC" + "0" * 32
DEV_TWILIO_TOKEN = "madoguchi-development-twilio-token"
DEV_SMS_FROM = "+815000000000"


def sms_settings(env: Mapping[str, str], production: bool,
                 error: type[Exception]) -> dict[str, object]:
    """MADOGUCHI_SMS_PROVIDER (twilio or none, the default), TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN, MADOGUCHI_SMS_FROM (E.164), TWILIO_API_BASE_URL and
    MADOGUCHI_SMS_YEN_PER_SEGMENT. Production refuses twilio without its credentials."""
    provider = env.get("MADOGUCHI_SMS_PROVIDER", "none").strip() or "none"
    if provider not in SMS_PROVIDERS:
        raise error(f"MADOGUCHI_SMS_PROVIDER must be one of {SMS_PROVIDERS}")
    sid, token = env.get("TWILIO_ACCOUNT_SID", ""), env.get("TWILIO_AUTH_TOKEN", "")
    sender = env.get("MADOGUCHI_SMS_FROM", "").strip()
    if production and provider == "twilio":
        missing = [name for name, value in (("TWILIO_ACCOUNT_SID", sid),
                                            ("TWILIO_AUTH_TOKEN", token),
                                            ("MADOGUCHI_SMS_FROM", sender)) if not value]
        if missing:
            raise error(f"{', '.join(missing)} required with MADOGUCHI_SMS_PROVIDER=twilio")
    if sid and not re.fullmatch(r"AC[0-9a-fA-F]{32}", sid):
        raise error("TWILIO_ACCOUNT_SID is AC followed by 32 hexadecimal digits")
    if sender and not re.fullmatch(r"\+[1-9]\d{7,14}", sender):
        raise error("MADOGUCHI_SMS_FROM is the town's sender number in E.164 (+815012345678)")
    price = env.get("MADOGUCHI_SMS_YEN_PER_SEGMENT", "10").strip()
    try:
        yen_per_segment = float(price)
    except ValueError:
        raise error("MADOGUCHI_SMS_YEN_PER_SEGMENT is the price of one segment in yen "
                    "(10, 12.5)") from None
    base = env.get("TWILIO_API_BASE_URL", "").strip().rstrip("/") or TWILIO_API
    if production and base != TWILIO_API and not base.startswith("https://"):
        raise error("TWILIO_API_BASE_URL must be an https:// URL in production")
    return {"sms_provider": provider,
            "twilio_account_sid": sid or DEV_TWILIO_SID,
            "twilio_auth_token": token or DEV_TWILIO_TOKEN,
            "sms_from": sender or DEV_SMS_FROM,
            "twilio_api_base_url": base,
            "sms_yen_per_segment": yen_per_segment}
