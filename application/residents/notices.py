"""What a resident who verified with the card is told about the result (text only; the message
bus sends it with the change: `handlers.VerificationNotice`)."""

from __future__ import annotations

from domain.verifications import VerificationStatus

__all__ = ["LINKED_MESSAGE", "REJECTED_MESSAGE", "REVIEW_MESSAGE", "verification_message"]

LINKED_MESSAGE = ("本人確認が完了しました。ありがとうございます。これからは、対象となる給付金や"
                  "手続きをお知らせします。")
REVIEW_MESSAGE = ("本人確認を受け付けました。住民記録との照合に職員の確認が必要なため、"
                  "結果はあらためてお知らせします。")
REJECTED_MESSAGE = ("本人確認の内容を住民記録と照合できませんでした。お手数ですが、"
                    "役場の窓口までお問い合わせください。")


def verification_message(status: VerificationStatus) -> str:
    if status is VerificationStatus.LINKED:
        return LINKED_MESSAGE
    if status is VerificationStatus.REJECTED:
        return REJECTED_MESSAGE
    return REVIEW_MESSAGE
