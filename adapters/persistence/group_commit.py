"""Group commit: writes that arrive together are made by one statement in one transaction.

The webhook's threads each store a delivery and must not answer before it is committed. Under a
burst, one transaction each means a commit each (a flush on PostgreSQL, SQLite's lock taken and
given back each time, waiting on the other processes' writers). Here the first caller leads: it
writes what every caller waiting at that moment brought, in one statement, and tells each its
own part; callers arriving meanwhile wait, and the first of them leads the next group. A lone
caller writes at once, as before. When a group's write fails, each of its callers writes its own
rows alone: a bad row fails only its own delivery, and each caller meets its own error (never one
exception object shared between threads, nor another caller's rows in it)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["GroupCommit"]

log = logging.getLogger(__name__)

Row = dict[str, Any]


class _Caller:
    __slots__ = ("alone", "done", "leads", "rows", "written")

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = rows
        self.done = threading.Event()
        self.leads = False
        self.alone = False  # the group's write failed: write these rows alone
        self.written: list[str] = []


class GroupCommit:
    def __init__(self, write: Callable[[list[Row]], Sequence[str]], *, key: str = "id") -> None:
        """`write(rows)`: writes the rows in one transaction and returns the keys of the rows it
        wrote (a conflict writes nothing, so its key is not returned)."""
        self._write, self._key = write, key
        self._lock = threading.Lock()
        self._waiting: list[_Caller] = []
        self._writing = False

    def write(self, rows: Sequence[Row]) -> list[str]:
        """The keys of these rows that were written, once they are committed."""
        me = _Caller(rows)
        with self._lock:
            self._waiting.append(me)
            me.leads = not self._writing
            self._writing = True
        if not me.leads:
            me.done.wait()  # written by a leader, or told to lead the next group
        if me.leads:
            self._lead()
        if me.alone:
            return list(self._write(list(rows)))
        return me.written

    def _lead(self) -> None:
        with self._lock:
            group, self._waiting = self._waiting, []
        try:
            written = set(self._write([row for caller in group for row in caller.rows]))
            for caller in group:
                caller.written = [row[self._key] for row in caller.rows
                                  if row[self._key] in written]
        except BaseException as error:
            if len(group) > 1:  # nothing of the group is written: each writes its own
                log.warning("%d writes made together failed (%s); each is made alone",
                            len(group), type(error).__name__)  # counts only: it may carry rows
                for caller in group:
                    caller.alone = True
            if len(group) == 1 or not isinstance(error, Exception):
                raise  # the leader's own write, its own error
        finally:
            with self._lock:
                if self._waiting:  # arrived while this group was written: the first leads them
                    self._waiting[0].leads = True
                    self._waiting[0].done.set()
                else:
                    self._writing = False
            for caller in group:
                caller.leads = False
                caller.done.set()
