"""The user presence export (spec §3.8), read back as CSV."""
from tests.projections.conversations_story import ANA, BOB, created, inbound, t
from tests.projections.presence_story import THIRD_OF_MARCH, available, away, day_and_nights
from tests.sinks.hootdesk_read_back import export_rows

HEADERS = ["User ID", "User Name", "User Email", "Type", "Away State", "From", "To", "Duration (s)"]


def test_presence_crossing_midnight_and_both_range_edges_is_listed_whole(tmp_path):
    # when: the whole of 3 March, as of 02:00 on the 4th
    rows = export_rows("hootdesk-presence", day_and_nights(), tmp_path, as_of=t("02:00:00", "03-04"),
                       **THIRD_OF_MARCH)
    # then: the night into the 3rd and the evening into the 4th are whole; the evening
    # before and the night after are not in the range
    assert list(rows[0]) == HEADERS
    assert [(r["Type"], r["Away State"], r["From"], r["To"], r["Duration (s)"]) for r in rows] == [
        ("Away", "Away", "2026-03-02T22:30:00+00:00", "2026-03-03T08:00:00+00:00", "34200"),
        ("Available", "", "2026-03-03T08:00:00+00:00", "2026-03-03T12:00:00+00:00", "14400"),
        ("Away", "Lunch", "2026-03-03T12:00:00+00:00", "2026-03-03T13:00:00+00:00", "3600"),
        ("Available", "", "2026-03-03T13:00:00+00:00", "2026-03-04T01:00:00+00:00", "43200"),
    ]
    assert {(r["User ID"], r["User Name"], r["User Email"]) for r in rows} == {(ANA, "Ana Agent", "")}


def test_presence_interval_still_open_is_closed_at_the_as_of_time(tmp_path):
    # given: Ana available since 09:00 on 2 March
    events = [available(t("09:00:00"))]
    # when: a snapshot as of 10:15:30, in Paris time
    rows = export_rows("hootdesk-presence", events, tmp_path, as_of=t("10:15:30"), time_zone="Europe/Paris")
    # then
    assert [(r["From"], r["To"], r["Duration (s)"]) for r in rows] == [
        ("2026-03-02T10:00:00+01:00", "2026-03-02T11:15:30+01:00", "4530")]


def test_presence_as_of_defaults_to_the_latest_event(tmp_path):
    # given: Ana available at 09:00, a contact writing at 09:40, Bob going away at 09:30
    events = [available(t("09:00:00")), away(t("09:30:00"), BOB), created(t("09:40:00")),
              inbound(t("09:40:00"), "m1")]
    # when: no as-of time given
    rows = export_rows("hootdesk-presence", events, tmp_path)
    # then: both running intervals end at 09:40, by agent id
    assert [(r["User ID"], r["Type"], r["To"]) for r in rows] == [
        (ANA, "Available", "2026-03-02T09:40:00+00:00"), (BOB, "Away", "2026-03-02T09:40:00+00:00")]


def test_presence_channel_filter_does_not_apply(tmp_path):
    # given: Ana's presence and one conversation on acme.support
    events = [available(t("09:00:00")), created(t("09:10:00"))]
    # when: the export is asked for another channel, even one no conversation is on
    rows = export_rows("hootdesk-presence", events, tmp_path, channels=("acme_help",))
    # then: presence is not tied to a channel
    assert [(r["User ID"], r["Duration (s)"]) for r in rows] == [(ANA, "600")]
