"""`deskstream snapshot`: ask a running worker for an export and wait for it."""
import asyncio
import time
import uuid
from pathlib import Path

import click
import msgspec

from events.commands import ExportReady, ExportRequest, SnapshotRequested, ready_decoder
from sinks.destination import write_atomically
from sinks.registry import EXPORTS
from streams.commands.options import load_settings, settings_options
from streams.commands.params import InstantType, TimeZoneType, resolve
from streams.topics import bootstrap


@click.command()
@click.argument("export", type=click.Choice(sorted(EXPORTS)))
@settings_options
@click.option("--timezone", "time_zone", type=TimeZoneType(), default="UTC", show_default=True,
              envvar="DESKSTREAM_TIME_ZONE",
              help="The account's IANA time zone: of the export's times, and of TIME values without "
                   "an offset. [env: DESKSTREAM_TIME_ZONE]")
@click.option("--from", "date_from", type=InstantType(), metavar="TIME", help="Range start, inclusive.")
@click.option("--to", "date_to", type=InstantType(end_of_day=True), metavar="TIME",
              help="Range end, exclusive; a bare date means the end of that day.")
@click.option("--channel", "channels", multiple=True, help="Only these channels (Hootdesk exports); repeatable.")
@click.option("--as-of", "as_of", type=InstantType(), metavar="TIME",
              help="Snapshot time; closes presence intervals still running. Default: the latest event's time.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Copy the export here too (the worker's export dir must be readable from this machine).")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds to wait for the worker.")
@click.option("--as", "requester", metavar="EMAIL",
              help="Who asks: an administrator's e-mail (the Zendesk account exports are for administrators).")
def snapshot(export, time_zone, date_from, date_to, channels, as_of, out, timeout, requester, **flags):
    """Ask the worker for EXPORT, taken at one point of the stream, and print its path.

    The request goes to the command topic; the worker writes the export from its tables
    with the same code as `deskstream replay` and answers on the export-ready topic
    with the file's path, row count, SHA-256 and the input offsets it covers.
    """
    settings = load_settings(**flags)
    request = ExportRequest(
        export=export,
        time_zone=time_zone,
        date_from=resolve(date_from, time_zone),
        date_to=resolve(date_to, time_zone),
        channels=channels,
        as_of=resolve(as_of, time_zone),
        requester=requester,
    )
    command = SnapshotRequested(request_id=uuid.uuid4().hex, request=request)
    ready = asyncio.run(request_snapshot(settings, command, timeout))
    if ready is None:
        raise click.ClickException(f"no answer from a worker within {timeout:g} s (is `deskstream worker` running?)")
    if ready.outcome == "refused":
        raise click.ClickException(f"refused: {ready.error}")
    if ready.error is not None:
        raise click.ClickException(f"the worker could not write {export}: {ready.error}")
    path = Path(ready.path)
    if out is not None:
        if not path.is_file():
            raise click.ClickException(f"the worker's export {path} is not readable from here; "
                                       f"download it from GET /exports/{ready.request_id}?download=1")
        with path.open("rb") as source:
            path = write_atomically(out, path.name, iter(lambda: source.read(1 << 16), b""))
    click.echo(f"{ready.rows} rows, sha256 {ready.sha256}, offsets {msgspec.json.encode(ready.offsets).decode()}",
               err=True)
    click.echo(str(path))


async def request_snapshot(settings, command: SnapshotRequested, timeout: float) -> ExportReady | None:
    """Send the command and wait for its answer; None when none came in time."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

    servers = bootstrap(settings)
    reply = TopicPartition(settings.export_ready_topic, 0)
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all")
    await consumer.start()
    await producer.start()
    try:
        # Find where answers start now, before asking, so ours can't be missed.
        consumer.assign([reply])
        await consumer.seek_to_end(reply)
        await consumer.position(reply)
        await producer.send_and_wait(
            settings.command_topic, key=command.request_id.encode(), value=msgspec.json.encode(command)
        )
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            batches = await consumer.getmany(reply, timeout_ms=int(min(left, 1.0) * 1000))
            for message in batches.get(reply, []):
                if message.key == command.request_id.encode():
                    return ready_decoder.decode(message.value)
        return None
    finally:
        await producer.stop()
        await consumer.stop()
