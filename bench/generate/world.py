"""The world the stories are about: the help desks' people, groups, teams, organizations and
channels, the reference events that introduce them, the agents' presence, and when each
ticket and conversation arrives."""
import random
import unicodedata
from datetime import timedelta
from itertools import count

from bench.generate.schedule import CLOSES, MINUTE, NEVER, OPENS, TIME_ZONE, WORKDAYS, Calendar, at
from events import (
    AgentUpserted, AgentWentAvailable, AgentWentAway, ContactAttributeUpserted, ContactUpserted, Event,
    GroupUpserted, HolidayUpserted, OrganizationUpserted, ScheduleUpserted, TeamUpserted, UserUpserted,
    WeeklyInterval,
)

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
# medium, channel, channel display name, virtual agent on duty
CHANNELS = (("WhatsApp", "nimbus-whatsapp-fr", "Nimbus Home WhatsApp", True),
            ("Instagram", "nimbushome", "Nimbus Home Instagram", False),
            ("Facebook", "nimbus.home", "Nimbus Home Facebook", True),
            ("X", "nimbushome_help", "Nimbus Home Help", False))
AWAY_BREAKS = (("Meeting", 30, 60), ("Break", 10, 20), ("Training", 45, 90))


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".")


class World:
    """Who and what the stories are about, and the reference events that introduce them."""

    def __init__(self, rng: random.Random, start: int, end: int, agents: int, users: int, contacts: int):
        self.rng, self.start, self.end = rng, start, end
        first_day = at(start).astimezone(TIME_ZONE).date()
        self.holiday = first_day + timedelta(3)
        self.calendar = Calendar(start, end, self.holiday)
        self.reference: list[Event] = []
        self._ids = count(1)
        self._schedule()
        self._people(agents, users)
        self._hootdesk(agents, contacts)

    def _add(self, cls: type[Event], **fields) -> None:
        event_id = f"ref-{next(self._ids):06d}"
        self.reference.append(cls(event_id=event_id, occurred_at=at(self.start), **fields))

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
                fields = dict(event_id=f"presence-{agent_id}-{n:04d}", occurred_at=at(ts), agent_id=agent_id)
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
