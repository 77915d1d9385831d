"""What a resident reads about a benefit: the notice (お知らせ) with its buttons, the replies to
a tap, the decision notice (決定通知) and the status (状況確認). Text only; no I/O."""

from __future__ import annotations

from attrs import frozen

from application.dates import japanese_datetime
from application.ports.bank_master import BankMaster
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from domain.benefits import Application, ApplicationStatus, BenefitProgram, PayoutMethod
from domain.values import BankAccount

__all__ = [
    "ANSWER_NO",
    "ANSWER_OTHER",
    "ANSWER_YES",
    "NOTICE_PREFIX",
    "NoticeTap",
    "account_line",
    "decision_notice",
    "notice",
    "parse_notice_tap",
    "status_line",
]

NOTICE_PREFIX = "bnf:"  # postback data of a notice's buttons: bnf:<application id>:<answer>
ANSWER_YES = "yes"
ANSWER_NO = "no"
ANSWER_OTHER = "other"
_ANSWERS = {ANSWER_YES, ANSWER_NO, ANSWER_OTHER}


@frozen
class NoticeTap:
    application_id: str
    answer: str


def parse_notice_tap(data: str) -> NoticeTap | None:
    """The tap a notice's button sent back, or None for anything else (or a forged shape)."""
    if not data.startswith(NOTICE_PREFIX):
        return None
    application_id, _, answer = data.removeprefix(NOTICE_PREFIX).partition(":")
    if not application_id or len(application_id) > 32 or answer not in _ANSWERS:
        return None
    return NoticeTap(application_id, answer)


def _yen(amount: int) -> str:
    return f"{amount:,}円"


def _filled(text: str, program: BenefitProgram) -> str:
    """Staff write notices with {program} and {amount}; nothing else is substituted."""
    return (text.strip().replace("{program}", program.name)
            .replace("{amount}", _yen(program.amount_per_household.yen)))


def account_line(account: BankAccount, banks: BankMaster | None) -> str:
    """振込先 as a notice shows it: the bank and branch by their full names (みずほ銀行 東京営業部,
    三菱ＵＦＪ銀行 本店, ゆうちょ銀行 〇一八店), the type, the number masked."""
    bank = banks.bank(account.bank_code) if banks else None
    branch = banks.branch(account.bank_code, account.branch_code) if banks else None
    bank_name = bank.full_name if bank else f"金融機関コード{account.bank_code}"
    branch_name = branch.full_name if branch else f"支店コード{account.branch_code}"
    return f"{bank_name} {branch_name} {account.account_type.label} {account.masked()}"


def notice(program: BenefitProgram, application: Application, *,
           banks: BankMaster | None) -> OutgoingMessage:
    """The personal notice: amount, program, the account on file (masked) when there is one,
    and the buttons はい / いいえ / 別の口座にする."""
    amount = application.amount or program.amount_per_household
    lines = [f"【{program.name}】"]
    if program.notice_text.strip():
        lines.append(_filled(program.notice_text, program))
    lines.append(f"あなたの世帯は支給の対象です。支給額は{_yen(amount.yen)}です。")
    lines.append(f"申請期限: {japanese_datetime(program.window.closes_at)}まで")
    data = f"{NOTICE_PREFIX}{application.id}:"
    if application.offered_account is not None:
        lines.append(f"振込先（前回の口座）: {account_line(application.offered_account, banks)}")
        lines.append("この口座で受け取りますか？")
        choices = (Choice("はい", data + ANSWER_YES, display_text="はい（この口座で申請）"),
                   Choice("いいえ", data + ANSWER_NO, display_text="いいえ（申請しない）"),
                   Choice("別の口座にする", data + ANSWER_OTHER))
    else:
        lines.append("申請しますか？")
        choices = (Choice("申請する", data + ANSWER_YES),
                   Choice("申請しない", data + ANSWER_NO))
    return OutgoingMessage(text="\n".join(lines), choices=choices, style=MessageStyle.BUTTONS,
                           alt_text=f"{program.name}のお知らせ")


def decision_notice(program: BenefitProgram, application: Application, *,
                    banks: BankMaster | None) -> OutgoingMessage:
    """決定通知: approved (with how it will be paid) or rejected (with the reason)."""
    lines = [f"【{program.name} 決定通知】"]
    if application.status is ApplicationStatus.APPROVED:
        amount = application.amount or program.amount_per_household
        lines.append(_filled(program.decision_text, program) or "申請のとおり支給を決定しました。")
        lines.append(f"支給額: {_yen(amount.yen)}")
        if application.payout_method is PayoutMethod.BANK_TRANSFER and application.payee_account:
            lines.append(f"振込先: {account_line(application.payee_account, banks)}")
        elif application.payout_method is not None:
            lines.append(f"受取方法: {application.payout_method.label}")
    else:
        lines.append(_filled(program.rejection_text, program)
                     or "審査の結果、支給しないことに決定しました。")
        lines.append(f"理由: {application.decision_reason}")
    lines.append("ご不明な点は役場の担当窓口にお問い合わせください。")
    return OutgoingMessage(text="\n".join(lines))


def status_line(program: BenefitProgram, application: Application) -> str:
    """One application as 状況確認 shows it."""
    amount = application.amount or program.amount_per_household
    line = f"・{program.name}（{_yen(amount.yen)}）: {application.status.label}"
    if application.status is ApplicationStatus.CONFIRMED and application.awaits_account_check:
        line += "（口座を確認中）"
    if application.status is ApplicationStatus.REJECTED and application.decision_reason:
        line += f"\n  理由: {application.decision_reason}"
    return line
