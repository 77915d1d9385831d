"""The paging loop of a send to many households (a campaign's notices, a reminder): one
transaction a page, the dispatcher woken after each, progress counted in households
considered."""

from __future__ import annotations

from collections.abc import Callable

from application.jobs.catalog import Progress

__all__ = ["send_in_pages"]


def send_in_pages(send_page: Callable[[str], tuple[list[str], int]], *, total: int,
                  wake: Callable[[], None], progress: Progress | None = None) -> tuple[int, int]:
    """`send_page(after)` sends one page of households after that id and returns the page's
    ids and how many it sent (an empty page ends the send). Returns (sent, considered)."""
    sent = considered = 0
    after = ""
    while True:
        page, sent_now = send_page(after)
        if not page:
            return sent, considered
        after, sent, considered = page[-1], sent + sent_now, considered + len(page)
        wake()
        if progress:
            progress(considered, max(total, considered))
