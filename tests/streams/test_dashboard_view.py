"""The dashboard's figures from downstream records: counts, ages, medians, charts' data."""
from datetime import UTC, datetime, timedelta
from unittest.mock import patch
from xml.etree import ElementTree as ET

from events.downstream import TICKET_METRICS, HootdeskFigures, Minutes, Rollup, TicketMetrics
from streams.dashboard.charts import PLOT_HEIGHT, TOP, bar_chart, line_chart
from streams.dashboard.feed import DashboardFeed
from streams.dashboard.formatting import duration, hours
from streams.dashboard.view import DashboardState, percentile, view
from streams.settings import Settings

NOON = datetime(2026, 3, 3, 12, tzinfo=UTC)


def ticket(ticket_id: int, status: str, created: datetime, updated: datetime = NOON, *, group: int = 3,
           assignee: int | None = 11, reply: int | None = None, resolution: int | None = None,
           solved: datetime | None = None) -> TicketMetrics:
    """A ticket's downstream record; reply and resolution in business minutes."""
    return TicketMetrics(
        ticket_id=ticket_id, created_at=created, updated_at=updated, group_stations=1, assignee_stations=1,
        reopens=0, replies=int(reply is not None), assigned_at=None, initially_assigned_at=None, solved_at=solved,
        status_updated_at=updated, reply_time=None if reply is None else Minutes(reply, reply),
        first_resolution_time=None, full_resolution_time=None if resolution is None else Minutes(resolution, resolution),
        agent_wait_time=None, requester_wait_time=None, on_hold_time=None, status=status, group_id=group,
        assignee_id=assignee)


def rollup(owner: str, unsolved: int, solved: int, replies: int = 0, reopens: int = 0,
           name: str | None = None) -> Rollup:
    return Rollup(owner=owner, unsolved_tickets=unsolved, solved_tickets=solved, reopens=reopens, replies=replies,
                  replied_tickets=0, reply_minutes=Minutes(0, 0), resolved_tickets=0,
                  full_resolution_minutes=Minutes(0, 0), owner_name=name)


def hootdesk(owner: str, *, name: str | None = None, available: bool | None = None, open_conversations: int = 0,
             away_state: str | None = None, since: datetime | None = None, teams: tuple[str, ...] = ()
             ) -> HootdeskFigures:
    """An owner's figures: three conversations, two first responses (60 s and 120 s)."""
    return HootdeskFigures(
        owner=owner, conversations=3, first_reply_at=None, replies=4, contacts_helped=2, resolves_with_reply=1,
        resolves_without_reply=0, first_response_seconds=180, first_responses=2, resolution_seconds=0, resolutions=0,
        handle_seconds=0, handled_conversations=0, no_reply_seconds=0, cherry_pick_seconds=0, tags_added=0,
        topics_added=0, csat_score_1=0, csat_score_2=0, csat_score_3=0, csat_score_4=0, csat_score_5=0,
        available=available, away_state=away_state, presence_since=since, open_conversations=open_conversations,
        owner_name=name, team_ids=teams)


def state_of(*records) -> DashboardState:
    state = DashboardState()
    for record in records:
        if isinstance(record, TicketMetrics):
            state.apply("tickets", str(record.ticket_id), record)
        elif isinstance(record, Rollup):
            state.apply("rollups", record.owner, record)
        else:
            state.apply("figures", record.owner, record)
    return state


def test_backlog_counts_unsolved_tickets_by_status_with_median_and_oldest_age():
    # given a new ticket 2 h old, a pending one 6 h old and a solved one, at noon
    state = state_of(ticket(1, "new", NOON - timedelta(hours=2)), ticket(2, "pending", NOON - timedelta(hours=6)),
                     ticket(3, "solved", NOON - timedelta(hours=9), solved=NOON - timedelta(hours=1)))
    # when
    backlog = view(state)["backlog"]
    # then: the median of two ages is the lower one (nearest rank)
    assert backlog == {"total": 2, "by_status": {"new": 1, "open": 0, "pending": 1, "hold": 0},
                       "median_age": "2.0 h", "oldest_age": "6.0 h"}


