"""The README's Configuration table says what the code does: every variable production refuses
to start without is marked "required in production"."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.config import ConfigurationError, Settings
from tests.unit.test_payment_config import PRODUCTION

pytestmark = pytest.mark.unit

README = Path(__file__).resolve().parents[2] / "README.md"
WORKING = {**PRODUCTION, "MADOGUCHI_PAYMENT_PROVIDER": "paypay", "PAYPAY_API_KEY": "k",
           "PAYPAY_API_SECRET": "s", "PAYPAY_MERCHANT_ID": "m"}


def configuration_rows() -> dict[str, str]:
    """Each variable named in the first cell of a row of the Configuration table → its row."""
    table = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ")[0]
    rows = {}
    for line in table.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            for name in first.split("`")[1::2]:
                rows[name] = line
    return rows


def required_in_production(tmp_path: Path) -> list[str]:
    Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **WORKING})  # starts as it is
    required = []
    for name in PRODUCTION.keys() - {"MADOGUCHI_ENV"} | {"MADOGUCHI_PAYMENT_PROVIDER"}:
        env = {key: value for key, value in WORKING.items() if key != name}
        try:
            Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path), **env})
        except ConfigurationError as error:
            assert name in str(error)  # the refusal names the variable to set
            required.append(name)
    return sorted(required)


def test_every_variable_production_needs_is_marked_required_in_the_readme(
        tmp_path: Path) -> None:
    rows = configuration_rows()
    required = required_in_production(tmp_path)
    assert "MADOGUCHI_PAYMENT_PROVIDER" in required and "DATABASE_URL" in required
    unmarked = [name for name in required if "required in production" not in rows[name]]
    assert unmarked == []
