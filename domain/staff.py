"""Town staff (職員) who use the web UI, and the roles that decide what they may do."""

from __future__ import annotations

import enum
import re

from attrs import define

from domain.errors import InvalidValue

__all__ = ["Role", "StaffMember"]


class Role(enum.Enum):
    VIEWER = "viewer"  # 閲覧者
    CASE_WORKER = "case_worker"  # 担当者
    APPROVER = "approver"  # 決裁者
    ADMINISTRATOR = "administrator"  # 管理者
    # 自治会長: not town staff; sends circulars to their one association's members (ADR 0057)
    ASSOCIATION_LEADER = "association_leader"

    @property
    def label(self) -> str:
        return {"viewer": "閲覧者", "case_worker": "担当者", "approver": "決裁者",
                "administrator": "管理者",
                "association_leader": "自治会長"}[self.value]

    @classmethod
    def of_town_staff(cls) -> list[Role]:
        """The roles of the town's own staff and keys (a 自治会長's account is made on the
        association's page, for one association: ADR 0057)."""
        return [role for role in cls if role is not cls.ASSOCIATION_LEADER]

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls(text)
        except ValueError:
            names = "、".join(role.value for role in cls)
            raise InvalidValue(f"役割「{text}」はありません（{names} のいずれか）。") from None


MAX_CHAT_NAME = 20
_LOGIN_ID = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


@define(slots=False, eq=False)
class StaffMember:
    id: str
    login_id: str
    display_name: str
    role: Role
    password_hash: str
    active: bool = True
    # Sessions carry the generation they were opened in; a bump ends every one of them (log-out,
    # a new password, deactivation, an administrator's 「すべての端末からログアウト」).
    session_generation: int = 0
    # What residents read in a consultation (相談): 「担当 A」, never the full name (氏名).
    chat_name: str | None = None
    # The one association a 自治会長 (Role.ASSOCIATION_LEADER) leads; None for town staff.
    association_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.login_id, str) or not _LOGIN_ID.fullmatch(self.login_id):
            raise InvalidValue(
                "ログインIDは英小文字・数字・._- の3〜64文字で、英数字で始めてください。"
            )
        if not self.display_name or not self.display_name.strip():
            raise InvalidValue("職員の氏名を入力してください。")
        if (self.role is Role.ASSOCIATION_LEADER) != (self.association_id is not None):
            raise InvalidValue("自治会長のアカウントは、自治会・町内会ひとつに結びつけて作成"
                               "します（「自治会・町内会」の画面から）。")

    @property
    def name_for_residents(self) -> str:
        """The name a resident reads (相談): the one set, else 担当 and the login's initial."""
        return self.chat_name or f"担当 {self.login_id[0].upper()}"

    def rename_for_residents(self, name: str) -> None:
        """An empty name falls back to 担当 and the login's initial."""
        name = " ".join((name or "").split())
        if len(name) > MAX_CHAT_NAME:
            raise InvalidValue(f"住民に表示する名前は{MAX_CHAT_NAME}文字以内で入力してください。")
        self.chat_name = name or None

    def end_sessions(self) -> None:
        """Every session opened so far stops working at its next request."""
        self.session_generation = (self.session_generation or 0) + 1
