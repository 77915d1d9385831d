"""Residents and households (住民, 世帯): the registry's people, their households, identity
verifications waiting for a match, and the state of verifications in progress."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import composite, registry, relationship

from adapters.persistence import codecs
from adapters.persistence.orm.base import ENCRYPTED_TEXT, ID, metadata, writes_after
from adapters.persistence.types import EncryptedJSON, EnumValue, JSONText, UTCDateTime
from domain.channels import ChannelIdentity
from domain.households import Household, HouseholdMember
from domain.residents import MatchKeys, RegistryStatus, Resident, VerificationState
from domain.verifications import IdentityVerification, MatchOutcome, VerificationStatus

__all__ = [
    "household_members",
    "households",
    "identity_verifications",
    "map_residents",
    "residents",
    "verification_attempts",
]

_ENCRYPTED_FACTS = EncryptedJSON(codecs.facts_to_json, codecs.facts_from_json)
_ENCRYPTED_VERIFICATION = EncryptedJSON(codecs.verification_to_json,
                                        codecs.verification_from_json)

residents = Table(
    "residents", metadata,
    Column("id", ID, primary_key=True),
    Column("resident_number", String(32), unique=True),
    Column("household_number", String(32), index=True),
    Column("registry_status", EnumValue(RegistryStatus), nullable=False),
    Column("verification_state", EnumValue(VerificationState), nullable=False),
    Column("facts", _ENCRYPTED_FACTS),
    Column("verification", _ENCRYPTED_VERIFICATION),
    Column("reverify_reason", Text),
    Column("created_at", UTCDateTime),
    Column("match_person", String(32), index=True),
    Column("match_place", String(32), index=True),
    Column("match_reading", String(32), index=True),
    Column("match_name_place", String(32), index=True),
    # a segment's count reads the registry's residents from this index alone, not the rows
    # with their encrypted facts (ADR 0056)
    Index("ix_residents_registry_status_id", "registry_status", "id", "verification_state"),
    # the dashboard's count of verified residents, one range of one index (ADR 0067)
    Index("ix_residents_verification_state", "verification_state"),
)

households = Table(
    "households", metadata,
    Column("id", ID, primary_key=True),
    Column("household_number", String(32), nullable=False, unique=True),
    Column("head_resident_id", ID, ForeignKey("residents.id"), nullable=False),
)

household_members = Table(
    "household_members", metadata,
    Column("household_id", ID, ForeignKey("households.id", ondelete="CASCADE"),
           primary_key=True),
    Column("resident_id", ID, ForeignKey("residents.id"), primary_key=True),
    Column("relationship", String(32), nullable=False),
    Column("position", Integer, nullable=False),
    UniqueConstraint("resident_id"),
)

identity_verifications = Table(
    "identity_verifications", metadata,
    Column("id", ID, primary_key=True),
    Column("identity_id", ID, ForeignKey("channel_identities.id"), nullable=False, index=True),
    Column("provider", String(32), nullable=False),
    Column("subject", ENCRYPTED_TEXT, nullable=False),
    Column("assurance", String(64), nullable=False),
    Column("verified_at", UTCDateTime, nullable=False),
    Column("facts", _ENCRYPTED_FACTS, nullable=False),
    Column("match_person", String(32), nullable=False, index=True),
    Column("match_place", String(32), nullable=False, index=True),
    Column("match_reading", String(32)),
    Column("match_name_place", String(32), index=True),
    Column("status", EnumValue(VerificationStatus), nullable=False, index=True),
    Column("outcome", EnumValue(MatchOutcome), nullable=False),
    Column("reason", Text, nullable=False),
    Column("candidate_ids", MutableList.as_mutable(JSONText()), nullable=False),
    Column("resident_id", ID, ForeignKey("residents.id"), index=True),
    Column("decided_by", ID),
    Column("decided_at", UTCDateTime),
    Column("version", Integer, nullable=False),  # two staff deciding at once: one wins
)

verification_attempts = Table(
    "verification_attempts", metadata,
    Column("state", String(64), primary_key=True),
    Column("nonce", String(128), nullable=False),
    Column("code_verifier", String(128), nullable=False),
    Column("identity_id", ID, nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


def _no_keys(person: str | None, place: str | None, reading: str | None,
             name_place: str | None) -> bool:
    return person is None and place is None


def map_residents(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(Resident, residents, properties={
        "match_keys": composite(MatchKeys, residents.c.match_person, residents.c.match_place,
                                residents.c.match_reading, residents.c.match_name_place,
                                return_none_on=_no_keys),
    })
    m(IdentityVerification, identity_verifications, version_id_col=identity_verifications.c.version,
      properties={
        "match_keys": composite(MatchKeys, identity_verifications.c.match_person,
                                identity_verifications.c.match_place,
                                identity_verifications.c.match_reading,
                                identity_verifications.c.match_name_place),
        "_identity": writes_after(ChannelIdentity, identity_verifications.c.identity_id),
    })
    m(HouseholdMember, household_members, properties={
        "_resident": writes_after(Resident, household_members.c.resident_id),
    })
    m(Household, households, properties={
        "members": relationship(HouseholdMember, order_by=household_members.c.position,
                                collection_class=ordering_list("position"),
                                cascade="all, delete-orphan", lazy="selectin"),
        "_head": writes_after(Resident, households.c.head_resident_id),
    })
