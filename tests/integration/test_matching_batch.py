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
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from adapters.persistence.queries.matching import SqlMatchingQueries
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.ports.matching_queries import MatchScope
from application.residents.match_keys import HmacMatchKeyer
from application.residents.matching import Candidate, decide_many
from application.residents.matching_batch import match_batch
from domain.channels import ChannelIdentity
from domain.residents import MatchKeys, RegistryStatus, Resident
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


def _keys(person: str, place: str, reading: str | None = None,
          name_place: str | None = None) -> MatchKeys:
    return MatchKeys(person=f"{person:0>32}", place=f"{place:0>32}",
                     reading=None if reading is None else f"{reading:0>32}",
                     name_place=None if name_place is None else f"{name_place:0>32}")


# (resident, keys, registry status); (verification, keys): each case of the rules, by hand
_REGISTRY = [
    ("r-link", _keys("p1", "a1", "k1", "n1"), RegistryStatus.RESIDENT),
    ("r-moved-out", _keys("p2", "a2", "k2", "n2"), RegistryStatus.MOVED_OUT),
    ("r-twin-living", _keys("p3", "a3", "k3", "n3"), RegistryStatus.RESIDENT),
    ("r-twin-dead", _keys("p3", "a3", "k3", "n3"), RegistryStatus.DECEASED),
    ("r-reading-only", _keys("p40", "a40", "k4", "n40"), RegistryStatus.RESIDENT),
    ("r-name-place-only", _keys("p50", "a50", "k50", "n5"), RegistryStatus.RESIDENT),
    ("r-place-only", _keys("p60", "a6", "k60", "n60"), RegistryStatus.RESIDENT),
    ("r-person-only", _keys("p7", "a70", "k70", "n70"), RegistryStatus.RESIDENT),
]
_CARDS = [
    ("v1-link", _keys("p1", "a1", "k1", "n1")),
    ("v2-not-living", _keys("p2", "a2", "k2", "n2")),
    ("v3-living-and-dead", _keys("p3", "a3", "k3", "n3")),
    ("v4-reading", _keys("p4", "a4", "k4", "n4")),
    ("v5-name-place", _keys("p5", "a5", "k5", "n5")),
    ("v6-nobody", _keys("p9", "a9", "k9", "n9")),
    ("v7-no-reading", _keys("p7", "a6")),
]


def test_on_postgresql_the_two_steps_return_what_the_single_statement_returns(
        engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the two steps are PostgreSQL's (ADR 0077); SQLite runs the single statement")
    people = list(generate_registry(len(_REGISTRY) + len(_CARDS), seed=5))
    uow_factory = _on(engine)
    with uow_factory() as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(id="i1", channel="line",
                                                              address="U1", at=NOW))
        for (id_, keys, status), person in zip(_REGISTRY, people, strict=False):
            uow.residents.add(Resident.from_registry(
                id=id_, resident_number=person.resident_number,
                household_number=person.household_number, facts=person.facts, at=NOW,
                match_keys=keys, status=status))
        for (id_, keys), person in zip(_CARDS, people[len(_REGISTRY):], strict=False):
            uow.verifications.add(IdentityVerification(
                id=id_, identity_id="i1", provider="dev_card", subject=id_,
                assurance="development", verified_at=NOW, facts=person.facts,
                match_keys=keys))
        uow.commit()
    scope = MatchScope(verification_ids=["v1-link", "v1-link", "v9-unknown", "v4-reading"],
                       statuses=(VerificationStatus.UNMATCHED, VerificationStatus.REVIEW))

    with session_factory(engine)() as session:
        queries = SqlMatchingQueries(session)
        found = queries.match(scope)
        isolation = session.execute(text("SHOW transaction_isolation")).scalar_one()
        assert found == queries._in_one(scope)  # the single statement, in the same snapshot
        session.rollback()

    assert isolation == "repeatable read"
    assert found.links == {"v1-link": "r-link"}
    assert set(found.near.keys) == {id_ for id_, _ in _CARDS} - {"v1-link"}
    assert [c.resident_id for c in found.near.candidates] == sorted(
        id_ for id_, _, _ in _REGISTRY if id_ != "r-link")
    decisions = match_batch(scope, queries=_Fixed(found)).held
    assert {id_: d.outcome for id_, d in decisions.items()} == {
        "v2-not-living": MatchOutcome.NEAR, "v3-living-and-dead": MatchOutcome.AMBIGUOUS,
        "v4-reading": MatchOutcome.NEAR, "v5-name-place": MatchOutcome.NEAR,
        "v6-nobody": MatchOutcome.NONE, "v7-no-reading": MatchOutcome.NEAR}


class _Fixed:
    def __init__(self, found: Any) -> None:
        self.found = found

    def match(self, scope: MatchScope) -> Any:
        return self.found
