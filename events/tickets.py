"""Zendesk-style ticket events, keyed by ticket id."""
from typing import Literal

from events.base import Event, Long, UtcDatetime

TicketStatus = Literal["new", "open", "pending", "hold", "solved", "closed"]
SatisfactionScore = Literal["unoffered", "offered", "good", "bad"]


class _TicketEvent(Event, frozen=True, kw_only=True):
    ticket_id: Long

    @property
    def key(self) -> str:
        return str(self.ticket_id)


class TicketCreated(_TicketEvent, frozen=True, kw_only=True):
    """A ticket was created; its first comment (the description) comes with it."""

    requester_id: Long
    submitter_id: Long
    subject: str = ""
    description: str = ""
    description_public: bool = True
    status: TicketStatus = "new"
    priority: str | None = None
    ticket_type: str | None = None
    via: str = "web"
    group_id: Long | None = None
    assignee_id: Long | None = None
    organization_id: Long | None = None
    brand_id: Long | None = None
    schedule_id: Long | None = None
    tags: tuple[str, ...] = ()
    due_at: UtcDatetime | None = None
    external_id: str | None = None


class TicketStatusChanged(_TicketEvent, frozen=True, kw_only=True):
    status: TicketStatus
    previous_status: TicketStatus | None = None
    author_id: Long | None = None


class TicketAssigneeChanged(_TicketEvent, frozen=True, kw_only=True):
    assignee_id: Long | None
    previous_assignee_id: Long | None = None


class TicketGroupChanged(_TicketEvent, frozen=True, kw_only=True):
    group_id: Long | None
    previous_group_id: Long | None = None


class TicketCommentAdded(_TicketEvent, frozen=True, kw_only=True):
    """A comment after creation; `public=False` is an internal note."""

    comment_id: Long
    author_id: Long
    public: bool
    body: str = ""


class TicketTagsChanged(_TicketEvent, frozen=True, kw_only=True):
    """The ticket's whole tag set after the change."""

    tags: tuple[str, ...]


class TicketFieldsChanged(_TicketEvent, frozen=True, kw_only=True):
    """Other fields changed: subject, priority, ticket_type, due_at (ISO 8601),
    requester_id, organization_id, schedule_id, or `custom_fields.<id>`. A value of
    None clears the field."""

    changes: dict[str, str | None]


class TicketSatisfactionRated(_TicketEvent, frozen=True, kw_only=True):
    score: SatisfactionScore
    comment: str = ""


class TicketDeleted(_TicketEvent, frozen=True, kw_only=True):
    pass


TicketEvent = (
    TicketCreated
    | TicketStatusChanged
    | TicketAssigneeChanged
    | TicketGroupChanged
    | TicketCommentAdded
    | TicketTagsChanged
    | TicketFieldsChanged
    | TicketSatisfactionRated
    | TicketDeleted
)
