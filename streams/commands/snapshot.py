"""`deskstream snapshot`: ask a running worker for an export and wait for it."""
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

import click
import msgspec

from events.commands import ExportReady, ExportRequest, SnapshotRequested, ready_decoder
from sinks.destination import UnsafeExportName, write_atomically
from sinks.registry import EXPORTS
from streams.commands.options import KAFKA_EXIT_CODES, load_settings, on_kafka, settings_options
from streams.commands.params import TIME_HELP, TIME_ZONE_HELP, InstantType, TimeZoneType, resolve, resolve_range
from streams.commands.paths import OutputFolder
from streams.topics import bootstrap


@click.command(epilog=KAFKA_EXIT_CODES)
@click.argument("export", type=click.Choice(sorted(EXPORTS)))
@settings_options
@click.option("--timezone", "time_zone", type=TimeZoneType(), default="UTC", show_default=True,
              envvar="DESKSTREAM_TIME_ZONE", help=TIME_ZONE_HELP)
@click.option("--from", "date_from", type=InstantType(), metavar="TIME",
              help="Range start, inclusive; it must be before --to.")
@click.option("--to", "date_to", type=InstantType(end_of_day=True), metavar="TIME",
              help="Range end, exclusive; a bare date means the end of that day.")
@click.option("--channel", "channels", multiple=True, help="Only these channels (Hootdesk exports); repeatable.")
@click.option("--as-of", "as_of", type=InstantType(), metavar="TIME",
              help="Snapshot time; closes presence intervals still running. Default: the latest event's time. "
                   + TIME_HELP)
@click.option("--out", type=OutputFolder(),
              help="Copy the export here too (the worker's export dir must be readable from this machine).")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds to wait for the worker.")
@click.option("--as", "requester", metavar="EMAIL",
              help="Who asks: an administrator's e-mail (the Zendesk account exports are for administrators).")
def snapshot(export, time_zone, date_from, date_to, channels, as_of, out, timeout, requester, **flags):
    """Ask the worker for EXPORT, taken at one point of the stream, and print its path.

    The request goes to the command topic; the worker that takes it gathers every input
    partition's entities from the workers holding them, writes the export with the same
    code as `deskstream replay` and answers on the export-ready topic with the file's
    path, row count, SHA-256 and the offset of each input partition it covers.
    """
    settings = load_settings(**flags)
    start, end = resolve_range(date_from, date_to, time_zone)
    request = ExportRequest(
        export=export,
        time_zone=time_zone,
        date_from=start,
        date_to=end,
        channels=channels,
        as_of=resolve(as_of, time_zone),
        requester=requester,
    )
    command = SnapshotRequested(request_id=uuid.uuid4().hex, request=request)
    ready = on_kafka(settings, request_snapshot(settings, command, timeout))
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
        try:
            with path.open("rb") as source:
                path = write_atomically(out, path.name, iter(lambda: source.read(1 << 16), b""))
        except (OSError, UnsafeExportName) as exc:
            raise click.ClickException(f"could not copy {path.name} into {out}: {exc}") from None
    click.echo(f"{ready.rows} rows, sha256 {ready.sha256}, offsets {msgspec.json.encode(ready.offsets).decode()}",
               err=True)
    click.echo(str(path))


async def request_snapshot(settings, command: SnapshotRequested, timeout: float) -> ExportReady | None:
    """Send the command and wait for its answer; None when none came in time."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

    servers = bootstrap(settings)
    reply = TopicPartition(settings.export_ready_topic, 0)
    async with AsyncExitStack() as opened:
        # Each one closed whatever comes next, a broker that can't be reached included.
        consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
        opened.push_async_callback(consumer.stop)
        await consumer.start()
        producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all")
        opened.push_async_callback(producer.stop)
        await producer.start()
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
