"""One ticket audit -> ticket events.

An audit is one save of a ticket: who, when, and a list of events. Every event of an audit
happens at the audit's `created_at`, except a creation (below); event ids are
`zd:audit:<audit id>:<position>`.

- `Create` events (the audit that creates the ticket) make one `TicketCreated`, id
  `zd:audit:<id>:created`, placed before the audit's other events. The first comment of
  that audit is the description; custom fields set at creation follow as one
  `TicketFieldsChanged` (`zd:audit:<id>:fields`). Both happen at the ticket object's
  `created_at` when there is one: Zendesk measures every duration from it, even for a
  ticket imported with a `created_at` years before its Create audit.
- `Change`: status, assignee_id, group_id, tags and satisfaction_score have their own
  events; a status changed to "deleted" is `TicketDeleted`; subject, priority, type
  (`ticket_type`), due_at, requester_id, organization_id and numeric custom field ids
  (`custom_fields.<id>`) are `TicketFieldsChanged`. Fields in IGNORED_FIELDS are skipped.
- `Comment` and `VoiceComment` after the description: `TicketCommentAdded`.
- `SatisfactionRating`: `TicketSatisfactionRated` (the audit's `satisfaction_score`
  Change, which says the same, is then skipped). `ScheduleAssignment`: `schedule_id`.
- IGNORED_EVENT_TYPES carry nothing a metric reads and are skipped silently. Any other
  type, or a bad event, is reported and skipped; the audit's other events still convert.
"""
from datetime import datetime
from typing import Any, NamedTuple

from events.base import Event
from events.tickets import (
    TicketAssigneeChanged,
    TicketCommentAdded,
    TicketCreated,
    TicketDeleted,
    TicketFieldsChanged,
    TicketGroupChanged,
    TicketSatisfactionRated,
    TicketStatusChanged,
    TicketTagsChanged,
)
from events.zendesk_api.records import (
    BadRecord,
    ErrorHandler,
    Record,
    as_bool,
    as_int,
    as_str,
    as_tags,
    as_time,
    maybe,
    optional,
    required,
    show,
    stamp,
)

STATUSES = ("new", "open", "pending", "hold", "solved", "closed", "deleted")
SCORES = ("unoffered", "offered", "good", "bad")
COMMENT_TYPES = ("Comment", "VoiceComment")
IGNORED_EVENT_TYPES = frozenset({
    "Notification", "NotificationWithCc", "FollowerNotification", "Cc", "CcChange",
    "FollowerChange", "EmailCcChange", "OrganizationActivity", "AgentMacroReference",
    "MacroReference", "AssociateAttValsEvent", "Tweet", "SMS", "FacebookEvent",
    "FacebookComment", "LogMeInTranscript", "Push", "External", "Error",
    "TicketSharingEvent", "ChatStartedEvent", "ChatEndedEvent", "CommentRedactionEvent",
    "AttachmentRedactionEvent", "SatisfactionRatingNotification",
})
IGNORED_FIELDS = frozenset({
    "submitter_id", "ticket_form_id", "problem_id", "is_public",
    "collaborator_ids", "follower_ids", "email_cc_ids", "sharing_agreement_ids",
    "satisfaction_comment", "satisfaction_reason_code", "satisfaction_probability",
    "custom_status_id",  # the agent-facing status name; `status` carries its category
})


def ticket_status(value: Any, name: str) -> str:
    if value not in STATUSES:
        raise BadRecord(f"expected `{name}` in {', '.join(STATUSES)}, got {show(value)}")
    return value


def _score(value: Any, name: str) -> str:
    # The Satisfaction Ratings API also says "good_with_comment"/"bad_with_comment".
    score = value.removesuffix("_with_comment") if isinstance(value, str) else value
    if score not in SCORES:
        raise BadRecord(f"expected `{name}` in {', '.join(SCORES)}, got {show(value)}")
    return score


