"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from application.residents.town import Town, check_digit
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import Container
from tests.support.together import at_once

pytestmark = pytest.mark.unit


def test_the_embedded_default_needs_no_configuration(tmp_path: Path) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)})

    assert settings.database_url == f"sqlite:///{tmp_path / 'madoguchi.db'}"
    assert settings.task_queue == "in_process"
    assert settings.environment == "development"
    assert len(settings.data_keys) == 1
    assert Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)}) == settings  # keys kept


def test_keys_are_read_newest_first_from_a_comma_separated_list(tmp_path: Path) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                                  "MADOGUCHI_DATA_KEYS": " new , old ,"})
    assert settings.data_keys == ("new", "old")


@pytest.mark.parametrize("env, variable", [
    ({"MADOGUCHI_ENV": "production"}, "DATABASE_URL"),
    ({"MADOGUCHI_ENV": "production", "DATABASE_URL": "postgresql://x/y"}, "MADOGUCHI_DATA_KEYS"),
    ({"MADOGUCHI_ENV": "production", "DATABASE_URL": "postgresql://x/y",
      "MADOGUCHI_DATA_KEYS": "k"}, "MADOGUCHI_SECRET_KEY"),
    ({"MADOGUCHI_ENV": "staging"}, "MADOGUCHI_ENV"),
    ({"MADOGUCHI_TASK_QUEUE": "sqs"}, "MADOGUCHI_TASK_QUEUE"),
])
def test_a_configuration_that_cannot_work_names_the_variable(
    tmp_path: Path, env: dict[str, str], variable: str,
) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})


def test_the_originator_of_transfer_files_has_demo_values_only_outside_production(
        tmp_path: Path) -> None:
    development = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)})
    assert (development.originator_code, development.originator_bank) == ("1234567890", "0001")
    given = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                               "MADOGUCHI_ORIGINATOR_CODE": "0000000001",
                               "MADOGUCHI_ORIGINATOR_ACCOUNT_TYPE": "2"})
    assert (given.originator_code, given.originator_account_type) == ("0000000001", "2")
    with pytest.raises(ConfigurationError):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                           "MADOGUCHI_ORIGINATOR_ACCOUNT_TYPE": "4"})


def test_the_town_is_set_by_prefecture_city_and_a_checked_code(tmp_path: Path) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                                  "MADOGUCHI_TOWN_PREFECTURE": "岡山県",
                                  "MADOGUCHI_TOWN_CITY": "総社市",
                                  "MADOGUCHI_TOWN_CODE": "332089"})
    assert (settings.town_prefecture, settings.town_city, settings.town_code) == (
        "岡山県", "総社市", "332089")
    assert settings.town_name == "総社市"  # the display name follows the city unless given
    assert settings.town_full_name == "岡山県総社市"


def test_the_town_name_alone_still_works(tmp_path: Path) -> None:
    settings = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                                  "MADOGUCHI_TOWN_NAME": "試験町"})
    assert (settings.town_name, settings.town_full_name, settings.town_city) == (
        "試験町", "試験町", "")


@pytest.mark.parametrize(("town", "message"), [
    ({"MADOGUCHI_TOWN_CODE": "332088"}, "検査数字"),
    ({"MADOGUCHI_TOWN_CODE": "33208"}, "6桁"),
    ({"MADOGUCHI_TOWN_CODE": "342084"}, "岡山県のコード"),
    ({"MADOGUCHI_TOWN_PREFECTURE": "岡山"}, "都道府県"),
    ({"MADOGUCHI_TOWN_CITY": ""}, "市区町村も"),
])
def test_a_town_that_cannot_be_right_is_refused_naming_the_variables(
        tmp_path: Path, town: dict[str, str], message: str) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path), "MADOGUCHI_TOWN_PREFECTURE": "岡山県",
           "MADOGUCHI_TOWN_CITY": "総社市", **town}
    with pytest.raises(ConfigurationError, match=f"MADOGUCHI_TOWN_CODE: .*{message}"):
        Settings.from_env(env)


@pytest.mark.parametrize(("five", "digit"), [("33208", "9"), ("33202", "0"), ("01101", "1"),
                                             ("13101", "6"), ("27100", "4")])
def test_the_check_digit_of_a_town_code(five: str, digit: str) -> None:
    assert check_digit(five) == digit


@pytest.mark.parametrize(("town", "written", "card"), [
    (("岡山県", "総社市"), "中央一丁目1番1号", "岡山県総社市中央一丁目1番1号"),
    (("岡山県", "総社市"), "総社市中央1-1-1", "総社市中央1-1-1"),
    (("岡山県", "総社市"), "広島県府中市中央1-1-1", "広島県府中市中央1-1-1"),
    (("岡山県", "都窪郡早島町"), "早島町前潟300", "早島町前潟300"),
    (("岡山県", "都窪郡早島町"), "前潟300", "岡山県都窪郡早島町前潟300"),
    (("", ""), "中央1-1-1", "中央1-1-1"),
])
def test_the_card_writes_an_address_in_full(town: tuple[str, str], written: str,
                                            card: str) -> None:
    assert Town(prefecture=town[0], city=town[1]).full_address(written) == card


def test_the_web_channel_is_a_liff_app_only_when_its_id_is_set(tmp_path: Path) -> None:
    plain = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)})
    liff = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                              "MADOGUCHI_LIFF_ID": " 1234567890-AbcdEfgh "})

    assert plain.liff_id == ""
    assert liff.liff_id == "1234567890-AbcdEfgh"


def test_the_postal_codes_are_the_bundled_excerpt_unless_a_ken_all_file_is_set(
        tmp_path: Path) -> None:
    ken_all = tmp_path / "KEN_ALL.CSV"
    ken_all.write_bytes('33208,"719  ","7191131","ｵｶﾔﾏｹﾝ","ｿｳｼﾞﾔｼ","ﾁﾕｳｵｳ","岡山県","総社市",'
                        '"中央",0,0,1,0,0,0\r\n'.encode("cp932"))
    plain = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path)})
    full = Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                              "MADOGUCHI_POSTAL_CODES_FILE": str(ken_all)})

    assert plain.postal_codes_file == ""
    container = Container()
    container.config.from_dict(attrs.asdict(full, recurse=False))
    assert container.postal_codes().areas("7191131")[0].town == "中央"
    with pytest.raises(ConfigurationError, match="MADOGUCHI_POSTAL_CODES_FILE"):
        Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                           "MADOGUCHI_POSTAL_CODES_FILE": str(tmp_path / "missing.csv")})


def test_processes_starting_together_on_a_new_data_directory_read_the_same_whole_keys(
        tmp_path: Path) -> None:
    """gunicorn's workers start at once: none may read a key another is still writing."""
    for attempt in range(20):
        data_dir = tmp_path / str(attempt)
        seen = at_once([lambda d=data_dir: Settings.from_env({"MADOGUCHI_DATA_DIR": str(d)})
                        for _ in range(8)])

        assert all(isinstance(s, Settings) for s in seen)
        assert all(len(s.match_key) == 64 and s == seen[0] for s in seen)
        assert sorted(p.name for p in data_dir.iterdir()) == ["data.key", "match.key",
                                                               "secret.key"]
