"""Hootdesk conversation events, keyed by conversation id, and contact reference data."""
from typing import Literal

from events.base import Event, Long

ConversationStatus = Literal["New", "Pending", "Resolved"]
# Who sent an outbound message: a human agent, a virtual agent, or an automated reply.
SenderKind = Literal["agent", "virtual_agent", "automation"]
ResolveTrigger = Literal["agent", "virtual_agent", "automation", "auto_resolve", "bulk"]


class _ConversationEvent(Event, frozen=True, kw_only=True):
    conversation_id: str

    @property
    def key(self) -> str:
        return self.conversation_id


class ConversationCreated(_ConversationEvent, frozen=True, kw_only=True):
    contact_id: str
    channel: str
    medium: str
    channel_display_name: str = ""
    language: str | None = None
    url: str | None = None


class MessageReceived(_ConversationEvent, frozen=True, kw_only=True):
    """An inbound message, from the contact."""

    message_id: str
    contact_id: str
    channel: str
    medium: str
    message_type: str = "message"
    content: str = ""
    post_url: str | None = None


class MessageSent(_ConversationEvent, frozen=True, kw_only=True):
    """An outbound message, to the contact."""

    message_id: str
    sender_id: str
    channel: str
    medium: str
    sender_kind: SenderKind = "agent"
    message_type: str = "message"
    origin: str = "hootdesk"
    content: str = ""
    post_url: str | None = None


class ConversationLocked(_ConversationEvent, frozen=True, kw_only=True):
    """An agent opened the conversation; the lock lasts until unlocked or a status change."""

    agent_id: str


class ConversationUnlocked(_ConversationEvent, frozen=True, kw_only=True):
    agent_id: str


class ConversationStatusChanged(_ConversationEvent, frozen=True, kw_only=True):
    status: ConversationStatus
    previous_status: ConversationStatus | None = None
    agent_id: str | None = None


class ConversationResolved(_ConversationEvent, frozen=True, kw_only=True):
    """The conversation moved to Resolved; it also ends any lock."""

    agent_id: str | None = None
    trigger: ResolveTrigger = "agent"
    reason: str | None = None
    comment: str | None = None


class ConversationTopicAdded(_ConversationEvent, frozen=True, kw_only=True):
    topic_id: str
    topic_name: str
    agent_id: str | None = None


class ConversationTopicRemoved(_ConversationEvent, frozen=True, kw_only=True):
    topic_id: str
    agent_id: str | None = None


class MessageTagAdded(_ConversationEvent, frozen=True, kw_only=True):
    """Tags apply to messages (the Tags export counts applications to messages)."""

    message_id: str
    tag_id: str
    tag_name: str
    agent_id: str | None = None


class MessageTagRemoved(_ConversationEvent, frozen=True, kw_only=True):
    message_id: str
    tag_id: str
    agent_id: str | None = None


class CsatSent(_ConversationEvent, frozen=True, kw_only=True):
    follow_up_question: str | None = None


class CsatAnswered(_ConversationEvent, frozen=True, kw_only=True):
    score: Long  # 1 to 5
    follow_up_answer: str | None = None


class VirtualAgentHandedOver(_ConversationEvent, frozen=True, kw_only=True):
    """A virtual agent or automated reply handed the conversation to the New queue."""

    virtual_agent_id: str
    virtual_agent_name: str = ""
    reason: str | None = None


CONTACT_KEY_PREFIX = "contact:"


def contact_key(contact_id: str) -> str:
    """A contact's key: its events' (both kinds meet in one Hootdesk part) and its part's."""
    return CONTACT_KEY_PREFIX + contact_id


class ContactUpserted(Event, frozen=True, kw_only=True):
    contact_id: str
    medium: str
    primary_identifier: str = ""
    secondary_identifier: str = ""

    @property
    def key(self) -> str:
        return contact_key(self.contact_id)


class ContactAttributeUpserted(Event, frozen=True, kw_only=True):
    contact_id: str
    attribute: str
    value: str | None

    @property
    def key(self) -> str:
        return contact_key(self.contact_id)


ConversationEvent = (
    ConversationCreated
    | MessageReceived
    | MessageSent
    | ConversationLocked
    | ConversationUnlocked
    | ConversationStatusChanged
    | ConversationResolved
    | ConversationTopicAdded
    | ConversationTopicRemoved
    | MessageTagAdded
    | MessageTagRemoved
    | CsatSent
    | CsatAnswered
    | VirtualAgentHandedOver
)
ContactEvent = ContactUpserted | ContactAttributeUpserted
