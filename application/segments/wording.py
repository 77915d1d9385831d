"""A condition in words staff read, with names instead of keys: 「防災」のお知らせを希望, not
「bousai」 (`domain.segments` describes with keys; this module knows the names)."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen

from domain.segments import (
    All,
    AnyOf,
    AppliedTo,
    Condition,
    EligibleFor,
    Interest,
    MemberOf,
    Not,
)

__all__ = ["Labels", "describe"]


@frozen
class Labels:
    """Names by key: programs (id → name), interests (key → label), associations (id →
    name). A key without a name is shown as it is (a deleted program)."""

    programs: Mapping[str, str] = field(factory=dict)
    interests: Mapping[str, str] = field(factory=dict)
    associations: Mapping[str, str] = field(factory=dict)


def describe(condition: Condition, labels: Labels) -> str:
    match condition:
        case All(parts):
            return "（" + " かつ ".join(describe(part, labels) for part in parts) + "）"
        case AnyOf(parts):
            return "（" + " または ".join(describe(part, labels) for part in parts) + "）"
        case Not(part):
            return f"{describe(part, labels)}を除く"
        case EligibleFor(program_id):
            return f"給付「{labels.programs.get(program_id, program_id)}」の対象世帯"
        case AppliedTo(program_id):
            return f"給付「{labels.programs.get(program_id, program_id)}」に申請済み"
        case Interest(key):
            return f"「{labels.interests.get(key, key)}」のお知らせを希望"
        case MemberOf(association_id):
            return f"自治会「{labels.associations.get(association_id, association_id)}」の会員"
    return condition.describe()
