"""`zendesk-xml` and `zendesk-users-xml`: the full and the user XML exports of Zendesk's
account data export (spec §6.3, §6.4).

Named in the style of Zendesk's classic XML export: lower-case, hyphenated, one
`<tickets type="array">` of `<ticket>` and so on, each field named as in the JSON export
with '-' for '_'. Times in the account time zone (the request's), ISO 8601 with offset.
Tickets come with all their comments, internal notes included (`<public>false</public>`),
and their metrics. Users and organizations carry their tags; we know no custom user or
organization fields. The range, when one is given, is the JSON export's. Unlike Zendesk's,
the full export has no 200,000-ticket limit: the document is written as a stream.
"""
from collections.abc import Iterator
from datetime import tzinfo

import msgspec

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks import zendesk_objects as objects
from sinks.xml_format import Record, XmlFormat, element_name

ROOT = "zendesk-export"


def _placed(container: str, items: Iterator[msgspec.Struct], zone: tzinfo) -> Iterator[Record]:
    for item in items:
        yield Record(container, element_name(type(item)), item, zone)


class ZendeskXmlExport:
    name = "zendesk-xml"
    packaged = True  # delivered in a .zip (spec §4.3)
    admins_only = True  # spec §3, §7
    help = ("Zendesk full XML export: account, groups, organizations, tickets with all comments "
            "(internal notes too) and metrics, users (account time zone; no 200,000-ticket limit).")
    format = XmlFormat(ROOT, ("accounts", "groups", "organizations", "tickets", "users"))

    def records(self, state: ProjectionState, request: ExportRequest) -> Iterator[Record]:
        zone = request.zone
        yield Record("accounts", "account", objects.account(state, request), zone)
        yield from _placed("groups", objects.groups(state, request), zone)
        yield from _placed("organizations", objects.organizations(state, request), zone)
        yield from _placed("tickets", objects.tickets(state, request), zone)
        yield from _placed("users", objects.users(state, request), zone)


class ZendeskUsersXmlExport:
    name = "zendesk-users-xml"
    packaged = True  # delivered in a .zip (spec §4.3)
    admins_only = True  # spec §3, §7
    help = "Zendesk user XML export: groups, organizations and users with their tags (account time zone)."
    format = XmlFormat(ROOT, ("groups", "organizations", "users"))

    def records(self, state: ProjectionState, request: ExportRequest) -> Iterator[Record]:
        zone = request.zone
        yield from _placed("groups", objects.groups(state, request), zone)
        yield from _placed("organizations", objects.organizations(state, request), zone)
        yield from _placed("users", objects.users(state, request), zone)
