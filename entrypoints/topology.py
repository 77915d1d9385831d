"""The city-sized topology (Procfile.city, ADR 0066): its processes, the queues its workers
consume and the database connections they may hold together.

Read by `madoguchi city check` (which `make city` runs before starting anything) and by the
tests that keep the Procfile and the Celery routes in agreement."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

from attrs import frozen

__all__ = ["PROCFILE", "Budget", "ProcfileEntry", "budget", "read_procfile"]

PROCFILE = "Procfile.city"
_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
_DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")
_PLAIN = re.compile(r"\$(\w+)")


@frozen
class ProcfileEntry:
    name: str
    argv: tuple[str, ...]  # the command, its variables expanded as the shell would

    @property
    def is_web(self) -> bool:
        return "gunicorn" in self.argv

    @property
    def is_beat(self) -> bool:
        return "scheduler" in self.argv

    @property
    def queues(self) -> tuple[str, ...]:
        """The queues a `madoguchi worker` consumes (() for another process)."""
        if "worker" not in self.argv:
            return ()
        return tuple(self.option("--queues", "jobs,outbox,inbound").split(","))

    @property
    def processes(self) -> int:
        """Operating-system processes holding a database pool: gunicorn's workers (its master
        loads no app), else one."""
        return int(self.option("--workers", "1")) if self.is_web else 1

    def option(self, name: str, default: str) -> str:
        for n, arg in enumerate(self.argv):
            if arg == name and n + 1 < len(self.argv):
                return self.argv[n + 1]
            if arg.startswith(name + "="):
                return arg.partition("=")[2]
        return default


def read_procfile(text: str, env: Mapping[str, str]) -> list[ProcfileEntry]:
    """The Procfile's entries, `${NAME:-default}` and `$NAME` expanded from `env`."""
    entries = []
    for line in text.splitlines():
        found = _LINE.match(line.strip())
        if line.lstrip().startswith("#") or not found:
            continue
        command = _DEFAULTED.sub(lambda m: env.get(m.group(1)) or m.group(2), found.group(2))
        command = _PLAIN.sub(lambda m: env.get(m.group(1), ""), command)
        argv = tuple(arg for arg in shlex.split(command) if arg != "exec")
        entries.append(ProcfileEntry(found.group(1), argv))
    return entries


@frozen
class Budget:
    processes: int
    per_process: int  # pool_size + max_overflow
    max_connections: int
    reserved: int  # superuser_reserved_connections, and room for a psql, a backup, a migration

    @property
    def needed(self) -> int:
        return self.processes * self.per_process

    @property
    def fits(self) -> bool:
        return self.needed <= self.max_connections - self.reserved

    def summary(self) -> str:
        return (f"{self.processes} processes x {self.per_process} connections (pool_size + "
                f"max_overflow) = {self.needed}, of PostgreSQL's max_connections "
                f"{self.max_connections} less {self.reserved} kept free")


def budget(entries: list[ProcfileEntry], *, per_process: int, max_connections: int,
           reserved: int) -> Budget:
    return Budget(processes=sum(entry.processes for entry in entries), per_process=per_process,
                  max_connections=max_connections, reserved=reserved)
