"""A small town in which every staff page and API route can be called once, successfully (for
tests/e2e/test_audit_every_route.py): a program with eligible households, applications in the
states the routes act on (one with a passbook photo), payment batches in each state, certificate
requests (paid, issued, unpaid, with a payment open), a verification held for review, a job, and
staff of each role. Built through the use cases where staff or the system make a thing, with the
builders for what the registry and residents bring."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

import pyotp
from attrs import frozen

from application.access.actor import Actor
from application.associations.importing_members import ImportMembers, import_members
from application.associations.sending_circular import SendCircular, send_circular
from application.attachments import StoredAttachment
from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    save_department,
    set_staff_departments,
)
from application.certificates.issuing_certificate import (
    HandleCertificateRequest,
    StaffAction,
    handle_certificate_request,
)
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.exporting_batch import ExportBatch, export_batch
from application.disbursements.importing_results import ImportResults, import_results
from application.jobs.job import Job
from application.jobs.running import start_job
from application.payments.paying import Payables, settle_payment, start_payment
from application.staff.signing_in import sign_in_state
from domain.benefits import Application, BenefitProgram, PayoutMethod, ProgramStatus
from domain.canned_replies import CannedReply
from domain.cases import InboxCase
from domain.certificates import CertificateKind, CertificateRequest
from domain.channels import ChannelIdentity
from domain.consultations import Consultation
from domain.fees import FeePayment
from domain.interests import InterestTopic
from domain.notices import Notice, NoticeRecipient
from domain.residents import PersonalFacts, VerificationState
from domain.saved_segments import SavedSegment
from domain.segments import segment_from_json
from domain.staff import Role
from domain.surveys import SurveyAnswer
from domain.values import Address, Money
from domain.verifications import IdentityVerification, MatchOutcome
from entrypoints.containers import Container
from entrypoints.jobs import IMPORT_ELIGIBILITY
from tests import builders as b
from tests.e2e.staff_support import make_staff
from tests.support.built_procedures_seed import seed_built_procedures

__all__ = ["CASE_PHOTO", "PASSBOOK_PHOTO", "Town", "seed_town", "totp_code"]

MAKER, CHECKER = Actor.operator("seed-maker"), Actor.operator("seed-checker")
PASSBOOK_PHOTO = b"\xff\xd8 a passbook"
CASE_PHOTO = b"\xff\xd8 a street light"
HOUSEHOLDS = 10


@frozen
class Town:
    program: str
    spare_program: str  # a draft with nothing paid: it may be withdrawn
    line_application: str  # confirmed on LINE with a new account and its passbook photo
    paper_application: str  # confirmed on paper: ready to be decided
    decided_application: str  # approved (waiting for the next batch)
    paper_household: str  # 世帯番号 eligible, not reached on LINE, not applied yet
    resident: str
    resident_number: str
    verification: str  # held for review
    candidate: str  # the resident it may be
    job: str  # the eligibility import
    draft_batch: str  # made by someone else than the staff who act in the test
    approved_batch: str
    exported_batch: str
    failed_batch: str  # partly failed: one transfer returned
    failed_application: str
    cash_batch: str  # ATM cash, approved
    paid_request: str  # a certificate request paid and waiting
    issued_request: str
    unpaid_request: str
    open_request: str  # its payment started with the fake provider, not paid yet
    open_payment: str  # the fake provider's id of that payment
    open_reference: str
    staff: Mapping[Role, tuple[str, str]]  # role → (staff id, log-in id)
    colleague: str  # a staff member an administrator changes
    built_procedure: str  # a procedure staff built (手続きの作成), a draft routed to roads
    published_procedure: str  # one published (version 1), accepting residents
    second_factor: tuple[str, str]  # (staff id, log-in id) of one who uses a TOTP code
    totp_secret: str
    department: str  # 建設課（道路・公園）: the case worker belongs to it
    case: str  # an inquiry in it, with a photo kept
    consultation: str  # a consultation (相談) waiting in it
    canned_reply: str  # one of its canned replies (定型文)
    unpaid_fee: str  # a procedure's fee waiting to be paid (no case yet)
    fee_case: str  # a case opened when its fee was paid (ADR 0053)
    draft_notice: str  # お知らせ配信 (ADR 0058): a draft to LINE's friends
    scheduled_notice: str  # one scheduled for tomorrow
    sent_notice: str  # one sent, with a link button and one recipient
    notice_token: str  # that recipient's open token
    association: str  # the 自治会 the leader's account leads (ADR 0057), r1 a member of it
    association_member: str  # r1's membership
    circular: str  # a 回覧板 the leader sent it
    survey: str  # a named custom survey with r1's answer (ADR 0059)
    segment: str = "seg1"  # a saved segment (配信対象): the verified on LINE
    interest: str = "bousai"  # an interest residents may subscribe to (防災)


def seed_town(container: Container) -> Town:
    now = container.clock().now()
    program = b.program(id="p1", opens_at=now - dt.timedelta(days=1),
                        closes_at=now + dt.timedelta(days=30))
    _registry(container, program, now)
    job = _eligible(container, "H0001", "H0002", "H0003", "H0004")
    _applications(container, program, now)
    batches = _batches(container, program, now)
    requests = _certificate_requests(container, now)
    staff = {role: (make_staff(container, role.value.replace("_", "-"), role),
                    role.value.replace("_", "-")) for role in Role}
    second, secret = _second_factor(container, now)
    inbox = _inbox(container, now, staff[Role.CASE_WORKER][0])
    fees = _fees(container, now)
    with container.uow() as uow:
        uow.programs.add(b.program(id="p9", name="予備の給付金", status=ProgramStatus.DRAFT,
                                   opens_at=now - dt.timedelta(days=1),
                                   closes_at=now + dt.timedelta(days=30)))
        uow.commit()
    built = seed_built_procedures(container)  # routed to the inbox's department
    notices = _notices(container, now)
    _segments(container, now)
    associations = _association(container, staff[Role.ASSOCIATION_LEADER][0])
    return Town(
        program=program.id, spare_program="p9", line_application="a1", paper_application="a2",
        decided_application="a10", paper_household="H0004", resident="r1",
        resident_number="000000001", verification="v1", candidate="r2", job=job,
        **batches, **requests, **built, staff=staff,
        colleague=make_staff(container, "colleague", Role.VIEWER),
        second_factor=(second, "second-factor"), totp_secret=secret, **inbox, **fees,
        **notices, **associations)


def _notices(container: Container, now: dt.datetime) -> dict[str, str]:
    def notice(id: str) -> Notice:
        return Notice.compose(id=id, title="防災訓練", text="9月1日に防災訓練をします。",
                              condition={"channel": "line"}, segment_name="LINEの友だち",
                              buttons=[{"label": "地図", "target": "https://map.example/x"}],
                              by="someone", at=now, link_token=f"shared-{id}")
    draft, scheduled, sent = notice("nt-draft"), notice("nt-scheduled"), notice("nt-sent")
    sent.image, sent.image_type = b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png"
    scheduled.schedule(now + dt.timedelta(days=1), now=now)
    sent.start("job-nt-sent", by="someone", at=now)
    sent.finish(now)
    with container.uow() as uow:
        uow.jobs.add(Job(id="job-nt-sent", name="send_notice", payload={"notice_id": sent.id},
                         created_at=now))
        for made in (draft, scheduled, sent):
            uow.notices.add(made)
        uow.notices.add_recipient(NoticeRecipient(
            id="ntr-1", notice_id=sent.id, member_key="r:r1", open_token="open-token-r1",
            recorded_at=now, channel="sms"))
        uow.commit()
    return {"draft_notice": draft.id, "scheduled_notice": scheduled.id,
            "sent_notice": sent.id, "notice_token": "open-token-r1"}


def _segments(container: Container, now: dt.datetime) -> None:
    """The interests 防災 and 子育て; the segment seg1 (verified, on LINE)."""
    with container.uow() as uow:
        for position, (key, label) in enumerate((("bousai", "防災"), ("kosodate", "子育て")), 1):
            uow.interests.add(InterestTopic(key=key, label=label, description="", position=position,
                                            active=True, created_at=now))
        uow.segments.add(SavedSegment.new(
            id="seg1", name="LINEの本人確認済み",
            condition=segment_from_json({"all": [{"verified": True}, {"channel": "line"}]}),
            by=MAKER.id, at=now))
        uow.commit()


def _association(container: Container, leader_id: str) -> dict[str, str]:
    """The leader's association (made with their account), r1 imported into it from its list,
    and a circular the leader sent."""
    with container.uow() as uow:
        association_id = str(uow.staff.get(leader_id).association_id)
        resident_number = uow.residents.get("r1").resident_number
    import_members(ImportMembers(association_id=association_id,
                                 rows=[(2, {"resident_number": resident_number})], actor=MAKER),
                   uow=container.uow(), ids=container.ids(), clock=container.clock())
    with container.uow() as uow:
        leader = Actor.staff(uow.staff.get(leader_id))
        [member] = uow.associations.members(association_id)
    sent = send_circular(SendCircular(title="清掃のお知らせ", body="日曜の朝に清掃します。",
                                      actor=leader),
                         uow=container.uow(), ids=container.ids(), clock=container.clock(),
                         telling=container.telling())
    return {"association": association_id, "association_member": member.id,
            "circular": sent.circular_id}


def totp_code(secret: str, at: dt.datetime) -> str:
    """What the authenticator app shows at `at`."""
    return pyotp.TOTP(secret).at(at)


def _second_factor(container: Container, now: dt.datetime) -> tuple[str, str]:
    """A case worker who turned on the second factor a while ago (any code of now is fresh)."""
    secret = pyotp.random_base32()
    staff_id = make_staff(container, "second-factor", Role.CASE_WORKER)
    with container.uow() as uow:
        sign_in_state(uow, staff_id).enable_totp(secret, pyotp.TOTP(secret).timecode(now) - 10)
        uow.commit()
    return staff_id, secret


def _inbox(container: Container, now: dt.datetime, worker_id: str) -> dict[str, str]:
    """A department with the case worker in it, and an inquiry from r1's LINE with a photo."""
    department = save_department(SaveDepartment(name="建設課（道路・公園）", actor=MAKER),
                                 uow=container.uow(), ids=container.ids(),
                                 clock=container.clock())
    set_staff_departments(SetStaffDepartments(staff_id=worker_id,
                                              department_ids=[department.id], actor=MAKER),
                          uow=container.uow(), clock=container.clock())
    with container.uow() as uow:
        uow.cases.add(InboxCase.opened(
            id="case1", number="2026-000001", department_id=department.id,
            procedure_id="contact", title="お問い合わせ（道路・公園）", identity_id="c1",
            answers=[("内容", "街灯が消えています。")], photos=["line:case-photo-1"], at=now,
            resident_id="r1"))
        uow.cases.add(InboxCase.opened(
            id="case2", number="2026-000002", department_id=department.id,
            procedure_id="consultation", title="相談（その他）", identity_id="c1",
            answers=[("相談の内容", "ごみの出し方")], photos=[], at=now, resident_id="r1"))
        uow.consultations.add(Consultation(id="case2", department_id=department.id,
                                           requested_at=now, in_hours=True))
        uow.attachments.add(StoredAttachment(id="k2", ref="line:case-photo-1",
                                             content_type="image/jpeg", content=CASE_PHOTO,
                                             fetched_at=now))
        uow.canned_replies.add(CannedReply(id="canned1", department_id=department.id,
                                           title="修理の予定", text="現地を確認して修理します。",
                                           created_at=now, created_by=MAKER.id))
        uow.survey_answers.add(SurveyAnswer.custom(
            id="answer1", survey_id="town_survey", respondent_key="0" * 64,
            answers={"satisfaction": "5", "comment": "窓口が親切でした。"}, channel="line",
            at=now, score=5, resident_id="r1"))
        uow.commit()
    return {"department": department.id, "case": "case1", "consultation": "case2",
            "canned_reply": "canned1", "survey": "town_survey"}


