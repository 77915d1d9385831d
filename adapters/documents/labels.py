"""What a person reads for each key the code stores: channels, verification methods, payment
and payout providers, and statuses, one catalogue per kind (like
entrypoints/web/staff/audit_actions.py for the audit log). Japanese here; every label has its
English entry in the web translations (tests/unit/test_page_labels.py checks), so no page or
printed slip shows `line`, `dev_card`, `fake` or `completed`. Pages read them through the
`|label` filter (entrypoints/web/labels.py); the printed slips directly."""

from __future__ import annotations

__all__ = ["LABELS", "plain_label"]

LABELS: dict[str, dict[str, str]] = {
    # how a resident is reached, or applied (domain/benefits.py CHANNEL_LABELS, plus the web)
    "channel": {"line": "LINE", "postal": "郵送", "counter": "窓口", "web": "ウェブ",
                "paper": "紙の申請書", "sms": "SMS", "email": "メール"},
    # where a message stands for its person (application/messaging/outbox.py DeliveryStatus)
    "delivery_status": {"sending": "送信中", "delivered": "配信済み",
                        "temporary-failure": "一時的な不達", "permanent-failure": "届かない宛先",
                        "technical-failure": "技術的な失敗"},
    # who proved a resident's identity (the identity provider's name)
    "verification_method": {"dev_card": "開発用テストカード",
                             "oidc": "マイナンバーカード（公的個人認証）"},
    # who took a certificate fee (the payment gateway's name)
    "payment_provider": {"fake": "開発用テスト決済", "linepay": "LINE Pay", "paypay": "PayPay"},
    # who pays a benefit out in cash (the payout provider's name)
    "payout_provider": {"fake_atm": "開発用ATM受取", "none": "なし"},
    # a fee payment at its provider (application/ports/payments.py PaymentStatus)
    "payment_status": {"created": "お支払い待ち", "completed": "お支払い済み",
                       "expired": "期限切れ", "cancelled": "キャンセル済み",
                       "refunded": "返金済み", "failed": "お支払い失敗"},
    # a channel identity (domain/channels.py IdentityStatus)
    "identity_status": {"following": "友だち", "blocked": "ブロック",
                        "unreachable": "届かない宛先"},
    # a resident's verification (domain/residents.py VerificationState)
    "verification_state": {"unverified": "未確認", "verified": "本人確認済み",
                           "reverify": "再確認が必要"},
    # how a verification matched the registry (domain/verifications.py MatchOutcome)
    "match_outcome": {"exact": "完全一致", "ambiguous": "複数の候補", "near": "一部一致",
                      "none": "候補なし"},
    # the figures of a long job's report (eligibility and registry imports, campaigns)
    "report_field": {
        "rows_read": "読んだ行", "valid": "取り込める行", "error_count": "誤りのある行",
        "written": "取り込み", "created": "新規の住民", "updated": "更新した住民",
        "unchanged": "変更のない住民", "removed": "除票にした住民",
        "households_created": "新規の世帯", "households_updated": "更新した世帯",
        "added": "対象に加えた世帯", "already": "登録済みの世帯",
        "unknown_count": "住民記録にない番号", "considered": "確認した世帯",
        "sent": "通知を送った世帯", "already_notified": "通知済みの世帯",
        "applied": "郵送・窓口で申請済みの世帯", "postal": "郵送の世帯", "eligible": "対象世帯",
        "households": "世帯", "residents": "住民", "kept": "保存"},
    # a case of the town's inbox (domain/cases.py CaseStatus) and a line of its thread
    "case_status": {"new": "新規", "in_progress": "対応中", "answered": "回答済み",
                    "closed": "完了"},
    "case_entry": {"resident": "住民", "reply": "職員の返信", "note": "内部メモ"},
    # a certificate request's issue state, as the dashboard counts them
    "certificate_state": {"waiting": "交付待ち", "issued": "交付済み", "mailed": "郵送済み",
                          "rejected": "交付不可", "withdrawn": "取り下げ"},
}


def plain_label(value: str | None, kind: str) -> str:
    """The Japanese label of `value` in the catalogue of `kind`; an unknown key as it is."""
    if value is None:
        return ""
    return LABELS[kind].get(value, value)
