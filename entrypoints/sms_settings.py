"""The SMS channel's settings (ADR 0039), read from the environment by entrypoints/config.py:
those of every SMS provider (the sender, the price of a segment), and Twilio's, read by its
plug-in's hook (entrypoints/builtin_plugins.py, ADR 0069) when the town chooses it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from application.ports.plugins import PluginSettingsError

__all__ = ["DEV_TWILIO_SID", "DEV_TWILIO_TOKEN", "sms_settings", "twilio_settings"]

TWILIO_API = "https://api.twilio.com"
# Outside production: what the SMS stand-in (adapters/line/simulator/sms.py) expects.
DEV_TWILIO_SID = "AC" + "0" * 32
DEV_TWILIO_TOKEN = "madoguchi-development-twilio-token"
DEV_SMS_FROM = "+815000000000"


def sms_settings(env: Mapping[str, str], production: bool) -> dict[str, object]:
    """MADOGUCHI_SMS_FROM (the town's sender, E.164) and MADOGUCHI_SMS_YEN_PER_SEGMENT (what a
    campaign's estimate counts), whichever provider sends."""
    sender = env.get("MADOGUCHI_SMS_FROM", "").strip()
    if sender and not re.fullmatch(r"\+[1-9]\d{7,14}", sender):
        raise ValueError("MADOGUCHI_SMS_FROM is the town's sender number in E.164 "
                         "(+815012345678)")
    price = env.get("MADOGUCHI_SMS_YEN_PER_SEGMENT", "10").strip()
    try:
        yen_per_segment = float(price)
    except ValueError:
        raise ValueError("MADOGUCHI_SMS_YEN_PER_SEGMENT is the price of one segment in yen "
                         "(10, 12.5)") from None
    return {"sms_from": sender or DEV_SMS_FROM, "sms_yen_per_segment": yen_per_segment}


def twilio_settings(env: Mapping[str, str], production: bool) -> dict[str, object]:
    """MADOGUCHI_SMS_PROVIDER=twilio: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and
    TWILIO_API_BASE_URL. Production refuses it without its credentials and a sender."""
    sid, token = env.get("TWILIO_ACCOUNT_SID", ""), env.get("TWILIO_AUTH_TOKEN", "")
    sender = env.get("MADOGUCHI_SMS_FROM", "").strip()
    if production:
        missing = [name for name, value in (("TWILIO_ACCOUNT_SID", sid),
                                            ("TWILIO_AUTH_TOKEN", token),
                                            ("MADOGUCHI_SMS_FROM", sender)) if not value]
        if missing:
            raise PluginSettingsError(f"{', '.join(missing)} required with "
                                      "MADOGUCHI_SMS_PROVIDER=twilio")
    if sid and not re.fullmatch(r"AC[0-9a-fA-F]{32}", sid):
        raise PluginSettingsError("TWILIO_ACCOUNT_SID is AC followed by 32 hexadecimal digits")
    base = env.get("TWILIO_API_BASE_URL", "").strip().rstrip("/") or TWILIO_API
    if production and base != TWILIO_API and not base.startswith("https://"):
        raise PluginSettingsError("TWILIO_API_BASE_URL must be an https:// URL in production")
    return {"twilio_account_sid": sid or DEV_TWILIO_SID,
            "twilio_auth_token": token or DEV_TWILIO_TOKEN,
            "twilio_api_base_url": base}
