"""Account reference data: users, groups, organizations, schedules and holidays."""
from datetime import date
from typing import Literal

import msgspec

from events.base import Event, Long

UserRole = Literal["end-user", "agent", "admin"]


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def schedule_key(schedule_id: int) -> str:
    """Schedules and their holidays share a key, so they meet in one partition."""
    return f"schedule:{schedule_id}"


class UserUpserted(Event, frozen=True, kw_only=True):
    user_id: Long
    name: str
    email: str | None = None
    role: UserRole = "end-user"
    organization_id: Long | None = None
    external_id: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return user_key(self.user_id)


class GroupUpserted(Event, frozen=True, kw_only=True):
    group_id: Long
    name: str

    @property
    def key(self) -> str:
        return f"group:{self.group_id}"


class OrganizationUpserted(Event, frozen=True, kw_only=True):
    organization_id: Long
    name: str
    domain_names: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"organization:{self.organization_id}"


class WeeklyInterval(msgspec.Struct, frozen=True):
    """Working time in minutes from Sunday 00:00 local time, end exclusive (Zendesk's shape)."""

    start_minute: Long
    end_minute: Long


class ScheduleUpserted(Event, frozen=True, kw_only=True):
    schedule_id: Long
    name: str
    time_zone: str  # IANA name
    intervals: tuple[WeeklyInterval, ...]
    is_default: bool = False

    @property
    def key(self) -> str:
        return schedule_key(self.schedule_id)


class HolidayUpserted(Event, frozen=True, kw_only=True):
    """Whole local days, `start_date` to `end_date` inclusive, off in one schedule."""

    holiday_id: Long
    schedule_id: Long
    name: str
    start_date: date
    end_date: date

    @property
    def key(self) -> str:
        return schedule_key(self.schedule_id)


AccountEvent = UserUpserted | GroupUpserted | OrganizationUpserted | ScheduleUpserted | HolidayUpserted
