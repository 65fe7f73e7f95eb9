"""What the live dashboard shows, folded from the downstream records; pure, no Kafka, no web.

`DashboardState` keeps the latest record of each key of the downstream topics (a tombstone
removes it), as a compacted topic read from its start gives them. `view` turns it into the
page's figures for one time zone and one team, a Zendesk group or a Hootdesk team; the page
only places them.

The dashboard's "now" is the latest time the records carry, not the wall clock: the page
of a log replayed later shows that log's day, and two workers show the same figures
(docs/decisions.md, "The live dashboard"). Owners are shown by the name their records
carry, by their key ("agent:11") when none is known.
"""
from datetime import datetime, timedelta
from math import ceil
from zoneinfo import ZoneInfo

from events.downstream import ConversationMetrics, HootdeskFigures, Rollup, TicketMetrics
from streams.dashboard.charts import bar_chart, line_chart
from streams.dashboard.formatting import clock, duration, hours

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
BACKLOG = STATUSES[:4]
BACKLOG_HOURS = 12  # the chart's span, one point an hour
# First reply in business minutes: each bucket's upper bound (excluded) and its label.
REPLY_BUCKETS = ((15, "< 15 min"), (60, "15-60 min"), (240, "1-4 h"), (480, "4-8 h"), (1440, "8-24 h"),
                 (None, "24 h +"))
KINDS = ("tickets", "conversations", "rollups", "figures")
GROUP, AGENT, TEAM = "group:", "agent:", "team:"  # Zendesk group, agent of either desk, Hootdesk team


class DashboardState:
    """The latest downstream record of each key, by kind (one of KINDS)."""

    def __init__(self):
        self.records: dict[str, dict[str, object]] = {kind: {} for kind in KINDS}

    def apply(self, kind: str, key: str, record: object | None) -> None:
        if record is None:
            self.records[kind].pop(key, None)
        else:
            self.records[kind][key] = record

    def now(self) -> datetime | None:
        """The latest update any record carries."""
        times = [m.updated_at for m in self.records["tickets"].values()]
        times += [c.updated_at for c in self.records["conversations"].values()]
        times += [f.presence_since for f in self.records["figures"].values() if f.presence_since is not None]
        return max(times, default=None)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(ceil(share * len(ordered)), 1) - 1]


def left_backlog_at(ticket: TicketMetrics) -> datetime | None:
    """When a ticket that is no longer in the backlog left it (None while it is in it):
    its current solve, or its last status change when it was closed without one."""
    if ticket.status in BACKLOG:
        return None
    return ticket.solved_at or ticket.status_updated_at


def in_backlog_at(ticket: TicketMetrics, at: datetime) -> bool:
    left = left_backlog_at(ticket)
    return ticket.created_at <= at and (left is None or left > at)


def named(record: Rollup | HootdeskFigures) -> str:
    """An owner as the page shows it: its name, or its key ("agent:11") when no name is known."""
    return record.owner_name or record.owner


def by_name(records: dict[str, Rollup | HootdeskFigures], prefix: str) -> list[str]:
    """The keys starting with `prefix`, in the order of the names shown."""
    return sorted((o for o in records if o.startswith(prefix)), key=lambda o: (named(records[o]).casefold(), o))


def row(owner: str, cells: list[str]) -> dict:
    """A table row: its owner's key (the page marks the row with it) and the cells shown."""
    return {"owner": owner, "cells": cells}


def owner_row(owner: str, rollup: Rollup, held: list[TicketMetrics]) -> dict:
    """One team or agent: its published rollup, and the median and 90th percentile of the
    business minutes of the tickets it holds."""
    replies = [t.reply_time.business for t in held if t.reply_time is not None]
    resolutions = [t.full_resolution_time.business for t in held if t.full_resolution_time is not None]
    minutes = [percentile(values, share) for values in (replies, resolutions) for share in (0.5, 0.9)]
    counts = (rollup.unsolved_tickets, rollup.solved_tickets, rollup.replies, rollup.reopens)
    return row(owner, [named(rollup), *map(str, counts), *(duration(None if m is None else m * 60) for m in minutes)])


def presence(figures: HootdeskFigures, zone: ZoneInfo) -> str:
    if figures.available is None:
        return "–"
    named = figures.away_state and figures.away_state.lower() != "away"  # Hootdesk's plain state is "Away"
    state = "available" if figures.available else f"away ({figures.away_state})" if named else "away"
    return f"{state} since {clock(figures.presence_since, zone)}" if figures.presence_since else state


