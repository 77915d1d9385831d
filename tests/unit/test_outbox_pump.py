"""How many rounds the outbox's triggers run (outbox_pump.deliver_due): on while a round says
more may be due, never a round only to find the outbox empty."""

from __future__ import annotations

import pytest
from attrs import frozen

from adapters.background.outbox_pump import DeliverNow, deliver_due

pytestmark = pytest.mark.unit


@frozen
class Report:
    handled: int
    more: bool


@frozen
class OldReport:  # a dispatcher that does not say whether more may be due
    handled: int


def _rounds(*reports: object) -> tuple[list[object], object]:
    rounds: list[object] = []
    left = list(reports)

    def deliver() -> object:
        rounds.append(left.pop(0))
        return rounds[-1]

    return rounds, deliver


def test_rounds_go_on_while_each_says_more_may_be_due() -> None:
    rounds, deliver = _rounds(Report(500, True), Report(500, True), Report(3, False),
                              Report(7, False))

    deliver_due(deliver)

    assert rounds == [Report(500, True), Report(500, True), Report(3, False)]


def test_a_round_that_handled_nothing_ends_them_whatever_it_says() -> None:
    rounds, deliver = _rounds(Report(0, True), Report(5, False))

    DeliverNow(deliver).wake()

    assert rounds == [Report(0, True)]


def test_a_report_that_does_not_say_is_asked_again_until_it_handles_nothing() -> None:
    rounds, deliver = _rounds(OldReport(4), OldReport(2), OldReport(0), OldReport(9))

    deliver_due(deliver)

    assert rounds == [OldReport(4), OldReport(2), OldReport(0)]


def test_rounds_stop_when_told_to() -> None:
    rounds, deliver = _rounds(Report(500, True), Report(500, True))
    told = iter([True, False])

    deliver_due(deliver, go_on=lambda: next(told))

    assert rounds == [Report(500, True)]
