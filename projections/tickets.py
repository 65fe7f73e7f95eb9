"""A ticket's state as a pure fold of its events.

The state keeps the timelines the metrics are measured on (statuses, assignees, groups,
comments) sorted by (time, event_id), plus the latest value of every other field. Folding
is idempotent and order-free: a duplicate event finds its mark already there, and a late
event is placed by its time, so any order of the same events gives the same state. Of
two copies of an event that differ, the first read counts (`projections.copies`).
Metrics are derived from this state in `projections.ticket_metrics`.

`fold` takes many events at once (replay groups a log's events by ticket), `apply` one
(the worker); `apply` is `fold` of one event, so the two can't disagree.
"""
from collections.abc import Iterable
from datetime import datetime
from operator import itemgetter

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
from projections.copies import merged

FieldValue = str | tuple[str, ...] | None


class Mark(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A value a timeline took at a time: a status name, an assignee or a group id."""

    at: datetime
    event_id: str
    value: str | int | None


class CommentMark(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A comment, the description included: what the metrics count and the exports write.

    The body is kept here only (not in `fields`): it is most of a ticket's size. The
    description has no comment id of its own in our events (None).
    """

    at: datetime
    event_id: str
    author_id: int
    public: bool
    is_description: bool = False
    comment_id: int | None = None
    body: str = ""


class TicketSummary(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A ticket's state without its comments and field stamps: what the exports that read
    neither take from a store (the CSV). An encoded TicketState decodes as one for about
    half the work, the decoder skipping the fields not named here."""

    ticket_id: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    submitter_id: int | None = None
    deleted: bool = False
    statuses: tuple[Mark, ...] = ()
    assignees: tuple[Mark, ...] = ()
    groups: tuple[Mark, ...] = ()
    # Every other field, last writer wins by (time, event_id): subject, priority,
    # ticket_type, via, requester_id, organization_id, schedule_id, tags, due_at,
    # satisfaction, custom_fields.<id>, ...
    fields: dict[str, FieldValue] = {}

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
        return self.fields.get(name, default)

    def id_field(self, name: str) -> int | None:
        value = self.field(name)
        return int(value) if value else None


class TicketState(TicketSummary, frozen=True, kw_only=True, gc=False):
    comments: tuple[CommentMark, ...] = ()
    # The (time, event_id) of the event each field's value comes from: one tuple shared
    # by all the fields an event set.
    field_stamps: dict[str, tuple[datetime, str]] = {}


def initial(ticket_id: int) -> TicketState:
    return TicketState(ticket_id=ticket_id)


def apply(state: TicketState, event: Event) -> TicketState:
    """The ticket after one event; events of other tickets or types change nothing."""
    return fold(state, (event,))


def fold(state: TicketState, events: Iterable[Event]) -> TicketState:
    """The ticket after `events`, in any order: new marks are collected, then merged once."""
    statuses: list[Mark] = []
    assignees: list[Mark] = []
    groups: list[Mark] = []
    comments: list[CommentMark] = []
    values: list[tuple[tuple[datetime, str], dict[str, FieldValue]]] = []  # ((at, event_id), fields set)
    changes: dict = {}
    ticket_id, created_at, updated_at = state.ticket_id, state.created_at, state.updated_at
    for event in events:
        if getattr(event, "ticket_id", None) != ticket_id:
            continue
        at, event_id = event.occurred_at, event.event_id
        if updated_at is None or updated_at < at:
            updated_at = at
        # By exact type, most frequent first: this runs once per ticket event.
        kind = type(event)
        if kind is TicketStatusChanged:
            statuses.append(Mark(at, event_id, event.status))
        elif kind is TicketCommentAdded:
            comments.append(
                CommentMark(at, event_id, event.author_id, event.public, False, event.comment_id, event.body)
            )
        elif kind is TicketAssigneeChanged:
            assignees.append(Mark(at, event_id, event.assignee_id))
        elif kind is TicketCreated:
            if created_at is None or at < created_at:  # the earliest creation wins
                created_at = at
                changes.update(created_at=at, submitter_id=event.submitter_id)
            statuses.append(Mark(at, event_id, event.status))
            # Its description is its first comment.
            author, public = event.submitter_id, event.description_public
            comments.append(CommentMark(at, event_id, author, public, True, None, event.description))
            if event.assignee_id is not None:
                assignees.append(Mark(at, event_id, event.assignee_id))
            if event.group_id is not None:
                groups.append(Mark(at, event_id, event.group_id))
            values.append(((at, event_id), _created_fields(event)))
        elif kind is TicketGroupChanged:
            groups.append(Mark(at, event_id, event.group_id))
        elif kind is TicketTagsChanged:
            values.append(((at, event_id), {"tags": event.tags}))
        elif kind is TicketFieldsChanged:
            values.append(((at, event_id), event.changes))
        elif kind is TicketSatisfactionRated:
            values.append(((at, event_id), {"satisfaction": event.score, "satisfaction_comment": event.comment}))
        elif kind is TicketDeleted:
            changes["deleted"] = True
    timelines = {"statuses": statuses, "assignees": assignees, "groups": groups, "comments": comments}
    for timeline, marks in timelines.items():
        if marks:
            changes[timeline] = merged(getattr(state, timeline), marks)
    if values:
        changes["fields"], changes["field_stamps"] = _latest_values(state, values)
    if updated_at != state.updated_at:
        changes["updated_at"] = updated_at
    return msgspec.structs.replace(state, **changes) if changes else state


def _created_fields(event: TicketCreated) -> dict[str, FieldValue]:
    """The field values a creation sets."""
    return {
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


_stamp = itemgetter(0)  # (time, event_id): the order of field values, read in C


def _latest_values(state: TicketState, values: list) -> tuple[dict, dict]:
    """Each field takes the value of its latest event by (time, event_id): the new
    `fields` and `field_stamps`. A copy of an event already applied (same stamp) changes
    nothing, so the first read of a conflicting event counts."""
    fields, stamps = dict(state.fields), dict(state.field_stamps)
    newest = max(stamps.values(), default=None)
    for stamp, changed in sorted(values, key=_stamp):  # a stable sort: copies stay in read order
        if newest is None or newest < stamp:  # the usual case: later than every value so far
            fields.update(changed)
            stamps.update(dict.fromkeys(changed, stamp))
            newest = stamp
            continue
        for name, value in changed.items():
            if name not in stamps or stamps[name] < stamp:
                fields[name], stamps[name] = value, stamp
    return fields, stamps


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)
