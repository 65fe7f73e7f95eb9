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
import re
from collections.abc import Iterator
from datetime import datetime, tzinfo

import msgspec

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks import zendesk_objects as objects
from sinks.xml_format import Element, XmlFormat

ROOT = "zendesk-export"
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def element(name: str, value: object, zone: tzinfo) -> Element:
    """`value` as the element `name`: a Struct's or dict's fields as child elements, a
    list as an array of elements named after their type (`Comment` -> `<comment>`), a
    tuple of words (tags, domain names) space-separated as Zendesk's classic XML wrote
    tags, a time in `zone`."""
    if isinstance(value, msgspec.Struct):
        value = {field: getattr(value, field) for field in value.__struct_fields__}
    if isinstance(value, dict):
        return Element(name, [element(key.replace("_", "-"), item, zone) for key, item in value.items()])
    if isinstance(value, list):
        return Element(name, [element(_item_name(item), item, zone) for item in value], array=True)
    if isinstance(value, tuple):
        return Element(name, " ".join(value))
    if isinstance(value, datetime):
        return Element(name, value.astimezone(zone))
    return Element(name, value)


def _item_name(item: object) -> str:
    return _WORD_START.sub("-", type(item).__name__).lower()


def _placed(container: str, items: Iterator[msgspec.Struct], zone: tzinfo) -> Iterator[tuple[str, Element]]:
    for item in items:
        yield container, element(_item_name(item), item, zone)


class ZendeskXmlExport:
    name = "zendesk-xml"
    packaged = True  # delivered in a .zip (spec §4.3)
    admins_only = True  # spec §3, §7
    help = ("Zendesk full XML export: account, groups, organizations, tickets with all comments "
            "(internal notes too) and metrics, users (account time zone; no 200,000-ticket limit).")
    format = XmlFormat(ROOT, ("accounts", "groups", "organizations", "tickets", "users"))

    def records(self, state: ProjectionState, request: ExportRequest) -> Iterator[tuple[str, Element]]:
        zone = request.zone
        yield "accounts", element("account", objects.account(state, request), zone)
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

    def records(self, state: ProjectionState, request: ExportRequest) -> Iterator[tuple[str, Element]]:
        zone = request.zone
        yield from _placed("groups", objects.groups(state, request), zone)
        yield from _placed("organizations", objects.organizations(state, request), zone)
        yield from _placed("users", objects.users(state, request), zone)
