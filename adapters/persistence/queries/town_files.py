"""What the town's export holds (ADR 0035, docs/export.md): one `TownFileSpec` per file — the
table it reads, the fields it writes, its order — and what is left out of it, column by column,
with the reason. Every column of every table is one or the other (a test checks), so a column
a migration adds is exported or left out on purpose, never forgotten."""

from __future__ import annotations

import json
from typing import Any

from attrs import frozen
from sqlalchemy import Column, FromClause, Table, and_

from adapters.persistence.orm.audit import audit_log
from adapters.persistence.orm.benefits import (
    applications,
    benefit_programs,
    campaigns,
    eligible_households,
    reminder_deliveries,
    reminders,
)
from adapters.persistence.orm.cases import (
    canned_replies,
    case_entries,
    cases,
    department_members,
    departments,
)
from adapters.persistence.orm.certificates import certificate_requests
from adapters.persistence.orm.circulars import circular_reads, circulars
from adapters.persistence.orm.community import (
    association_members,
    associations,
    interest_subscriptions,
    interests,
)
from adapters.persistence.orm.consultations import consultations, department_hours
from adapters.persistence.orm.disbursements import (
    cash_payouts,
    disbursements,
    payment_audit_entries,
    payment_batches,
)
from adapters.persistence.orm.fees import fee_payments
from adapters.persistence.orm.kpi import service_costs
from adapters.persistence.orm.messaging import (
    attachments,
    channel_identities,
    contact_preferences,
    conversations,
    inbox,
    outbox,
    rich_menu_layouts,
    town_settings,
)
from adapters.persistence.orm.notices import notice_recipients, notices
from adapters.persistence.orm.procedures import built_procedures, procedure_versions
from adapters.persistence.orm.residents import (
    household_members,
    households,
    identity_verifications,
    residents,
)
from adapters.persistence.orm.segments import segments
from adapters.persistence.orm.staff import api_keys, staff_members, staff_sign_ins
from adapters.persistence.orm.surveys import survey_answers
from adapters.persistence.queries.town_fields import (
    Field,
    account,
    code,
    facts,
    json_value,
    moment,
    plain,
    verification,
    yen,
)
from adapters.persistence.queries.town_left_out import LEFT_OUT
from application.ports.queries import TownCell, TownFile
from domain.benefits import PayoutMethod

__all__ = ["LEFT_OUT", "TOWN_FILES", "TownFileSpec"]


@frozen
class TownFileSpec:
    file: TownFile
    table: Table  # the rows: one per row of this table
    source: FromClause  # the table, or the table joined to one that adds columns to its rows
    fields: tuple[Field, ...]
    order: tuple[Column[Any], ...]  # a unique, indexed order: the primary key


def _spec(name: str, title: str, table: Table, *fields: Field, source: FromClause | None = None,
          blob_column: str | None = None, chunk: int | None = None) -> TownFileSpec:
    columns = tuple(column for f in fields for column in f.names)
    assert len(set(columns)) == len(columns), name
    file = TownFile(name=name, title=title, columns=columns, blob_column=blob_column,
                    chunk=chunk)
    return TownFileSpec(file=file, table=table,
                        source=table if source is None else source, fields=fields,
                        order=tuple(table.primary_key.columns))


def _methods(methods: frozenset[PayoutMethod]) -> TownCell:
    return sorted(method.value for method in methods)


def _text_of(payload: dict[str, Any]) -> TownCell:
    """What a resident read: the texts of the messages, one paragraph each."""
    return "\n\n".join(str(m.get("text", "")) for m in payload.get("messages", ()))


r, h, m, v = residents.c, households.c, household_members.c, identity_verifications.c
ci, bp, a, e = channel_identities.c, benefit_programs.c, applications.c, eligible_households.c
cp, rm, rd = campaigns.c, reminders.c, reminder_deliveries.c
d, pb, pa, cash = disbursements.c, payment_batches.c, payment_audit_entries.c, cash_payouts.c
cr, cv, ob, ib = certificate_requests.c, conversations.c, outbox.c, inbox.c
sm, si, ak, al = staff_members.c, staff_sign_ins.c, api_keys.c, audit_log.c
at = attachments.c
pr, ts, rml = contact_preferences.c, town_settings.c, rich_menu_layouts.c
dp, dm, cs, ce = departments.c, department_members.c, cases.c, case_entries.c
fp = fee_payments.c
cn, dh, cnr = consultations.c, department_hours.c, canned_replies.c
bpr, pv = built_procedures.c, procedure_versions.c
sg = segments.c
it, isb, asc, asm = (interests.c, interest_subscriptions.c, associations.c,
                     association_members.c)
