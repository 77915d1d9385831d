"""The SMS channel's settings: off unless chosen; production refuses Twilio without its
credentials and a sender; values that cannot work name their variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.config import ConfigurationError, Settings
from tests.unit.test_readme_configuration import WORKING, configuration_rows

pytestmark = pytest.mark.unit

TWILIO = {"MADOGUCHI_SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC" + "ab" * 16,
          "TWILIO_AUTH_TOKEN": "token", "MADOGUCHI_SMS_FROM": "+815012345678"}


def test_sms_is_off_unless_a_provider_is_chosen(tmp_path: Path) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)})
    assert settings.sms_provider == "none"
    assert settings.twilio_api_base_url == "https://api.twilio.com"


def test_production_with_twilio_and_its_credentials_starts(tmp_path: Path) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **WORKING, **TWILIO,
                                  "MADOGUCHI_SMS_YEN_PER_SEGMENT": "12.5"})
    assert (settings.sms_provider, settings.sms_from, settings.sms_yen_per_segment) == (
        "twilio", "+815012345678", 12.5)


@pytest.mark.parametrize("missing", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                                     "MADOGUCHI_SMS_FROM"])
def test_production_refuses_twilio_without_its_credentials(tmp_path: Path,
                                                           missing: str) -> None:
    env = {key: value for key, value in {**WORKING, **TWILIO}.items() if key != missing}
    with pytest.raises(ConfigurationError, match=missing):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})
    assert "required in production with MADOGUCHI_SMS_PROVIDER=twilio" in \
        configuration_rows()[missing]


@pytest.mark.parametrize(("name", "value"), [
    ("MADOGUCHI_SMS_PROVIDER", "carrier-pigeon"), ("MADOGUCHI_SMS_FROM", "050-1234-5678"),
    ("TWILIO_ACCOUNT_SID", "not-a-sid"), ("MADOGUCHI_SMS_YEN_PER_SEGMENT", "十円"),
])
def test_a_value_that_cannot_work_names_its_variable(tmp_path: Path, name: str,
                                                     value: str) -> None:
    # Twilio's own settings are read by its plug-in's hook, when it is the one chosen
    env = {"MADOGUCHI_SMS_PROVIDER": "twilio", name: value}
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})


def test_an_sms_provider_no_package_installs_is_refused_with_the_installed_ones(
        tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                           "MADOGUCHI_SMS_PROVIDER": "carrier-pigeon"})
    message = str(refused.value)
    assert message.startswith("MADOGUCHI_SMS_PROVIDER=carrier-pigeon: no such SMS provider is "
                              "installed (installed: ")
    assert "none" in message and "twilio" in message
