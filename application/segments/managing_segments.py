"""Staff save, change and delete segments (配信対象) and count a condition as they edit it.
Saving and deleting are audited; a count is a number, not personal data. SEND_NOTICES."""

from __future__ import annotations

from typing import Any

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.dates import in_japan
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from application.segments.wording import Labels, describe
from domain.access import Permission
from domain.channels import CHANNELS, channel_label
from domain.errors import InvalidValue, NotFound
from domain.saved_segments import SavedSegment
from domain.segments import Condition, segment_from_json

__all__ = ["DeleteSegment", "SaveSegment", "SegmentCount", "count_segment", "delete_segment",
           "editor_choices", "labels", "save_segment", "segment_list", "shown_segment"]

TAKEN = "同じ名前の配信対象がすでにあります。"
CHANGED = "ほかの職員が先に変更しました。開き直してから、もう一度操作してください。"


@frozen
class SaveSegment:
    actor: Actor
    name: str
    condition: Any  # the editor's JSON (domain.segments.segment_from_json)
    segment_id: str = ""  # "": a new segment
    version: int = 0  # the version the form showed


@frozen
class DeleteSegment:
    actor: Actor
    segment_id: str
    version: int


@frozen
class SegmentCount:
    count: int
    words: str  # the condition in words, with names


def labels(uow: UnitOfWork) -> Labels:
    """Inside `with uow`: the names a condition's keys stand for."""
    return Labels(programs={p.id: p.name for p in uow.queries.benefits.programs()},
                  interests={t.key: t.label for t in uow.interests.all()},
                  associations=dict(uow.queries.segments.associations()))


def editor_choices(*, actor: Actor, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """What the editor offers: the areas with their residents, the programs, the interests
    (retired ones not offered for a new condition: `retired_interests` only names them in a
    condition saved before), the 自治会, the channels and this month (the default 基準月)."""
    actor.ensure(Permission.SEND_NOTICES, "配信対象を表示")
    today = in_japan(clock.now())
    with uow:
        return {
            "areas": [{"value": area, "count": count}
                      for area, count in uow.queries.segments.areas()],
            "programs": [{"value": p.id, "label": p.name}
                         for p in uow.queries.benefits.programs()],
            "interests": [{"value": t.key, "label": t.label}
                          for t in uow.interests.all() if t.active],
            "retired_interests": [{"value": t.key, "label": f"{t.label}（終了）"}
                                  for t in uow.interests.all() if not t.active],
            "associations": [{"value": id_, "label": name}
                             for id_, name in uow.queries.segments.associations()],
            "channels": [{"value": c, "label": channel_label(c)} for c in CHANNELS],
            "month": f"{today.year:04d}-{today.month:02d}",
        }


def shown_segment(segment_id: str, *, actor: Actor,
                  uow: UnitOfWork) -> tuple[SavedSegment, SegmentCount]:
    """A saved segment with how many it matches now and its words."""
    actor.ensure(Permission.SEND_NOTICES, "配信対象を表示")
    with uow:
        segment = _found(uow, segment_id)
        count = uow.queries.segments.count(segment.condition)
        return segment, SegmentCount(count, describe(segment.condition, labels(uow)))


def segment_list(*, actor: Actor, uow: UnitOfWork) -> list[tuple[SavedSegment, str]]:
    """Every saved segment by name, with its condition in words."""
    actor.ensure(Permission.SEND_NOTICES, "配信対象を表示")
    with uow:
        names = labels(uow)
        return [(segment, describe(segment.condition, names)) for segment in uow.segments.all()]


def count_segment(condition_json: Any, *, actor: Actor, uow: UnitOfWork) -> SegmentCount:
    """How many people the condition matches now (InvalidValue: what to fix)."""
    actor.ensure(Permission.SEND_NOTICES, "配信対象を表示")
    condition = segment_from_json(condition_json)
    with uow:
        return SegmentCount(uow.queries.segments.count(condition), describe(condition,
                                                                             labels(uow)))


def save_segment(command: SaveSegment, *, uow: UnitOfWork, ids: IdGenerator,
                 clock: Clock) -> SavedSegment:
    command.actor.ensure(Permission.SEND_NOTICES, "配信対象を保存")
    condition: Condition = segment_from_json(command.condition)
    now = clock.now()
    try:
        with uow:
            if command.segment_id:
                segment = _found(uow, command.segment_id)
                if command.version and command.version != segment.version:
                    raise InvalidValue(CHANGED, code="segment_changed")
                segment.change(name=command.name, condition=condition, by=command.actor.id,
                               at=now)
                taken = uow.segments.get_by_name(segment.name)
                if taken is not None and taken.id != segment.id:
                    raise InvalidValue(TAKEN, code="segment_taken")
                uow.segments.save(segment)
                action = "segment.update"
            else:
                segment = SavedSegment.new(id=ids.new_id(), name=command.name,
                                           condition=condition, by=command.actor.id, at=now)
                if uow.segments.get_by_name(segment.name) is not None:
                    raise InvalidValue(TAKEN, code="segment_taken")
                uow.segments.add(segment)
                action = "segment.create"
            record(uow, command.actor, action, "segment", segment.id, at=now)
            uow.commit()
    except DuplicateError as error:
        raise InvalidValue(TAKEN, code="segment_taken") from error
    except ConcurrentUpdate as error:
        raise InvalidValue(CHANGED, code="segment_changed") from error
    return segment


def delete_segment(command: DeleteSegment, *, uow: UnitOfWork, clock: Clock) -> None:
    command.actor.ensure(Permission.SEND_NOTICES, "配信対象を削除")
    try:
        with uow:
            segment = _found(uow, command.segment_id)
            if command.version != segment.version:
                raise InvalidValue(CHANGED, code="segment_changed")
            uow.segments.delete(segment)
            record(uow, command.actor, "segment.delete", "segment", segment.id,
                   at=clock.now())
            uow.commit()
    except ConcurrentUpdate as error:
        raise InvalidValue(CHANGED, code="segment_changed") from error


def _found(uow: UnitOfWork, segment_id: str) -> SavedSegment:
    found = uow.segments.get(segment_id)
    if found is None:
        raise NotFound("配信対象が見つかりません。")
    return found
