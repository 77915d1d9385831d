"""What residents sent on LINE (images), fetched from the Messaging API's content endpoint
(`GET /v2/bot/message/{messageId}/content`, on api-data.line.me in production)."""

from __future__ import annotations

from linebot.v3.messaging import ApiClient, Configuration, MessagingApiBlob
from linebot.v3.messaging.exceptions import ApiException

from application.ports.attachments import AttachmentGone, FetchedAttachment

__all__ = ["LineContent", "line_data_url"]

PREFIX = "line:"


def line_data_url(api_base_url: str, api_data_url: str) -> str:
    """LINE serves content (and takes rich menu images) on api-data.line.me; the simulator
    serves it beside the API."""
    if api_data_url:
        return api_data_url
    return "https://api-data.line.me" if api_base_url == "https://api.line.me" else api_base_url


class LineContent:
    def __init__(self, *, access_token: str, base_url: str) -> None:
        configuration = Configuration(access_token=access_token, host=base_url)
        self._blob = MessagingApiBlob(ApiClient(configuration))

    def fetch(self, ref: str) -> FetchedAttachment:
        if not ref.startswith(PREFIX) or not ref.removeprefix(PREFIX).isdecimal():
            raise AttachmentGone(ref)
        try:
            response = self._blob.get_message_content_with_http_info(ref.removeprefix(PREFIX))
        except ApiException as error:
            if error.status in (404, 410):
                raise AttachmentGone(ref) from error
            raise
        content_type = (response.headers or {}).get("Content-Type", "application/octet-stream")
        return FetchedAttachment(content=bytes(response.data), content_type=content_type)
