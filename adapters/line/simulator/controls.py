"""`SimulatorControls`: what the simulator's Flask app (`server`, `admin`) uses of the
simulator, the Messaging API it answers and the controls of the admin endpoints and the phone
page. `LineSimulator` provides them and builds its app on itself."""

from __future__ import annotations

from typing import Any, Protocol

from adapters.line.simulator.chat_marks import ChatMarks
from adapters.line.simulator.limits import FaultInjector, Faults
from adapters.line.simulator.messaging import PlatformApi
from adapters.line.simulator.residents import WebhookOutcome
from adapters.line.simulator.rich_menus import RichMenuPlatform
from adapters.line.simulator.state import SimulatedUser, UserDirectory

__all__ = ["SimulatorControls"]


class SimulatorControls(Protocol):
    api: PlatformApi
    rich_menus: RichMenuPlatform
    users: UserDirectory
    faults: FaultInjector
    chat_marks: ChatMarks
    bot_name: str
    bot_user_id: str

    @property
    def webhook_url(self) -> str | None: ...

    def set_webhook_url(self, url: str | None) -> None: ...

    def set_faults(self, faults: Faults) -> None: ...

    def add_user(self, display_name: str, *, following: bool = False) -> SimulatedUser: ...

    def follow(self, user_id: str) -> WebhookOutcome: ...

    def unfollow(self, user_id: str) -> WebhookOutcome: ...

    def send_text(self, user_id: str, text: str) -> WebhookOutcome: ...

    def send_image(self, user_id: str, data: bytes,
                   content_type: str | None = None) -> WebhookOutcome: ...

    def send_location(self, user_id: str, *, latitude: float, longitude: float,
                      address: str = "", title: str = "位置情報") -> WebhookOutcome: ...

    def postback(self, user_id: str, data: str,
                 display_text: str | None = None) -> WebhookOutcome: ...

    def switch_rich_menu(self, user_id: str, alias_id: str, data: str) -> WebhookOutcome: ...

    def redeliver(self, webhook_event_id: str) -> WebhookOutcome: ...

    def conversation(self, user_id: str, *, after: int = 0) -> dict[str, Any]: ...

    def stats(self) -> dict[str, Any]: ...

    def reset(self) -> None: ...