def field_text(value: Any, name: str) -> str:
    """A custom field value as text: lists (multi-select) joined by spaces."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return " ".join(map(str, value))
    raise BadRecord(f"expected text, number or list `{name}`, got {show(value)}")


# Zendesk field name -> (canonical name, converter).
FIELDS = {
    "status": ("status", ticket_status),
    "assignee_id": ("assignee_id", as_int),
    "group_id": ("group_id", as_int),
    "tags": ("tags", as_tags),
    "satisfaction_score": ("satisfaction_score", _score),
    "subject": ("subject", as_str),
    "priority": ("priority", as_str),
    "type": ("ticket_type", as_str),
    "due_at": ("due_at", as_time),
    "requester_id": ("requester_id", as_int),
    "organization_id": ("organization_id", as_int),
    "brand_id": ("brand_id", as_int),  # kept at creation only
}


def field(event: dict, where: str) -> tuple[str | None, Any, Any]:
    """(canonical name or None to skip, value, previous value) of a Create or Change."""
    name = required(as_str, event, "field_name", f"{where}.")
    canonical, convert = FIELDS.get(name, (None, None))
    if name.isdigit():
        canonical, convert = f"custom_fields.{name}", field_text
    elif canonical is None:
        if name in IGNORED_FIELDS:
            return None, None, None
        raise BadRecord(f"unknown field {show(name)} in `{where}.field_name`; skipped")
    value = maybe(convert, event.get("value"), f"{where}.value")
    try:
        previous = maybe(convert, event.get("previous_value"), f"{where}.previous_value")
    except BadRecord:  # an old value Zendesk no longer accepts is no reason to lose the change
        previous = None
    return canonical, value, previous


def channel(via: Any) -> str | None:
    """The channel name of a `via` object ("web", "email", "api", ...), if it has one."""
    name = via.get("channel") if isinstance(via, dict) else None
    return name if isinstance(name, str) else None


class Audit(NamedTuple):
    record: Record
    audit_id: int
    ticket_id: int
    created_at: datetime
    author_id: int | None
    via: str | None
    events: list

    @classmethod
    def parse(cls, record: Record) -> "Audit":
        obj = record.obj
        audit_id, ticket_id = required(as_int, obj, "id"), required(as_int, obj, "ticket_id")
        created_at = required(as_time, obj, "created_at")
        events = obj.get("events")
        if not isinstance(events, list):
            raise BadRecord(f"expected list `events`, got {show(events)}")
        author = optional(as_int, obj, "author_id")
        return cls(record, audit_id, ticket_id, created_at, author, channel(obj.get("via")), events)

    def creates(self) -> bool:
        return any(isinstance(e, dict) and e.get("type") == "Create" for e in self.events)

    def ids(self, position: int | str, at: datetime | None = None) -> dict:
        """The fields every event of this audit shares; it happens at `at` if given."""
        return dict(
            event_id=f"zd:audit:{self.audit_id}:{position}",
            occurred_at=at or self.created_at,
            ticket_id=self.ticket_id,
        )

    def report(self, on_error: ErrorHandler, reason: str) -> None:
        on_error(self.record.error(f"audit {self.audit_id}: {reason}"))


def created(
    audit: Audit, fallback: dict, on_error: ErrorHandler, at: datetime | None = None
) -> tuple[list[Event], set[int]]:
    """The `TicketCreated` (and creation custom fields) of a Create audit, happening at `at`
    (the ticket object's `created_at`; else the audit's time), and the positions of the
    events it used up (description comment, schedule).

    Fields the Create events leave out keep `TicketCreated`'s defaults, except requester,
    submitter, via, brand and external id, taken from `fallback` (the ticket object's
    fields), then from the audit (its author, its channel).
    """
    values: dict[str, Any] = {}
    description: int | None = None
    used: set[int] = set()
    for i, event in enumerate(audit.events):
        kind = event.get("type") if isinstance(event, dict) else None
        try:
            if kind == "Create":
                name, value, _ = field(event, f"events[{i}]")
                if name == "status" and value == "deleted":
                    raise BadRecord(f"a ticket can't be created deleted (`events[{i}].value`)")
                if name is not None and value is not None:
                    values[name] = value
            elif kind in COMMENT_TYPES and description is None:
                description = i
                used.add(i)
            elif kind == "ScheduleAssignment":
                used.add(i)
                values["schedule_id"] = optional(as_int, event, "new_schedule_id", f"events[{i}].")
        except BadRecord as exc:
            audit.report(on_error, str(exc))
    requester = values.pop("requester_id", None) or fallback.get("requester_id") or audit.author_id
    if requester is None:
        raise BadRecord("no `requester_id` in the Create events nor in tickets.ndjson")
    custom = {k: values.pop(k) for k in list(values) if k.startswith("custom_fields.")}
    values.pop("satisfaction_score", None)
    comment = audit.events[description] if description is not None else {}
    values.setdefault("brand_id", fallback.get("brand_id"))
    events: list[Event] = [
        TicketCreated(
            **audit.ids("created", at),
            **values,
            requester_id=requester,
            submitter_id=fallback.get("submitter_id") or audit.author_id or requester,
            description=comment.get("body") or comment.get("plain_body") or "",
            description_public=comment.get("public") is not False,
            via=audit.via or fallback.get("via") or "web",
            external_id=fallback.get("external_id"),
        )
    ]
    if custom:
        events.append(TicketFieldsChanged(**audit.ids("fields", at), changes=custom))
    return events, used


def converted(audit: Audit, i: int, event: Any, rated: bool) -> Event | None:
    """One non-Create event of an audit as a canonical event (None: nothing to say)."""
    where = f"events[{i}]"
    if not isinstance(event, dict):
        raise BadRecord(f"expected object `{where}`, got {show(event)}")
    kind, ids = event.get("type"), audit.ids(i)
    if kind == "Change":
        return _changed(audit, i, event, rated)
    if kind in COMMENT_TYPES:
        author = optional(as_int, event, "author_id", f"{where}.") or audit.author_id
        if author is None:
            raise BadRecord(f"missing required field `{where}.author_id`")
        return TicketCommentAdded(
            **ids,
            comment_id=required(as_int, event, "id", f"{where}."),
            author_id=author,
            public=required(as_bool, event, "public", f"{where}."),
            body=event.get("body") or event.get("plain_body") or "",
        )
    if kind == "SatisfactionRating":
        score = required(_score, event, "score", f"{where}.")
        return TicketSatisfactionRated(**ids, score=score, comment=event.get("body") or "")
    if kind == "ScheduleAssignment":
        schedule_id = optional(as_int, event, "new_schedule_id", f"{where}.")
        changes = {"schedule_id": None if schedule_id is None else str(schedule_id)}
        return TicketFieldsChanged(**ids, changes=changes)
    if kind == "Create" or kind in IGNORED_EVENT_TYPES:
        return None
    raise BadRecord(f"unknown audit event type {show(kind)} in `{where}.type`; skipped")


def _changed(audit: Audit, i: int, event: dict, rated: bool) -> Event | None:
    where, ids = f"events[{i}]", audit.ids(i)
    name, value, previous = field(event, where)
    if name == "status":
        if value is None:
            raise BadRecord(f"missing required field `{where}.value`")
        if value == "deleted":
            return TicketDeleted(**ids)
        previous = None if previous == "deleted" else previous
        return TicketStatusChanged(**ids, status=value, previous_status=previous, author_id=audit.author_id)
    if name == "assignee_id":
        return TicketAssigneeChanged(**ids, assignee_id=value, previous_assignee_id=previous)
    if name == "group_id":
        return TicketGroupChanged(**ids, group_id=value, previous_group_id=previous)
    if name == "tags":
        return TicketTagsChanged(**ids, tags=value or ())
    if name == "satisfaction_score":
        return None if rated or value is None else TicketSatisfactionRated(**ids, score=value)
    if name is None or name == "brand_id":
        return None
    text = stamp(value) if isinstance(value, datetime) else None if value is None else str(value)
    return TicketFieldsChanged(**ids, changes={name: text})
