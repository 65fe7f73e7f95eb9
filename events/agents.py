"""Hootdesk agents and teams, and agent presence, keyed by agent id."""
from typing import Literal

from events.base import Event, Long

AgentRole = Literal["agent", "admin", "virtual_agent"]


class AgentUpserted(Event, frozen=True, kw_only=True):
    agent_id: str
    name: str
    email: str | None = None
    reference: str | None = None
    role: AgentRole = "agent"
    team_ids: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.agent_id


class TeamUpserted(Event, frozen=True, kw_only=True):
    team_id: str
    name: str

    @property
    def key(self) -> str:
        return f"team:{self.team_id}"


class AgentWentAvailable(Event, frozen=True, kw_only=True):
    agent_id: str

    @property
    def key(self) -> str:
        return self.agent_id


class AgentWentAway(Event, frozen=True, kw_only=True):
    """Version 2 renamed v1's `away_status` to `away_state` (see events.upcasting)."""

    agent_id: str
    away_state: str = "Away"
    schema_version: Long = 2

    @property
    def key(self) -> str:
        return self.agent_id


def upcast_v1_v2(raw: dict) -> dict:
    """AgentWentAway v1 -> v2: `away_status` was renamed `away_state`."""
    lifted = {k: v for k, v in raw.items() if k != "away_status"}
    lifted["away_state"] = raw.get("away_status") or "Away"
    lifted["schema_version"] = 2
    return lifted


PresenceEvent = AgentWentAvailable | AgentWentAway
AgentEvent = AgentUpserted | TeamUpserted | PresenceEvent