cir, cread = circulars.c, circular_reads.c
sa_ = survey_answers.c
nt, ntr = notices.c, notice_recipients.c

# a key's scopes as their permission values, space-separated (empty: all of its role's)
_SCOPES = Field(("scopes",), ak.scopes, lambda value: (
    None if value is None else " ".join(sorted(p.value for p in value)),))
_TOTP_ENABLED = Field(("totp_enabled",), si.totp_secret.isnot(None),  # type: ignore[arg-type]
                      lambda value: (bool(value),))

TOWN_FILES: tuple[TownFileSpec, ...] = (
    _spec("residents.csv", "住民", residents,
          plain(r.id, "resident_id"), plain(r.resident_number), plain(r.household_number),
          code(r.registry_status), code(r.verification_state), facts(r.facts),
          verification(r.verification), plain(r.reverify_reason), moment(r.created_at)),
    _spec("households.csv", "世帯", households,
          plain(h.id, "household_id"), plain(h.household_number), plain(h.head_resident_id)),
    _spec("household_members.csv", "世帯員", household_members,
          plain(m.household_id), plain(m.resident_id), plain(m.relationship),
          plain(m.position)),
    _spec("channel_identities.csv", "連絡先（LINE など）", channel_identities,
          plain(ci.id, "identity_id"), plain(ci.channel), plain(ci.address), code(ci.status),
          plain(ci.resident_id), moment(ci.created_at), moment(ci.status_changed_at),
          moment(ci.optional_declined_at)),
    _spec("identity_verifications.csv", "本人確認", identity_verifications,
          plain(v.id, "verification_id"), plain(v.identity_id), plain(v.provider),
          plain(v.subject), plain(v.assurance), moment(v.verified_at), facts(v.facts),
          code(v.status), code(v.outcome), plain(v.reason), json_value(v.candidate_ids),
          plain(v.resident_id), plain(v.decided_by), moment(v.decided_at)),
    _spec("benefit_programs.csv", "給付金", benefit_programs,
          plain(bp.id, "program_id"), plain(bp.name),
          yen(bp.amount_per_household, "amount_per_household_yen"),
          plain(bp.eligibility_source), moment(bp.window_opens_at, "opens_at"),
          moment(bp.window_closes_at, "closes_at"),
          json_value(bp.payout_methods, convert=_methods, codes=PayoutMethod), code(bp.status),
          plain(bp.notice_text), plain(bp.decision_text), plain(bp.rejection_text),
          plain(bp.withdrawal_reason)),
    _spec("eligible_households.csv", "給付金の対象世帯", eligible_households,
          plain(e.id, "eligibility_id"), plain(e.program_id), plain(e.household_id),
          moment(e.added_at), plain(e.source_row)),
    _spec("campaigns.csv", "通知の送信", campaigns,
          plain(cp.id, "campaign_id"), plain(cp.program_id), plain(cp.job_id),
          plain(cp.started_by), moment(cp.started_at), plain(cp.recipients)),
    _spec("reminders.csv", "督促", reminders,
          plain(rm.id, "reminder_id"), plain(rm.program_id), plain(rm.days_before),
          moment(rm.due_at), plain(rm.created_by), moment(rm.created_at), plain(rm.job_id)),
    _spec("reminder_deliveries.csv", "督促の送信先", reminder_deliveries,
          plain(rd.id, "reminder_delivery_id"), plain(rd.reminder_id), plain(rd.household_id),
          plain(rd.message_id), moment(rd.sent_at)),
    _spec("applications.csv", "申請", applications,
          plain(a.id, "application_id"), plain(a.program_id), plain(a.household_id),
          code(a.status), plain(a.channel), code(a.payout_method),
          account(a.payee_account, "payee"), yen(a.amount, "amount_yen"),
          moment(a.notified_at), moment(a.confirmed_at), moment(a.decided_at),
          plain(a.decided_by), plain(a.decision_reason), account(a.offered_account, "offered"),
          plain(a.notice_message_id), plain(a.account_conversation_id),
          plain(a.passbook_photo), plain(a.account_checked_by), moment(a.account_checked_at),
          plain(a.entered_by), plain(a.account_entered_by), plain(a.account_entered_party)),
    _spec("disbursements.csv", "支払", disbursements,
          plain(d.id, "disbursement_id"), plain(d.application_id), yen(d.amount, "amount_yen"),
          code(d.method), account(d.payee_account, "payee"), plain(d.cash_code),
          plain(d.batch_id), code(d.status), plain(d.failure_reason), moment(d.created_at),
          moment(d.settled_at)),
    _spec("payment_batches.csv", "支払バッチ", payment_batches,
          plain(pb.id, "batch_id"), plain(pb.number), plain(pb.program_id), code(pb.method),
          moment(pb.transfer_date), plain(pb["count"]), yen(pb.total, "total_yen"), code(pb.state),
          plain(pb.created_by), plain(pb.created_party), moment(pb.created_at),
          plain(pb.approved_by), moment(pb.approved_at), plain(pb.exported_by),
          moment(pb.exported_at),
          plain(pb.export_digest), json_value(pb.originator), moment(pb.closed_at),
          plain(pb.cancelled_by), moment(pb.cancelled_at), plain(pb.cancel_reason)),
    _spec("payment_audit_entries.csv", "支払の記録", payment_audit_entries,
          plain(pa.id, "entry_id"), moment(pa.at), plain(pa.actor), plain(pa.action),
          plain(pa.batch_id), plain(pa.disbursement_id), plain(pa.detail)),
    _spec("cash_payouts.csv", "現金の受取", cash_payouts,
          plain(cash.id, "cash_payout_id"), plain(cash.disbursement_id), plain(cash.provider),
          plain(cash.reference), moment(cash.issued_at), moment(cash.expires_at),
          plain(cash.attempt), code(cash.state), moment(cash.picked_up_at)),
    _spec("certificate_requests.csv", "証明書の請求", certificate_requests,
          plain(cr.id, "request_id"), plain(cr.requester_id), plain(cr.subject_id),
          code(cr.kind), plain(cr.copies), plain(cr.purpose),
          yen(cr.fee_per_copy, "fee_per_copy_yen"), yen(cr.postage, "postage_yen"),
          json_value(cr["items"], convert=sorted), code(cr.delivery), code(cr.payment_state),
          plain(cr.payment_reference), code(cr.issue_state), plain(cr.tracking_number),
          plain(cr.rejection_reason), moment(cr.requested_at), plain(cr.payment_provider),
          plain(cr.payment_provider_id), plain(cr.payment_id), plain(cr.payment_attempts),
          moment(cr.payment_started_at), moment(cr.paid_at), plain(cr.refund_reference),
          moment(cr.refunded_at), moment(cr.issued_at), moment(cr.mailed_at),
          plain(cr.issued_by)),
    _spec("departments.csv", "課", departments,
          plain(dp.id, "department_id"), plain(dp.name), plain(dp.alert_email),
          moment(dp.created_at)),
    _spec("department_members.csv", "課の職員", department_members,
          plain(dm.department_id), plain(dm.staff_id)),
    _spec("cases.jsonl", "案件（お問い合わせ・通報）", cases,
          plain(cs.id, "case_id"), plain(cs.number), plain(cs.department_id),
          plain(cs.procedure_id), plain(cs.title), plain(cs.identity_id), plain(cs.resident_id),
          plain(cs.conversation_id), json_value(cs.answers, convert=list),
          json_value(cs.photos, convert=list), code(cs.status), plain(cs.assignee_id),
          moment(cs.created_at), moment(cs.updated_at), moment(cs.closed_at),
          plain(cs.holds_the_chat), plain(cs.resident_waiting), plain(cs.acknowledged),
          moment(cs.erased_at), plain(cs.latitude), plain(cs.longitude)),
    _spec("fee_payments.jsonl", "手続きの手数料", fee_payments,
          plain(fp.id, "fee_id"), plain(fp.procedure_id), plain(fp.identity_id),
          plain(fp.resident_id), plain(fp.conversation_id), plain(fp.label),
          yen(fp.unit_amount, "unit_amount_yen"), plain(fp.quantity), plain(fp.unit),
          json_value(fp.answers, convert=dict), moment(fp.created_at), plain(fp.case_id),
          code(fp.payment_state), plain(fp.payment_reference), plain(fp.payment_provider),
          plain(fp.payment_provider_id), plain(fp.payment_id), plain(fp.payment_attempts),
          moment(fp.payment_started_at), moment(fp.paid_at), plain(fp.refund_reference),
          moment(fp.refunded_at), plain(fp.refunded_by)),
    _spec("case_entries.csv", "案件のやりとり", case_entries,
          plain(ce.id, "entry_id"), plain(ce.case_id), code(ce.kind), plain(ce.text),
          moment(ce.at), plain(ce.photo_ref), plain(ce.staff_id), plain(ce.outbox_id)),
    _spec("consultations.csv", "相談", consultations,
          plain(cn.id, "case_id"), plain(cn.department_id), moment(cn.requested_at),
          plain(cn.in_hours), code(cn.status), plain(cn.staff_id), moment(cn.taken_at),
          moment(cn.ended_at)),
    _spec("department_hours.csv", "相談の受付時間", department_hours,
          plain(dh.id, "department_id"), plain(dh.weekdays), plain(dh.opens), plain(dh.closes)),
    _spec("canned_replies.csv", "定型文", canned_replies,
          plain(cnr.id, "canned_reply_id"), plain(cnr.department_id), plain(cnr.title),
          plain(cnr.text), moment(cnr.created_at), plain(cnr.created_by)),
    _spec("built_procedures.jsonl", "職員が作った手続き", built_procedures,
          plain(bpr.id, "procedure_id"), plain(bpr.title), json_value(bpr.draft, convert=dict),
          json_value(bpr.channels, convert=list), plain(bpr.menu_label), plain(bpr.menu_order),
          plain(bpr.published_version), moment(bpr.published_at), plain(bpr.draft_changed),
          plain(bpr.withdrawn), moment(bpr.created_at), plain(bpr.created_by),
          moment(bpr.updated_at), plain(bpr.updated_by)),
    _spec("procedure_versions.jsonl", "手続きの公開した版", procedure_versions,
          plain(pv.procedure_id), plain(pv.number), json_value(pv.template, convert=json.loads),
          moment(pv.published_at), plain(pv.published_by)),
    _spec("conversations.jsonl", "対話（住民の回答）", conversations,
          plain(cv.id, "conversation_id"), plain(cv.identity_id), plain(cv.procedure_id),
          plain(cv.procedure_version),
          plain(cv.step_key), json_value(cv.answers, convert=dict),
          json_value(cv.history, convert=list), plain(cv.turn), code(cv.status),
          moment(cv.started_at), moment(cv.updated_at), moment(cv.expires_at)),
    _spec("outbox.csv", "送ったメッセージ", outbox,
          plain(ob.id, "message_id"), plain(ob.channel), plain(ob.recipient), code(ob.status),
          json_value(ob.payload, "text", convert=_text_of), json_value(ob.payload),
          plain(ob.attempts), plain(ob.last_error), moment(ob.created_at),
          moment(ob.sent_at), plain(ob.group_key), code(ob.delivery_status),
          plain(ob.fallback_of), plain(ob.provider_ref)),
    _spec("contact_preferences.csv", "住民が止めたお知らせ", contact_preferences,
          plain(pr.resident_id), plain(pr.reminders), moment(pr.changed_at)),
    _spec("town_settings.csv", "町の設定（連絡手段の順番）", town_settings,
          plain(ts.key), json_value(ts.value), moment(ts.updated_at), plain(ts.updated_by)),
    _spec("service_costs.csv", "サービスの費用（報告・KPI）", service_costs,
          plain(service_costs.c.period), plain(service_costs.c.running_cost_yen),
          plain(service_costs.c.staff_hours), plain(service_costs.c.hourly_cost_yen),
          moment(service_costs.c.updated_at), plain(service_costs.c.updated_by)),
    _spec("rich_menu_layouts.csv", "LINEのリッチメニューの配置", rich_menu_layouts,
          plain(rml.audience), plain(rml.rows), json_value(rml.tiles), moment(rml.updated_at),
          plain(rml.updated_by), moment(rml.published_at), plain(rml.published_by)),
    _spec("inbox.csv", "受け取ったイベント", inbox,
          plain(ib.id, "event_id"), plain(ib.source), plain(ib.external_id),
          moment(ib.received_at), json_value(ib.payload), moment(ib.processed_at)),
    _spec("attachments.csv", "添付ファイル（通帳の写真）", attachments,
          plain(at.id, "attachment_id"), plain(at.ref), plain(at.content_type),
          moment(at.fetched_at), plain(at.content, "file"),
          blob_column="file", chunk=20),  # photos of a few MB: 20 at a time
    _spec("interests.csv", "お知らせの分野", interests,
          plain(it.key, "interest_key"), plain(it.label), plain(it.description),
          plain(it.position), plain(it.active), moment(it.created_at)),
    _spec("interest_subscriptions.csv", "お知らせの分野の登録", interest_subscriptions,
          plain(isb.identity_id), plain(isb.interest_key), moment(isb.subscribed_at)),
    _spec("segments.jsonl", "配信対象", segments,
          plain(sg.id, "segment_id"), plain(sg.name), json_value(sg.condition, convert=dict),
          plain(sg.created_by), moment(sg.created_at), plain(sg.updated_by),
          moment(sg.updated_at)),
    _spec("associations.csv", "自治会・町内会", associations,
          plain(asc.id, "association_id"), plain(asc.name), plain(asc.open_to_join),
          moment(asc.created_at)),
    _spec("association_members.csv", "自治会・町内会の会員", association_members,
          plain(asm.id, "member_id"), plain(asm.association_id), plain(asm.resident_id),
          plain(asm.identity_id), plain(asm.name), plain(asm.source), moment(asm.joined_at)),
    _spec("circulars.csv", "回覧板", circulars,
          plain(cir.id, "circular_id"), plain(cir.association_id), plain(cir.title),
          plain(cir.body), plain(cir.sent_by), moment(cir.sent_at)),
    _spec("circular_reads.csv", "回覧板の既読", circular_reads,
          plain(cread.circular_id), plain(cread.member_id), moment(cread.read_at)),
    _spec("survey_answers.jsonl", "アンケートの回答", survey_answers,
          plain(sa_.id, "answer_id"), plain(sa_.survey_id), plain(sa_.procedure_id),
          plain(sa_.period), plain(sa_.score), json_value(sa_.answers, convert=dict),
          plain(sa_.channel), plain(sa_.resident_id), moment(sa_.answered_at)),
    _spec("notices.jsonl", "お知らせ配信", notices,
          plain(nt.id, "notice_id"), plain(nt.title), plain(nt.text),
          json_value(nt.condition, convert=dict), plain(nt.segment_name),
          json_value(nt.buttons, convert=lambda buttons: [b.to_json() for b in buttons]),
          code(nt.status), plain(nt.created_by), moment(nt.created_at),
          moment(nt.scheduled_at), plain(nt.job_id), plain(nt.sent_by), moment(nt.started_at),
          moment(nt.finished_at), plain(nt.shared_opens), plain(nt.shared_taps),
          plain(nt.image_type)),
    _spec("notice_recipients.csv", "お知らせの配信先", notice_recipients,
          plain(ntr.id, "notice_recipient_id"), plain(ntr.notice_id), plain(ntr.member_key),
          moment(ntr.recorded_at), plain(ntr.channel), plain(ntr.outbox_id),
          plain(ntr.declined), moment(ntr.opened_at), moment(ntr.tapped_at)),
    _spec("staff.csv", "職員", staff_members,
          plain(sm.id, "staff_id"), plain(sm.login_id), plain(sm.display_name),
          plain(sm.chat_name), code(sm.role), plain(sm.association_id),
          plain(sm.active), moment(si.last_sign_in_at), _TOTP_ENABLED,
          source=staff_members.outerjoin(staff_sign_ins, and_(si.id == sm.id))),
    _spec("api_keys.csv", "APIキー", api_keys,
          plain(ak.id, "api_key_id"), plain(ak.name), plain(ak.staff_id), plain(ak.organisation),
          code(ak.role), moment(ak.created_at), moment(ak.revoked_at), _SCOPES,
          plain(ak.read_only), plain(ak.rate_limit_per_minute)),
    _spec("audit_log.csv", "監査ログ", audit_log,
          plain(al.seq), moment(al.at), plain(al.actor_id), plain(al.actor_label),
          plain(al.action), plain(al.target_type), plain(al.target_id), plain(al.ip),
          json_value(al.detail), plain(al.prev_hash), plain(al.hash)),
)
