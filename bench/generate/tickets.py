"""Ticket stories: a Zendesk ticket's life in the status machine, from its creation to closed
(or the end of the log)."""
from itertools import count

from bench.generate.schedule import DAY, HOUR, MINUTE
from bench.generate.story import Story
from bench.generate.world import GROUPS, World
from events import (
    Event, TicketAssigneeChanged, TicketCommentAdded, TicketCreated, TicketDeleted, TicketFieldsChanged,
    TicketGroupChanged, TicketSatisfactionRated, TicketStatusChanged, TicketTagsChanged,
)

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


class _Ticket(Story):
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


def ticket_story(w: World, ticket_id: int, created: int, by_agent: bool) -> list[tuple[int, Event]]:
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
