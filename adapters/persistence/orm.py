"""Tables and the imperative mapping of domain classes onto them (`start_mappers`)."""

from __future__ import annotations

import base64

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import composite, registry, relationship

from adapters.crypto import FieldCipher
from adapters.persistence import codecs
from adapters.persistence.types import (
    EncryptedJSON,
    EnumValue,
    JSONText,
    MoneyYen,
    UTCDateTime,
    cipher_slot,
)
from application.attachments import StoredAttachment
from application.conversations.state import Conversation, ConversationStatus
from application.jobs import Job, JobStatus
from application.outbox import InboxEvent, OutboxMessage, OutboxStatus
from domain.access import ApiKey
from domain.batches import BatchState, PaymentAuditEntry, PaymentBatch
from domain.benefits import (
    Application,
    ApplicationStatus,
    ApplicationWindow,
    BenefitProgram,
    Campaign,
    EligibleHousehold,
    PayoutMethod,
    ProgramStatus,
)
from domain.cash_payouts import CashPayout, CashPayoutState
from domain.certificates import (
    CertificateKind,
    CertificateRequest,
    Delivery,
    IssueState,
    PaymentState,
)
from domain.channels import ChannelIdentity, IdentityStatus
from domain.disbursements import Disbursement, DisbursementStatus
from domain.households import Household, HouseholdMember
from domain.residents import MatchKeys, RegistryStatus, Resident, VerificationState
from domain.staff import Role, StaffMember
from domain.staff_sign_in import StaffSignIn
from domain.verifications import IdentityVerification, MatchOutcome, VerificationStatus

__all__ = ["metadata", "start_mappers"]

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

ID = String(32)

_ENCRYPTED_FACTS = EncryptedJSON(codecs.facts_to_json, codecs.facts_from_json)
_ENCRYPTED_TEXT = EncryptedJSON(str, str)
_ENCRYPTED_ACCOUNT = EncryptedJSON(codecs.account_to_json, codecs.account_from_json)
_ENCRYPTED_VERIFICATION = EncryptedJSON(codecs.verification_to_json,
                                        codecs.verification_from_json)
_PAYOUT_METHODS = JSONText(dump=lambda methods: sorted(m.value for m in methods),
                           load=lambda values: frozenset(PayoutMethod(v) for v in values))
_ITEMS = JSONText(dump=sorted, load=frozenset)
_ENCRYPTED_BYTES = EncryptedJSON(lambda data: base64.b64encode(data).decode("ascii"),
                                 base64.b64decode)
# What residents typed can be personal data; tracked for in-place changes to the dict.
_ENCRYPTED_ANSWERS = MutableDict.as_mutable(EncryptedJSON(dict, dict))

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

benefit_programs = Table(
    "benefit_programs", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("amount_per_household", MoneyYen, nullable=False),
    Column("eligibility_source", Text, nullable=False),
    Column("window_opens_at", UTCDateTime, nullable=False),
    Column("window_closes_at", UTCDateTime, nullable=False),
    Column("payout_methods", _PAYOUT_METHODS, nullable=False),
    Column("status", EnumValue(ProgramStatus), nullable=False),
    Column("notice_text", Text, nullable=False),
    Column("decision_text", Text, nullable=False),
    Column("rejection_text", Text, nullable=False),
)

