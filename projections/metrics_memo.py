"""Ticket metrics kept with the ticket state they were computed from, so that exports read
them instead of computing them again (docs/decisions.md, "Metrics kept with the ticket").

A ticket's metrics depend on its state, on the account's reference data (schedules,
holidays, who is an agent) and on the rules in `projections.ticket_metrics`. So they are
kept stamped with a revision of the last two: stored beside one state of the ticket, and
written again whenever that state is, they stand for it while the revision still matches,
and are computed again when it does not.
"""
import msgspec

from events.downstream import TicketMetrics
from projections.account import Account
from projections.ticket_metrics import ticket_metrics
from projections.tickets import TicketState

# Changed whenever projections.ticket_metrics computes anything differently (a rule, a
# field): metrics a worker stored under the former rules are then computed again.
RULES = b"rules-1:"


class Stamped(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A ticket's metrics and the revision they were computed under."""

    revision: bytes
    metrics: TicketMetrics


def revision(account: Account) -> bytes:
    return RULES + account.revision()


def stamp(ticket: TicketState, account: Account) -> Stamped | None:
    """A live ticket's metrics, stamped; None for a ticket no export holds (not created
    yet, or deleted)."""
    if ticket.created_at is None or ticket.deleted:
        return None
    return Stamped(revision(account), ticket_metrics(ticket, account))


def metrics(ticket: TicketState, stamped: Stamped | None, account: Account) -> TicketMetrics:
    """The metrics of a live ticket: `stamped`, kept with this state of it, when they
    were computed under the account's current revision; else computed now."""
    current = kept(stamped, revision(account))
    return ticket_metrics(ticket, account) if current is None else current


def kept(stamped: Stamped | None, current_revision: bytes) -> TicketMetrics | None:
    """The metrics `stamped` holds if computed under `current_revision` (the account's,
    found once for many tickets); else None."""
    if stamped is not None and stamped.revision == current_revision:
        return stamped.metrics
    return None
