"""A ticket's state as a pure fold of its events.

The state keeps the timelines the metrics are measured on (statuses, assignees, groups,
comments) sorted by (time, event_id), plus the latest value of every other field. Each
step is idempotent and order-free: a duplicate event finds its mark already there, and a
late event is placed by its time, so any order of the same events gives the same state.
Metrics are derived from this state in `projections.ticket_metrics`.
"""
from bisect import insort
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


class Mark(msgspec.Struct, frozen=True, array_like=True, order=True):
    """A value a timeline took at a time: a status name, an assignee or a group id."""

    at: datetime
    event_id: str
    value: str | int | None


class CommentMark(msgspec.Struct, frozen=True, array_like=True, order=True):
    at: datetime
    event_id: str
    author_id: int
    public: bool
    is_description: bool = False


class FieldMark(msgspec.Struct, frozen=True, array_like=True):
    at: datetime
    event_id: str
    value: FieldValue


class TicketState(msgspec.Struct, frozen=True, kw_only=True):
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


def _with_mark(marks: tuple, mark) -> tuple:
    if mark in marks:
        return marks
    if not marks or marks[-1] < mark:  # the usual case: events arrive in time order
        return (*marks, mark)
    ordered = list(marks)
    insort(ordered, mark)
    return tuple(ordered)


def _with_fields(state: TicketState, event: Event, values: dict[str, FieldValue]) -> dict:
    fields = dict(state.fields)
    for name, value in values.items():
        current = fields.get(name)
        if current is None or (current.at, current.event_id) <= (event.occurred_at, event.event_id):
            fields[name] = FieldMark(event.occurred_at, event.event_id, value)
    return fields


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


def apply(state: TicketState, event: Event) -> TicketState:
    """The ticket after one event; events of other tickets or types change nothing."""
    if getattr(event, "ticket_id", None) != state.ticket_id:
        return state
    at, event_id = event.occurred_at, event.event_id
    updated_at = at if state.updated_at is None else max(state.updated_at, at)
    state = msgspec.structs.replace(state, updated_at=updated_at)
    match event:
        case TicketCreated():
            values = {
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
            description = CommentMark(at, event_id, event.submitter_id, event.description_public, True)
            state = msgspec.structs.replace(
                state,
                created_at=at,
                submitter_id=event.submitter_id,
                statuses=_with_mark(state.statuses, Mark(at, event_id, event.status)),
                comments=_with_mark(state.comments, description),
                fields=_with_fields(state, event, values),
            )
            if event.assignee_id is not None:
                state = _mark(state, "assignees", Mark(at, event_id, event.assignee_id))
            if event.group_id is not None:
                state = _mark(state, "groups", Mark(at, event_id, event.group_id))
            return state
        case TicketStatusChanged(status=status):
            return _mark(state, "statuses", Mark(at, event_id, status))
        case TicketAssigneeChanged(assignee_id=assignee_id):
            return _mark(state, "assignees", Mark(at, event_id, assignee_id))
        case TicketGroupChanged(group_id=group_id):
            return _mark(state, "groups", Mark(at, event_id, group_id))
        case TicketCommentAdded():
            comment = CommentMark(at, event_id, event.author_id, event.public)
            return _mark(state, "comments", comment)
        case TicketTagsChanged(tags=tags):
            return msgspec.structs.replace(state, fields=_with_fields(state, event, {"tags": tags}))
        case TicketFieldsChanged(changes=changes):
            return msgspec.structs.replace(state, fields=_with_fields(state, event, changes))
        case TicketSatisfactionRated(score=score):
            values = {"satisfaction": score, "satisfaction_comment": event.comment}
            return msgspec.structs.replace(state, fields=_with_fields(state, event, values))
        case TicketDeleted():
            return msgspec.structs.replace(state, deleted=True)
    return state


def _mark(state: TicketState, timeline: str, mark) -> TicketState:
    return msgspec.structs.replace(state, **{timeline: _with_mark(getattr(state, timeline), mark)})
