"""Ticket history: tickets.ndjson and ticket_audits.ndjson -> ticket events in time order.

Audits are the history; a ticket object is what the ticket is now. The ticket object
fills in what audits leave out, and stands in for a history that is missing:

- a ticket without any audit gets a `TicketCreated` (status new, the other fields as they
  are now) at its `created_at`, id `zd:ticket:<id>:created`, then, unless it is still new,
  a `TicketStatusChanged` to its status at its `updated_at`;
- a ticket with audits but no Create audit is reported, and created the same way (its
  audits then change it; no status change is added);
- a ticket whose status is "deleted" gets a `TicketDeleted` at its `deleted_at` (else
  `updated_at`) unless an audit already deleted it.

Order: (time, then synthesized creation / audit events / synthesized status or deletion,
audit id, ticket id, position in the audit). A creation comes first in its audit.
"""
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from events.base import Event
from events.tickets import TicketCreated, TicketDeleted, TicketFieldsChanged, TicketStatusChanged
from events.zendesk_api.audits import Audit, channel, converted, created, field_text, ticket_status
from events.zendesk_api.records import (
    BadRecord,
    ErrorHandler,
    as_int,
    as_str,
    as_tags,
    as_time,
    optional,
    read_records,
    required,
    show,
    stamp,
)

SortKey = tuple[datetime, int, int, int, int]
CREATION, AUDIT, AFTER = 0, 1, 2  # phases of one instant


class Ticket(NamedTuple):
    """A tickets.ndjson object: its state now, as `TicketCreated` fields."""

    ticket_id: int
    created_at: datetime
    updated_at: datetime
    status: str
    deleted_at: datetime | None
    fields: dict[str, Any]
    custom: dict[str, str]

    @classmethod
    def parse(cls, obj: dict) -> "Ticket":
        ticket_id, created_at = required(as_int, obj, "id"), required(as_time, obj, "created_at")
        requester = required(as_int, obj, "requester_id")
        fields = dict(
            requester_id=requester,
            submitter_id=optional(as_int, obj, "submitter_id"),  # None: see _synthesized
            subject=optional(as_str, obj, "subject") or "",
            description=optional(as_str, obj, "description") or "",
            priority=optional(as_str, obj, "priority"),
            ticket_type=optional(as_str, obj, "type"),
            via=channel(obj.get("via")) or "web",
            group_id=optional(as_int, obj, "group_id"),
            assignee_id=optional(as_int, obj, "assignee_id"),
            organization_id=optional(as_int, obj, "organization_id"),
            brand_id=optional(as_int, obj, "brand_id"),
            tags=optional(as_tags, obj, "tags") or (),
            due_at=optional(as_time, obj, "due_at"),
            external_id=optional(as_str, obj, "external_id"),
        )
        custom = {}
        for i, entry in enumerate(obj.get("custom_fields") or ()):
            if not isinstance(entry, dict):
                raise BadRecord(f"expected object `custom_fields[{i}]`, got {show(entry)}")
            field_id = required(as_int, entry, "id", f"custom_fields[{i}].")
            if entry.get("value") not in (None, ""):
                custom[f"custom_fields.{field_id}"] = field_text(entry["value"], f"custom_fields[{i}].value")
        return cls(
            ticket_id,
            created_at,
            optional(as_time, obj, "updated_at") or created_at,
            required(ticket_status, obj, "status"),
            optional(as_time, obj, "deleted_at"),
            fields,
            custom,
        )


def _tickets(folder: Path, on_error: ErrorHandler) -> dict[int, Ticket]:
    """Tickets by id. An id seen twice (incremental exports repeat a ticket at each
    update) keeps its latest `updated_at`, the later line on a tie."""
    tickets: dict[int, Ticket] = {}
    for record in read_records(folder / "tickets.ndjson", "ticket", on_error):
        try:
            ticket = Ticket.parse(record.obj)
        except BadRecord as exc:
            on_error(record.error(str(exc)))
            continue
        known = tickets.get(ticket.ticket_id)
        if known is None or known.updated_at <= ticket.updated_at:
            tickets[ticket.ticket_id] = ticket
    return tickets


def _audits(folder: Path, on_error: ErrorHandler) -> dict[int, list[Audit]]:
    """Audits by ticket id, each list in (created_at, audit id) order."""
    path = folder / "ticket_audits.ndjson"
    by_ticket: dict[int, list[Audit]] = {}
    seen: dict[int, int] = {}  # audit id -> line
    for record in read_records(path, "audit", on_error) if path.exists() else ():
        try:
            audit = Audit.parse(record)
        except BadRecord as exc:
            on_error(record.error(str(exc)))
            continue
        if audit.audit_id in seen:
            first = seen[audit.audit_id]
            on_error(record.error(f"audit {audit.audit_id} already read on line {first}; skipped"))
            continue
        seen[audit.audit_id] = record.line
        by_ticket.setdefault(audit.ticket_id, []).append(audit)
    for audits in by_ticket.values():
        audits.sort(key=lambda a: (a.created_at, a.audit_id))
    return by_ticket


