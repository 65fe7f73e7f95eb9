"""A deterministic synthetic event log: reference data, tickets, conversations and presence.

`generate()` yields canonical events in time order. Everything comes from one seeded
`random.Random` and a fixed start instant, never the clock, so a seed names a log. A ticket
or conversation is written as a whole story when it is created (all its events at or after
its creation); stories are created in time order and their events wait, in one-minute
buckets, only until no later story can come before them, so memory holds the stories in
flight, not the log.
Events at or after `start + days` are cut off, which leaves the last stories unfinished.

    python -m bench.generate --tickets 100000 --conversations 20000 --format avro --out events.avro
"""
import random
import sys
import time as clock
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from operator import itemgetter
from zoneinfo import ZoneInfo

import click
import fastavro

from events import (
    AgentUpserted, AgentWentAvailable, AgentWentAway, ContactAttributeUpserted, ContactUpserted,
    ConversationCreated, ConversationLocked, ConversationResolved, ConversationStatusChanged,
    ConversationTopicAdded, ConversationTopicRemoved, ConversationUnlocked, CsatAnswered, CsatSent,
    Event, GroupUpserted, HolidayUpserted, MessageReceived, MessageSent, MessageTagAdded,
    MessageTagRemoved, OrganizationUpserted, ScheduleUpserted, TeamUpserted, TicketAssigneeChanged,
    TicketCommentAdded, TicketCreated, TicketDeleted, TicketFieldsChanged, TicketGroupChanged,
    TicketSatisfactionRated, TicketStatusChanged, TicketTagsChanged, UserUpserted,
    VirtualAgentHandedOver, WeeklyInterval, avro,
)
from events.codec import encode_json

DEFAULT_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Paris
TIME_ZONE = ZoneInfo("Europe/Paris")
OPENS, CLOSES = 9 * 60, 18 * 60  # local minutes of a working day
WORKDAYS = range(1, 6)  # Monday to Friday, counted from Sunday = 0 as Zendesk does
MINUTE, HOUR, DAY = 60, 3600, 86400
NEVER = 2**62  # later than any horizon: a story step that can't happen in the log
SCHEDULE_ID, HOLIDAY_ID = 1, 1
VIRTUAL_AGENT = ("va-hoot", "Hoot assistant")

AGENT_NAMES = ("Claire Fontaine", "Marc Lemaire", "Sofia Rossi", "Karim Haddad", "Julie Besson",
               "Antoine Roux", "Nora Benali", "Paul Girard", "Elise Morel", "Yann Le Goff")
FIRST = ("Camille", "Léa", "Hugo", "Manon", "Louis", "Chloé", "Jules", "Inès", "Arthur", "Emma",
         "Nathan", "Sarah", "Lucas", "Jade", "Noah", "Alice", "Ethan", "Zoé", "Tom", "Lina")
LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Fournier")
ORGANIZATIONS = (("Acme Rentals", "acme-rentals.example", ("b2b",)),
                 ("Hôtel Belle Rive", "belle-rive.example", ("b2b", "vip")),
                 ("Café Lumière", "cafe-lumiere.example", ()),
                 ("Globex Offices", "globex.example", ("b2b",)))
GROUPS = ("Support", "Billing", "Escalations")
TEAMS = (("team-care", "Customer care"), ("team-social", "Social media"), ("team-sales", "Sales"))
# subject, tags, index of the group it belongs to, ticket type
TICKET_TOPICS = (
    ("Thermostat won't connect to Wi-Fi", ("wifi", "thermostat"), 0, "incident"),
    ("Camera offline since the last update", ("camera", "firmware"), 0, "problem"),
    ("Can't log in to the Nimbus app", ("login", "app"), 0, "incident"),
    ("How do I share access with my family?", ("app", "how_to"), 0, "question"),
    ("Charged twice this month", ("billing", "double_charge"), 1, "incident"),
    ("Refund for a returned camera", ("refund", "camera"), 1, "question"),
    ("Change the billing address on my invoices", ("billing", "invoice"), 1, "task"),
    ("Delivery is late", ("delivery",), 0, "question"),
    ("Cancel my subscription", ("subscription", "churn_risk"), 1, "task"),
)
PRIORITIES = ("low", "normal", "high", "urgent")
AGENT_REPLIES = ("Thanks for reaching out! Could you send us the serial number of the device?",
                 "I've checked your account and applied the fix; could you try again?",
                 "Here is a step-by-step guide that should sort this out.",
                 "We've issued the refund; it will show on your statement in 3-5 days.")
CUSTOMER_REPLIES = ("Here it is, thanks.", "Still not working, I'm afraid.",
                    "That did it, thank you!", "Any news on this?")
NOTES = ("Checked the logs, looks like a firmware issue.", "Asked the warehouse for tracking.",
         "Customer is on the premium plan.", "Escalating: needs a refund approval.")
# medium, channel, channel display name, virtual agent on duty
CHANNELS = (("WhatsApp", "nimbus-whatsapp-fr", "Nimbus Home WhatsApp", True),
            ("Instagram", "nimbushome", "Nimbus Home Instagram", False),
            ("Facebook", "nimbus.home", "Nimbus Home Facebook", True),
            ("X", "nimbushome_help", "Nimbus Home Help", False))
