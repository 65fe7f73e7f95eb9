"""What the Hootdesk exports share: the channel filter, the display values of codes, and
the ID / Name / Reference column triples of agents and teams (times are written by
`sinks.formats.local_time`, as in every CSV export)."""
from collections.abc import Callable, Iterable

from events.commands import ExportRequest
from projections.conversations import ConversationState

# Several values in one cell (Topic IDs, Tag Names, ...): none of the documents gives a
# separator (docs/decisions.md, Hootdesk conversations).
SEPARATOR = "; "

# Resolve triggers of the events, written in the two value sets the seed names: "Resolved
# By" (an agent, a virtual agent, a bulk-resolve event or the system) and "Resolve
# Trigger" (a human agent, a virtual agent, an automation or an automatic resolution).
RESOLVED_BY = {"agent": "Agent", "virtual_agent": "Virtual agent", "bulk": "Bulk resolve",
               "automation": "System", "auto_resolve": "System"}
RESOLVE_TRIGGERS = {"agent": "Human agent", "bulk": "Human agent", "virtual_agent": "Virtual agent",
                    "automation": "Automation", "auto_resolve": "Automatic resolution"}
SENDER_KINDS = {"agent": "Agent", "virtual_agent": "Virtual agent", "automation": "Automation"}


class UnknownChannel(ValueError):
    """A channel filter naming a channel no conversation is on."""


def joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(values)


def channel_filter(conversations: Iterable[ConversationState], request: ExportRequest) -> Callable[[str], bool]:
    """Whether a channel is asked for (every channel without a filter).

    Checked when the export starts, against the channels of the conversations and their
    messages: a channel named in the filter that none of them is on is refused, since it
    is most likely a typo that would otherwise give an empty file. `conversations` is
    only read when a filter is asked: an export passes a fresh pass over its
    conversations, and reads them again for its rows, rather than hold them all."""
    asked = frozenset(request.channels)
    if not asked:
        return lambda channel: True
    known = set()
    for conversation in conversations:
        if conversation.creation is not None:
            known.add(conversation.creation.channel)
        known.update(message.channel for message in conversation.messages)
    unknown = sorted(asked - known)
    if unknown:
        raise UnknownChannel(
            f"unknown channel {', '.join(map(repr, unknown))} in the channel filter of {request.export}; "
            f"use one of: {', '.join(sorted(known)) or '(no conversation in the log)'}"
        )
    return asked.__contains__


def agent_columns(title: str, agent_id: Callable[[object], str | None]) -> tuple:
    """`<title> ID`, `<title> Name` and `<title> Reference`, read from the directory; the
    name and reference are empty for an agent the directory does not know."""

    def field(name: str):
        def column(row) -> str | None:
            agent = row.people.agent(agent_id(row))
            return None if agent is None else getattr(agent, name)
        return column

    return ((f"{title} ID", agent_id), (f"{title} Name", field("name")), (f"{title} Reference", field("reference")))


def team_columns(title: str, agent_id: Callable[[object], str | None]) -> tuple:
    """`<title> ID` and `<title> Name`: the team of the agent `agent_id` gives."""

    def team_name(row) -> str | None:
        team = row.people.team(row.people.team_of(agent_id(row)))
        return None if team is None else team.name

    return ((f"{title} ID", lambda row: row.people.team_of(agent_id(row))), (f"{title} Name", team_name))

