"""Hootdesk reference data as a fold: contacts with their attributes, agents and teams.

One part per event key, as the ticket side's directory: `contact:<id>` holds a contact and
its attributes, `<agent id>` an agent, `team:<id>` a team. Each keeps its latest version by
(time, event_id), so a duplicate or an older version arriving late changes nothing.
`People` reads the parts for the exports: names, references, teams, who is a virtual agent.
"""
from collections.abc import Mapping
from datetime import datetime

import msgspec

from events import AgentUpserted, ContactAttributeUpserted, ContactUpserted, Event, TeamUpserted
from events.conversations import contact_key

HOOTDESK_REFERENCE_TYPES = frozenset({ContactUpserted, ContactAttributeUpserted, AgentUpserted, TeamUpserted})


class HootdeskPart(msgspec.Struct, frozen=True, gc=False):
    contact: ContactUpserted | None = None
    attributes: dict[str, ContactAttributeUpserted] = {}
    agent: AgentUpserted | None = None
    team: TeamUpserted | None = None


def initial() -> HootdeskPart:
    return HootdeskPart()


def apply(part: HootdeskPart, event: Event) -> HootdeskPart:
    """The part after one reference event; other events leave it unchanged."""
    match event:
        case ContactUpserted():
            return _keep_latest(part, "contact", event)
        case AgentUpserted():
            return _keep_latest(part, "agent", event)
        case TeamUpserted():
            return _keep_latest(part, "team", event)
        case ContactAttributeUpserted(attribute=name):
            current = part.attributes.get(name)
            if current is not None and _order(current) >= _order(event):
                return part
            return msgspec.structs.replace(part, attributes={**part.attributes, name: event})
    return part


def _order(event: Event) -> tuple:
    return event.occurred_at, event.event_id


def _keep_latest(part: HootdeskPart, field: str, event: Event) -> HootdeskPart:
    current = getattr(part, field)
    if current is not None and _order(current) >= _order(event):
        return part  # a duplicate or an older version arriving late
    return msgspec.structs.replace(part, **{field: event})


def last_change(parts: Mapping[str, HootdeskPart]) -> datetime | None:
    """When the latest contact, agent or team event happened."""
    times = [event.occurred_at for part in parts.values()
             for event in (part.contact, part.agent, part.team, *part.attributes.values()) if event is not None]
    return max(times, default=None)


class People:
    """Lookups over the Hootdesk parts: a missing contact, agent or team reads as None."""

    def __init__(self, parts: Mapping[str, HootdeskPart]):
        self.parts = parts

    def contact(self, contact_id: str | None) -> ContactUpserted | None:
        part = self.contact_part(contact_id)
        return None if part is None else part.contact

    def contact_part(self, contact_id: str | None) -> HootdeskPart | None:
        """A contact's part: its upsert and its attributes."""
        return self.parts.get(contact_key(contact_id)) if contact_id else None

    def agent(self, agent_id: str | None) -> AgentUpserted | None:
        part = self.parts.get(agent_id) if agent_id else None
        return None if part is None else part.agent

    def team(self, team_id: str | None) -> TeamUpserted | None:
        part = self.parts.get(f"team:{team_id}") if team_id else None
        return None if part is None else part.team

    def team_of(self, agent_id: str | None) -> str | None:
        """The agent's team: the first of its teams (docs/decisions.md, Hootdesk conversations)."""
        agent = self.agent(agent_id)
        return agent.team_ids[0] if agent is not None and agent.team_ids else None

    def is_virtual_agent(self, agent_id: str | None) -> bool:
        """Whether the directory says so; an agent it does not know is taken as human."""
        agent = self.agent(agent_id)
        return agent is not None and agent.role == "virtual_agent"