CONVERSATION_TOPICS = (("topic-setup", "Device setup"), ("topic-billing", "Billing"),
                       ("topic-delivery", "Delivery"), ("topic-returns", "Returns"),
                       ("topic-account", "Account access"))
MESSAGE_TAGS = (("tag-urgent", "Urgent"), ("tag-complaint", "Complaint"),
                ("tag-praise", "Praise"), ("tag-lead", "Sales lead"))
SPAM_TAG = ("tag-spam", "Spam")
RESOLVE_REASONS = ("Question answered", "Issue fixed", "Order updated", "Refund issued")
OPENERS = ("Hi, my thermostat shows error E42.", "Where is my order?", "I was charged twice.",
           "How do I reset my camera?", "Can I return the doorbell I bought last week?")
CONTACT_REPLIES = ("It's order NH-20931.", "Ok, trying now.", "Still the same error.",
                   "I'd like to talk to a person.")
AGENT_MESSAGES = ("Hi! Sorry about that, let me check.", "Could you send me your order number?",
                  "Done: you should see it in the app now.",
                  "I've opened a return; the label is in your inbox.")
VA_MESSAGES = ("Hi, I'm Hoot, Nimbus Home's assistant. What can I do for you?",
               "This guide should help: https://help.nimbus-home.example/setup")
HANDOVER_REASONS = ("Customer asked for a human", "Intent not recognized", "Refund request")
AWAY_BREAKS = (("Meeting", 30, 60), ("Break", 10, 20), ("Training", 45, 90))


