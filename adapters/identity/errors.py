"""Why a verification through an OpenID Connect provider failed: a stable `code` for programs
and tests, and a message the resident can read. Messages never carry personal data, tokens or
what the provider said (that goes, without personal data, to the log at most)."""

from __future__ import annotations

from domain.errors import DomainError

__all__ = ["VerificationFailed", "VerificationUnavailable"]

_MESSAGES = {
    "oidc_provider_error": "本人確認が完了しませんでした。もう一度お試しください。",
    "oidc_state_unknown": "この本人確認の手続きは無効か、すでに使われています。"
                          "最初からやり直してください。",
    "oidc_expired": "本人確認の有効期限が切れました。最初からやり直してください。",
    "oidc_code_rejected": "本人確認を完了できませんでした。もう一度お試しください。",
    "oidc_invalid_token": "本人確認の結果を確認できませんでした。もう一度お試しください。",
    "oidc_nonce_mismatch": "本人確認の結果を確認できませんでした。もう一度お試しください。",
    "oidc_missing_claims": "本人確認の結果に必要な情報（氏名・住所・生年月日・性別）が"
                           "含まれていませんでした。窓口にお問い合わせください。",
    "oidc_invalid_claims": "本人確認の結果の内容を読み取れませんでした。"
                           "窓口にお問い合わせください。",
    "oidc_unavailable": "本人確認サービスに接続できません。時間をおいてもう一度お試しください。",
}
_CANCELLED = "本人確認が中止されました。もう一度お試しください。"


class VerificationFailed(DomainError):
    """The verification cannot be accepted; the resident may start again. Not retryable as is."""

    code = "oidc_invalid_token"
    retryable = False

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or _MESSAGES[code], code=code)

    @classmethod
    def cancelled(cls) -> VerificationFailed:
        """The resident said no at the provider (`access_denied`)."""
        return cls("oidc_provider_error", _CANCELLED)


class VerificationUnavailable(VerificationFailed):
    """The provider could not be reached or answered with a server error: try again later."""

    retryable = True

    def __init__(self) -> None:
        super().__init__("oidc_unavailable")
