"""`hootdesk-contacts` and `hootdesk-contact-attributes` (spec §3.5, §3.12): the contacts
who sent at least one message in the range, with their figures over the range, and the
attributes stored for them, one row per contact and attribute.

| Column | Projection field |
|---|---|
| Contact Profile ID, Medium, Primary / Secondary Identifier | `ContactUpserted` (`People.contact`) |
| Created At | `Tally.first_at`: the contact's first message in the range |
| Conversation Count | `len(Tally.conversations)`: conversations with a message in the range |
| Inbound / Outbound Message Count | `Tally.inbound`, `.outbound`: messages in the range |
| Last Updated | the latest `ContactUpserted` or `ContactAttributeUpserted` of the contact |
| Attribute ID, Attribute Name, Attribute Value | `ContactAttributeUpserted.attribute` (its only name), `.value` |
| Attribute Type | empty: no event gives it |
"""
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter

from events import ContactAttributeUpserted
from events.commands import ExportRequest
from projections.hootdesk_directory import last_change
from projections.state import ProjectionState
from sinks.formats import CsvFormat, local_time
from sinks.hootdesk_rollup_rows import RollupRow, contact_rows, how_many


def _contact(field: str):
    def column(row) -> str | None:
        contact = row.people.contact(row.owner_id)
        return None if contact is None else getattr(contact, field)
    return column


def _last_updated(row: RollupRow) -> str | None:
    part = row.people.contact_part(row.owner_id)
    return None if part is None else local_time(last_change({row.owner_id: part}), row.zone)


CONTACT_COLUMNS = (
    ("Contact Profile ID", attrgetter("owner_id")),
    ("Medium", _contact("medium")),
    ("Primary Identifier", _contact("primary_identifier")),
    ("Secondary Identifier", _contact("secondary_identifier")),
    ("Created At", lambda row: local_time(row.tally.first_at, row.zone)),
    ("Conversation Count", how_many("conversations")),
    ("Inbound Message Count", attrgetter("tally.inbound")),
    ("Outbound Message Count", attrgetter("tally.outbound")),
    ("Last Updated", _last_updated),
)


def _contacts_who_wrote(state: ProjectionState, request: ExportRequest) -> Iterator[RollupRow]:
    return (row for row in contact_rows(state, request) if row.tally.inbound)


class ContactsExport:
    name = "hootdesk-contacts"
    help = "Hootdesk contacts who wrote in the range, their messages and conversations in the range (CSV)."
    format = CsvFormat()
    columns = CONTACT_COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_contacts.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[RollupRow]:
        return _contacts_who_wrote(state, request)


@dataclass(frozen=True, slots=True)
class AttributeRow:
    contact: RollupRow
    attribute: ContactAttributeUpserted

    @property
    def people(self):
        return self.contact.people

    @property
    def owner_id(self) -> str:
        return self.contact.owner_id


ATTRIBUTE_COLUMNS = (
    ("Contact Profile ID", attrgetter("owner_id")),
    ("Contact Primary Identifier", _contact("primary_identifier")),
    ("Contact Secondary Identifier", _contact("secondary_identifier")),
    ("Attribute ID", attrgetter("attribute.attribute")),
    ("Attribute Name", attrgetter("attribute.attribute")),
    ("Attribute Value", attrgetter("attribute.value")),
    ("Attribute Type", lambda row: None),
)


class ContactAttributesExport:
    name = "hootdesk-contact-attributes"
    help = "Hootdesk contact attributes stored for the contacts who wrote in the range, one per row (CSV)."
    format = CsvFormat()
    columns = ATTRIBUTE_COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_contact_attributes.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[AttributeRow]:
        for contact in _contacts_who_wrote(state, request):
            part = contact.people.contact_part(contact.owner_id)
            attributes = {} if part is None else part.attributes
            for name in sorted(attributes):
                if attributes[name].value is not None:  # a value cleared is no longer stored
                    yield AttributeRow(contact, attributes[name])