def _at(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _local(day: date, minute: int) -> int:
    """Epoch seconds of a local wall-clock minute in the schedule's time zone."""
    return int(datetime.combine(day, time(minute // 60, minute % 60), TIME_ZONE).timestamp())


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".")


class _Calendar:
    """The schedule's working time as sorted UTC intervals in epoch seconds, holidays removed."""

    def __init__(self, start: int, end: int, holiday: date):
        self.starts: list[int] = []
        self.ends: list[int] = []
        first = _at(start).astimezone(TIME_ZONE).date() - timedelta(1)
        for n in range((end - start) // DAY + 60):  # past the horizon: a step may land there
            day = first + timedelta(n)
            if day.isoweekday() % 7 in WORKDAYS and day != holiday:
                self.starts.append(_local(day, OPENS))
                self.ends.append(_local(day, CLOSES))
        self.start, self.end = start, end
        self._spans = [(max(s, start), min(e, end)) for s, e in zip(self.starts, self.ends)
                       if s < end and e > start]

    def at_or_after(self, t: int) -> int:
        i = bisect_right(self.ends, t)
        return max(t, self.starts[i]) if i < len(self.starts) else NEVER

    def after(self, t: int, seconds: float) -> int:
        """The instant `seconds` of working time after t (agents only act in working time)."""
        i = bisect_right(self.ends, t)
        while i < len(self.starts):
            t = max(t, self.starts[i])
            if t + seconds < self.ends[i]:
                return int(t + seconds)
            seconds -= self.ends[i] - t
            i += 1
        return NEVER

    def sample(self, rng: random.Random) -> int:
        """A working instant in [start, end), uniformly drawn; any instant if none works."""
        x = rng.randrange(sum(e - s for s, e in self._spans) or 1)
        for s, e in self._spans:
            if x < e - s:
                return s + x
            x -= e - s
        return rng.randrange(self.start, self.end)


class _World:
    """Who and what the stories are about, and the reference events that introduce them."""

    def __init__(self, rng: random.Random, start: int, end: int, agents: int, users: int, contacts: int):
        self.rng, self.start, self.end = rng, start, end
        first_day = _at(start).astimezone(TIME_ZONE).date()
        self.holiday = first_day + timedelta(3)
        self.calendar = _Calendar(start, end, self.holiday)
        self.reference: list[Event] = []
        self._ids = count(1)
        self._schedule()
        self._people(agents, users)
        self._hootdesk(agents, contacts)

    def _add(self, cls: type[Event], **fields) -> None:
        event_id = f"ref-{next(self._ids):06d}"
        self.reference.append(cls(event_id=event_id, occurred_at=_at(self.start), **fields))

    def _schedule(self) -> None:
        week = tuple(WeeklyInterval(d * 1440 + OPENS, d * 1440 + CLOSES) for d in WORKDAYS)
        self._add(ScheduleUpserted, schedule_id=SCHEDULE_ID, name="Business hours (Paris)",
                  time_zone=TIME_ZONE.key, intervals=week, is_default=True)
        self._add(HolidayUpserted, holiday_id=HOLIDAY_ID, schedule_id=SCHEDULE_ID,
                  name="Company offsite", start_date=self.holiday, end_date=self.holiday)

    def _people(self, agents: int, users: int) -> None:
        self.groups = [21 + g for g in range(3 if agents >= 6 else 2)]
        for group_id in self.groups:
            self._add(GroupUpserted, group_id=group_id, name=GROUPS[group_id - 21])
        for k, (name, domain, tags) in enumerate(ORGANIZATIONS):
            self._add(OrganizationUpserted, organization_id=501 + k, name=name, domain_names=(domain,),
                      tags=tags)
        n = len(AGENT_NAMES)  # more agents than names: "Claire Fontaine 2"
        self.agent_names = [AGENT_NAMES[i % n] + (f" {i // n + 1}" if i >= n else "") for i in range(agents)]
        self.members: dict[int, list[int]] = {group_id: [] for group_id in self.groups}
        for i, name in enumerate(self.agent_names):
            self.members[self.groups[i % len(self.groups)]].append(101 + i)
            self._add(UserUpserted, user_id=101 + i, name=name, email=f"{_slug(name)}@nimbus-home.example",
                      role="admin" if i == 0 else "agent")
        self.end_users: list[tuple[int, int | None]] = []
        emails: set[str] = set()
        for k in range(users):
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            org = self.rng.randrange(len(ORGANIZATIONS)) if self.rng.random() < 0.45 else None
            domain = "mail.example" if org is None else ORGANIZATIONS[org][1]
            email = f"{_slug(name)}@{domain}"
            if email in emails:  # namesakes: keep every address unique
                email = f"{_slug(name)}{k}@{domain}"
            emails.add(email)
            org_id = None if org is None else 501 + org
            self.end_users.append((10001 + k, org_id))
            self._add(UserUpserted, user_id=10001 + k, name=name, email=email, organization_id=org_id)

    def _hootdesk(self, agents: int, contacts: int) -> None:
        teams = TEAMS[: 3 if agents >= 6 else 2]
        for team_id, name in teams:
            self._add(TeamUpserted, team_id=team_id, name=name)
        self.agent_ids = [f"agent-{i + 1:02d}" for i in range(agents)]
        for i, (agent_id, name) in enumerate(zip(self.agent_ids, self.agent_names)):
            team_ids = (teams[i % len(teams)][0],)
            if self.rng.random() < 0.3:  # some agents sit in two teams
                team_ids += (teams[(i + 1) % len(teams)][0],)
            self._add(AgentUpserted, agent_id=agent_id, name=name, email=f"{_slug(name)}@nimbus-home.example",
                      reference=str(101 + i),  # the same person's Zendesk user id
                      role="admin" if i == 0 else "agent", team_ids=team_ids)
        self._add(AgentUpserted, agent_id=VIRTUAL_AGENT[0], name=VIRTUAL_AGENT[1], role="virtual_agent")
        self.contacts: list[tuple[str, tuple, str]] = []
        for k in range(contacts):
            contact_id, channel = f"contact-{k + 1:05d}", self.rng.choice(CHANNELS)
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            handle = {"WhatsApp": f"+33 6 {self.rng.randrange(10**8):08d}", "Facebook": f"{first} {last}"}
            primary = handle.get(channel[0], "@" + _slug(f"{first}_{last}"))
            language = "fr" if self.rng.random() < 0.6 else "en"
            self.contacts.append((contact_id, channel, language))
            self._add(ContactUpserted, contact_id=contact_id, medium=channel[0], primary_identifier=primary,
                      secondary_identifier=f"{first} {last}")
            attributes = {"language": language}
            if self.rng.random() < 0.4:
                attributes["customer_tier"] = "premium" if self.rng.random() < 0.3 else "standard"
            for attribute, value in attributes.items():
                self._add(ContactAttributeUpserted, contact_id=contact_id, attribute=attribute, value=value)

    def presence(self) -> list[tuple[int, Event]]:
        """Each Hootdesk agent's working days: available, lunch, maybe a break, away at night.

        Fills `availability` (agent -> available intervals) for the lock book. A state that
        began before the log does is announced at its start.
        """
        events, self.availability = [], {}
        rng, cal = self.rng, self.calendar
        for agent_id in self.agent_ids:
            changes: list[tuple[int, str]] = []  # (time, away state or "" for available)
            for opens, closes in zip(cal.starts, cal.ends):
                if opens >= self.end:
                    break
                lunch = opens + (180 + rng.randrange(90)) * MINUTE
                back = lunch + rng.randint(40, 60) * MINUTE
                day = [(opens + rng.randint(-10, 20) * MINUTE, ""), (lunch, "Lunch"), (back, "")]
                leaves = closes + rng.randint(-20, 10) * MINUTE
                if rng.random() < 0.5:
                    state, shortest, longest = rng.choice(AWAY_BREAKS)
                    away = back + rng.randint(30, 150) * MINUTE
                    returns = away + rng.randint(shortest, longest) * MINUTE
                    if returns < leaves - 15 * MINUTE:
                        day += [(away, state), (returns, "")]
                changes += day + [(leaves, "Away")]
            before = [c for c in changes if c[0] < self.start]
            changes = [c for c in changes if self.start <= c[0] < self.end]
            if before and (not changes or changes[0][0] > self.start):
                changes.insert(0, (self.start, before[-1][1]))
            for n, (ts, state) in enumerate(changes, 1):
                fields = dict(event_id=f"presence-{agent_id}-{n:04d}", occurred_at=_at(ts), agent_id=agent_id)
                event = AgentWentAway(away_state=state, **fields) if state else AgentWentAvailable(**fields)
                events.append((ts, event))
            ends = [ts for ts, _ in changes[1:]] + [NEVER]
            self.availability[agent_id] = [(ts, e) for (ts, state), e in zip(changes, ends) if not state]
        return events

    def arrivals(self, tickets: int, conversations: int) -> list[tuple[int, int, bool]]:
        """Creation times in order: (time, 0 for a ticket or 1 for a conversation, made by an agent)."""
        rng = self.rng

        def when(working: bool) -> int:
            return self.calendar.sample(rng) if working else rng.randrange(self.start, self.end)

        made = []
        for _ in range(tickets):
            by_agent = rng.random() < 0.12  # agents file tickets in working hours, customers any time
            made.append((when(by_agent or rng.random() < 0.7), 0, by_agent))
        made += [(when(rng.random() < 0.6), 1, False) for _ in range(conversations)]
        made.sort()
        return made


class _Story:
    """One entity's events, numbered for their ids; a step at or after the horizon is dropped."""

    def __init__(self, prefix: str, end: int, key: str, value: int | str):
        self.prefix, self.end, self.key, self.value = prefix, end, key, value
        self.events: list[tuple[int, Event]] = []
        self._n = count(1)

    def add(self, ts: int, cls: type[Event], **fields) -> None:
        n = next(self._n)  # numbered even when dropped, so a longer log keeps the same ids
        if ts < self.end:
            fields[self.key] = self.value
            self.events.append((ts, cls(event_id=f"{self.prefix}-{n:03d}", occurred_at=_at(ts), **fields)))


class _Ticket(_Story):
    def __init__(self, ticket_id: int, end: int):
        super().__init__(f"ticket-{ticket_id}", end, "ticket_id", ticket_id)
        self.status, self.assignee, self.group, self.tags = "new", None, None, ()
        self._comments = count(ticket_id * 1000 + 1)

    def create(self, ts: int, **fields) -> None:
        self.status = fields.setdefault("status", "new")
        self.assignee, self.group = fields.get("assignee_id"), fields.get("group_id")
        self.tags = fields["tags"]
        self.add(ts, TicketCreated, **fields)

    def move(self, ts: int, status: str, author: int | None) -> None:
        self.add(ts, TicketStatusChanged, status=status, previous_status=self.status, author_id=author)
        self.status = status

    def assign(self, ts: int, agent: int) -> None:
        self.add(ts, TicketAssigneeChanged, assignee_id=agent, previous_assignee_id=self.assignee)
        self.assignee = agent

    def regroup(self, ts: int, group: int) -> None:
        self.add(ts, TicketGroupChanged, group_id=group, previous_group_id=self.group)
        self.group = group

    def retag(self, ts: int, tags: tuple[str, ...]) -> None:
        self.add(ts, TicketTagsChanged, tags=tags)
        self.tags = tags

    def comment(self, ts: int, author: int, public: bool, body: str) -> None:
        self.add(ts, TicketCommentAdded, comment_id=next(self._comments), author_id=author, public=public,
                 body=body)


def _ticket_story(w: _World, ticket_id: int, created: int, by_agent: bool) -> list[tuple[int, Event]]:
    """A ticket's life in Zendesk's status machine, from its creation to closed (or the horizon)."""
    rng, cal, t = w.rng, w.calendar, _Ticket(ticket_id, w.end)
    subject, tags, hint, kind = rng.choice(TICKET_TOPICS)
    group = w.groups[hint % len(w.groups)]
    requester, organization = rng.choice(w.end_users)
    priority = rng.choices((None, "low", "normal", "high"), (30, 15, 45, 10))[0]
    about = dict(requester_id=requester, organization_id=organization, subject=subject, ticket_type=kind,
                 priority=priority, tags=tags)
    if by_agent:  # logged by an agent after a call: theirs from the start
        agent = rng.choice(w.members[group])
        replied = rng.random() < 0.8  # a public description already answers the customer
        t.create(created, submitter_id=agent, via="web", status="open", group_id=group, assignee_id=agent,
                 description=f"Customer called: {subject.lower()}.", description_public=replied, **about)
        now = created
    else:
        routed = rng.random() < 0.5  # a trigger set the group already
        via = rng.choices(("web", "email", "chat", "api"), (45, 35, 12, 8))[0]
        t.create(created, submitter_id=requester, via=via, group_id=group if routed else None,
                 description=f"{subject}. Could you help me?", **about)
        now = cal.after(created, rng.expovariate(1 / (40 * MINUTE)))
        agent = rng.choice(w.members[group])
        if rng.random() < 0.03:  # spam, deleted on sight
            t.add(now, TicketDeleted)
            return t.events
        if not routed:
            t.regroup(now, group)
        t.assign(now, agent)
        t.move(now, "open", agent)
        if rng.random() < 0.2:
            raised = rng.choice([p for p in PRIORITIES[2:] if p != priority])
            t.add(now, TicketFieldsChanged, changes={"priority": raised})
        if rng.random() < 0.25:
            t.retag(now, t.tags + (rng.choice(("vip", "follow_up", "bug")),))
        replied = False
    escalated = False
    for round_ in range(6):
        now = cal.after(now, rng.expovariate(1 / (30 * MINUTE)) + MINUTE)
        if now >= w.end:
            break
        if rng.random() < 0.2:
            t.comment(now, agent, False, rng.choice(NOTES))
            now += rng.randint(30, 300)
        if not escalated and rng.random() < 0.1:  # to another group, and another agent
            escalated, group = True, w.groups[-1] if group != w.groups[-1] else w.groups[0]
            t.comment(now, agent, False, f"Handing over to {GROUPS[group - 21]}.")
            agent = rng.choice(w.members[group])
            t.regroup(now + 1, group)
            t.assign(now + 1, agent)
            now = cal.after(now + 1, rng.expovariate(1 / HOUR))
        elif rng.random() < 0.05 and len(w.members[group]) > 1:  # to a colleague in the group
            agent = rng.choice([a for a in w.members[group] if a != agent])
            t.assign(now, agent)
            now = cal.after(now, rng.expovariate(1 / (30 * MINUTE)))
        if not replied:
            t.comment(now, agent, True, rng.choice(AGENT_REPLIES))
        replied = False
        now += rng.randint(5, 60)
        roll = rng.random() - 0.15 * round_
        if 0.35 <= roll < 0.47:  # waiting on a third party
            t.move(now, "hold", agent)
            now = cal.after(now, rng.expovariate(1 / (3 * HOUR)) + 10 * MINUTE)
            t.comment(now, agent, False, rng.choice(NOTES))
            t.move(now, "open", agent)
            continue
        if roll >= 0.47:  # waiting on the customer
            t.move(now, "pending", agent)
            if rng.random() < 0.85:
                now += int(rng.expovariate(1 / (5 * HOUR))) + 2 * MINUTE
                t.comment(now, requester, True, rng.choice(CUSTOMER_REPLIES))
                t.move(now, "open", requester)
                continue
            now = cal.at_or_after(now + 2 * DAY)  # no answer: solved after two days
            t.comment(now, agent, True, "We haven't heard back, so we're solving this for now.")
            now += 5
        t.move(now, "solved", agent)
        closes = now + rng.randint(DAY, 4 * DAY)
        bad = False
        if rng.random() < 0.45:  # a survey an hour later, sometimes answered before it closes
            now += HOUR
            t.add(now, TicketSatisfactionRated, score="offered")
            rated = now + int(rng.expovariate(1 / (4 * HOUR))) + MINUTE
            if rng.random() < 0.6 and rated < closes:
                now, bad = rated, rng.random() < 0.2
                t.add(now, TicketSatisfactionRated, score="bad" if bad else "good",
                      comment="Took too long." if bad else "Quick and helpful, thanks!")
        now += int(rng.expovariate(1 / (10 * HOUR))) + 10 * MINUTE
        if rng.random() < (0.4 if bad else 0.08) and now < closes:  # reopened by the customer
            t.comment(now, requester, True, "It's happening again.")
            t.move(now, "open", requester)
            continue
        t.move(closes, "closed", None)
        break
    return t.events


class _Locks:
    """When each Hootdesk agent can take a conversation: available (presence) and not
    already holding a lock. Reservations are half-open and one second longer than the lock,
    so one lock ends strictly before the agent's next begins; back-to-back ones are joined,
    which keeps a busy agent's list short."""

    def __init__(self, availability: dict[str, list[tuple[int, int]]]):
        self.agents = list(availability)
        self.available = {agent: ([s for s, _ in spans], [e for _, e in spans])
                          for agent, spans in availability.items()}
        self.busy: dict[str, tuple[list[int], list[int]]] = {a: ([], []) for a in self.agents}

    def earliest(self, agent: str, t: int, duration: int, latest: int) -> int:
        """The first start >= t, and <= latest, of a free lock of `duration`; else NEVER."""
        starts, ends = self.available[agent]
        busy_starts, busy_ends = self.busy[agent]
        for i in range(bisect_right(ends, t), len(starts)):
            s = max(t, starts[i])
            j = bisect_right(busy_ends, s)  # the first reservation still running at s
            while s <= latest and j < len(busy_starts) and busy_starts[j] <= s + duration:
                s = busy_ends[j]  # overlaps: try right after it
                j += 1
            if s > latest:
                break
            if s + duration < ends[i]:
                return s
        return NEVER

    def book(self, rng: random.Random, t: int, duration: int, latest: int,
             prefer: str | None) -> tuple[str, int] | None:
        """The agent who can start soonest (the previous one first, if free as soon), and when."""
        order = rng.sample(self.agents, len(self.agents))
        if prefer is not None and rng.random() < 0.6:
            order.insert(0, prefer)
        s, best = NEVER, ""
        for agent in order:
            start = self.earliest(agent, t, duration, min(latest, s - 1))
            if start < s:
                s, best = start, agent
                if s == t:  # nobody can start sooner
                    break
        if s == NEVER:
            return None
        busy_starts, busy_ends = self.busy[best]
        begins, ends = s, s + duration + 1
        i = bisect_right(busy_starts, s)
        if i and busy_ends[i - 1] == begins:  # joins the reservation before: one longer one
            i -= 1
            begins = busy_starts.pop(i)
            busy_ends.pop(i)
        if i < len(busy_starts) and busy_starts[i] == ends:  # and the one after
            busy_starts.pop(i)
            ends = busy_ends.pop(i)
        busy_starts.insert(i, begins)
        busy_ends.insert(i, ends)
        return best, s

    def forget(self, before: int) -> None:
        """Drop reservations over before `before`: no later lock can start that early."""
        for busy_starts, busy_ends in self.busy.values():
            if len(busy_ends) > 64:
                i = bisect_right(busy_ends, before)
                del busy_starts[:i], busy_ends[:i]


class _Conversation(_Story):
    def __init__(self, conversation_id: str, contact: tuple, end: int):
        super().__init__(conversation_id, end, "conversation_id", conversation_id)
        self.contact_id, (self.medium, self.channel, self.display, self.has_va), self.language = contact
        self.status, self.topic, self.last_inbound = "New", None, ""
        self._messages = count(1)

    def open(self, ts: int) -> None:
        self.add(ts, ConversationCreated, contact_id=self.contact_id, channel=self.channel, medium=self.medium,
                 channel_display_name=self.display, language=self.language)

    def receive(self, ts: int, content: str) -> None:
        self.last_inbound = f"{self.prefix}-m{next(self._messages):02d}"
        self.add(ts, MessageReceived, message_id=self.last_inbound, contact_id=self.contact_id,
                 channel=self.channel, medium=self.medium, content=content)

    def send(self, ts: int, sender: str, kind: str, content: str) -> None:
        self.add(ts, MessageSent, message_id=f"{self.prefix}-m{next(self._messages):02d}", sender_id=sender,
                 channel=self.channel, medium=self.medium, sender_kind=kind, content=content)

    def tag(self, ts: int, agent: str, tag: tuple[str, str], keep: bool = True) -> None:
        """Tag the last inbound message; a tag not kept is taken off a second later."""
        tag_id, tag_name = tag
        self.add(ts, MessageTagAdded, message_id=self.last_inbound, tag_id=tag_id, tag_name=tag_name,
                 agent_id=agent)
        if not keep:
            self.add(ts + 1, MessageTagRemoved, message_id=self.last_inbound, tag_id=tag_id, agent_id=agent)

    def set_topic(self, ts: int, agent: str, topic: tuple[str, str], keep: bool = True) -> None:
        """Add a topic; one not kept is taken off a second later."""
        topic_id, topic_name = topic
        self.add(ts, ConversationTopicAdded, topic_id=topic_id, topic_name=topic_name, agent_id=agent)
        if keep:
            self.topic = topic_id
        else:
            self.add(ts + 1, ConversationTopicRemoved, topic_id=topic_id, agent_id=agent)

    def move(self, ts: int, status: str, agent: str | None) -> None:
        self.add(ts, ConversationStatusChanged, status=status, previous_status=self.status, agent_id=agent)
        self.status = status

    def resolve(self, ts: int, agent: str | None, trigger: str, **why) -> None:
        self.add(ts, ConversationResolved, agent_id=agent, trigger=trigger, **why)
        self.status = "Resolved"


def _session_plan(rng: random.Random, c: _Conversation, first: bool) -> list[tuple[int, str]]:
    """What an agent does in one lock, as (seconds after locking, step); the last step ends it."""
    off = rng.randint(5, 40)  # reading the thread
    roll = rng.random()
    if roll < 0.07:  # a look and back to the queue: cherry-picking
        return [(off + rng.randint(10, 90), "unlock")]
    if roll < 0.10 and first:  # spam: resolved without a reply
        return [(off, "spam"), (off + rng.randint(3, 20), "dismiss")]
    steps = []
    if rng.random() < 0.3:
        steps.append((off, "tag"))
        off += rng.randint(3, 15)
    if c.topic is None and rng.random() < 0.7:
        steps.append((off, "topic"))
        off += rng.randint(3, 15)
    for i in range(rng.choice((1, 1, 2, 2, 3))):
        if i and rng.random() < 0.5:
            off += rng.randint(20, 150)
            steps.append((off, "receive"))
        off += rng.randint(40, 300)
        steps.append((off, "reply"))
    steps.append((off + rng.randint(5, 60), rng.choices(("resolve", "pending", "unlock"), (55, 30, 15))[0]))
    return steps


def _run_session(rng: random.Random, c: _Conversation, agent: str, start: int, steps: list) -> str:
    """Lock, do the planned steps, and return the one that ended the lock."""
    c.add(start, ConversationLocked, agent_id=agent)
    for offset, step in steps:
        ts = start + offset
        if step in ("tag", "spam"):
            wrong, right = rng.sample(MESSAGE_TAGS, 2) if step == "tag" else (None, SPAM_TAG)
            if wrong and rng.random() < 0.15:  # a wrong tag first, taken off again
                c.tag(ts, agent, wrong, keep=False)
            c.tag(ts + 2, agent, right)
        elif step == "topic":
            wrong, right = rng.sample(CONVERSATION_TOPICS, 2)
            if rng.random() < 0.15:  # a wrong topic first, taken off again
                c.set_topic(ts, agent, wrong, keep=False)
            c.set_topic(ts + 2, agent, right)
        elif step == "receive":
            c.receive(ts, rng.choice(CONTACT_REPLIES))
        elif step == "reply":
            c.send(ts, agent, "agent", rng.choice(AGENT_MESSAGES))
        elif step == "dismiss":
            c.resolve(ts, agent, "agent", reason="Spam")
        elif step == "resolve":
            comment = "Customer confirmed it works." if rng.random() < 0.3 else None
            c.resolve(ts, agent, "agent", reason=rng.choice(RESOLVE_REASONS), comment=comment)
        elif step == "pending":
            c.move(ts, "Pending", agent)
        else:
            c.add(ts, ConversationUnlocked, agent_id=agent)
    return steps[-1][1]


def _survey(rng: random.Random, c: _Conversation, now: int) -> int:
    """Maybe a CSAT survey after a resolve, maybe answered; returns the time of the last step."""
    if rng.random() < 0.6:
        now += 2
        c.add(now, CsatSent, follow_up_question="What could we do better?" if rng.random() < 0.5 else None)
        if rng.random() < 0.55:
            now += int(rng.expovariate(1 / (30 * MINUTE))) + 30
            score = rng.choices(range(1, 6), (5, 7, 13, 30, 45))[0]
            c.add(now, CsatAnswered, score=score, follow_up_answer="Faster answers." if score < 4 else None)
    return now


def _conversation_story(w: _World, locks: _Locks, conversation_id: str,
                        created: int) -> list[tuple[int, Event]]:
    """A conversation: inbound messages, maybe a virtual agent, then agents' locks until resolved."""
    rng, c = w.rng, _Conversation(conversation_id, w.rng.choice(w.contacts), w.end)
    c.open(created)
    c.receive(created, rng.choice(OPENERS))
    now = created
    if rng.random() < 0.25:
        now += rng.randint(10, 90)
        c.receive(now, "Hello? Anyone there?")
    if c.has_va and rng.random() < 0.6:  # the virtual agent answers first
        va, va_name = VIRTUAL_AGENT
        now += rng.randint(2, 6)
        c.send(now, va, "virtual_agent", VA_MESSAGES[0])
        now += rng.randint(20, 180)
        c.receive(now, rng.choice(CONTACT_REPLIES))
        now += rng.randint(2, 8)
        if rng.random() < 0.3:
            c.send(now, va, "virtual_agent", VA_MESSAGES[1])
            now += rng.randint(5, 60)
            c.resolve(now, va, "virtual_agent", reason="Answered by the virtual agent")
            _survey(rng, c, now)
            return c.events
        c.add(now, VirtualAgentHandedOver, virtual_agent_id=va, virtual_agent_name=va_name,
              reason=rng.choice(HANDOVER_REASONS))
    agent = None
    for _ in range(5):
        steps = _session_plan(rng, c, first=agent is None)
        wanted = now + int(rng.expovariate(1 / (15 * MINUTE))) + 30
        booked = locks.book(rng, wanted, steps[-1][0], w.calendar.at_or_after(wanted) + 4 * HOUR, agent)
        if booked is None or booked[1] >= w.end:
            break  # nobody free in time: it waits in its queue
        agent, now = booked
        ending = _run_session(rng, c, agent, now, steps)
        now += steps[-1][0]
        if ending == "resolve":
            now = _survey(rng, c, now)
            if rng.random() >= 0.08:
                break
            now += int(rng.expovariate(1 / (6 * HOUR))) + 10 * MINUTE  # the contact writes again
        elif ending == "pending":
            roll = rng.random()
            if roll >= 0.6:  # no answer: auto-resolved a day later, or still pending
                if roll < 0.85:
                    c.resolve(now + DAY, None, "auto_resolve")
                break
            now += int(rng.expovariate(1 / (3 * HOUR))) + 2 * MINUTE
        elif ending == "dismiss":
            break
        else:
            continue  # unlocked, still New: back in the queue
        c.receive(now, rng.choice(CONTACT_REPLIES))
        c.move(now, "New", None)
    return c.events


class _Reorder:
    """Events made out of time order, given back in time order, ties in the order made.

    They wait in one-minute buckets (a stable sort of a small bucket is cheaper than a heap
    of the whole window); a bucket goes out once the caller says nothing earlier will come.
    """

    def __init__(self, start: int):
        self.buckets: dict[int, list[tuple[int, Event]]] = {}
        self.cursor = start // MINUTE  # minutes before it are released

    def add(self, events: list[tuple[int, Event]]) -> None:
        for item in events:
            self.buckets.setdefault(item[0] // MINUTE, []).append(item)

    def release(self, until: int) -> Iterator[Event]:
        """Every event of the minutes wholly before `until`'s minute: no event is still to
        come before `until`."""
        minutes = range(self.cursor, until // MINUTE) if until < NEVER else sorted(self.buckets)
        for minute in minutes:
            bucket = self.buckets.pop(minute, None)
            if bucket:
                bucket.sort(key=itemgetter(0))
                for _, event in bucket:
                    yield event
        self.cursor = max(self.cursor, until // MINUTE)


def generate(
    tickets: int,
    conversations: int,
    *,
    seed: int = 7,
    start: datetime = DEFAULT_START,
    days: int = 5,
    agents: int = 6,
) -> Iterator[Event]:
    """A synthetic log in time order: reference data at `start`, then presence, tickets and
    conversations until `start + days` (whole seconds). Same arguments, same events.

    Bad arguments raise ValueError here, not when the first event is asked for.
    """
    if start.utcoffset() is None:
        raise ValueError(f"start: expected an aware datetime, got naive {start.isoformat()}")
    if agents < 2 or days < 1 or tickets < 0 or conversations < 0:
        raise ValueError(f"expected agents >= 2, days >= 1 and counts >= 0, got agents={agents}, "
                         f"days={days}, tickets={tickets}, conversations={conversations}")
    return _events(tickets, conversations, seed, int(start.timestamp()), days, agents)


def _events(tickets: int, conversations: int, seed: int, begin: int, days: int,
            agents: int) -> Iterator[Event]:
    rng = random.Random(seed)
    # about two tickets per end user and three conversations per two contacts
    world = _World(rng, begin, begin + days * DAY, agents, users=max(10, tickets // 2),
                   contacts=max(8, conversations * 2 // 3))
    yield from world.reference
    waiting = _Reorder(begin)
    waiting.add(world.presence())
    locks = _Locks(world.availability)
    ticket_ids, conversation_ids = count(1001), count(1)
    for created, kind, by_agent in world.arrivals(tickets, conversations):
        yield from waiting.release(created)  # nothing still to come can precede these
        if kind == 0:
            waiting.add(_ticket_story(world, next(ticket_ids), created, by_agent))
        else:
            locks.forget(created)
            waiting.add(_conversation_story(world, locks, f"conv-{next(conversation_ids):06d}", created))
    yield from waiting.release(NEVER)


class _Instant(click.ParamType):
    name = "instant"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"expected ISO 8601 like 2026-03-02T08:00:00+00:00, got {value!r}", param, ctx)
        if instant.utcoffset() is None:
            self.fail(f"expected an offset (like +00:00), got {value!r}", param, ctx)
        return instant


def _counted(events: Iterator[Event], every: int = 100_000) -> Iterator[Event]:
    """Pass events through, telling stderr how many went by (on one line on a terminal)."""
    began, n = clock.perf_counter(), 0
    on_terminal = sys.stderr.isatty()
    for n, event in enumerate(events, 1):
        if n % every == 0:
            click.echo(f"\r{n:,} events" if on_terminal else f"{n:,} events", nl=not on_terminal, err=True)
        yield event
    took = clock.perf_counter() - began
    click.echo(f"\r{n:,} events in {took:.1f} s ({n / max(took, 1e-9):,.0f} events/s)", err=True)


@click.command()
@click.option("--tickets", type=click.IntRange(min=0), default=40, show_default=True, help="Tickets to create.")
@click.option("--conversations", type=click.IntRange(min=0), default=30, show_default=True,
              help="Hootdesk conversations to create.")
@click.option("--seed", type=int, default=7, show_default=True,
              help="Seed of the random generator: one seed, one log.")
@click.option("--start", type=_Instant(), default=DEFAULT_START.isoformat(), show_default=True,
              help="First instant of the log, ISO 8601 with an offset.")
@click.option("--days", type=click.IntRange(min=1), default=5, show_default=True,
              help="Length of the log in days.")
@click.option("--agents", type=click.IntRange(min=2), default=6, show_default=True,
              help="Agents (each both a Zendesk agent and a Hootdesk agent).")
@click.option("--format", "form", type=click.Choice(["ndjson", "avro"]), default="ndjson", show_default=True,
              help="NDJSON (one JSON event a line) or an Avro object container file.")
@click.option("--out", type=click.File("wb"), required=True, metavar="FILE",
              help="File to write; '-' for stdout.")
def main(tickets, conversations, seed, start, days, agents, form, out):
    """Write a deterministic synthetic event log of tickets, conversations and presence."""
    events = _counted(generate(tickets, conversations, seed=seed, start=start, days=days, agents=agents))
    if form == "ndjson":
        out.writelines(encode_json(event) + b"\n" for event in events)
    else:
        fastavro.writer(out, avro.parsed_schema(), (avro.to_record(event) for event in events))


if __name__ == "__main__":
    main()