def hootdesk_row(figures: HootdeskFigures, zone: ZoneInfo) -> dict:
    def average(total: int, count: int) -> str:
        return duration(total // count if count else None)

    return row(figures.owner, [named(figures), str(figures.open_conversations), str(figures.conversations),
                               average(figures.first_response_seconds, figures.first_responses),
                               average(figures.handle_seconds, figures.handled_conversations),
                               presence(figures, zone)])


def hootdesk_teams(figures: dict[str, HootdeskFigures]) -> list[list[str]]:
    """Every Hootdesk team the records name, as [key, name shown]: the teams with figures and
    the teams an agent's figures say it is in (shown by key while the team has none)."""
    keys = {o for o in figures if o.startswith(TEAM)} | {TEAM + t for f in figures.values() for t in f.team_ids}
    shown = [[key, named(figures[key]) if key in figures else key] for key in keys]
    return sorted(shown, key=lambda choice: (choice[1].casefold(), choice[0]))


def hootdesk_side(state: DashboardState, zone: ZoneInfo, team: str | None) -> dict:
    """The Hootdesk part of the view; `team` ("team:ID") narrows it to that team and the
    agents whose figures name it."""
    figures: dict[str, HootdeskFigures] = state.records["figures"]
    agents = [o for o in by_name(figures, AGENT) if team is None or team.removeprefix(TEAM) in figures[o].team_ids]
    teams = [o for o in by_name(figures, TEAM) if team is None or o == team]
    if team is None:
        conversations: list[ConversationMetrics] = list(state.records["conversations"].values())
        open_now = {s: n for s in sorted({c.status for c in conversations} - {"Resolved"})
                    if (n := sum(c.status == s for c in conversations))}
    else:  # a conversation's record names no agent: the team's own count, New and Pending together
        open_now = {"open": figures[team].open_conversations if team in figures else 0}
    return {
        "hootdesk_teams": hootdesk_teams(figures),
        "open_conversations": open_now,
        "hootdesk_agent_rows": [hootdesk_row(figures[o], zone) for o in agents],
        "available_now": [named(figures[o]) for o in agents if figures[o].available],
        "hootdesk_team_rows": [hootdesk_row(figures[o], zone) for o in teams],
    }


def view(state: DashboardState, time_zone: str = "UTC", team: str | None = None) -> dict:
    """Everything the page shows, as JSON-ready values. `team` chooses one desk's team: a
    Zendesk group ("group:ID") narrows the ticket side to that group's tickets and the agents
    holding them, a Hootdesk team ("team:ID") the Hootdesk side to it and its agents; the
    other desk's side is not shown (`sides`)."""
    zone = ZoneInfo(time_zone)
    now = state.now()
    group = team if team and team.startswith(GROUP) else None
    hootdesk_team = team if team and team.startswith(TEAM) else None
    sides = [side for side, chosen in (("zendesk", group), ("hootdesk", hootdesk_team)) if team is None or chosen]
    everything: list[TicketMetrics] = list(state.records["tickets"].values())
    tickets = [t for t in everything if group is None or f"{GROUP}{t.group_id}" == group]
    rollups: dict[str, Rollup] = state.records["rollups"]

    today = now.astimezone(zone).date() if now else None
    updated_today = [t for t in tickets if t.updated_at.astimezone(zone).date() == today]
    backlog = [t for t in tickets if t.status in BACKLOG]
    ages = [(now - t.created_at).total_seconds() / 3600 for t in backlog]
    points = [now - timedelta(hours=back) for back in range(BACKLOG_HOURS, -1, -1)] if now else []
    replied = [t.reply_time.business for t in tickets if t.reply_time is not None]
    buckets = [0] * len(REPLY_BUCKETS)
    for minutes in replied:
        buckets[next(i for i, (bound, _) in enumerate(REPLY_BUCKETS) if bound is None or minutes < bound)] += 1

    def held_by(owner: str) -> list[TicketMetrics]:
        kind, _, ident = owner.partition(":")
        field = "group_id" if kind == "group" else "assignee_id"
        return [t for t in tickets if str(getattr(t, field)) == ident]

    def shown(owner: str) -> bool:
        rollup = rollups[owner]
        return rollup.unsolved_tickets + rollup.solved_tickets > 0 and (group is None or bool(held_by(owner)))

    teams, agents = by_name(rollups, GROUP), by_name(rollups, AGENT)
    return {
        "now": now.astimezone(zone).strftime("%Y-%m-%d %H:%M") if now else "–",
        "time_zone": time_zone,
        "team": team or "",
        "sides": sides,
        "teams": [[o, named(rollups[o])] for o in teams],
        "today": {"date": today.isoformat() if today else "–",
                  "by_status": {s: sum(t.status == s for t in updated_today) for s in STATUSES}},
        "backlog": {"total": len(backlog), "by_status": {s: sum(t.status == s for t in backlog) for s in BACKLOG},
                    "median_age": hours(percentile(ages, 0.5)), "oldest_age": hours(max(ages, default=None))},
        "backlog_chart": line_chart([(clock(at, zone), sum(in_backlog_at(t, at) for t in tickets)) for at in points]),
        "reply_chart": bar_chart([(label, count) for (_, label), count in zip(REPLY_BUCKETS, buckets)]),
        "team_rows": [owner_row(o, rollups[o], held_by(o)) for o in teams if shown(o) and group in (None, o)],
        "agent_rows": [owner_row(o, rollups[o], held_by(o)) for o in agents if shown(o)],
        **hootdesk_side(state, zone, hootdesk_team),
    }
