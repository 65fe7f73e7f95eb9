"""The Hootdesk catalogue exports (teams, contacts, topics, tags, virtual agents, contact
attributes) of small stories, read back with the csv module."""
from datetime import UTC, datetime

from events import ContactAttributeUpserted, ConversationTopicAdded
from sinks.registry import get_export
from tests.projections.conversations_story import (
    ANA, BOB, CONTACT, HOOT, created, handover, inbound, locked, outbound, resolved, t,
)
from tests.projections.test_hootdesk_rollups import csat, tag_added, topic_added, topic_removed
from tests.sinks.hootdesk_read_back import export_rows

ACME = {"channel": "acme.support", "medium": "Facebook"}
HELP = {"conversation_id": "conv-2", "channel": "acme_help", "medium": "X"}


def _answered_by_ana_resolved_by_bob():
    """conv-1: the contact writes at 09:00, Ana holds it 09:01–09:04 and answers at 09:02,
    Bob resolves at 09:10 without a word, and the contact gives 4."""
    return [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
            outbound(t("09:02:00"), "m2", sender=ANA), resolved(t("09:04:00"), BOB), csat(t("09:20:00"), 4)]


def test_teams_row_gives_every_figure_of_the_team_agents(tmp_path):
    # when
    rows = export_rows("hootdesk-teams", _answered_by_ana_resolved_by_bob(), tmp_path)
    # then Care (Ana and Bob) is listed; Sales (Bob) sent nothing, so it is not
    assert [list(row.items()) for row in rows] == [list({
        "Created At": "2026-03-02T09:02:00+00:00", "Team ID": "care", "Team Name": "Customer care",
        "Resolves With Reply": "0", "Resolves Without Reply": "1", "Average First Response Time": "120",
        "Average Resolution Time": "240", "Total Handle Time": "180", "Total No-Reply Time": "0",
        "Total Cherry-Pick Time": "0", "Average Handle Time": "180", "Contacts Helped": "1",
        "CSAT With Score 1": "0", "CSAT With Score 2": "0", "CSAT With Score 3": "0", "CSAT With Score 4": "1",
        "CSAT With Score 5": "0", "Tags Added": "0", "Topics Added": "0", "Replies": "1",
    }.items())]


def test_teams_without_outbound_message_in_the_range_are_left_out(tmp_path):
    # when the range starts after Ana's reply
    rows = export_rows("hootdesk-teams", _answered_by_ana_resolved_by_bob(), tmp_path,
                       date_from=datetime(2026, 3, 2, 9, 3, tzinfo=UTC))
    # then
    assert rows == []


def test_channel_filter_restricts_the_activity_counted_by_a_team(tmp_path):
    # given Ana answers once on each channel
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:01:00"), "m2"),
              created(t("09:00:00"), **HELP), inbound(t("09:00:00"), "h1", **HELP),
              outbound(t("09:03:00"), "h2", **HELP)]
    # when
    rows = export_rows("hootdesk-teams", events, tmp_path, channels=("acme_help",))
    # then
    assert [(row["Team ID"], row["Replies"], row["Created At"]) for row in rows] == [
        ("care", "1", "2026-03-02T09:03:00+00:00")]


def test_contacts_row_counts_messages_and_conversations_in_the_range(tmp_path):
    # given Noah writes at 08:00 (before the range) and at 09:00 in conv-1, at 09:30 in conv-2
    events = [created(t("08:00:00")), inbound(t("08:00:00"), "m0"), inbound(t("09:00:00"), "m1"),
              outbound(t("09:05:00"), "m2"), created(t("09:30:00"), **HELP), inbound(t("09:30:00"), "h1", **HELP)]
    # when
    rows = export_rows("hootdesk-contacts", events, tmp_path, date_from=datetime(2026, 3, 2, 9, tzinfo=UTC),
                       time_zone="Europe/Paris")
    # then
    assert rows == [{
        "Contact Profile ID": CONTACT, "Medium": "Facebook", "Primary Identifier": "Noah Martin",
        "Secondary Identifier": "'+33 6 00 00 00 01", "Created At": "2026-03-02T10:00:00+01:00",
        "Conversation Count": "2", "Inbound Message Count": "2", "Outbound Message Count": "1",
        "Last Updated": "2026-01-01T01:00:00+01:00",
    }]


def test_contacts_who_only_received_messages_in_the_range_are_left_out(tmp_path):
    # given Noah wrote before the range; Ana answers inside it
    events = [created(t("08:00:00")), inbound(t("08:00:00"), "m0"), outbound(t("09:05:00"), "m1")]
    # when
    rows = export_rows("hootdesk-contacts", events, tmp_path, date_from=datetime(2026, 3, 2, 9, tzinfo=UTC))
    # then
    assert rows == []


