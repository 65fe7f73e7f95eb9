"""A tiny language for ticket stories in tests: times read like a calendar."""
from datetime import UTC, date, datetime
from itertools import count
from zoneinfo import ZoneInfo

from events import (
    GroupUpserted,
    HolidayUpserted,
    ScheduleUpserted,
    TicketAssigneeChanged,
    TicketCommentAdded,
    TicketCreated,
    TicketGroupChanged,
    TicketStatusChanged,
    UserUpserted,
    WeeklyInterval,
)
from projections.state import ProjectionState
from projections import tickets as ticket_fold
from projections.ticket_metrics import ticket_metrics

REQUESTER, ANA, BOB = 7, 11, 12
ADMIN_EMAIL, AGENT_EMAIL = "claire@nimbus.example", "ana@nimbus.example"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
_ids = count(1)


def at(text: str, zone: str = "UTC") -> datetime:
    """'03-02 09:00' is 2026-03-02 09:00 in `zone` (Monday 2 March 2026)."""
    return datetime.fromisoformat(f"2026-{text}").replace(tzinfo=ZoneInfo(zone))


def weekdays(start_hour: int, end_hour: int) -> tuple[WeeklyInterval, ...]:
    """Monday to Friday, start_hour to end_hour local, in minutes from Sunday 00:00."""
    return tuple(WeeklyInterval(d * 1440 + start_hour * 60, d * 1440 + end_hour * 60) for d in range(1, 6))


def people(since: datetime = LONG_AGO) -> list:
    return [
        UserUpserted(event_id="u7", occurred_at=since, user_id=REQUESTER, name="Rita Requester", role="end-user"),
        UserUpserted(event_id="u11", occurred_at=since, user_id=ANA, name="Ana Agent", role="agent"),
        UserUpserted(event_id="u12", occurred_at=since, user_id=BOB, name="Bob Admin", role="admin"),
        GroupUpserted(event_id="g3", occurred_at=since, group_id=3, name="Support"),
    ]


def admin_and_agent(since: datetime = LONG_AGO) -> list:
    """An administrator and an agent with e-mail addresses: who may take account exports."""
    return [
        UserUpserted(event_id="u21", occurred_at=since, user_id=21, name="Claire", email=ADMIN_EMAIL, role="admin"),
        UserUpserted(event_id="u22", occurred_at=since, user_id=22, name="Ana", email=AGENT_EMAIL, role="agent"),
    ]


def schedule(zone="UTC", intervals=None, since=LONG_AGO, schedule_id=1, is_default=True):
    return ScheduleUpserted(
        event_id=f"s{next(_ids)}", occurred_at=since, schedule_id=schedule_id, name="Office",
        time_zone=zone, intervals=intervals or weekdays(9, 17), is_default=is_default,
    )


def holiday(day: date, schedule_id: int = 1, since: datetime = LONG_AGO):
    return HolidayUpserted(event_id=f"h{next(_ids)}", occurred_at=since, holiday_id=day.toordinal(),
                           schedule_id=schedule_id, name="Holiday", start_date=day, end_date=day)


def created(when: datetime, ticket_id: int = 1, **fields):
    fields.setdefault("requester_id", REQUESTER)
    fields.setdefault("submitter_id", fields["requester_id"])
    return TicketCreated(event_id=f"e{next(_ids)}", occurred_at=when, ticket_id=ticket_id, **fields)


def status(when: datetime, value: str, ticket_id: int = 1):
    return TicketStatusChanged(event_id=f"e{next(_ids)}", occurred_at=when, ticket_id=ticket_id, status=value)


def assignee(when: datetime, value: int | None, ticket_id: int = 1):
    return TicketAssigneeChanged(event_id=f"e{next(_ids)}", occurred_at=when, ticket_id=ticket_id, assignee_id=value)


def group(when: datetime, value: int | None, ticket_id: int = 1):
    return TicketGroupChanged(event_id=f"e{next(_ids)}", occurred_at=when, ticket_id=ticket_id, group_id=value)


def comment(when: datetime, author: int, public: bool = True, ticket_id: int = 1, body: str = "",
            comment_id: int | None = None):
    return TicketCommentAdded(event_id=f"e{next(_ids)}", occurred_at=when, ticket_id=ticket_id,
                              comment_id=comment_id or next(_ids), author_id=author, public=public, body=body)


def fold_ticket(events, ticket_id: int = 1):
    state = ticket_fold.initial(ticket_id)
    for event in events:
        state = ticket_fold.apply(state, event)
    return state


def metrics(*ticket_events, account=None):
    """The metrics of ticket 1 after its events, with `account` reference data
    (default: the people and a Mon-Fri 09:00-17:00 UTC schedule)."""
    state = ProjectionState()
    for event in people() + [schedule()] if account is None else account:
        state.apply(event)
    return ticket_metrics(fold_ticket(ticket_events), state.account)
