"""Madoguchi's contract suites (madoguchi_contracts, installed with Madoguchi as a pytest plugin)
run against this adapter and its stand-in: every promise of the MessagingChannel port, and
those of an SMS channel. A vendor's package runs them the same way."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from madoguchi_sms_example.client import ExampleHttpSms
from madoguchi_sms_example.standin import StandIn, running_standin

from madoguchi_contracts.messaging import (
    ContractLinks,
    MessagingChannelContract,
    MessagingHarness,
    SmsChannelContract,
    SmsHarness,
)

TOKEN = "example-token"
SENDER = "+815012345678"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _adapter(api_url: str, links: object, *, max_attempts: int = 1) -> ExampleHttpSms:
    return ExampleHttpSms(api_url=api_url, token=TOKEN, sender=SENDER,
                          links=links,  # type: ignore[arg-type]
                          timeout=2.0, max_attempts=max_attempts, sleep=lambda _: None)


@pytest.fixture
def vendor() -> Iterator[StandIn]:
    with running_standin(TOKEN, SENDER) as standin:
        yield standin


class TestExampleHttpSms(MessagingChannelContract):
    @pytest.fixture
    def harness(self, vendor: StandIn) -> MessagingHarness:
        links = ContractLinks()
        return MessagingHarness(
            _adapter(vendor.base_url, links),
            ["+819012345678", "+818011112222", "+817033334444"],
            "+81312345678",  # a landline: the vendor answers invalid_recipient
            lambda number: len(vendor.inbox(number)),
            lambda: _adapter(f"http://127.0.0.1:{_closed_port()}", links))


class TestExampleHttpSmsAsSms(SmsChannelContract):
    @pytest.fixture
    def sms_harness(self, vendor: StandIn, links: ContractLinks) -> SmsHarness:
        return SmsHarness(_adapter(vendor.base_url, links, max_attempts=2),
                          lambda number: [sent.body for sent in vendor.inbox(number)],
                          vendor.fail_next)
