"""Conversation stories: a Hootdesk conversation's messages, virtual agent, agents' locks
(sessions) and CSAT surveys, until it is resolved (or the end of the log)."""
import random
from itertools import count

from bench.generate.locks import Locks
from bench.generate.schedule import DAY, HOUR, MINUTE
from bench.generate.story import Story
from bench.generate.world import VIRTUAL_AGENT, World
from events import (
    ConversationCreated, ConversationLocked, ConversationResolved, ConversationStatusChanged,
    ConversationTopicAdded, ConversationTopicRemoved, ConversationUnlocked, CsatAnswered, CsatSent, Event,
    MessageReceived, MessageSent, MessageTagAdded, MessageTagRemoved, VirtualAgentHandedOver,
)

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


class _Conversation(Story):
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
        # "unlock": the caller ends the lock, by the agent leaving or by another taking over
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


def conversation_story(w: World, locks: Locks, conversation_id: str,
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
    agent, held = None, False  # held: the last agent's lock is still running at `now`
    for _ in range(5):
        steps = _session_plan(rng, c, first=agent is None)
        booked = None
        if held:  # another agent free right now takes the conversation over: a steal
            booked = locks.book(rng, now, steps[-1][0], now, None)
            if booked is None or booked[0] == agent:
                booked = None
                c.add(now, ConversationUnlocked, agent_id=agent)  # nobody else: the holder leaves after all
            held = False
        if booked is None:
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
            if roll >= 0.6:  # no answer: auto-resolved a day later, bulk-resolved, or still pending
                if roll < 0.75:
                    c.resolve(now + DAY, None, "auto_resolve")
                elif roll < 0.85:  # the agent clears their pending queue in one go
                    c.resolve(now + 4 * HOUR, agent, "bulk", reason="No answer from the contact")
                break
            now += int(rng.expovariate(1 / (3 * HOUR))) + 2 * MINUTE
        elif ending == "dismiss":
            break
        else:  # still New: the agent leaves it to the queue, or someone takes it over at once
            held = rng.random() < 0.4
            if not held:
                c.add(now, ConversationUnlocked, agent_id=agent)
            continue
        c.receive(now, rng.choice(CONTACT_REPLIES))
        c.move(now, "New", None)
    if held:  # no one came to take it over: the holder leaves
        c.add(now, ConversationUnlocked, agent_id=agent)
    return c.events