def _fees(container: Container, now: dt.datetime) -> dict[str, str]:
    """Two procedure fees from r1's LINE (ADR 0053): one waiting to be paid, one paid on the
    fake provider (its case opened in the roads department)."""
    with container.uow() as uow:
        for fee_id in ("fee-unpaid", "fee-paid"):
            uow.fee_payments.add(FeePayment(
                id=fee_id, procedure_id="contact", identity_id="c1", label="手数料",
                unit_amount=Money(400), quantity=2, unit="点", created_at=now,
                answers={"topic": "roads", "body": "粗大ごみ 2点"}, resident_id="r1"))
        uow.commit()
    gateway, clock = container.payment_gateway(), container.clock()
    start_payment(Payables.FEES, "fee-paid", uow=container.uow(), gateway=gateway, clock=clock,
                  links=container.pay_links().links())
    with container.uow() as uow:
        started = uow.fee_payments.get("fee-paid")
    gateway.pay(str(started.payment_provider_id))
    settle_payment(str(started.payment_reference), uow=container.uow(), gateway=gateway,
                   clock=clock)
    with container.uow() as uow:
        paid = uow.fee_payments.get("fee-paid")
    return {"unpaid_fee": "fee-unpaid", "fee_case": str(paid.case_id)}


def _registry(container: Container, program: BenefitProgram, now: dt.datetime) -> None:
    """Residents r1… heading households H0001…; the heads of H0001 and H0003 are verified and
    follow the town on LINE; verification v1 waits for staff (it may be r2); program p1."""
    with container.uow() as uow:
        for n in range(1, HOUSEHOLDS + 1):
            head = b.resident(id=f"r{n}", resident_number=f"{n:09d}",
                              household_number=f"H{n:04d}")
            if n in (1, 3):
                head.verification_state = VerificationState.VERIFIED
            uow.residents.add(head)
            uow.households.add(b.household(id=f"h{n}", household_number=f"H{n:04d}",
                                           head_resident_id=head.id))
        uow.commit()
    with container.uow() as uow:
        for n in (1, 3):
            identity = ChannelIdentity.first_seen(id=f"c{n}", channel="line",
                                                  address=f"U{n:032d}", at=now)
            identity.link(f"r{n}")
            uow.channel_identities.add(identity)
        waiting = ChannelIdentity.first_seen(id="c-card", channel="line", address="U" + "9" * 32,
                                             at=now)
        uow.channel_identities.add(waiting)
        facts = b.facts()
        card = PersonalFacts(name=facts.name, address=Address.of("見本県見本町栄町9丁目9番9号"),
                             date_of_birth=facts.date_of_birth, sex=facts.sex)
        verification = IdentityVerification(
            id="v1", identity_id=waiting.id, provider="dev_card", subject="sub-1",
            assurance="card", verified_at=now, facts=card,
            match_keys=container.match_keyer().keys_for(card))
        verification.hold_for_review(outcome=MatchOutcome.NEAR, reason="住所が一致しません。",
                                     candidate_ids=["r2"])
        uow.verifications.add(verification)
        uow.programs.add(program)
        uow.commit()


