"""Matching many verifications in the database (ADR 0064) decides exactly what the rules in
Python decide: on a synthetic town with the hard cases (moves, twins, namesakes, persons
recorded twice, 転出・死亡・削除 records, people not in the registry), the grouped join's links
and the near misses' reasons and candidate order equal `decide_many` over the whole registry,
on SQLite, PostgreSQL and the in-memory fake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from adapters.persistence.queries.matching import SqlMatchingQueries
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.ports.matching_queries import MatchScope
from application.residents.match_keys import HmacMatchKeyer
from application.residents.matching import Candidate, decide_many
from application.residents.matching_batch import match_batch
from domain.channels import ChannelIdentity
from domain.residents import RegistryStatus, Resident
from domain.verifications import IdentityVerification, MatchOutcome, VerificationStatus
from tests.fakes import FakeDatabase, FakeUnitOfWork, message_bus_on
from tests.support.jit import assert_without_jit_in_its_transaction
from tests.support.variant_town import generate_registry, generate_verified

pytestmark = pytest.mark.integration

SECRET = b"matching-batch-test-secret-0123456789"
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def _on(engine: Engine) -> Callable[[], Any]:
    sessions = session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(sessions, message_bus_on())


def _in_memory() -> Callable[[], Any]:
    database = FakeDatabase()
    return lambda: FakeUnitOfWork(database)


def _town(uow_factory: Callable[[], Any]) -> tuple[list[Resident], list[IdentityVerification]]:
    """2,000 registry persons (every 97th marked removed, as a full extract leaves them) and
    900 verifications, 600 open and the rest already linked (out of an open scope)."""
    keyer = HmacMatchKeyer(SECRET)
    people = list(generate_registry(2_000, seed=22))
    cards = list(generate_verified(people, 900, seed=23))
    registry = [
        Resident.from_registry(
            id=f"r{n:05d}", resident_number=p.resident_number, household_number=p.household_number,
            facts=p.facts, at=NOW, match_keys=keyer.keys_for(p.facts),
            status=RegistryStatus.REMOVED if n % 97 == 3 else p.status)
        for n, p in enumerate(people)]
    registry.append(Resident(id="r-unkeyed", registry_status=RegistryStatus.UNKNOWN))
    verifications = []
    for n, card in enumerate(cards):
        record = IdentityVerification(
            id=f"v{n:05d}", identity_id="i1", provider="dev_card", subject=f"s{n}",
            assurance="development", verified_at=NOW, facts=card.facts,
            match_keys=keyer.keys_for(card.facts))
        if n % 3 == 2:
            record.link(registry[0].id, outcome=MatchOutcome.EXACT)
        else:
            record.hold_for_review(outcome=MatchOutcome.NONE if n % 2 else MatchOutcome.NEAR,
                                   reason="", candidate_ids=[])
        verifications.append(record)
    with uow_factory() as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(id="i1", channel="line",
                                                              address="U1", at=NOW))
        for resident in registry:
            uow.residents.add(resident)
        uow.commit()
    with uow_factory() as uow:
        for record in verifications:
            uow.verifications.add(record)
        uow.commit()
    return registry, verifications


def _by_rules(registry: list[Resident], verifications: list[IdentityVerification]) -> dict:  # type: ignore[type-arg]
    candidates = [Candidate(resident_id=r.id, keys=r.match_keys,
                            living=r.registry_status is RegistryStatus.RESIDENT)
                  for r in sorted(registry, key=lambda r: r.id) if r.match_keys is not None]
    return decide_many({v.id: v.match_keys for v in verifications}, candidates)


def test_the_open_verifications_are_decided_as_the_rules_decide_them(engine: Engine) -> None:
    _open_verifications_are_decided_as_the_rules_decide_them(_on(engine))


def test_the_fake_decides_the_open_verifications_as_the_rules_decide_them() -> None:
    _open_verifications_are_decided_as_the_rules_decide_them(_in_memory())


def test_verifications_named_by_id_are_decided_each_once(engine: Engine) -> None:
    _named_verifications_are_decided_each_once(_on(engine))


def test_the_fake_decides_verifications_named_by_id_each_once() -> None:
    _named_verifications_are_decided_each_once(_in_memory())


def _open_verifications_are_decided_as_the_rules_decide_them(uow_factory) -> None:  # type: ignore[no-untyped-def]
    registry, verifications = _town(uow_factory)
    open_ = [v for v in verifications if v.status is not VerificationStatus.LINKED]

    with uow_factory() as uow:
        batch = match_batch(MatchScope(statuses=(VerificationStatus.REVIEW,
                                                 VerificationStatus.UNMATCHED)),
                            queries=uow.queries.matching)

    assert dict(batch.decisions()) == _by_rules(registry, open_)
    outcomes = {d.outcome for _id, d in batch.decisions()}
    assert outcomes == {MatchOutcome.EXACT, MatchOutcome.AMBIGUOUS, MatchOutcome.NEAR,
                        MatchOutcome.NONE}
    assert len(batch.held) < len(batch.links) / 5  # Python decides only the few near misses


def _named_verifications_are_decided_each_once(uow_factory) -> None:  # type: ignore[no-untyped-def]
    registry, verifications = _town(uow_factory)
    named = verifications[::4]

    with uow_factory() as uow:
        batch = match_batch(MatchScope(verification_ids=[v.id for v in named],
                                       statuses=(VerificationStatus.REVIEW,)),
                            queries=uow.queries.matching)

    wanted = {v.id: v for v in verifications
              if v in named or v.status is VerificationStatus.REVIEW}
    assert len(batch) == len(wanted)
    assert dict(batch.decisions()) == _by_rules(registry, list(wanted.values()))


def test_the_hard_cases_of_the_town_are_all_there() -> None:
    people = list(generate_registry(2_000, seed=22))
    cases = {v.case for v in generate_verified(people, 900, seed=23)}

    assert {"twin", "namesake", "moved", "duplicate", "newcomer", "stale", "moved_out"} <= cases


def test_the_matching_compiles_nothing_on_postgresql_and_only_in_its_own_transaction(
        engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        _town(_on(engine))

    def run(session: Session) -> None:
        match_batch(MatchScope(statuses=(VerificationStatus.REVIEW,)),
                    queries=SqlMatchingQueries(session))

    assert_without_jit_in_its_transaction(engine, run)
