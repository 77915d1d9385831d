"""A prepared JSON body POSTed through the SDK's own client (ADR 0065, 0077).

The typed `MessagingApi` methods take only the SDK's models, and validate and serialise them
again on every call; the messenger's messages and the chat signs are built as plain dicts
instead, and go out here through `ApiClient.call_api`. The SDK still does the transport (its
urllib3 pool), the `Authorization` header, the timeouts and the exceptions by status
(`ApiException` for an answer other than 2xx)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linebot.v3.messaging import ApiClient

__all__ = ["post_prepared"]

_JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def post_prepared(client: ApiClient, path: str, body: dict[str, Any], *, host: str,
                  timeout: tuple[float, float], headers: Mapping[str, str] | None = None) -> None:
    """POST `body` to `host` + `path`; the answer's body is not read (no model is built)."""
    client.call_api(path, "POST", header_params={**_JSON_HEADERS, **(headers or {})}, body=body,
                    auth_settings=["Bearer"], response_types_map={},
                    _return_http_data_only=True, _request_timeout=timeout, _host=host)
