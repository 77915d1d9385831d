"""Configuration of the e-mail channel (ADR 0040)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.crypto import new_key
from adapters.email.mailer import SmtpMailer
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import build_container
from tests.unit.test_readme_configuration import WORKING

pytestmark = pytest.mark.unit


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})


def test_development_mails_the_simulators_catcher_in_clear(tmp_path: Path) -> None:
    settings = _settings(tmp_path)

    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == (
        "127.0.0.1", 8025, False)
    channel = build_container(settings).messaging_channels()["email"]
    assert isinstance(channel, SmtpMailer) and channel.sender.address == settings.mail_from


def test_production_with_a_sender_uses_starttls_on_the_submission_port(tmp_path: Path) -> None:
    settings = _settings(tmp_path, **WORKING, MADOGUCHI_MAIL_FROM="Noreply@City.Soja.Example.JP",
                         MADOGUCHI_SMTP_HOST="smtp.example.jp", MADOGUCHI_SMTP_USER="town",
                         MADOGUCHI_SMTP_PASSWORD="secret")

    assert settings.mail_from == "noreply@city.soja.example.jp"
    assert (settings.smtp_port, settings.smtp_starttls) == (587, True)


def test_production_without_a_sender_keeps_email_messages_and_says_why(
        tmp_path: Path) -> None:
    settings = _settings(tmp_path, **{**WORKING, "MADOGUCHI_DATA_KEYS": new_key()})

    channel = build_container(settings).email_messenger()
    [(_, result)] = channel.send_many(["taro@example.jp"], [], idempotency_key="k")
    assert settings.mail_from == "" and result.outcome.value == "retry_later"
    assert "MADOGUCHI_MAIL_FROM" in result.detail


@pytest.mark.parametrize("env, variable", [
    ({"MADOGUCHI_MAIL_FROM": "noreply@city.example.jp"}, "MADOGUCHI_SMTP_HOST"),
    ({"MADOGUCHI_MAIL_FROM": "noreply"}, "MADOGUCHI_MAIL_FROM"),
    ({"MADOGUCHI_MAIL_FROM": "a@city.example.jp", "MADOGUCHI_SMTP_HOST": "smtp.example.jp",
      "MADOGUCHI_SMTP_PORT": "smtp"}, "MADOGUCHI_SMTP_PORT"),
    ({"MADOGUCHI_MAIL_FROM": "a@city.example.jp", "MADOGUCHI_SMTP_HOST": "smtp.example.jp",
      "MADOGUCHI_SMTP_STARTTLS": "yes"}, "MADOGUCHI_SMTP_STARTTLS"),
    ({"MADOGUCHI_MAIL_FROM": "a@city.example.jp", "MADOGUCHI_SMTP_HOST": "smtp.example.jp",
      "MADOGUCHI_SMTP_PASSWORD": "p", "MADOGUCHI_SMTP_STARTTLS": "0"},
     "MADOGUCHI_SMTP_STARTTLS"),
])
def test_a_production_mail_setting_that_cannot_work_is_refused_naming_the_variable(
        tmp_path: Path, env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        _settings(tmp_path, **WORKING, **env)