def _synthesized(ticket: Ticket, with_status: bool) -> list[tuple[SortKey, Event]]:
    """A creation made from the ticket object, for a ticket whose history is missing."""
    ids = dict(occurred_at=ticket.created_at, ticket_id=ticket.ticket_id)
    fields = {**ticket.fields, "submitter_id": ticket.fields["submitter_id"] or ticket.fields["requester_id"]}
    key: SortKey = (ticket.created_at, CREATION, 0, ticket.ticket_id, 0)
    out: list[tuple[SortKey, Event]] = [
        (key, TicketCreated(event_id=f"zd:ticket:{ticket.ticket_id}:created", **ids, **fields))
    ]
    if ticket.custom:
        fields_event = TicketFieldsChanged(
            event_id=f"zd:ticket:{ticket.ticket_id}:fields", **ids, changes=ticket.custom
        )
        out.append((key[:4] + (1,), fields_event))
    if with_status and ticket.status not in ("new", "deleted"):
        status_event = TicketStatusChanged(
            event_id=f"zd:ticket:{ticket.ticket_id}:status:{stamp(ticket.updated_at)}",
            occurred_at=ticket.updated_at,
            ticket_id=ticket.ticket_id,
            status=ticket.status,
            previous_status="new",
        )
        out.append(((ticket.updated_at, AFTER, 0, ticket.ticket_id, 0), status_event))
    return out


def _in_audit(audit: Audit, position: int, event: Event) -> tuple[SortKey, Event]:
    # At the event's time: a creation may be earlier than its audit.
    return (event.occurred_at, AUDIT, audit.audit_id, audit.ticket_id, position), event


def _creation(
    audit: Audit, ticket: Ticket | None, on_error: ErrorHandler
) -> tuple[list[tuple[SortKey, Event]], set[int]]:
    """The creation events of a Create audit (first in it), and the positions they used."""
    try:
        fallback, at = (ticket.fields, ticket.created_at) if ticket else ({}, None)
        events, used = created(audit, fallback, on_error, at)
    except BadRecord as exc:
        audit.report(on_error, str(exc))
        return [], set()
    return [_in_audit(audit, n - len(events), event) for n, event in enumerate(events)], used


def _converted(audit: Audit, skip: set[int], on_error: ErrorHandler) -> list[tuple[SortKey, Event]]:
    """The events of one audit but its creation, in audit order."""
    rated = any(isinstance(e, dict) and e.get("type") == "SatisfactionRating" for e in audit.events)
    out = []
    for i, raw in enumerate(audit.events):
        if i in skip:
            continue
        try:
            event = converted(audit, i, raw, rated)
        except BadRecord as exc:
            audit.report(on_error, str(exc))
            continue
        if event is not None:
            out.append(_in_audit(audit, i, event))
    return out


def _history(
    ticket: Ticket | None, audits: list[Audit], on_error: ErrorHandler
) -> list[tuple[SortKey, Event]]:
    """All events of one ticket, with their sort keys."""
    first = next((a for a in audits if a.creates()), None)
    out, used = _creation(first, ticket, on_error) if first else ([], set())
    if not out:
        if ticket is None:
            audits[0].report(on_error, (
                f"ticket {audits[0].ticket_id} has no usable Create audit and is not in "
                f"tickets.ndjson; its {len(audits)} audit(s) skipped"
            ))
            return []
        if audits:
            audits[0].report(on_error, (
                f"ticket {ticket.ticket_id} has no usable Create audit; "
                "created from tickets.ndjson at its created_at"
            ))
        out = _synthesized(ticket, with_status=not audits)
    for audit in audits:
        if audit.creates() and audit is not first:
            audit.report(on_error, f"ticket {audit.ticket_id} is already created; Create events skipped")
        out += _converted(audit, used if audit is first else set(), on_error)
    deleted = any(isinstance(event, TicketDeleted) for _, event in out)
    if ticket is not None and ticket.status == "deleted" and not deleted:
        when = ticket.deleted_at or ticket.updated_at
        event = TicketDeleted(
            event_id=f"zd:ticket:{ticket.ticket_id}:deleted", occurred_at=when, ticket_id=ticket.ticket_id
        )
        out.append(((when, AFTER, 0, ticket.ticket_id, 1), event))
    return out


def ticket_events(folder: Path, on_error: ErrorHandler) -> list[Event]:
    """Every ticket's events, all tickets merged in time order."""
    tickets, audits = _tickets(folder, on_error), _audits(folder, on_error)
    keyed: list[tuple[SortKey, Event]] = []
    for ticket_id in sorted(tickets.keys() | audits.keys()):
        keyed += _history(tickets.get(ticket_id), audits.get(ticket_id, []), on_error)
    keyed.sort(key=lambda pair: pair[0])
    return [event for _, event in keyed]
