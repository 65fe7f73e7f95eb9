"""Agent presence in tests: `available(t("09:00"), ANA)` reads as "Ana is available at 09:00"."""
from itertools import count

from events import AgentWentAvailable, AgentWentAway
from projections import presence as presence_fold
from tests.projections.conversations_story import ANA, t

_ids = count(1)


def available(when, agent=ANA):
    return AgentWentAvailable(event_id=f"p{next(_ids):04d}", occurred_at=when, agent_id=agent)


def away(when, agent=ANA, state="Away"):
    return AgentWentAway(event_id=f"p{next(_ids):04d}", occurred_at=when, agent_id=agent, away_state=state)


def presence_of(events, agent=ANA):
    return presence_fold.fold(presence_fold.initial(agent), events)


# The whole of 3 March, UTC.
THIRD_OF_MARCH = {"date_from": t("00:00:00", "03-03"), "date_to": t("00:00:00", "03-04")}


def day_and_nights():
    """Ana on 2-4 March (UTC): available 20:00-22:30 on the 2nd, away overnight until 08:00,
    available until lunch 12:00-13:00, available from 13:00 until 01:00 on the 4th, then away."""
    return [
        available(t("20:00:00", "03-02")), away(t("22:30:00", "03-02")),
        available(t("08:00:00", "03-03")), away(t("12:00:00", "03-03"), state="Lunch"),
        available(t("13:00:00", "03-03")), away(t("01:00:00", "03-04")),
    ]
