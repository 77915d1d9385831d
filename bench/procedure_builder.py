"""The procedure builder's hot paths (ADR 0055), server time in process:

- publishing a procedure (the draft checked again, the version written, audited: one
  transaction), as the use case and as the staff page's POST (an administrator signed in),
  against a bare transaction writing the same rows with Core and an empty Flask POST;
- the first answer on a just-published version (the resident's start: the store's read, the
  template parsed and checked once per version, the engine, the outbox row), against the same
  start of a procedure that ships in code;
- one engine step on a built procedure (a typed answer, in memory), against the same step of
  a procedure that ships in code.

Goals (issue 17): publishing and the first answer each <= 200 ms; an engine step <= 2 ms.

    .venv/bin/python -m bench.procedure_builder --size 50
    .venv/bin/python -m bench.procedure_builder --size 50 --database-url postgresql://…
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import insert, update

from adapters.persistence import migrating
from adapters.persistence.orm.procedures import built_procedures, procedure_versions
from application.access.actor import Actor
from application.cases.managing_departments import SaveDepartment, save_department
from application.channels.inbound import InboundEvent, InboundKind
from application.conversations.inputs import Input
from application.procedure_builder.drafting import SaveDraft, save_draft
from application.procedure_builder.publishing import publish_procedure
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from bench.common import (
    STAFF_PASSWORD,
    bench_settings,
    median,
    percentile,
    report,
    signed_in,
    time_calls,
)
from domain.staff import Role
from entrypoints.containers import build_container, shutdown
from entrypoints.web import create_app

ADMIN = Actor(id="cli:bench", role=Role.ADMINISTRATOR, label="cli:bench")
ROOT = Path(__file__).resolve().parents[1]


def _template() -> dict[str, Any]:
    """A realistic procedure: the library's 粗大ごみ when present, else a small one."""
    path = ROOT / "templates" / "procedures" / "contact.json"
    template = json.loads(path.read_text(encoding="utf-8"))
    template["procedure"]["id"] = "bench_procedure"
    template["procedure"]["title"] = "計測用の手続き"
    template["routing"] = {"default": "総務課"}
    return template


