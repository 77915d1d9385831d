"""The Messaging API endpoints, free of HTTP plumbing: each takes the parsed body and headers and
returns an `Answer` (status, JSON body, headers) with LINE's status codes and wording.

Order of checks, per request: retry key header, rate limit, body validation, recipient,
injected fault, retry-key conflict (409), recording, injected "lost answer". A request refused
at any step records and delivers nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from adapters.line.simulator.ids import USER_ID, is_uuid, request_id
from adapters.line.simulator.limits import Fault, FaultInjector, SlidingWindowLimiter
from adapters.line.simulator.recording import AcceptedRequest, Recorder
from adapters.line.simulator.state import ImageStore, ReplyTokens, UserDirectory
from adapters.line.simulator.validation import (
    MULTICAST_MAX,
    Detail,
    error_body,
    validate_messages,
)

__all__ = ["Answer", "PlatformApi"]

RETRY_KEY = "X-Line-Retry-Key"
RATE_LIMITED = {"message": "The API rate limit has been exceeded. Try again later."}
NOT_FOUND = {"message": "Not found"}
INVALID_TO = {"message": "The property, 'to', in the request body is invalid"}
INVALID_RETRY_KEY = {"message": "The value of the X-Line-Retry-Key header is invalid "
                                "(it must be a UUID such as 123e4567-e89b-12d3-a456-426614174000)"}
RETRY_KEY_NOT_ALLOWED = {"message": "X-Line-Retry-Key is not supported by this endpoint"}
NOT_JSON = {"message": "The request body is not a JSON object"}
UNAUTHORIZED = {"message": "Authentication failed. Confirm that the access token in the "
                           "authorization header is valid."}


@frozen
class Answer:
    status: int
    body: Any  # a JSON-able value, or bytes with content_type
    headers: dict[str, str] = field(factory=dict)
    content_type: str = "application/json"


class PlatformApi:
    def __init__(self, *, access_token: str, users: UserDirectory, recorder: Recorder,
                 tokens: ReplyTokens, images: ImageStore, faults: FaultInjector,
                 push_limiter: SlidingWindowLimiter, multicast_limiter: SlidingWindowLimiter,
                 next_message_id: Callable[[], str], bot_info: dict[str, str]) -> None:
        self._expected_authorization = f"Bearer {access_token}"
        self._users, self._recorder, self._tokens = users, recorder, tokens
        self._images, self._faults = images, faults
        self._push_limiter, self._multicast_limiter = push_limiter, multicast_limiter
        self._next_message_id = next_message_id
        self._bot_info = bot_info

    def check_token(self, authorization: str | None) -> Answer | None:
        """None when the bearer token is the channel's; otherwise the 401 to send."""
        if authorization == self._expected_authorization:
            return None
        return self._refuse("unauthorized_401", 401, UNAUTHORIZED)

    def push(self, body: object, headers: Mapping[str, str]) -> Answer:
        retry_key = headers.get(RETRY_KEY)
        refusal = self._check_retry_key(retry_key) or self._check_rate(self._push_limiter)
        if refusal:
            return refusal
        if not isinstance(body, dict):
            return self._refuse("rejected_400", 400, NOT_JSON)
        details = validate_messages(body.get("messages"))
        details += _notification_flag(body)
        to = body.get("to")
        if to is None:
            details.append(Detail("to", "Must not be null"))
        if details:
            return self._refuse("rejected_400", 400, error_body(details))
        user = self._users.get(to) if isinstance(to, str) else None
        if user is None:
            return self._refuse("rejected_400", 400, INVALID_TO)
        return self._deliver("push", retry_key, [(user.user_id, user.following)], body)

    def multicast(self, body: object, headers: Mapping[str, str]) -> Answer:
        retry_key = headers.get(RETRY_KEY)
        refusal = self._check_retry_key(retry_key) or self._check_rate(self._multicast_limiter)
        if refusal:
            return refusal
        if not isinstance(body, dict):
            return self._refuse("rejected_400", 400, NOT_JSON)
        details = validate_messages(body.get("messages"))
        details += _notification_flag(body)
        to = body.get("to")
        if not isinstance(to, list) or not 1 <= len(to) <= MULTICAST_MAX:
            details.append(Detail("to", f"Size must be between 1 and {MULTICAST_MAX}"))
        else:
            details += [Detail(f"to[{index}]", "Invalid user ID") for index, user_id in
                        enumerate(to) if not isinstance(user_id, str)
                        or not USER_ID.fullmatch(user_id)]
        if details:
            return self._refuse("rejected_400", 400, error_body(details))
        recipients = []
        for user_id in dict.fromkeys(to):  # type: ignore[arg-type]
            user = self._users.get(user_id)
            recipients.append((user_id, user is not None and user.following))
        return self._deliver("multicast", retry_key, recipients, body)

    def reply(self, body: object, headers: Mapping[str, str]) -> Answer:
        if headers.get(RETRY_KEY) is not None:
            return self._refuse("rejected_400", 400, RETRY_KEY_NOT_ALLOWED)
        refusal = self._check_rate(self._push_limiter)
        if refusal:
            return refusal
        if not isinstance(body, dict):
            return self._refuse("rejected_400", 400, NOT_JSON)
        details = validate_messages(body.get("messages")) + _notification_flag(body)
        if body.get("replyToken") is None:
            details.append(Detail("replyToken", "Must not be null"))
        if details:
            return self._refuse("rejected_400", 400, error_body(details))
        user_id = self._tokens.redeem(body["replyToken"])
        if user_id is None:
            return self._refuse("rejected_400", 400, {"message": "Invalid reply token"})
        user = self._users.get(user_id)
        return self._deliver("reply", None, [(user_id, user is not None and user.following)],
                             body, faults=False)

    def profile(self, user_id: str) -> Answer:
        user = self._users.get(user_id)
        if user is None or not user.following:
            return Answer(404, NOT_FOUND, {"x-line-request-id": request_id()})
        return Answer(200, user.profile(), {"x-line-request-id": request_id()})

    def content(self, message_id: str) -> Answer:
        found = self._images.get(message_id)
        if found is None:
            return Answer(404, NOT_FOUND, {"x-line-request-id": request_id()})
        data, content_type = found
        return Answer(200, data, {"x-line-request-id": request_id()}, content_type)

    def bot_info(self) -> Answer:
        return Answer(200, self._bot_info, {"x-line-request-id": request_id()})

    def _deliver(self, endpoint: str, retry_key: str | None,
                 recipients: list[tuple[str, bool]], body: dict[str, Any], *,
                 faults: bool = True) -> Answer:
        fault = self._faults.draw() if faults else Fault.NONE
        status = self._faults.faults.status
        if fault is Fault.BEFORE_RECORDING:
            return self._refuse("injected_500_before_recording", status, _injected(status))
        new_id = request_id()
        accepted, is_new = self._recorder.accept(
            endpoint, request_id=new_id, retry_key=retry_key, recipients=recipients,
            messages=body["messages"],
            notification_disabled=bool(body.get("notificationDisabled", False)),
            next_message_id=self._next_message_id)
        if not is_new:
            return _conflict(accepted, new_id)
        if fault is Fault.AFTER_RECORDING:
            self._recorder.count("injected_500_after_recording")
            return Answer(status, _injected(status), {"x-line-request-id": new_id})
        answer = {} if endpoint == "multicast" else {"sentMessages": list(accepted.sent_messages)}
        return Answer(200, answer, {"x-line-request-id": new_id})

    def _check_retry_key(self, retry_key: str | None) -> Answer | None:
        if retry_key is None or is_uuid(retry_key):
            return None
        return self._refuse("rejected_400", 400, INVALID_RETRY_KEY)

    def _check_rate(self, limiter: SlidingWindowLimiter) -> Answer | None:
        if limiter.allow():
            return None
        return self._refuse("rate_limited_429", 429, RATE_LIMITED)

    def _refuse(self, counter: str, status: int, body: dict[str, Any]) -> Answer:
        self._recorder.count(counter)
        return Answer(status, body, {"x-line-request-id": request_id()})


def _notification_flag(body: dict[str, Any]) -> list[Detail]:
    flag = body.get("notificationDisabled")
    if flag is None or isinstance(flag, bool):
        return []
    return [Detail("notificationDisabled", "Must be a boolean")]


def _injected(status: int) -> dict[str, str]:
    return {"message": f"Internal server error ({status}, injected by the simulator)"}


def _conflict(accepted: AcceptedRequest, new_id: str) -> Answer:
    body: dict[str, Any] = {"message": "The retry key is already accepted"}
    if accepted.endpoint != "multicast":
        body["sentMessages"] = list(accepted.sent_messages)
    return Answer(409, body, {"x-line-request-id": new_id,
                              "x-line-accepted-request-id": accepted.request_id})
