"""The example third-party SMS plug-in (examples/madoguchi-sms-example, installed as its own
distribution) end to end: chosen by MADOGUCHI_SMS_PROVIDER=example-http with its own settings, a
benefit notice goes out by SMS through it to the vendor's stand-in, and the resident's personal
link in the text they received opens their page, where one tap applies. A name no installed
package registers stops the command line at start-up with the names that are installed."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from madoguchi_sms_example.client import ExampleHttpSms
from madoguchi_sms_example.standin import StandIn, running_standin
from sqlalchemy import Engine

from application.benefits.notices import notice
from application.messaging.outbox import DeliveryStatus, OutboxMessage
from domain.benefits import Application, ApplicationStatus, PayoutMethod
from domain.channels import ChannelIdentity
from domain.eligibility import EligibleHousehold
from domain.residents import VerificationState
from entrypoints.config import Settings
from entrypoints.containers import Container, build_container, shutdown
from tests import builders as b
from tests.conftest import GENEROUS_RATE_LIMITS, TEST_KEY, _fast_hasher
from tests.support.isolation import is_app_variable
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e

TOKEN = "example-vendor-token"
SENDER = "+815012345678"
PHONE = "+819012345678"
LINK = re.compile(r"http://127\.0\.0\.1:8000/r/l\?t=[A-Za-z0-9_-]+")


@pytest.fixture
def vendor() -> Iterator[StandIn]:
    with running_standin(TOKEN, SENDER) as standin:
        yield standin


@pytest.fixture
def container(engine: Engine, tmp_path: Path, vendor: StandIn) -> Iterator[Container]:
    """The test town's container (tests/conftest.py), its SMS through the example plug-in:
    chosen and configured by its settings, as a town sets them."""
    built = build_container(Settings.from_env({
        "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MADOGUCHI_DATA_KEYS": TEST_KEY, "MADOGUCHI_TASK_QUEUE": "eager",
        "MADOGUCHI_TOWN_NAME": "試験町", **GENEROUS_RATE_LIMITS,
        "MADOGUCHI_SMS_PROVIDER": "example-http", "EXAMPLE_SMS_API_URL": vendor.base_url,
        "EXAMPLE_SMS_TOKEN": TOKEN, "EXAMPLE_SMS_SENDER": SENDER}))
    built.engine.override(engine)
    built.password_hasher.override(_fast_hasher())
    yield built
    shutdown(built)
    built.unwire()
    built.reset_singletons()


def _notified_on_sms(container: Container) -> None:
    """A verified head of household reached by SMS only, and an open program's notice to them
    in the outbox (cash at the ATM, so はい applies at once)."""
    now = container.clock().now()
    with container.uow() as uow:
        head = b.resident(id="r1")
        head.verification_state = VerificationState.VERIFIED
        uow.residents.add(head)
        uow.households.add(b.household(id="h1", head_resident_id="r1"))
        uow.commit()
    with container.uow() as uow:
        identity = ChannelIdentity.first_seen(id="sms-r1", channel="sms", address=PHONE, at=now)
        identity.link("r1")
        uow.channel_identities.add(identity)
        program = b.program(opens_at=now - dt.timedelta(days=1),
                            closes_at=now + dt.timedelta(days=60),
                            methods=frozenset({PayoutMethod.ATM_CASH}))
        uow.programs.add(program)
        uow.eligibility.add(EligibleHousehold(id="e1", program_id="p1", household_id="h1",
                                              added_at=now))
        applied = Application.notify(id="a1", program=program, household_id="h1", at=now,
                                     channel="sms")
        uow.applications.add(applied)
        uow.outbox.add(OutboxMessage.of([notice(program, applied, banks=None)], id="n1",
                                        channel="sms", recipient=PHONE, at=now))
        uow.commit()


def test_a_notice_goes_by_the_example_plugin_and_its_link_opens_the_residents_page(
        container: Container, client: FlaskClient, vendor: StandIn) -> None:
    assert isinstance(container.sms_channel(), ExampleHttpSms)
    _notified_on_sms(container)

    container.outbox_notifier().wake()

    [sent] = vendor.inbox(PHONE)
    assert "支給額は70,000円" in sent.body and sent.idempotency_key == "n1"
    with container.uow() as uow:
        stored = uow.outbox.get("n1")
    # no status will come (the town set no webhook secret): delivered once the vendor took it
    assert (stored.provider_ref, stored.delivery_status) == (None, DeliveryStatus.DELIVERED)
    [link] = LINK.findall(sent.body)
    parts = urllib.parse.urlsplit(link)
    web = ResidentBrowser(client)
    opened = web.open(f"{parts.path}?{parts.query}")
    assert opened.status_code == 200 and "支給額は70,000円" in web.html
    web.press("申請する")

    with container.uow() as uow:
        assert uow.applications.get("a1").status is ApplicationStatus.CONFIRMED


def test_the_command_line_refuses_an_sms_provider_no_package_installs(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not is_app_variable(k)}
    environment.update({"MADOGUCHI_DATA_DIR": str(tmp_path / "var"),
                        "MADOGUCHI_SMS_PROVIDER": "carrier-pigeon"})
    result = subprocess.run([sys.executable, "-m", "entrypoints", "db", "current"],
                            cwd=tmp_path, env=environment, capture_output=True, text=True,
                            timeout=120)

    assert result.returncode == 1
    assert ("MADOGUCHI_SMS_PROVIDER=carrier-pigeon: no such SMS provider is installed "
            "(installed: example-http, none, twilio)") in result.stderr
