"""A town for the case map and the case page (ADR 0048): two departments, a case worker of
建設課 and an administrator; in 建設課 a report with a point and two photos, a report with an
address only and a closed report with a point; in 環境課 a report with a point."""

from __future__ import annotations

import base64
import datetime as dt

from attrs import frozen

from application.access.actor import Actor
from application.attachments import StoredAttachment
from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    save_department,
    set_staff_departments,
)
from domain.cases import InboxCase
from domain.channels import ChannelIdentity
from domain.places import Place
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff

__all__ = ["PHOTO", "MapTown", "seed_map_town"]

MAKER = Actor.operator("test")
# a 1×1 PNG: a real image, so a browser draws it
PHOTO = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
                         "z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
PLACE = Place.of(latitude=34.6722, longitude=133.7489, address="本町2丁目5番の前")


@frozen
class MapTown:
    roads: str  # 建設課's id
    parks: str  # 環境課's id
    pinned: str  # 建設課: a point and two photos
    addressed: str  # 建設課: an address only
    closed: str  # 建設課: closed, with a point
    elsewhere: str  # 環境課: a point


def _report(id_: str, number: int, department: str, now: dt.datetime, *,
            place: Place, photos: list[str]) -> InboxCase:
    return InboxCase.opened(
        id=id_, number=f"2026-{number:06d}", department_id=department, procedure_id="report",
        title="道路・公園などの通報（道路の損傷）", identity_id="map-i1",
        answers=[("通報の内容", "道路の損傷"), ("場所", place.text()),
                 ("詳しい様子", "歩道に深さ10cmほどの穴があります。")],
        photos=photos, at=now + dt.timedelta(minutes=number), place=place)


def seed_map_town(container: Container) -> MapTown:
    now = container.clock().now()
    ids, clock = container.ids(), container.clock()
    roads, parks = (save_department(SaveDepartment(name=name, actor=MAKER), uow=container.uow(),
                                    ids=ids, clock=clock).id for name in ("建設課", "環境課"))
    worker = make_staff(container, "worker", Role.CASE_WORKER, "道路 担当")
    make_staff(container, "admin", Role.ADMINISTRATOR, "管理 職員")
    set_staff_departments(SetStaffDepartments(staff_id=worker, department_ids=[roads],
                                              actor=MAKER), uow=container.uow(), clock=clock)
    town = MapTown(roads=roads, parks=parks, pinned="map-c1", addressed="map-c2",
                   closed="map-c3", elsewhere="map-c4")
    with container.uow() as uow:  # first: the cases refer to it
        uow.channel_identities.add(ChannelIdentity.first_seen(id="map-i1", channel="line",
                                                              address="Umap1", at=now))
        uow.commit()
    with container.uow() as uow:
        uow.cases.add(_report(town.pinned, 1, roads, now, place=PLACE,
                              photos=["line:map-1", "line:map-2"]))
        uow.cases.add(_report(town.addressed, 2, roads, now,
                              place=Place.of(address="駅前の街灯"), photos=[]))
        closed = _report(town.closed, 3, roads, now,
                         place=Place.of(latitude=34.68, longitude=133.75), photos=[])
        closed.close(now)
        uow.cases.add(closed)
        uow.cases.add(_report(town.elsewhere, 4, parks, now,
                              place=Place.of(latitude=34.7, longitude=133.8), photos=[]))
        for n, ref in enumerate(("line:map-1", "line:map-2")):
            uow.attachments.add(StoredAttachment(id=f"map-k{n}", ref=ref,
                                                 content_type="image/png", content=PHOTO,
                                                 fetched_at=now))
        uow.commit()
    return town
