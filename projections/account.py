"""The account's reference data, indexed for computing metrics over many tickets.

It reads the directory fragments (one per reference-data key, as the replay state and
the worker's table keep them) through a live mapping, so a new user costs nothing here.
Schedules are indexed: the schedule in force only changes where a schedule or holiday
version starts, so lookups between two such instants are answered from a memo. Who is an
agent is memoized too (every comment of every ticket asks). Call `note(event)` after
folding a reference-data event into the parts, so both memos stay true, and so does
`revision`, which tells whether metrics computed earlier still hold.
"""
import hashlib
from bisect import bisect_right
from collections.abc import Mapping
from datetime import datetime

import msgspec

from events.accounts import HolidayUpserted, ScheduleUpserted, UserUpserted, schedule_key
from events.base import Event
from projections.business_hours import Schedule
from projections.directory import AGENT_ROLES, Directory, HolidayVersion, ScheduleVersion, known, last_change

SCHEDULE_PREFIX = schedule_key(0).split(":")[0] + ":"
_UNKNOWN = object()  # not in the memo yet (None is a memoized answer: no schedule)


class Account:
    def __init__(self, parts: Mapping[str, Directory]):
        self.parts = parts
        self._agents: dict[int | None, bool] = {}
        self._agent_ids: set[int] | None = None  # who is an agent, kept once `revision` asked
        self.reindex()

    def note(self, event: Event) -> None:
        """Forget what a reference-data event, just folded into the parts, makes stale."""
        kind = type(event)
        if kind is UserUpserted:
            self._agents.pop(event.user_id, None)
            agents = self._agent_ids
            if agents is not None and (event.user_id in agents) != self.is_agent(event.user_id):
                agents ^= {event.user_id}
                self._revision = None
        elif kind is ScheduleUpserted or kind is HolidayUpserted:
            self.reindex()

    def reindex(self) -> None:
        schedule_parts = [part for key, part in self.parts.items() if key.startswith(SCHEDULE_PREFIX)]
        self.schedules = {sid: vs for part in schedule_parts for sid, vs in part.schedules.items()}
        self.holidays = {sid: hs for part in schedule_parts for sid, hs in part.holidays.items()}
        self._changes = sorted(
            {v.since for versions in self.schedules.values() for v in versions}
            | {h.since for versions in self.holidays.values() for h in versions}
        )
        self._memo: dict[tuple[int | None, int], Schedule | None] = {}
        self._revision: bytes | None = None

    def revision(self) -> bytes:
        """A digest of all that metrics read here: every schedule and holiday version, and
        who is an agent. Made of the content alone, so any process holding the same
        reference data finds the same digest, and a change to any of it gives another."""
        if self._revision is None:
            if self._agent_ids is None:
                self._agent_ids = {user_id for part in self.parts.values()
                                   for user_id, user in part.users.items() if user.role in AGENT_ROLES}
            content = (sorted(self.schedules.items()), sorted(self.holidays.items()), sorted(self._agent_ids))
            self._revision = hashlib.blake2b(msgspec.msgpack.encode(content), digest_size=16).digest()
        return self._revision

    def is_agent(self, user_id: int | None) -> bool:
        answer = self._agents.get(user_id)
        if answer is not None:
            return answer
        user = known(self.parts, "user", user_id)
        self._agents[user_id] = answer = user is not None and user.role in AGENT_ROLES
        return answer

    def schedules_without_hours(self) -> list[int]:
        """Schedules with a version that has no working interval: every business
        duration measured under that version is 0."""
        return sorted(sid for sid, versions in self.schedules.items() if any(not v.intervals for v in versions))

    def last_change(self) -> datetime | None:
        """When the latest reference-data event happened."""
        return max((t for part in self.parts.values() if (t := last_change(part)) is not None), default=None)

    def schedule_at(self, schedule_id: int | None, at: datetime) -> Schedule | None:
        """The schedule in force at `at`: the ticket's own, else the account default
        (the one flagged default, else the first created, as in Zendesk)."""
        key = (schedule_id, bisect_right(self._changes, at))
        schedule = self._memo.get(key, _UNKNOWN)
        if schedule is _UNKNOWN:
            schedule = self._memo[key] = self._in_force(schedule_id, at)
        return schedule

    def _in_force(self, schedule_id: int | None, at: datetime) -> Schedule | None:
        in_force = {sid: v for sid, versions in self.schedules.items() if (v := _latest(versions, at)) is not None}
        if schedule_id not in in_force:
            defaults = [sid for sid, version in in_force.items() if version.is_default]
            firsts = sorted(in_force, key=lambda sid: (self.schedules[sid][0].since, sid))
            schedule_id = (defaults or firsts or [None])[0]
        if schedule_id is None:
            return None
        version = in_force[schedule_id]
        holidays: dict[int, HolidayVersion] = {}
        for holiday in self.holidays.get(schedule_id, ()):
            if holiday.since <= at:
                holidays[holiday.holiday_id] = holiday
        return Schedule(
            schedule_id=schedule_id,
            time_zone=version.time_zone,
            intervals=version.intervals,
            holidays=tuple(sorted((h.start, h.end) for h in holidays.values())),
        )


def _latest(versions: tuple[ScheduleVersion, ...], at: datetime) -> ScheduleVersion | None:
    current = None
    for version in versions:
        if version.since > at:
            break
        current = version
    return current
