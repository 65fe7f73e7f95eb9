"""A ticket's state as a pure fold of its events.

The state keeps the timelines the metrics are measured on (statuses, assignees, groups,
comments) sorted by (time, event_id), plus the latest value of every other field. Folding
is idempotent and order-free: a duplicate event finds its mark already there, and a late
event is placed by its time, so any order of the same events gives the same state.
Metrics are derived from this state in `projections.ticket_metrics`.

`fold` takes many events at once (replay groups a log's events by ticket), `apply` one
(the worker); `apply` is `fold` of one event, so the two can't disagree.
"""
from collections.abc import Iterable
from datetime import datetime

import msgspec

from events import (
    Event,
    TicketAssigneeChanged,
    TicketCommentAdded,
    TicketCreated,
    TicketDeleted,
    TicketFieldsChanged,
    TicketGroupChanged,
    TicketSatisfactionRated,
    TicketStatusChanged,
    TicketTagsChanged,
)

FieldValue = str | tuple[str, ...] | None


class Mark(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A value a timeline took at a time: a status name, an assignee or a group id."""

    at: datetime
    event_id: str
    value: str | int | None


class CommentMark(msgspec.Struct, frozen=True, array_like=True, gc=False):
    at: datetime
    event_id: str
    author_id: int
    public: bool
    is_description: bool = False


class FieldMark(msgspec.Struct, frozen=True, array_like=True, gc=False):
    at: datetime
    event_id: str
    value: FieldValue


class TicketState(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    ticket_id: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    submitter_id: int | None = None
    deleted: bool = False
    statuses: tuple[Mark, ...] = ()
    assignees: tuple[Mark, ...] = ()
    groups: tuple[Mark, ...] = ()
    comments: tuple[CommentMark, ...] = ()
    # Every other field, last writer wins by (time, event_id): subject, priority,
    # ticket_type, via, requester_id, organization_id, schedule_id, tags, due_at,
    # satisfaction, custom_fields.<id>, ...
    fields: dict[str, FieldMark] = {}

    @property
    def status(self) -> str | None:
        return self.statuses[-1].value if self.statuses else None

    @property
    def assignee_id(self) -> int | None:
        return self.assignees[-1].value if self.assignees else None

    @property
    def group_id(self) -> int | None:
        return self.groups[-1].value if self.groups else None

    def field(self, name: str, default: FieldValue = None) -> FieldValue:
        mark = self.fields.get(name)
        return default if mark is None else mark.value

    def id_field(self, name: str) -> int | None:
        value = self.field(name)
        return int(value) if value else None


def initial(ticket_id: int) -> TicketState:
    return TicketState(ticket_id=ticket_id)


def apply(state: TicketState, event: Event) -> TicketState:
    """The ticket after one event; events of other tickets or types change nothing."""
    return fold(state, (event,))


def fold(state: TicketState, events: Iterable[Event]) -> TicketState:
    """The ticket after `events`, in any order: new marks are collected, then merged once."""
    added: dict[str, list] = {"statuses": [], "assignees": [], "groups": [], "comments": []}
    values: list[tuple[datetime, str, str, FieldValue]] = []  # (at, event_id, field, value)
    changes: dict = {}
    created_at, updated_at = state.created_at, state.updated_at
    for event in events:
        if getattr(event, "ticket_id", None) != state.ticket_id:
            continue
        at, event_id = event.occurred_at, event.event_id
        if updated_at is None or updated_at < at:
            updated_at = at
        match event:
            case TicketStatusChanged(status=status):
                added["statuses"].append(Mark(at, event_id, status))
            case TicketCommentAdded():
                added["comments"].append(CommentMark(at, event_id, event.author_id, event.public))
            case TicketAssigneeChanged(assignee_id=assignee_id):
                added["assignees"].append(Mark(at, event_id, assignee_id))
            case TicketGroupChanged(group_id=group_id):
                added["groups"].append(Mark(at, event_id, group_id))
            case TicketCreated():
                if created_at is None or at < created_at:  # the earliest creation wins
                    created_at = at
                    changes.update(created_at=at, submitter_id=event.submitter_id)
                _created(event, added, values)
            case TicketTagsChanged(tags=tags):
                values.append((at, event_id, "tags", tags))
            case TicketFieldsChanged():
                values.extend((at, event_id, name, value) for name, value in event.changes.items())
            case TicketSatisfactionRated():
                values.append((at, event_id, "satisfaction", event.score))
                values.append((at, event_id, "satisfaction_comment", event.comment))
            case TicketDeleted():
                changes["deleted"] = True
    for timeline, marks in added.items():
        if marks:
            changes[timeline] = _merged(getattr(state, timeline), marks)
    if values:
        changes["fields"] = _latest_values(state.fields, values)
    if updated_at != state.updated_at:
        changes["updated_at"] = updated_at
    return msgspec.structs.replace(state, **changes) if changes else state


def _created(event: TicketCreated, added: dict[str, list], values: list) -> None:
    """The marks and field values a creation brings: its description is its first comment."""
    at, event_id = event.occurred_at, event.event_id
    added["statuses"].append(Mark(at, event_id, event.status))
    added["comments"].append(CommentMark(at, event_id, event.submitter_id, event.description_public, True))
    if event.assignee_id is not None:
        added["assignees"].append(Mark(at, event_id, event.assignee_id))
    if event.group_id is not None:
        added["groups"].append(Mark(at, event_id, event.group_id))
    fields = {
        "subject": event.subject,
        "priority": event.priority,
        "ticket_type": event.ticket_type,
        "via": event.via,
        "requester_id": _id(event.requester_id),
        "organization_id": _id(event.organization_id),
        "brand_id": _id(event.brand_id),
        "schedule_id": _id(event.schedule_id),
        "tags": event.tags,
        "due_at": event.due_at.isoformat() if event.due_at else None,
        "external_id": event.external_id,
    }
    values.extend((at, event_id, name, value) for name, value in fields.items())


def _order(mark) -> tuple[datetime, str]:
    return mark.at, mark.event_id


def _merged(marks: tuple, added: list) -> tuple:
    """`marks` with `added`, in (time, event_id) order, each mark once."""
    if len(added) == 1 and (not marks or _order(marks[-1]) < _order(added[0])):
        return (*marks, added[0])  # the usual case in a stream: one event, in time order
    return tuple(sorted({*marks, *added}, key=_order))


def _latest_values(fields: dict[str, FieldMark], values: list) -> dict[str, FieldMark]:
    """Each field takes the value of its latest event by (time, event_id)."""
    latest = dict(fields)
    for at, event_id, name, value in sorted(values, key=lambda v: (v[0], v[1])):
        current = latest.get(name)
        if current is None or (current.at, current.event_id) <= (at, event_id):
            latest[name] = FieldMark(at, event_id, value)
    return latest


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)
