"""Every projection of one account together: what an export is taken from.

Replay folds a whole log into one of these; the streaming worker builds one from its
tables when asked for a snapshot. The entity states inside are the pure folds of
`projections.tickets` and `projections.directory`.
"""
from dataclasses import dataclass, field
from datetime import datetime

from events import Event, TicketEvent
from projections import directory as directory_fold
from projections import tickets as ticket_fold
from projections.directory import Directory
from projections.tickets import TicketState

TICKET_TYPES = frozenset(TicketEvent.__args__)


@dataclass
class ProjectionState:
    tickets: dict[int, TicketState] = field(default_factory=dict)
    directory: Directory = field(default_factory=directory_fold.initial)
    # The time of the latest event folded in: the default as-of time of a snapshot.
    last_event_at: datetime | None = None

    def apply(self, event: Event) -> None:
        kind = type(event)
        if kind in TICKET_TYPES:
            ticket_id = event.ticket_id
            current = self.tickets.get(ticket_id) or ticket_fold.initial(ticket_id)
            self.tickets[ticket_id] = ticket_fold.apply(current, event)
        else:
            self.directory = directory_fold.apply(self.directory, event)
        if self.last_event_at is None or event.occurred_at > self.last_event_at:
            self.last_event_at = event.occurred_at

    def live_tickets(self) -> list[TicketState]:
        """Created, not deleted tickets, by id: the rows of the ticket exports."""
        return [
            state
            for _, state in sorted(self.tickets.items())
            if state.created_at is not None and not state.deleted
        ]
