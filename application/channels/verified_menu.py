"""A resident who verified on LINE is shown the verified residents' rich menu (run by the message
bus on `VerificationDecided`). The link is a convenience: if LINE cannot be reached the resident
still has the quick-reply menu, and `madoguchi line rich-menu` links everyone again."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from application.ports.rich_menus import RichMenus
from application.ports.unit_of_work import UnitOfWork
from domain.events import VerificationDecided
from domain.verifications import VerificationStatus

__all__ = ["VerifiedMenu"]

log = logging.getLogger(__name__)


class VerifiedMenu:
    def __init__(self, platform: RichMenus) -> None:
        self.platform = platform

    def __call__(self, events: Sequence[VerificationDecided], uow: UnitOfWork) -> None:
        for event in events:
            if VerificationStatus(event.status) is not VerificationStatus.LINKED:
                continue
            identity = uow.channel_identities.get(event.identity_id)
            if identity is None or identity.channel != "line":
                continue
            try:
                self.platform.link_verified([identity.address])
            except Exception:  # best effort: see the module docstring
                log.warning("could not link the verified rich menu to a LINE user",
                            exc_info=True)