def _eligible(container: Container, *numbers: str) -> str:
    """The program's eligibility list, imported as staff import it (a job, run at once)."""
    path = container.config.data_dir() / "eligible.csv"
    path.write_bytes(("世帯番号\n" + "\n".join(numbers) + "\n").encode("cp932"))
    return start_job(IMPORT_ELIGIBILITY, {"program_id": "p1", "path": str(path),
                                          "mode": "all_or_nothing"},
                     uow=container.uow(), queue=container.job_queue(),
                     catalog=container.job_catalog(), ids=container.ids(),
                     clock=container.clock(), actor=MAKER)


def _applications(container: Container, program: BenefitProgram, now: dt.datetime) -> None:
    """a1 (H0001) answered on LINE with a new account and a photo of its passbook; a2 (H0002)
    came on paper."""
    with container.uow() as uow:
        on_line = Application.notify(id="a1", program=program, household_id="h1", at=now)
        on_line.confirm(program=program, at=now, payout_method=PayoutMethod.BANK_TRANSFER,
                        payee_account=b.account(number="7654321"),
                        passbook_photo="line:passbook-1")
        uow.applications.add(on_line)
        uow.attachments.add(StoredAttachment(id="k1", ref="line:passbook-1",
                                             content_type="image/jpeg", content=PASSBOOK_PHOTO,
                                             fetched_at=now))
        uow.applications.add(Application.from_paper(
            id="a2", program=program, household_id="h2",
            payout_method=PayoutMethod.BANK_TRANSFER, payee_account=b.account(number="2222222"),
            at=now, entered_by=MAKER.id))
        uow.commit()


