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

    def apply(self, event: Event) -> None:
        kind = type(event)
        if kind in TICKET_TYPES:
            ticket_id = event.ticket_id
            current = self.tickets.get(ticket_id) or ticket_fold.initial(ticket_id)
            self.tickets[ticket_id] = ticket_fold.apply(current, event)
        else:
            self.directory = directory_fold.apply(self.directory, event)

    def last_event_at(self) -> datetime | None:
        """When the latest event folded in happened: a snapshot's default as-of time.

        Derived from the states, so a worker's tables give the same answer as a replay.
        """
        times = [t.updated_at for t in self.tickets.values()]
        times.append(directory_fold.last_change(self.directory))
        return max((t for t in times if t is not None), default=None)

    def live_tickets(self) -> list[TicketState]:
        """Created, not deleted tickets, by id: the rows of the ticket exports."""
        return [
            state
            for _, state in sorted(self.tickets.items())
            if state.created_at is not None and not state.deleted
        ]
