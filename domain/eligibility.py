"""Who a benefit program reaches: the households on its eligibility list (支給対象世帯) and the
sends of its notices (campaigns)."""

from __future__ import annotations

import datetime as dt

from attrs import define

__all__ = ["Campaign", "EligibleHousehold"]


@define(slots=False, eq=False)
class EligibleHousehold:
    """A household on a program's eligibility list (支給対象世帯). One per program and household
    (the database enforces it too); how the household is reached is decided when notices go."""

    id: str
    program_id: str
    household_id: str
    added_at: dt.datetime
    source_row: int | None = None  # the row of the list it came from


@define(slots=False, eq=False)
class Campaign:
    """A send of a program's notices (プッシュ通知) to the reachable eligible households, run as a
    job: resumable, and never a second notice to a household (the notice and its application are
    written together, and the application is unique per household)."""

    id: str
    program_id: str
    job_id: str
    started_by: str
    started_at: dt.datetime
    recipients: int  # reachable households without a notice when it started