def _batches(container: Container, program: BenefitProgram, now: dt.datetime) -> dict[str, str]:
    """One approved application (H0005…) per batch, each batch taken as far as its state."""
    failed = _batch(container, program, now, 5, approve=True, export=True, returned=True)
    batches = {
        "failed_batch": failed, "failed_application": "a5",
        "exported_batch": _batch(container, program, now, 6, approve=True, export=True),
        "approved_batch": _batch(container, program, now, 7, approve=True),
        "draft_batch": _batch(container, program, now, 8),
        "cash_batch": _batch(container, program, now, 9, approve=True,
                             method=PayoutMethod.ATM_CASH),
    }
    _approved(container, program, now, 10, PayoutMethod.BANK_TRANSFER)  # for a new batch
    return batches


def _approved(container: Container, program: BenefitProgram, now: dt.datetime, n: int,
              method: PayoutMethod) -> None:
    with container.uow() as uow:
        application = Application.notify(id=f"a{n}", program=program, household_id=f"h{n}",
                                         at=now)
        account = b.account(number=f"{n:07d}") if method is PayoutMethod.BANK_TRANSFER else None
        application.confirm(program=program, at=now, payout_method=method,
                            payee_account=account)
        application.approve(by=CHECKER.id, at=now)
        uow.applications.add(application)
        uow.commit()