def test_contact_attributes_one_row_per_stored_attribute_of_contacts_who_wrote(tmp_path):
    # given Noah's tier and language, and a cleared nickname
    attributes = [ContactAttributeUpserted(event_id=f"a{name}", occurred_at=t("08:00:00"), contact_id=CONTACT,
                                           attribute=name, value=value)
                  for name, value in (("tier", "gold"), ("language", "fr"), ("nickname", None))]
    events = [*attributes, created(t("09:00:00")), inbound(t("09:00:00"), "m1")]
    # when
    rows = export_rows("hootdesk-contact-attributes", events, tmp_path)
    # then
    assert [(row["Contact Profile ID"], row["Contact Primary Identifier"], row["Attribute ID"],
             row["Attribute Name"], row["Attribute Value"], row["Attribute Type"]) for row in rows] == [
        (CONTACT, "Noah Martin", "language", "language", "fr", ""),
        (CONTACT, "Noah Martin", "tier", "tier", "gold", ""),
    ]


def test_topics_row_per_topic_and_channel_with_current_conversations(tmp_path):
    # given Billing added then removed on conv-1, added on conv-2 (another channel)
    events = [created(t("09:00:00")), topic_added(t("09:01:00"), "billing", "Billing"),
              topic_removed(t("09:02:00"), "billing"), created(t("09:00:00"), **HELP),
              ConversationTopicAdded(event_id="help-topic", occurred_at=t("09:03:00"), conversation_id="conv-2",
                                     topic_id="billing", topic_name="Billing", agent_id=ANA)]
    # when
    rows = export_rows("hootdesk-topics", events, tmp_path)
    # then
    assert [list(row.values()) for row in rows] == [
        ["billing", "Billing", "", "1", "0", "Facebook", "acme.support", "Acme Support"],
        ["billing", "Billing", "", "1", "1", "X", "acme_help", "Acme Support"],
    ]


def test_tags_row_counts_contacts_and_messages_tagged_in_the_range(tmp_path):
    # given Lead on two of Noah's messages
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), inbound(t("09:01:00"), "m2"),
              tag_added(t("09:02:00"), "m1", "lead", "Lead"), tag_added(t("09:03:00"), "m2", "lead", "Lead")]
    # when
    rows = export_rows("hootdesk-tags", events, tmp_path)
    # then
    assert [list(row.values()) for row in rows] == [
        ["lead", "Lead", "", "1", "2", "2", "Facebook", "acme.support", "Acme Support"]]


def test_virtual_agents_row_with_handover_due_to_error_and_resolve(tmp_path):
    # given Hoot answers conv-1 and hands it over for an error; it answers and resolves conv-2
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"),
              outbound(t("09:00:05"), "m2", HOOT, "virtual_agent"), handover(t("09:00:30"), "Intent not recognized"),
              created(t("09:10:00"), conversation_id="conv-3"), inbound(t("09:10:00"), "n1", conversation_id="conv-3"),
              outbound(t("09:10:05"), "n2", HOOT, "virtual_agent", conversation_id="conv-3"),
              resolved(t("09:11:00"), HOOT, trigger="virtual_agent", conversation_id="conv-3")]
    # when
    rows = export_rows("hootdesk-virtual-agents", events, tmp_path)
    # then
    assert [list(row.items()) for row in rows] == [list({
        "Agent ID": HOOT, "Agent Name": "Hoot", "Medium": "Facebook", "Channel": "acme.support",
        "Channel Display Name": "Acme Support", "Total Conversations": "2", "Handover To Agent": "1",
        "Handover Due To Error": "1", "Resolved": "1", "Total Conversations With Topic": "0",
        "Total Tagged Messages": "0", "The Total Number of Tagged Messages": "0",
    }.items())]


def test_catalogue_exports_have_the_spec_headers_in_order():
    # then (spec §3.4–3.7, §3.11, §3.12)
    assert {name: [header for header, _ in get_export(name).columns] for name in (
        "hootdesk-contacts", "hootdesk-topics", "hootdesk-tags", "hootdesk-contact-attributes")} == {
        "hootdesk-contacts": ["Contact Profile ID", "Medium", "Primary Identifier", "Secondary Identifier",
                              "Created At", "Conversation Count", "Inbound Message Count",
                              "Outbound Message Count", "Last Updated"],
        "hootdesk-topics": ["Topic ID", "Topic Name", "Active", "Total Conversations", "Total Current Conversations",
                            "Medium", "Channel", "Channel Display Name"],
        "hootdesk-tags": ["Tag ID", "Tag Name", "Active", "Total Contacts", "Total Messages",
                          "Total Current Messages", "Medium", "Channel", "Channel Display Name"],
        "hootdesk-contact-attributes": ["Contact Profile ID", "Contact Primary Identifier",
                                        "Contact Secondary Identifier", "Attribute ID", "Attribute Name",
                                        "Attribute Value", "Attribute Type"],
    }
