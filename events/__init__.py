"""Canonical deskstream events: one frozen msgspec Struct per fact, in one tagged union.

The JSON form carries the type name in `"type"`; the Avro form is a union of one record
per type (see `events.avro`). `AnyEvent` is the union every reader decodes into.
"""
from events.accounts import (
    AccountEvent,
    GroupUpserted,
    HolidayUpserted,
    OrganizationUpserted,
    ScheduleUpserted,
    UserUpserted,
    WeeklyInterval,
)
from events.agents import AgentEvent, AgentUpserted, AgentWentAvailable, AgentWentAway, TeamUpserted
from events.base import Event
from events.conversations import (
    ContactAttributeUpserted,
    ContactEvent,
    ContactUpserted,
    ConversationCreated,
    ConversationEvent,
    ConversationLocked,
    ConversationResolved,
    ConversationStatusChanged,
    ConversationTopicAdded,
    ConversationTopicRemoved,
    ConversationUnlocked,
    CsatAnswered,
    CsatSent,
    MessageReceived,
    MessageSent,
    MessageTagAdded,
    MessageTagRemoved,
    VirtualAgentHandedOver,
)
from events.tickets import (
    TicketAssigneeChanged,
    TicketCommentAdded,
    TicketCreated,
    TicketDeleted,
    TicketEvent,
    TicketFieldsChanged,
    TicketGroupChanged,
    TicketSatisfactionRated,
    TicketStatusChanged,
    TicketTagsChanged,
)

AnyEvent = TicketEvent | AccountEvent | ConversationEvent | ContactEvent | AgentEvent
EVENT_TYPES: tuple[type[Event], ...] = AnyEvent.__args__

__all__ = [name for name in dir() if not name.startswith("_")]