def _batch(container: Container, program: BenefitProgram, now: dt.datetime, n: int, *,
           approve: bool = False, export: bool = False, returned: bool = False,
           method: PayoutMethod = PayoutMethod.BANK_TRANSFER) -> str:
    _approved(container, program, now, n, method)
    uow, ids, clock = container.uow, container.ids(), container.clock()
    batch = create_batch(CreateBatch(program_id=program.id, method=method.value, actor=MAKER),
                         uow=uow(), ids=ids, clock=clock, calendar=container.bank_calendar())
    if approve:
        approve_batch(ApproveBatch(batch_id=batch.id, actor=CHECKER), uow=uow(), ids=ids,
                      clock=clock)
    if export:
        export_batch(ExportBatch(batch_id=batch.id, actor=MAKER), uow=uow(), ids=ids,
                     clock=clock, writer=container.transfer_writer(),
                     originator=container.originator(), out=io.BytesIO())
    if returned:
        results = container.transfer_results().read(
            io.BytesIO("record,reason\n1,口座なし\n".encode("cp932")), kind="returned")
        import_results(ImportResults(batch_id=batch.id, actor=MAKER), list(results),
                       uow=uow(), ids=ids, clock=clock, telling=container.telling())
    return batch.id


def _certificate_requests(container: Container, now: dt.datetime) -> dict[str, str]:
    """Requests for 住民票の写し by r1: paid (and waiting), issued, unpaid, and one whose
    payment was started with the fake provider but not paid."""
    with container.uow() as uow:
        for request_id in ("c-paid", "c-issued", "c-unpaid", "c-open"):
            uow.certificate_requests.add(CertificateRequest(
                id=request_id, requester_id="r1", subject_id="r1",
                kind=CertificateKind.RESIDENT_RECORD, copies=1, purpose="年金・保険",
                fee_per_copy=Money(300), postage=Money(110), requested_at=now))
        uow.commit()
    gateway, clock = container.payment_gateway(), container.clock()
    links = container.pay_links().links()
    for request_id in ("c-paid", "c-issued", "c-open"):
        start_payment(Payables.CERTIFICATES, request_id, uow=container.uow(), gateway=gateway,
                      clock=clock, links=links)
    with container.uow() as uow:
        started = {r: uow.certificate_requests.get(r) for r in ("c-paid", "c-issued", "c-open")}
    for request_id in ("c-paid", "c-issued"):
        request = started[request_id]
        gateway.pay(str(request.payment_provider_id))
        settle_payment(str(request.payment_reference), uow=container.uow(), gateway=gateway,
                       clock=clock)
    handle_certificate_request(
        HandleCertificateRequest(request_id="c-issued", actor=MAKER, action=StaffAction.ISSUE),
        uow=container.uow(), clock=clock, gateway=gateway)
    return {"paid_request": "c-paid", "issued_request": "c-issued",
            "unpaid_request": "c-unpaid", "open_request": "c-open",
            "open_payment": str(started["c-open"].payment_provider_id),
            "open_reference": str(started["c-open"].payment_reference)}