def _event(user: str, n: int, data: str) -> InboundEvent:
    return InboundEvent(channel="line", external_id=f"bench-{user}-{n}", address=user,
                        kind=InboundKind.POSTBACK, data=data,
                        occurred_at=dt.datetime.now(dt.UTC))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=50, help="versions to publish")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    ms = 1000
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        container = build_container(bench_settings(url, Path(folder)))
        engine = container.engine()
        if engine.dialect.name == "postgresql":  # a scratch database: emptied, as the others
            migrating.downgrade(engine, "base")
        migrating.upgrade(engine)
        try:
            save_department(SaveDepartment(name="総務課", actor=ADMIN), uow=container.uow(),
                            ids=container.ids(), clock=container.clock())
            template = _template()
            save_draft(SaveDraft(template=template, actor=ADMIN, new=True, in_menu=True),
                       uow=container.uow(), clock=container.clock())
            create_staff_member(
                CreateStaffMember(login_id="bench", display_name="計測 管理者",
                                  role="administrator", password=STAFF_PASSWORD,
                                  actor=Actor.operator("bench")),
                uow=container.uow(), ids=container.ids(), hasher=container.password_hasher(),
                clock=container.clock())
            admin = signed_in(create_app(container))
            router = container.inbound_router()
            publish_procedure("bench_procedure", actor=ADMIN, uow=container.uow(),
                              clock=container.clock())  # warm up: the first of everything
            for data in ("start:bench_procedure", "start:contact"):
                router.handle(_event("Uwarm", len(data), data), uow=container.uow())
            publishes, posts, firsts, shipped_starts, bare = [], [], [], [], []
            for n in range(args.size):
                changed = copy.deepcopy(template)
                changed["procedure"]["completion_message"] = f"受け付けました（第{n + 1}版）。"
                save_draft(SaveDraft(template=changed, actor=ADMIN), uow=container.uow(),
                           clock=container.clock())
                began = time.perf_counter()
                publish_procedure("bench_procedure", actor=ADMIN, uow=container.uow(),
                                  clock=container.clock())
                publishes.append(time.perf_counter() - began)

                began = time.perf_counter()
                router.handle(_event(f"Ubench{n:06d}", 0, "start:bench_procedure"),
                              uow=container.uow())
                firsts.append(time.perf_counter() - began)

                changed["procedure"]["completion_message"] += "（ページから公開）"
                save_draft(SaveDraft(template=changed, actor=ADMIN), uow=container.uow(),
                           clock=container.clock())
                page = admin.get("/staff/procedures/bench_procedure/edit").get_data(as_text=True)
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]  # type: ignore[index]
                began = time.perf_counter()
                published = admin.post("/staff/procedures/bench_procedure/publish",
                                       data={"csrf_token": csrf})
                posts.append(time.perf_counter() - began)
                assert published.status_code in (302, 303), published.status_code
                began = time.perf_counter()
                router.handle(_event(f"Ushipped{n:06d}", 0, "start:contact"),
                              uow=container.uow())
                shipped_starts.append(time.perf_counter() - began)

                began = time.perf_counter()
                with engine.begin() as connection:
                    connection.execute(update(built_procedures)
                                       .where(built_procedures.c.id == "bench_procedure")
                                       .values(title="計測用の手続き"))
                    connection.execute(insert(procedure_versions).values(
                        procedure_id="bench_procedure", number=100_000 + n,
                        template=json.dumps(changed, ensure_ascii=False),
                        published_at=dt.datetime.now(dt.UTC), published_by="cli:bench"))
                bare.append(time.perf_counter() - began)

            empty = Flask("bench_empty")
            empty.add_url_rule("/", "empty", lambda: "", methods=["POST"])
            empty_client = empty.test_client()
            empties = time_calls(lambda: empty_client.post("/", data={"csrf_token": "x"}),
                                 args.size)
            steps_built = _engine_steps(container, "bench_procedure", args.size * 20)
            steps_shipped = _engine_steps(container, "contact", args.size * 20)
        finally:
            shutdown(container)
    database = "PostgreSQL" if args.database_url else "SQLite"
    report(f"the procedure builder ({args.size} versions published, {database})", [
        ("publish a version, p50 / p99",
         f"{median(publishes) * ms:.1f} ms / {percentile(publishes, 0.99) * ms:.1f} ms  "
         "(goal <= 200 ms)"),
        ("bare Core transaction writing the same rows, p50",
         f"{median(bare) * ms:.2f} ms  (ratio {median(publishes) / median(bare):.1f})"),
        ("publish from the staff page (POST), p50 / p99",
         f"{median(posts) * ms:.1f} ms / {percentile(posts, 0.99) * ms:.1f} ms  "
         "(goal <= 200 ms)"),
        ("empty Flask POST, p50",
         f"{median(empties) * ms:.2f} ms  (ratio {median(posts) / median(empties):.1f})"),
        ("first answer on the new version (start), p50 / p99",
         f"{median(firsts) * ms:.1f} ms / {percentile(firsts, 0.99) * ms:.1f} ms  "
         "(goal <= 200 ms)"),
        ("the same start of a procedure that ships, p50",
         f"{median(shipped_starts) * ms:.1f} ms  "
         f"(ratio {median(firsts) / median(shipped_starts):.2f})"),
        ("engine step on a built procedure, p50 / p99",
         f"{median(steps_built) * ms:.3f} ms / {percentile(steps_built, 0.99) * ms:.3f} ms  "
         "(goal p50 <= 2 ms)"),
        ("engine step on a procedure that ships, p50",
         f"{median(steps_shipped) * ms:.3f} ms  "
         f"(ratio {median(steps_built) / median(steps_shipped):.2f})"),
    ])


def _engine_steps(container: Any, procedure_id: str, count: int) -> list[float]:
    """One typed answer to the first question, in memory (the conversation is not stored)."""
    engine = container.conversations()
    times = []
    for n in range(count):
        turn = engine.start(f"c{n}", f"i{n}", procedure_id)
        began = time.perf_counter()
        engine.handle(turn.conversation, Input.typed("山田 花子"))
        times.append(time.perf_counter() - began)
    return times


if __name__ == "__main__":
    main()
