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
from bench.generate.cli import main
from bench.generate.log import generate
from bench.generate.schedule import DEFAULT_START

__all__ = ["DEFAULT_START", "generate", "main"]
