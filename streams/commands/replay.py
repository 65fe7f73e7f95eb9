"""`deskstream replay`: fold event logs in-process and write exports."""
import sys
from pathlib import Path

import click
import msgspec

from events.commands import ExportRequest
from events.errors import SourceError
from sinks.destination import write_atomically
from sinks.registry import EXPORTS
from streams.audit import ExportFailed, ExportRefused, write_audited
from streams.commands.options import load_settings
from streams.commands.params import InstantType, TimeZoneType, resolve
from streams.replay import SOURCES, ReplayStats, collector_paused, fold, read_source

ERRORS_FILE = "errors.ndjson"


@click.command()
@click.argument("logs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory the export files (and errors.ndjson, if any) are written to.")
@click.option("--source", type=click.Choice(SOURCES), default="events", show_default=True,
              help="'events': NDJSON or Avro (.avro) event logs. 'zendesk-api': one folder of "
                   "Zendesk API NDJSON files (tickets.ndjson, ticket_audits.ndjson, users.ndjson, ...).")
@click.option("--export", "exports", multiple=True, type=click.Choice(sorted(EXPORTS)),
              help="Export to write; repeat for several. Default: all of them.")
@click.option("--as-of", "as_of", type=InstantType(), metavar="TIME",
              help="Snapshot time (ISO 8601): events after it are left out. Default: the last event's time.")
@click.option("--timezone", "time_zone", type=TimeZoneType(), default="UTC", show_default=True,
              envvar="DESKSTREAM_TIME_ZONE",
              help="The account's IANA time zone: of the exports' times, and of TIME values given "
                   "without an offset. [env: DESKSTREAM_TIME_ZONE]")
@click.option("--from", "date_from", type=InstantType(), metavar="TIME",
              help="Range start, inclusive (the exports say what falls in the range).")
@click.option("--to", "date_to", type=InstantType(end_of_day=True), metavar="TIME",
              help="Range end, exclusive; a bare date means the end of that day.")
@click.option("--channel", "channels", multiple=True, metavar="CHANNEL",
              help="Only conversations and messages of this channel (Hootdesk exports); repeat for several. "
                   "A channel the log does not know is an error.")
@click.option("--as", "requester", metavar="EMAIL",
              help="Who asks: an administrator's e-mail, checked against the account's users when "
                   "DESKSTREAM_REPLAY_CHECKS_ACCESS=true (then required), and written to the audit log.")
def replay(logs, out, source, exports, as_of, time_zone, date_from, date_to, channels, requester):
    """Replay event logs through the projections and write exports, with no broker.

    LOGS are NDJSON event logs (one canonical event a line) or Avro object container
    files, folded in the order given; with --source zendesk-api, a folder of Zendesk API
    exports. A malformed record is reported with its file and line, written to
    OUT/errors.ndjson, and the rest of the log still replays. Export paths go to stdout.
    Each export asked for gets a line in OUT/export_audit.ndjson: who, what, when, the outcome.
    """
    settings = load_settings()
    if settings.replay_checks_access and not requester:
        raise click.UsageError("Missing option '--as': DESKSTREAM_REPLAY_CHECKS_ACCESS=true asks who exports.")
    errors: list[SourceError] = []
    stats = ReplayStats()
    as_of_time = resolve(as_of, time_zone)
    total = sum(p.stat().st_size for p in logs if p.is_file())
    request = ExportRequest(
        export="",
        time_zone=time_zone,
        date_from=resolve(date_from, time_zone),
        date_to=resolve(date_to, time_zone),
        channels=channels,
        as_of=as_of_time,
        requester=requester,
    )
    with collector_paused():
        with click.progressbar(length=total, label="Replaying", file=sys.stderr,
                               hidden=not sys.stderr.isatty()) as bar:
            events = read_source(list(logs), source, errors.append, bar.update)
            state = fold(events, as_of_time, stats)
        policy = settings.access_policy if settings.replay_checks_access else None
        try:
            results = write_audited(state, exports or sorted(EXPORTS), request, out, policy)
        except (ExportRefused, ExportFailed) as exc:
            raise click.ClickException(str(exc)) from None
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if errors:
        path = write_atomically(out, ERRORS_FILE, (msgspec.json.encode(e) + b"\n" for e in errors))
        click.echo(f"{len(errors)} bad records written to {path}", err=True)
    click.echo(
        f"replayed {stats.applied} events ({stats.after_as_of} after the as-of time left out)", err=True
    )
    for result in results:
        click.echo(f"{result.path}\t{result.rows} rows")
