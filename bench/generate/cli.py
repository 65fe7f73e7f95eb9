"""The command line, `python -m bench.generate`: a log written as NDJSON or Avro, its events counted
on stderr."""
import sys
import time as clock
from collections.abc import Iterator
from datetime import datetime

import click
import fastavro

from bench.generate.log import generate
from bench.generate.schedule import DEFAULT_START
from events import Event, avro
from events.codec import encode_json


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

