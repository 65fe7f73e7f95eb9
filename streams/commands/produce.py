"""`deskstream produce`: send event logs to the worker's input topics."""
import sys
from pathlib import Path

import click

from events import codec
from events.errors import SourceError
from streams.commands.options import KAFKA_EXIT_CODES, load_settings, on_kafka, settings_options
from streams.commands.paths import check_logs
from streams.replay import SOURCES, read_source
from streams.topics import bootstrap, ensure_topics, input_topic

ENCODINGS = {"avro": codec.encode_avro, "json": codec.encode_json}


@click.command(epilog=KAFKA_EXIT_CODES)
@click.argument("logs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@settings_options
@click.option("--source", type=click.Choice(SOURCES), default="events", show_default=True,
              help="'events': NDJSON or Avro event logs; 'zendesk-api': a Zendesk API dump folder.")
@click.option("--encoding", type=click.Choice(sorted(ENCODINGS)), default="avro", show_default=True,
              help="How each event is written to Kafka.")
def produce(logs, source, encoding, **flags):
    """Send the events of LOGS to the input topics, keyed by entity id.

    Ticket and account events go to the ticket topic, conversation, contact, agent and
    presence events to the conversation topic. The topics are created with --partitions
    when missing. Bad records are reported on stderr and not sent.
    """
    check_logs(logs, source)
    settings = load_settings(**flags)
    errors: list[SourceError] = []
    total = sum(p.stat().st_size for p in logs if p.is_file())
    with click.progressbar(length=total, label="Producing", file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
        events = read_source(list(logs), source, errors.append, bar.update, lambda note: click.echo(note, err=True),
                             settings.time_window)
        sent = on_kafka(settings, _send(settings, events, ENCODINGS[encoding]))
    for error in errors:
        click.echo(f"error: {error}", err=True)
    click.echo(f"sent {sent} events ({len(errors)} bad records not sent)", err=True)


async def _send(settings, events, encode) -> int:
    from aiokafka import AIOKafkaProducer

    await ensure_topics(settings)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap(settings), linger_ms=20, acks="all")
    sent = 0
    try:
        await producer.start()
        for event in events:
            await producer.send(input_topic(event, settings), key=event.key.encode(), value=encode(event))
            sent += 1
        await producer.flush()
    finally:
        await producer.stop()
    return sent
