"""`deskstream replay`: fold event logs in-process and write exports."""
from pathlib import Path

import click

from events.commands import ExportRequest
from events.errors import SourceError
from events.log import STDIN
from sinks.registry import EXPORTS
from streams.audit import ExportFailed, ExportRefused, write_audited
from streams.commands.options import load_settings
from streams.commands.params import TIME_HELP, TIME_ZONE_HELP, InstantType, TimeZoneType, resolve, resolve_range
from streams.commands.paths import OutputFolder, check_logs
from streams.commands.replay_errors import EXIT_CODES, MaxErrorsType, exported, tell, uncreated_errors
from streams.export_jobs import default_jobs
from streams.replay import SOURCES, ReplayStats, collector_paused, fold, read_source
from streams.replay_progress import ReplayProgress
from streams.replay_report import DEFAULT_MAX_ERRORS, ErrorBudget, summary, verdict


@click.command(epilog=EXIT_CODES)
@click.argument("logs", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("--out", "out", required=True, type=OutputFolder(),
              help="Directory the export files (and errors.ndjson, if any) are written to.")
@click.option("--source", type=click.Choice(SOURCES), default="events", show_default=True,
              help="'events': NDJSON or Avro (.avro) event logs. 'zendesk-api': one folder of "
                   "Zendesk API NDJSON files (tickets.ndjson, ticket_audits.ndjson, users.ndjson, ...).")
@click.option("--export", "exports", multiple=True, type=click.Choice(sorted(EXPORTS)),
              help="Export to write; repeat for several. Default: all of them.")
@click.option("--as-of", "as_of", type=InstantType(), metavar="TIME",
              help="Snapshot time: events after it are left out. Default: the last event's time. " + TIME_HELP)
@click.option("--timezone", "time_zone", type=TimeZoneType(), default="UTC", show_default=True,
              envvar="DESKSTREAM_TIME_ZONE", help=TIME_ZONE_HELP)
@click.option("--from", "date_from", type=InstantType(), metavar="TIME",
              help="Range start, inclusive (the exports say what falls in the range). "
                   "It must be before --to.")
@click.option("--to", "date_to", type=InstantType(end_of_day=True), metavar="TIME",
              help="Range end, exclusive; a bare date means the end of that day.")
@click.option("--channel", "channels", multiple=True, metavar="CHANNEL",
              help="Only conversations and messages of this channel (Hootdesk exports); repeat for several. "
                   "A channel the log does not know is an error.")
@click.option("--as", "requester", metavar="EMAIL",
              help="Who asks: an administrator's e-mail, checked against the account's users when "
                   "DESKSTREAM_REPLAY_CHECKS_ACCESS=true (then required), and written to the audit log.")
@click.option("--max-errors", "max_errors", type=MaxErrorsType(), default=DEFAULT_MAX_ERRORS, show_default=True,
              metavar="N|P%", help="Bad records tolerated, as a count (10) or a share of the records read "
                                   "(0.5%); beyond it no export is written and the exit status is 1.")
@click.option("--strict", is_flag=True, help="Tolerate no bad record: --max-errors 0.")
@click.option("--jobs", type=click.IntRange(min=1), default=default_jobs, show_default="the number of cores",
              metavar="N", help="Processes writing the exports at once, once the logs are folded; "
                                "1 writes them one after another in this process. Same bytes either way.")
def replay(logs, out, source, exports, as_of, time_zone, date_from, date_to, channels, requester,
           max_errors, strict, jobs):
    """Replay event logs through the projections and write exports, with no broker.

    LOGS are NDJSON event logs (one canonical event a line) or Avro object container
    files, gzip-compressed or not (told by their content, not their name; "-" reads
    standard input), folded in the order given; with --source zendesk-api, a folder of
    Zendesk API exports. A malformed record is reported with its file and line, written
    to OUT/errors.ndjson, and the rest of the log still replays. Export paths go to
    stdout; on stderr, the run ends with one summary line: events read, applied,
    records rejected (the top reasons), duplicates ignored, events left out, and the
    tickets and conversations exported.
    Each export asked for gets a line in OUT/export_audit.ndjson: who, what, when, the outcome.
    """
    check_logs(logs, source)
    if source == "zendesk-api" and STDIN in map(str, logs):
        raise click.BadParameter("a Zendesk API dump is a folder; '-' (standard input) is for event logs",
                                 param_hint="LOGS")
    settings = load_settings()
    if settings.replay_checks_access and not requester:
        raise click.UsageError("Missing option '--as': DESKSTREAM_REPLAY_CHECKS_ACCESS=true asks who exports.")
    errors: list[SourceError] = []
    notes: list[str] = []
    stats = ReplayStats()
    as_of_time = resolve(as_of, time_zone)
    start, end = resolve_range(date_from, date_to, time_zone)
    total = sum(p.stat().st_size for p in logs if str(p) != STDIN and p.is_file())
    request = ExportRequest(
        export="",
        time_zone=time_zone,
        date_from=start,
        date_to=end,
        channels=channels,
        as_of=as_of_time,
        requester=requester,
    )
    progress = ReplayProgress()
    with collector_paused():
        with progress.reading(total) as bytes_read:
            events = read_source(list(logs), source, errors.append, bytes_read, notes.append, settings.time_window)
            state = fold(progress.counted(events), as_of_time, stats, folding=progress.folding)
        errors += uncreated_errors(state)
        notes += [f"warning: schedule {schedule_id} has no working hours: every business duration "
                  "under it is 0" for schedule_id in state.account.schedules_without_hours()]
        tell(notes, errors, out)
        refusal = verdict(stats, errors, ErrorBudget(0, False) if strict else max_errors)
        results = []
        if refusal is None:
            policy = settings.access_policy if settings.replay_checks_access else None
            names = exports or sorted(EXPORTS)
            try:
                with progress.writing(names) as written:
                    results = write_audited(state, names, request, out, policy, jobs=jobs, on_written=written)
            except (ExportRefused, ExportFailed) as exc:
                refusal = str(exc)
    click.echo(summary(stats, errors, *(exported(state) if results else (0, 0))), err=True)
    if refusal is not None:
        raise click.ClickException(refusal)
    for result in results:
        click.echo(f"{result.path}\t{result.rows} rows")