def test_today_is_the_day_of_the_latest_update_in_the_chosen_time_zone():
    # given a ticket updated at 23:30 UTC on the 2nd (00:30 on the 3rd in Paris), the latest update at 08:00 UTC
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    state = state_of(ticket(1, "open", late - timedelta(hours=1), updated=late),
                     ticket(2, "solved", late, updated=datetime(2026, 3, 3, 8, tzinfo=UTC)))
    # when
    in_utc, in_paris = view(state, "UTC")["today"], view(state, "Europe/Paris")["today"]
    # then
    assert in_utc["date"] == in_paris["date"] == "2026-03-03"
    assert (in_utc["by_status"]["open"], in_utc["by_status"]["solved"]) == (0, 1)
    assert (in_paris["by_status"]["open"], in_paris["by_status"]["solved"]) == (1, 1)


def test_percentile_is_the_nearest_rank():
    assert (percentile([40, 10, 30, 20], 0.5), percentile([40, 10, 30, 20], 0.9)) == (20, 40)
    assert (percentile([7], 0.5), percentile([], 0.5)) == (7, None)


def test_owner_row_joins_the_published_rollup_with_medians_of_the_tickets_it_holds():
    # given agent 11 holding three replied tickets (30, 90, 240 business minutes), one of them resolved in 600
    state = state_of(rollup("agent:11", unsolved=2, solved=1, replies=5, reopens=1),
                     ticket(1, "open", NOON, reply=30), ticket(2, "open", NOON, reply=90),
                     ticket(3, "solved", NOON, reply=240, resolution=600, solved=NOON))
    # when
    rows = view(state)["agent_rows"]
    # then
    assert rows == [{"owner": "agent:11", "cells": ["agent:11", "2", "1", "5", "1", "1 h 30", "4 h 00", "10 h 00",
                                                    "10 h 00"]}]


def test_team_selection_keeps_the_group_tickets_and_the_agents_holding_them():
    # given group 3 (agent 11's tickets) and group 4 (agent 12's)
    state = state_of(rollup("group:3", 1, 0), rollup("group:4", 1, 0), rollup("agent:11", 1, 0),
                     rollup("agent:12", 1, 0), ticket(1, "open", NOON, group=3, assignee=11),
                     ticket(2, "new", NOON, group=4, assignee=12))
    # when
    shown = view(state, team="group:4")
    # then
    assert shown["teams"] == [["group:3", "group:3"], ["group:4", "group:4"]]
    assert [row["owner"] for row in shown["team_rows"]] == ["group:4"]
    assert [row["owner"] for row in shown["agent_rows"]] == ["agent:12"]
    assert shown["backlog"]["by_status"] == {"new": 1, "open": 0, "pending": 0, "hold": 0}
    assert shown["sides"] == ["zendesk"]


def test_hootdesk_team_selection_keeps_the_team_and_the_agents_its_figures_name():
    # given team Chat (two open conversations) with Léa and Marc, Marc also in Email, Zoé in
    # Email only, and Léa and Zoé available; team "phone" is known only from Zoé's record
    state = state_of(hootdesk("team:chat", name="Chat", open_conversations=2),
                     hootdesk("team:email", name="Email", open_conversations=5),
                     hootdesk("agent:lea", name="Léa", available=True, teams=("chat",)),
                     hootdesk("agent:marc", name="Marc", available=False, teams=("email", "chat")),
                     hootdesk("agent:zoe", name="Zoé", available=True, teams=("email", "phone")),
                     rollup("group:3", 1, 0, name="Support"), ticket(1, "open", NOON, group=3))
    # when
    shown = view(state, team="team:chat")
    # then: only the Hootdesk side, narrowed to Chat
    assert shown["sides"] == ["hootdesk"]
    assert [r["owner"] for r in shown["hootdesk_agent_rows"]] == ["agent:lea", "agent:marc"]
    assert [r["owner"] for r in shown["hootdesk_team_rows"]] == ["team:chat"]
    assert shown["available_now"] == ["Léa"]
    assert shown["open_conversations"] == {"open": 2}
    # and both desks' teams are offered, by name
    assert shown["teams"] == [["group:3", "Support"]]
    assert shown["hootdesk_teams"] == [["team:chat", "Chat"], ["team:email", "Email"], ["team:phone", "team:phone"]]