applications = Table(
    "applications", metadata,
    Column("id", ID, primary_key=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False),
    Column("household_id", ID, ForeignKey("households.id"), nullable=False),
    Column("status", EnumValue(ApplicationStatus), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("payout_method", EnumValue(PayoutMethod)),
    Column("payee_account", _ENCRYPTED_ACCOUNT),
    Column("amount", MoneyYen),
    Column("notified_at", UTCDateTime),
    Column("confirmed_at", UTCDateTime),
    Column("decided_at", UTCDateTime),
    Column("decided_by", ID),
    Column("decision_reason", Text, nullable=False),
    Column("offered_account", _ENCRYPTED_ACCOUNT),
    Column("notice_message_id", ID, unique=True),
    Column("account_conversation_id", ID, unique=True),
    Column("passbook_photo", String(128)),
    Column("account_checked_by", ID),
    Column("account_checked_at", UTCDateTime),
    Column("entered_by", ID),
    Column("version", Integer, nullable=False, server_default="1"),  # a double tap: one wins
    UniqueConstraint("program_id", "household_id"),
    Index("ix_applications_program_id_status", "program_id", "status"),
    Index("ix_applications_household_id_status", "household_id", "status"),
)

eligible_households = Table(
    "eligible_households", metadata,
    Column("id", ID, primary_key=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False),
    Column("household_id", ID, ForeignKey("households.id"), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("source_row", Integer),
    UniqueConstraint("program_id", "household_id"),
)

attachments = Table(
    "attachments", metadata,
    Column("id", ID, primary_key=True),
    Column("ref", String(128), nullable=False, unique=True),
    Column("content_type", String(100), nullable=False),
    Column("content", _ENCRYPTED_BYTES, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
)

campaigns = Table(
    "campaigns", metadata,
    Column("id", ID, primary_key=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False, index=True),
    Column("job_id", ID, ForeignKey("jobs.id"), nullable=False, unique=True),
    Column("started_by", ID, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("recipients", Integer, nullable=False),
)

disbursements = Table(
    "disbursements", metadata,
    Column("id", ID, primary_key=True),
    Column("application_id", ID, ForeignKey("applications.id"), nullable=False),
    Column("amount", MoneyYen, nullable=False),
    Column("method", EnumValue(PayoutMethod), nullable=False),
    Column("payee_account", _ENCRYPTED_ACCOUNT),
    Column("cash_code", String(64)),
    Column("batch_id", ID, index=True),
    Column("status", EnumValue(DisbursementStatus), nullable=False),
    Column("failure_reason", Text, nullable=False),
    Column("created_at", UTCDateTime),
    Column("settled_at", UTCDateTime),
    # At most one live (not failed, not cancelled) disbursement per application: never paid twice.
    Index("uq_disbursements_live_application", "application_id", unique=True,
          sqlite_where=text("status NOT IN ('failed', 'cancelled')"),
          postgresql_where=text("status NOT IN ('failed', 'cancelled')")),
)

certificate_requests = Table(
    "certificate_requests", metadata,
    Column("id", ID, primary_key=True),
    Column("requester_id", ID, ForeignKey("residents.id"), nullable=False),
    Column("subject_id", ID, ForeignKey("residents.id"), nullable=False),
    Column("kind", EnumValue(CertificateKind), nullable=False),
    Column("copies", Integer, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("fee_per_copy", MoneyYen, nullable=False),
    Column("postage", MoneyYen, nullable=False),
    Column("items", _ITEMS, nullable=False),
    Column("delivery", EnumValue(Delivery), nullable=False),
    Column("payment_state", EnumValue(PaymentState), nullable=False),
    Column("payment_reference", String(64), unique=True),
    Column("issue_state", EnumValue(IssueState), nullable=False),
    Column("tracking_number", String(64)),
    Column("rejection_reason", Text, nullable=False),
    Column("requested_at", UTCDateTime),
    Column("payment_provider", String(16)),
    Column("payment_provider_id", String(64)),
    Column("payment_url", Text),
    Column("payment_id", String(64)),
    Column("payment_attempts", Integer, nullable=False),
    Column("payment_started_at", UTCDateTime),
    Column("paid_at", UTCDateTime),
    Column("refund_reference", String(80), unique=True),
    Column("refunded_at", UTCDateTime),
    Column("issued_at", UTCDateTime),
    Column("mailed_at", UTCDateTime),
    Column("issued_by", ID),
    Column("version", Integer, nullable=False),  # two staff, or a return and the expiry job
    Index("ix_certificate_requests_queue", "payment_state", "issue_state", "paid_at"),
    Index("ix_certificate_requests_pending", "payment_state", "payment_started_at"),
)

staff_members = Table(
    "staff_members", metadata,
    Column("id", ID, primary_key=True),
    Column("login_id", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("role", EnumValue(Role), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
)

api_keys = Table(
    "api_keys", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", EnumValue(Role), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

jobs = Table(
    "jobs", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("payload", JSONText(), nullable=False),
    Column("status", EnumValue(JobStatus), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("progress_done", Integer, nullable=False),
    Column("progress_total", Integer, nullable=False),
    Column("result", JSONText(), nullable=False),
    Column("error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("version", Integer, nullable=False),  # optimistic locking: one worker claims a job
)

outbox = Table(
    "outbox", metadata,
    Column("id", ID, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(64), nullable=False),
    Column("payload", JSONText(), nullable=False),
    Column("status", EnumValue(OutboxStatus), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("reply_token", String(255)),
    Column("claimed_at", UTCDateTime),
    Column("next_attempt_at", UTCDateTime),
    Column("group_key", String(40), index=True),
    Column("version", Integer, nullable=False),  # optimistic locking: one dispatcher claims
    Index("ix_outbox_status_created_at", "status", "created_at"),
)

channel_identities = Table(
    "channel_identities", metadata,
    Column("id", ID, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("address", String(64), nullable=False),
    Column("status", EnumValue(IdentityStatus), nullable=False),
    Column("resident_id", ID, ForeignKey("residents.id"), index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status_changed_at", UTCDateTime),
    UniqueConstraint("channel", "address"),
)

identity_verifications = Table(
    "identity_verifications", metadata,
    Column("id", ID, primary_key=True),
    Column("identity_id", ID, ForeignKey("channel_identities.id"), nullable=False, index=True),
    Column("provider", String(32), nullable=False),
    Column("subject", _ENCRYPTED_TEXT, nullable=False),
    Column("assurance", String(64), nullable=False),
    Column("verified_at", UTCDateTime, nullable=False),
    Column("facts", _ENCRYPTED_FACTS, nullable=False),
    Column("match_person", String(32), nullable=False, index=True),
    Column("match_place", String(32), nullable=False, index=True),
    Column("match_reading", String(32)),
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

conversations = Table(
    "conversations", metadata,
    Column("id", ID, primary_key=True),
    Column("identity_id", ID, ForeignKey("channel_identities.id"), nullable=False),
    Column("procedure_id", String(64), nullable=False),
    Column("step_key", String(64)),
    Column("answers", _ENCRYPTED_ANSWERS, nullable=False),
    Column("history", MutableList.as_mutable(JSONText()), nullable=False),
    Column("turn", Integer, nullable=False),
    Column("status", EnumValue(ConversationStatus), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_conversations_identity_id_updated_at", "identity_id", "updated_at"),
)

inbox = Table(
    "inbox", metadata,
    Column("id", ID, primary_key=True),
    Column("source", String(16), nullable=False),
    Column("external_id", String(128), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("payload", JSONText(), nullable=False),
    Column("processed_at", UTCDateTime),
    UniqueConstraint("source", "external_id"),
)

class _BigMoneyYen(MoneyYen):
    """A batch total can pass 2,147,483,647 yen."""

    impl = BigInteger
    cache_ok = True


payment_batches = Table(
    "payment_batches", metadata,
    Column("id", ID, primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("program_id", ID, ForeignKey("benefit_programs.id"), nullable=False, index=True),
    Column("method", EnumValue(PayoutMethod), nullable=False),
    Column("transfer_date", Date, nullable=False),
    Column("count", Integer, nullable=False),
    Column("total", _BigMoneyYen, nullable=False),
    Column("state", EnumValue(BatchState), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("approved_by", String(64)),
    Column("approved_at", UTCDateTime),
    Column("exported_by", String(64)),
    Column("exported_at", UTCDateTime),
    Column("export_digest", String(64)),
    Column("originator", JSONText()),
    Column("closed_at", UTCDateTime),
    Column("cancelled_by", String(64)),
    Column("cancelled_at", UTCDateTime),
    Column("cancel_reason", Text, nullable=False),
    Column("version", Integer, nullable=False),  # two staff approving or exporting at once
)

payment_audit_entries = Table(
    "payment_audit_entries", metadata,
    Column("id", ID, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("batch_id", ID, index=True),
    Column("disbursement_id", ID, index=True),
    Column("detail", Text, nullable=False),
)

cash_payouts = Table(
    "cash_payouts", metadata,
    Column("id", ID, primary_key=True),
    Column("disbursement_id", ID, ForeignKey("disbursements.id"), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("reference", String(64), nullable=False, unique=True),
    Column("pickup_code", _ENCRYPTED_TEXT, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("state", EnumValue(CashPayoutState), nullable=False),
    Column("picked_up_at", UTCDateTime),
    # One code that can still be picked up per payment.
    Index("uq_cash_payouts_issued_disbursement", "disbursement_id", unique=True,
          sqlite_where=text("state = 'issued'"), postgresql_where=text("state = 'issued'")),
)


def _no_keys(person: str | None, place: str | None, reading: str | None) -> bool:
    return person is None and place is None


mapper_registry = registry()
_started = False


def _writes_after(target: type, column: Column) -> relationship:  # type: ignore[type-arg]
    """A relationship only for the unit of work: it makes rows that refer to `target` through
    `column` be written after `target`'s rows (the ORM orders inserts by relationships, not by
    foreign keys). The domain keeps plain ids; the attribute is never loaded."""
    return relationship(target, foreign_keys=[column], lazy="raise", viewonly=False)


def start_mappers(cipher: FieldCipher) -> None:
    """Install the data cipher and map the domain classes (the mapping happens once a process;
    a second call only replaces the cipher)."""
    global _started
    cipher_slot.install(cipher)
    if _started:
        return
    _started = True
    m = mapper_registry.map_imperatively
    m(Resident, residents, properties={
        "match_keys": composite(MatchKeys, residents.c.match_person, residents.c.match_place,
                                residents.c.match_reading, return_none_on=_no_keys),
    })
    m(IdentityVerification, identity_verifications, version_id_col=identity_verifications.c.version,
      properties={
        "match_keys": composite(MatchKeys, identity_verifications.c.match_person,
                                identity_verifications.c.match_place,
                                identity_verifications.c.match_reading),
        "_identity": _writes_after(ChannelIdentity, identity_verifications.c.identity_id),
    })
    m(HouseholdMember, household_members, properties={
        "_resident": _writes_after(Resident, household_members.c.resident_id),
    })
    m(Household, households, properties={
        "members": relationship(HouseholdMember, order_by=household_members.c.position,
                                collection_class=ordering_list("position"),
                                cascade="all, delete-orphan", lazy="selectin"),
        "_head": _writes_after(Resident, households.c.head_resident_id),
    })
    m(BenefitProgram, benefit_programs, properties={
        "window": composite(ApplicationWindow, benefit_programs.c.window_opens_at,
                            benefit_programs.c.window_closes_at),
    })
    m(Application, applications, version_id_col=applications.c.version, properties={
        "_program": _writes_after(BenefitProgram, applications.c.program_id),
        "_household": _writes_after(Household, applications.c.household_id),
    })
    m(EligibleHousehold, eligible_households, properties={
        "_program": _writes_after(BenefitProgram, eligible_households.c.program_id),
        "_household": _writes_after(Household, eligible_households.c.household_id),
    })
    m(Campaign, campaigns, properties={
        "_program": _writes_after(BenefitProgram, campaigns.c.program_id),
        "_job": _writes_after(Job, campaigns.c.job_id),
    })
    m(StoredAttachment, attachments)
    m(Disbursement, disbursements, properties={
        "_application": _writes_after(Application, disbursements.c.application_id),
    })
    m(CertificateRequest, certificate_requests, version_id_col=certificate_requests.c.version,
      properties={
        "_requester": _writes_after(Resident, certificate_requests.c.requester_id),
        "_subject": _writes_after(Resident, certificate_requests.c.subject_id),
    })
    m(StaffMember, staff_members)
    m(ApiKey, api_keys)
    m(Job, jobs, version_id_col=jobs.c.version)
    m(OutboxMessage, outbox, version_id_col=outbox.c.version)
    m(ChannelIdentity, channel_identities)
    m(Conversation, conversations, version_id_col=conversations.c.version)
    m(InboxEvent, inbox)
    m(PaymentBatch, payment_batches, version_id_col=payment_batches.c.version, properties={
        "_program": _writes_after(BenefitProgram, payment_batches.c.program_id),
    })
    m(PaymentAuditEntry, payment_audit_entries)
    m(CashPayout, cash_payouts, properties={
        "_disbursement": _writes_after(Disbursement, cash_payouts.c.disbursement_id),
    })
    m(StaffSignIn, staff_sign_ins, properties={"staff_id": staff_sign_ins.c.id})


# Staff web UI: sign-in state, and the hash-chained audit log with its head (the newest record's
# seq and hash, read under a lock by whoever appends next).
staff_sign_ins = Table(
    "staff_sign_ins", metadata,
    Column("id", ID, ForeignKey("staff_members.id"), primary_key=True),  # the staff member's
    Column("failed_attempts", Integer, nullable=False),
    Column("locked_until", UTCDateTime),
    Column("totp_secret", _ENCRYPTED_TEXT),
    Column("totp_last_step", Integer),
    Column("last_sign_in_at", UTCDateTime),
)

audit_log = Table(
    "audit_log", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor_id", String(32), nullable=False),
    Column("actor_label", String(64), nullable=False, index=True),
    Column("action", String(64), nullable=False, index=True),
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(64), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("detail", JSONText(), nullable=False),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_log_target_type_target_id", "target_type", "target_id"),
)

audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
