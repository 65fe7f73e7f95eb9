"""`ticket-metrics`: one Zendesk Ticket Metrics API object per ticket, as NDJSON.

Shaped like Zendesk's own `ticket_metric` objects so the two can be compared field by
field: times in UTC as Zendesk writes them, each duration as {"calendar", "business"},
both null while the metric has no value (as Zendesk returns them).
"""
from collections.abc import Iterator
from datetime import UTC, datetime
from operator import attrgetter

import msgspec

from projections.state import ProjectionState
from events.downstream import TicketMetrics
from sinks.formats import NdjsonFormat
from events.commands import ExportRequest


class NoMinutes(msgspec.Struct, frozen=True, gc=False):
    """A duration without a value yet, as Zendesk writes it: both counts null."""

    calendar: None = None
    business: None = None


NO_MINUTES = NoMinutes()


# Column getters run once per row and column: one Python call each, fields read in C.
def _time(name: str):
    """A time column, in UTC to the second, which the NDJSON format writes as Zendesk
    does: 2026-03-02T09:15:00Z."""
    get = attrgetter(name)

    def column(metrics: TicketMetrics) -> datetime | None:
        at = get(metrics)
        if at is None or (at.tzinfo is UTC and not at.microsecond):
            return at  # already so, as most event times are: no new datetime
        return at.astimezone(UTC).replace(microsecond=0)

    return column


def _minutes(name: str):
    """A duration column as {"calendar", "business"} (Minutes encodes so itself)."""
    get = attrgetter(name)
    return lambda metrics: NO_MINUTES if (value := get(metrics)) is None else value


class TicketMetricsExport:
    name = "ticket-metrics"
    help = "Zendesk Ticket Metrics API objects, one per ticket (NDJSON, UTC)."
    format = NdjsonFormat()
    columns = (
        ("ticket_id", attrgetter("ticket_id")),
        ("created_at", _time("created_at")),
        ("updated_at", _time("updated_at")),
        ("group_stations", attrgetter("group_stations")),
        ("assignee_stations", attrgetter("assignee_stations")),
        ("reopens", attrgetter("reopens")),
        ("replies", attrgetter("replies")),
        ("assigned_at", _time("assigned_at")),
        ("initially_assigned_at", _time("initially_assigned_at")),
        ("solved_at", _time("solved_at")),
        ("status_updated_at", _time("status_updated_at")),
        ("reply_time_in_minutes", _minutes("reply_time")),
        ("first_resolution_time_in_minutes", _minutes("first_resolution_time")),
        ("full_resolution_time_in_minutes", _minutes("full_resolution_time")),
        ("agent_wait_time_in_minutes", _minutes("agent_wait_time")),
        ("requester_wait_time_in_minutes", _minutes("requester_wait_time")),
        ("on_hold_time_in_minutes", _minutes("on_hold_time")),
    )

    def file_name(self, request: ExportRequest) -> str:
        return "ticket_metrics.ndjson"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[TicketMetrics]:
        """Live tickets whose last update is in the requested range (all without one)."""
        for ticket in state.live_tickets():
            if request.in_range(ticket.updated_at):
                yield state.metrics_of(ticket)
