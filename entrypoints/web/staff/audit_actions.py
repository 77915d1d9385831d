"""What staff read for each audit action: the audit log's column and filter, and the payment
trail on a batch's page. Every action a use case records has its label here (a test reads the
recording code for them), so the log never shows a raw key."""

from __future__ import annotations

__all__ = ["ACTIONS", "PAYMENT_STEPS"]

# The payment trail lists one batch's steps, so its labels drop the "支払データの" the log needs.
PAYMENT_STEPS = {
    "created": "作成", "approved": "承認", "exported": "振込データ作成",
    "re_exported": "振込データ再作成（同一内容）", "cancelled": "取消",
    "failed": "支払不能", "results_imported": "振込結果の取込", "settled": "支払完了",
    "partly_failed": "一部支払不能", "codes_issued": "受取番号の発行",
    "picked_up": "受取済み", "code_reissued": "受取番号の再発行",
    "repayment": "再支払の登録",
}

ACTIONS = {
    # staff accounts and signing in
    "staff.sign_in": "ログイン", "staff.sign_in_failed": "ログイン失敗",
    "staff.sign_out": "ログアウト", "staff.totp_enabled": "2段階認証の設定",
    "staff.create": "職員の追加", "staff.unlock": "ロック解除",
    "staff.reset_totp": "2段階認証の解除", "staff.deactivate": "職員の無効化",
    "staff.reactivate": "職員の有効化", "staff.password_changed": "パスワードの変更",
    "api_key.create": "APIキーの発行",
    # residents and their verification
    "resident.search": "住民検索", "resident.view": "住民の閲覧",
    "registry.import": "住民記録の取り込み",
    "verification.list": "本人確認の一覧", "verification.view": "本人確認の閲覧",
    "verification.decide": "本人確認の照合",
    # benefits
    "program.create": "給付金の作成", "program.status": "給付金の状態の変更",
    "eligibility.import": "対象者リストの取り込み", "campaign.start": "通知の送信",
    "postal.export": "郵送リストの出力", "application.export": "申請一覧の出力",
    "application.list": "申請の一覧", "application.view": "申請の閲覧",
    "application.passbook_view": "通帳画像の閲覧", "application.account_check": "口座の確認",
    "application.decide": "申請の決定", "application.paper_entry": "紙の申請の入力",
    # payments: a batch's steps, and one payment's
    "payment_batch.created": "支払データの作成", "payment_batch.approved": "支払データの承認",
    "payment_batch.exported": "振込データの作成",
    "payment_batch.re_exported": "振込データの再作成",
    "payment_batch.cancelled": "支払データの取消",
    "payment_batch.results_imported": "振込結果の取込",
    "payment_batch.codes_issued": "受取番号の発行", "payment_batch.settled": "支払完了",
    "payment_batch.partly_failed": "一部支払不能",
    "disbursement.failed": "支払不能", "disbursement.picked_up": "現金の受取",
    "disbursement.code_reissued": "受取番号の再発行", "disbursement.repayment": "再支払の登録",
    # certificates
    "certificate_request.view": "証明書の請求の閲覧",
    "certificate_request.print": "証明書の請求書の印刷",
    "certificate_request.issue": "証明書の発行", "certificate_request.mail": "証明書の郵送",
    "certificate_request.reject": "証明書の請求の却下",
    # the audit log itself, and the demo
    "audit.search": "監査ログの検索", "audit.verify": "監査ログの検証",
    "demo.seed": "デモ用データの作成",
}
