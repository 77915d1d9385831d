"""What staff read for each audit action: the audit log's column and filter, and the payment
trail on a batch's page. Every action a use case records has its label here (a test reads the
recording code for them), so the log never shows a raw key. The same goes for who acted, the
kinds of target, and the facts a record keeps (`detail`): each has a Japanese label, and its
values are shown in words (`detail_fields`), never as key=value."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.persistence.queries.town_files import TOWN_FILES
from domain.benefits import CHANNEL_LABELS, ProgramStatus
from domain.cases import CaseStatus
from domain.staff import Role
from domain.verifications import VerificationStatus

__all__ = ["ACTIONS", "ACTION_GROUPS", "DETAIL_FIELDS", "PAYMENT_STEPS", "TARGETS",
           "actor_name", "detail_fields"]

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
    "staff.sign_out_everywhere": "すべての端末からログアウト",
    "staff.departments": "職員の所属する課の変更",
    "staff.chat_name": "住民に表示する職員の名前の変更",
    "api_key.create": "APIキーの発行", "api_key.revoke": "APIキーの失効",
    # residents and their verification
    "resident.search": "住民検索", "resident.view": "住民の閲覧",
    "registry.import": "住民記録の取り込み",
    "registry.profiles_refresh": "配信対象の住民属性の作り直し",
    "verification.list": "本人確認の一覧", "verification.view": "本人確認の閲覧",
    "verification.decide": "本人確認の照合", "resident.verified": "本人確認の完了（住民）",
    # benefits
    "program.create": "給付金の作成", "program.status": "給付金の状態の変更",
    "program.withdraw": "給付金の取り下げ", "reminder.schedule": "督促の予約",
    "eligibility.import": "対象者リストの取り込み", "campaign.start": "通知の送信",
    "postal.export": "郵送リストの出力", "application.export": "申請一覧の出力",
    "application.list": "申請の一覧", "application.view": "申請の閲覧",
    "household.view": "世帯の閲覧",
    "application.passbook_view": "通帳画像の閲覧", "application.account_check": "口座の確認",
    "application.decide": "申請の決定", "application.paper_entry": "紙の申請の入力",
    "application.account_entered": "口座の入力（職員）",
    "application.applied": "申請（住民）",
    # payments: a batch's steps, and one payment's
    "payment_batch.view": "支払先の閲覧",
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
    "certificate_request.requested": "証明書の請求（住民）",
    # the town's inbox: departments and cases
    "department.create": "課の登録", "department.update": "課の変更",
    "case.list": "案件の一覧", "case.map": "案件の地図", "case.view": "案件の閲覧",
    "case.photo_view": "案件の写真の閲覧",
    "case.assign": "案件の担当", "case.close": "案件の完了", "case.reopen": "案件の再開",
    "case.note": "案件の内部メモ", "case.transfer": "案件をほかの課へ",
    "case.fee_refund": "案件の手数料の返金",
    "case.fee_drop": "支払われなかった手数料の申込の消去",
    "consultation.list": "相談の一覧", "consultation.take": "相談の対応",
    "consultation.end": "相談の終了", "consultation.hours": "相談の受付時間の変更",
    "case.reply": "案件への返信", "case.export": "案件の一覧の出力",
    "case.erase": "保存期間を過ぎた案件の消去",
    "canned_reply.create": "定型文の追加", "canned_reply.delete": "定型文の削除",
    # procedures staff build (ADR 0055)
    "procedure.create": "手続きの作成", "procedure.edit": "手続きの下書きの変更",
    "procedure.try": "手続きの下書きを試す", "procedure.publish": "手続きの公開",
    "procedure.withdraw": "手続きの受付終了",
    # residents' channels
    "channel.optional_declined": "お知らせメールの配信停止（住民）",
    "channel.bounced": "メールの不達（宛先なし）",
    "channel.block_found": "LINEのブロックを確認",
    # the town's data as a whole
    "town.export": "町のデータの書き出し",
    # the audit log itself, and the demo
    "audit.search": "監査ログの検索", "audit.verify": "監査ログの検証",
    "demo.seed": "デモ用データの作成",
    # reaching residents: the town's ladder of channels
    "ladder.set": "連絡手段の順番の変更",
    # the LINE rich menus (ADR 0054)
    "rich_menu.saved": "LINEのリッチメニューの配置の保存",
    "rich_menu.published": "LINEのリッチメニューの公開",
    "contact.added": "連絡先の追加（住民）", "contact.removed": "連絡先の削除（住民）",
    "contact.reminders": "督促のお知らせの設定（住民）",
    # お知らせ配信 (ADR 0058)
    "notice.compose": "お知らせの作成", "notice.schedule": "お知らせの配信予約",
    "notice.send": "お知らせの配信", "notice.cancel": "お知らせの取り消し",
    # interests (お知らせの分野) and segments (配信対象)
    "interest.create": "お知らせの分野の追加", "interest.update": "お知らせの分野の変更",
    "interest.up": "お知らせの分野の並べ替え", "interest.down": "お知らせの分野の並べ替え",
    "interest.retire": "お知らせの分野の終了", "interest.restore": "お知らせの分野の再開",
    "interest.subscribed": "お知らせの分野の登録（住民）",
    "interest.unsubscribed": "お知らせの分野の解除（住民）",
    "segment.create": "配信対象の作成", "segment.update": "配信対象の変更",
    "segment.delete": "配信対象の削除",
    # 自治会・町内会 and 回覧板 (ADR 0057)
    "association.create": "自治会・町内会の登録", "association.change": "自治会・町内会の変更",
    "association.import_members": "自治会・町内会の名簿の取り込み",
    "association.remove_member": "自治会・町内会の会員の削除",
    "association.view_members": "自治会・町内会の会員の閲覧",
    "circular.send": "回覧板の送信", "circular.view": "回覧板と既読の閲覧（自治会長）",
    # surveys (ADR 0059)
    "survey.setting": "手続き後の満足度の質問の変更",
    "survey.respondents_viewed": "記名アンケートの回答者の閲覧",
    "survey.export": "アンケート結果の書き出し",
    # the installation: backups (madoguchi backup / restore)
    "backup.create": "バックアップの作成", "backup.restore": "バックアップの復元",
    # the report to the national government (報告・KPI, ADR 0060)
    "kpi.export": "報告・KPIの出力", "kpi.cost_set": "サービスの費用の入力",
    "kpi.recount": "報告・KPIの集計のやり直し",
    # outbound webhooks to the town's own systems (ADR 0071)
    "webhook.create": "連携（Webhook）の登録", "webhook.pause": "連携（Webhook）の一時停止",
    "webhook.resume": "連携（Webhook）の再開", "webhook.delete": "連携（Webhook）の削除",
    "webhook.replay": "連携（Webhook）の再送",
}

# The filter lists the actions in these groups, in this order (every action of ACTIONS once).
ACTION_GROUPS = (
    ("職員とログイン", ("staff.", "api_key.")),
    ("住民と本人確認", ("resident.", "registry.", "verification.")),
    ("給付金と申請", ("program.", "eligibility.", "campaign.", "reminder.", "postal.",
                     "application.", "household.")),
    ("支払", ("payment_batch.", "disbursement.")),
    ("証明書", ("certificate_request.",)),
    ("案件と課", ("case.", "department.", "consultation.", "canned_reply.")),
    ("連絡先", ("channel.",)),
    ("手続きの作成", ("procedure.",)),
    ("町のデータ", ("town.",)),
    ("監査ログとデモ", ("audit.", "demo.")),
    ("バックアップ", ("backup.",)),
    ("連絡手段", ("ladder.", "contact.", "rich_menu.")),
    ("お知らせ配信", ("notice.",)),
    ("報告・KPI", ("kpi.",)),
    ("お知らせの分野と配信対象", ("interest.", "segment.")),
    ("自治会と回覧板", ("association.", "circular.")),
    ("アンケート", ("survey.",)),
    ("連携（Webhook）", ("webhook.",)),
)

TARGETS = {
    "staff": "職員", "api_key": "APIキー", "resident": "住民", "verification": "本人確認",
    "program": "給付金", "application": "申請", "job": "ジョブ", "payment_batch": "支払データ",
    "disbursement": "支払", "certificate_request": "証明書の請求", "audit_log": "監査ログ",
    "town": "町", "channel_identity": "連絡先", "case": "案件", "department": "課",
    "procedure": "手続き",
    "rich_menu": "LINEのリッチメニュー",
    "fee_payment": "手続きの手数料",
    "notice": "お知らせ",
    "kpi": "報告・KPI", "service_cost": "サービスの費用",
    "interest": "お知らせの分野", "segment": "配信対象",
    "association": "自治会・町内会", "circular": "回覧板",
    "survey": "アンケート", "webhook": "連携（Webhook）", "household": "世帯",
}

# The facts records keep (`record(..., **detail)`), in the order they are shown.
DETAIL_FIELDS = {
    "status": "状態", "decision": "決定", "count": "件数", "refused": "決定できなかった件数",
    "shown": "表示件数", "recipients": "送信先の世帯数", "candidates": "候補の人数",
    "by": "検索の方法", "format": "形式", "masked": "口座番号の伏せ字", "role": "役割",
    "resident_id": "照合した住民", "factor": "認証の方法", "reason": "理由",
    "attempts": "連続失敗回数", "locked": "ロック", "intact": "改ざんなし", "checked": "検証件数",
    "mode": "誤りのある行", "partial": "一部の取り込み", "valid_rows": "正しい行だけ取り込む",
    "full_extract": "全件の抽出", "households": "世帯数", "program_id": "給付金",
    "batch_id": "支払データ", "note": "備考", "channel": "経路",
    "applications": "取り下げた申請の件数", "payments_cancelled": "取り消した支払の件数",
    "days_before": "締切の何日前", "page": "ページ",
    "file": "ファイル", "key_ring": "鍵の指紋", "backup_created_at": "バックアップの作成日時",
    "replaced": "既存のデータの置き換え",
    "party": "責任者（職員・組織）", "owner": "キーの責任者（職員・組織）",
    "files": "ファイル数", "rows": "行数",
    "before": "変更前", "after": "変更後", "reminders": "督促のお知らせを受け取る",
    "department": "課", "reached": "住民に届く連絡先あり", "case_status": "案件の状態",
    "hours": "受付時間", "version": "版", "interest": "お知らせの分野",
    "size": "大きさ（段×列）", "tiles": "タイル", "linked": "メニューを表示した本人確認済みの住民",
    "saved": "保存した配置を使ったメニューの数",
    "since": "期間（から）", "until": "期間（まで）", "retention_days": "保存期間（日）",
    "people": "対象者の人数", "buttons": "ボタンの数", "scheduled_at": "配信予定日時",
    "image": "画像",
    "first": "期間（最初の月）", "last": "期間（最後の月）", "running_cost_yen": "運用費（円）",
    "staff_hours": "職員の作業時間", "hourly_cost_yen": "1時間あたりの人件費（円）",
    "open_to_join": "チャットからの参加", "added": "追加した人数",
    "kept": "すでに会員の人数", "error_rows": "誤りのある行数", "member": "会員",
    "members": "会員の人数",
    "told": "連絡が届く会員の人数", "on_paper": "紙で回覧する会員の人数",
    "association": "自治会・町内会",
    "events": "受け取るイベント", "event": "イベントID", "with_members": "世帯員の氏名の表示",
    "scopes": "スコープ", "read_only": "読み取り専用", "rate_limit": "1分あたりのリクエスト数",
    # the town's export: the rows of each file (`town.export`)
    **{spec.file.name: f"{spec.file.title}の件数" for spec in TOWN_FILES},
}
_PARTIES = ("party", "owner")  # a staff id (shown by name) or `org:<name>`

_VALUES: dict[str, dict[str, str]] = {
    "status": {**{s.value: s.label for s in VerificationStatus},
               "draft": "準備中", "open": "受付中", "closed": "受付終了", "withdrawn": "取り下げ"},
    "decision": {"approve": "支給決定", "reject": "不支給決定"},
    "by": {"number": "番号", "name_and_birth": "氏名と生年月日"},
    "format": {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF"},
    "role": {r.value: r.label for r in Role},
    "factor": {"password": "パスワード", "totp": "2段階認証"},
    "reason": {"unknown_or_inactive": "存在しないか無効なログインID", "locked": "ロック中",
               "password": "パスワードの誤り", "code": "確認コードの誤り"},
    "mode": {"all_or_nothing": "何も取り込まない", "valid_rows": "正しい行だけ取り込む"},
    "channel": CHANNEL_LABELS,
    "case_status": {s.value: s.label for s in CaseStatus},
}
assert set(_VALUES["status"]) >= {s.value for s in ProgramStatus}


def detail_fields(detail: Mapping[str, str | int | bool],
                  staff_names: Mapping[str, str] | None = None) -> list[tuple[str, str, bool]]:
    """(label, value, whether the value is a label to translate) to show: known facts first in
    their order, values in words (はい/いいえ, 1,234, 受付中, a party's staff member by name); a
    fact without a label keeps its key, so nothing is hidden."""
    known = [key for key in DETAIL_FIELDS if key in detail]
    keys = known + sorted(key for key in detail if key not in DETAIL_FIELDS)
    names = staff_names or {}
    return [(DETAIL_FIELDS.get(key, key),
             *((names[value], False) if key in _PARTIES and isinstance(value, str)
               and value in names else _value(key, value)))
            for key, value in ((key, detail[key]) for key in keys)]


def _value(key: str, value: str | int | bool) -> tuple[str, bool]:
    if isinstance(value, bool):
        return ("はい" if value else "いいえ"), True
    if isinstance(value, int):
        return f"{value:,}", False
    worded = _VALUES.get(key, {}).get(value)
    return (worded, True) if worded is not None else (value, False)


def actor_name(actor_id: str, label: str,
               staff_names: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """Who acted, as people say it (a message and its values, for the page to translate): a
    staff member by name, an API key by its name, the operator at the server, the system, or a
    resident."""
    if actor_id in staff_names:
        return "%(name)s", {"name": staff_names[actor_id]}
    kind, _, rest = actor_id.partition(":")
    if kind == "api":
        return "APIキー「%(name)s」", {"name": label.removeprefix("api:") or rest}
    if kind == "cli":
        return "サーバーでの操作（%(name)s）", {"name": rest}
    if actor_id == "system":
        return "システム", {}
    if kind == "resident":
        return "住民", {}
    if not actor_id:
        return "（不明なログインID）", {}
    return "%(name)s", {"name": label or actor_id}  # a staff member since removed