def test_no_team_chosen_shows_both_sides_whole():
    # given a Hootdesk agent in team Chat and one in no team, and a Zendesk group
    state = state_of(hootdesk("agent:lea", name="Léa", teams=("chat",)), hootdesk("agent:ali", name="Ali"),
                     rollup("group:3", 1, 0), ticket(1, "open", NOON, group=3))
    # when
    shown = view(state)
    # then
    assert shown["sides"] == ["zendesk", "hootdesk"]
    assert [r["owner"] for r in shown["hootdesk_agent_rows"]] == ["agent:ali", "agent:lea"]
    assert shown["hootdesk_teams"] == [["team:chat", "team:chat"]]


def test_hootdesk_team_without_figures_yet_shows_no_open_conversations():
    # given Léa in team Chat, which has no figures of its own yet
    state = state_of(hootdesk("agent:lea", name="Léa", available=True, teams=("chat",)))
    # when
    shown = view(state, team="team:chat")
    # then
    assert shown["open_conversations"] == {"open": 0}
    assert shown["hootdesk_team_rows"] == [] and shown["available_now"] == ["Léa"]


def test_backlog_chart_counts_the_tickets_in_the_backlog_at_each_hour():
    # given a ticket in the backlog from 5 h to 2 h before noon, and one open since 1 h before
    state = state_of(ticket(1, "solved", NOON - timedelta(hours=5), solved=NOON - timedelta(hours=2)),
                     ticket(2, "open", NOON - timedelta(hours=1)))
    # when
    chart = ET.fromstring(view(state)["backlog_chart"])
    # then: thirteen points, twelve hours ago to now
    points = [(c.get("data-label"), int(c.get("data-count"))) for c in chart.iter("{http://www.w3.org/2000/svg}circle")]
    assert len(points) == 13 and points[0] == ("00:00", 0)
    assert points[-6:] == [("07:00", 1), ("08:00", 1), ("09:00", 1), ("10:00", 0), ("11:00", 1), ("12:00", 1)]


def test_reply_time_distribution_puts_each_first_reply_in_its_business_minutes_bucket():
    # given first replies after 14, 15, 59 and 1440 business minutes, and a ticket not replied to
    state = state_of(*(ticket(i, "open", NOON, reply=m) for i, m in enumerate((14, 15, 59, 1440))),
                     ticket(9, "new", NOON))
    # when
    chart = ET.fromstring(view(state)["reply_chart"])
    # then
    bars = [(r.get("data-label"), int(r.get("data-count"))) for r in chart.iter("{http://www.w3.org/2000/svg}rect")]
    assert bars == [("< 15 min", 1), ("15-60 min", 2), ("1-4 h", 0), ("4-8 h", 0), ("8-24 h", 0), ("24 h +", 1)]


def test_chart_heights_are_proportional_to_counts_and_labels_escaped():
    # when
    bars = ET.fromstring(bar_chart([("<b>", 2), ("b", 4)]))
    line = ET.fromstring(line_chart([("a", 0), ("b", 3)]))
    # then
    rects = list(bars.iter("{http://www.w3.org/2000/svg}rect"))
    assert [float(r.get("height")) for r in rects] == [PLOT_HEIGHT / 2, PLOT_HEIGHT]
    assert rects[0].get("data-label") == "<b>"  # read back as text: it was escaped in the SVG
    assert [float(c.get("cy")) for c in line.iter("{http://www.w3.org/2000/svg}circle")] == [TOP + PLOT_HEIGHT, TOP]


