"""A tiny language for Hootdesk conversation stories in tests: times read like a clock.

`t("09:00:30")` is that time on Monday 2 March 2026, UTC; every builder takes the time
first and numbers its event, so a story is a list of lines a person can read.
"""
from datetime import UTC, datetime
from itertools import count

from events import (
    AgentUpserted,
    ContactUpserted,
    ConversationCreated,
    ConversationLocked,
    ConversationResolved,
    ConversationStatusChanged,
    ConversationUnlocked,
    MessageReceived,
    MessageSent,
    TeamUpserted,
    VirtualAgentHandedOver,
)
from projections import conversations as conversation_fold
from projections.hootdesk_directory import People
from projections import hootdesk_directory

CONVERSATION, CONTACT, CHANNEL, MEDIUM = "conv-1", "contact-1", "acme.support", "Facebook"
ANA, BOB, HOOT = "agent-ana", "agent-bob", "va-hoot"  # two human agents and a virtual agent
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
_ids = count(1)


def t(clock: str, day: str = "03-02") -> datetime:
    """'09:00:30' is 2026-03-02 09:00:30 UTC (a Monday)."""
    return datetime.fromisoformat(f"2026-{day}T{clock}+00:00")


def _base(when: datetime, conversation_id: str) -> dict:
    return {"event_id": f"e{next(_ids):04d}", "occurred_at": when, "conversation_id": conversation_id}


def created(when, conversation_id=CONVERSATION, channel=CHANNEL, medium=MEDIUM, **fields):
    fields.setdefault("channel_display_name", "Acme Support")
    fields.setdefault("url", f"https://hootdesk.example/c/{conversation_id}")
    fields.setdefault("language", "fr")
    return ConversationCreated(**_base(when, conversation_id), contact_id=CONTACT, channel=channel,
                               medium=medium, **fields)


def inbound(when, message_id, conversation_id=CONVERSATION, channel=CHANNEL, medium=MEDIUM, **fields):
    return MessageReceived(**_base(when, conversation_id), message_id=message_id, contact_id=CONTACT,
                           channel=channel, medium=medium, **fields)


def outbound(when, message_id, sender=ANA, kind="agent", conversation_id=CONVERSATION, channel=CHANNEL,
             medium=MEDIUM, **fields):
    return MessageSent(**_base(when, conversation_id), message_id=message_id, sender_id=sender, sender_kind=kind,
                       channel=channel, medium=medium, **fields)


def locked(when, agent, conversation_id=CONVERSATION):
    return ConversationLocked(**_base(when, conversation_id), agent_id=agent)


def unlocked(when, agent, conversation_id=CONVERSATION):
    return ConversationUnlocked(**_base(when, conversation_id), agent_id=agent)


def status(when, value, agent=None, conversation_id=CONVERSATION):
    return ConversationStatusChanged(**_base(when, conversation_id), status=value, agent_id=agent)


def resolved(when, agent=None, trigger="agent", conversation_id=CONVERSATION, **why):
    return ConversationResolved(**_base(when, conversation_id), agent_id=agent, trigger=trigger, **why)


def handover(when, reason="Asked for a human", conversation_id=CONVERSATION):
    return VirtualAgentHandedOver(**_base(when, conversation_id), virtual_agent_id=HOOT,
                                  virtual_agent_name="Hoot", reason=reason)


def directory() -> list:
    """Ana (reference 101, team Care), Bob (102, teams Sales then Care), the virtual agent
    Hoot, and the contact Noah."""
    return [
        TeamUpserted(event_id="team-care", occurred_at=LONG_AGO, team_id="care", name="Customer care"),
        TeamUpserted(event_id="team-sales", occurred_at=LONG_AGO, team_id="sales", name="Sales"),
        AgentUpserted(event_id="ana", occurred_at=LONG_AGO, agent_id=ANA, name="Ana Agent", reference="101",
                      team_ids=("care",)),
        AgentUpserted(event_id="bob", occurred_at=LONG_AGO, agent_id=BOB, name="Bob Agent", reference="102",
                      team_ids=("sales", "care")),
        AgentUpserted(event_id="hoot", occurred_at=LONG_AGO, agent_id=HOOT, name="Hoot", role="virtual_agent"),
        ContactUpserted(event_id="noah", occurred_at=LONG_AGO, contact_id=CONTACT, medium=MEDIUM,
                        primary_identifier="Noah Martin", secondary_identifier="+33 6 00 00 00 01"),
    ]


def people(events=None) -> People:
    parts = {}
    for event in events if events is not None else directory():
        parts[event.key] = hootdesk_directory.apply(parts.get(event.key) or hootdesk_directory.initial(), event)
    return People(parts)


def fold(events, conversation_id=CONVERSATION):
    return conversation_fold.fold(conversation_fold.initial(conversation_id), events)