def test_durations_show_their_two_largest_units():
    assert [duration(s) for s in (None, 45, 12 * 60, 65 * 60, 27 * 3600 + 59)] == ["–", "45 s", "12 min", "1 h 05",
                                                                                   "1 d 3 h"]
    assert (hours(None), hours(2.5), hours(30.04)) == ("–", "2.5 h", "30.0 h")


def test_hootdesk_rows_give_averages_and_presence_in_the_chosen_time_zone():
    # given an agent away at lunch since 11:00 UTC, one of its three conversations open
    figures = hootdesk("agent:a1", available=False, open_conversations=1, away_state="lunch",
                       since=datetime(2026, 3, 3, 11, tzinfo=UTC))
    # when
    rows = view(state_of(figures), "Europe/Paris")["hootdesk_agent_rows"]
    # then
    assert rows == [{"owner": "agent:a1", "cells": ["agent:a1", "1", "3", "1 min", "–", "away (lunch) since 12:00"]}]


def test_owners_are_shown_by_name_in_name_order_and_by_key_when_unnamed():
    # given groups 3 "Support" and 4 "Billing", agent 11 without a known name, and two
    # Hootdesk agents, Zoé available and Bruno away
    state = state_of(rollup("group:3", 1, 0, name="Support"), rollup("group:4", 1, 0, name="Billing"),
                     rollup("agent:11", 1, 0), ticket(1, "open", NOON, group=3), ticket(2, "open", NOON, group=4),
                     hootdesk("agent:z", name="Zoé", available=True),
                     hootdesk("agent:b", name="Bruno", available=False),
                     hootdesk("team:t", name="Care"))
    # when
    shown = view(state)
    # then
    assert shown["teams"] == [["group:4", "Billing"], ["group:3", "Support"]]
    assert [r["cells"][0] for r in shown["team_rows"]] == ["Billing", "Support"]
    assert [r["cells"][0] for r in shown["agent_rows"]] == ["agent:11"]
    assert [(r["owner"], r["cells"][0]) for r in shown["hootdesk_agent_rows"]] == [("agent:b", "Bruno"),
                                                                                    ("agent:z", "Zoé")]
    assert [r["cells"][0] for r in shown["hootdesk_team_rows"]] == ["Care"]
    assert shown["available_now"] == ["Zoé"]


def test_feed_applies_records_and_tombstones_and_leaves_out_what_it_cannot_read(caplog):
    # given the feed of default settings
    settings = Settings()
    feed = DashboardFeed(settings)
    record = ticket(1, "open", NOON)
    # when
    feed.apply(settings.ticket_metrics_topic, b"1", TICKET_METRICS.encode(record))
    feed.apply(settings.agent_rollups_topic, b"agent:11", b"\xff")
    shown = dict(feed.state.records["tickets"])
    feed.apply(settings.ticket_metrics_topic, b"1", None)
    # then
    assert shown == {"1": record} and feed.state.records["tickets"] == {}
    assert feed.state.records["rollups"] == {}
    assert "record of deskstream.agent-rollups key b'agent:11' left out, not a Rollup" in caplog.text


def test_feed_decodes_only_the_latest_record_of_a_key_when_the_state_is_looked_at():
    # given the feed of default settings, and a ticket's record replaced by a newer one
    settings = Settings()
    feed = DashboardFeed(settings)
    older, newer = ticket(1, "open", NOON), ticket(1, "solved", NOON)
    feed.apply(settings.ticket_metrics_topic, b"1", TICKET_METRICS.encode(older))
    feed.apply(settings.ticket_metrics_topic, b"1", TICKET_METRICS.encode(newer))
    # when the state is looked at, with the record codec counting its decodes
    with patch.object(type(TICKET_METRICS), "decode", autospec=True, side_effect=type(TICKET_METRICS).decode) as decode:
        shown = dict(feed.state.records["tickets"])
        again = dict(feed.state.records["tickets"])  # nothing read since
    # then
    assert shown == again == {"1": newer} and decode.call_count == 1
