"""`deskstream worker`: run the streaming worker on Kafka."""
import os
import sys

import click

from streams.commands.options import KAFKA_EXIT_CODES, load_settings, on_kafka, settings_options
from streams.settings import SettingsError
from streams.topics import ensure_topics


@click.command(epilog=KAFKA_EXIT_CODES)
@settings_options
@click.option("--web-port", "web_port", type=int, help="Port of the HTTP endpoint. [env: DESKSTREAM_WEB_PORT]")
@click.option("--web-host", "web_host", help="Address the HTTP endpoint listens on. [env: DESKSTREAM_WEB_HOST]")
@click.option("--store", type=click.Choice(["rocksdb://", "memory://"]),
              help="Table store: rocksdb:// on disk, or memory:// rebuilt from changelogs. [env: DESKSTREAM_STORE]")
@click.option("--processing-guarantee", "processing_guarantee", type=click.Choice(["at_least_once", "exactly_once"]),
              help="Kafka delivery guarantee; projections ignore re-delivered events either way. "
                   "[env: DESKSTREAM_PROCESSING_GUARANTEE]")
@click.option("--sensors/--no-sensors", default=None,
              help="Run Faust's Monitor sensor, which counts and times every message (off by default: "
                   "it costs per message). [env: DESKSTREAM_SENSORS]")
@click.option("--loglevel", default="warning", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]), help="Log level (logs go to stderr).")
def worker(loglevel, **flags):
    """Consume ticket and conversation events from Kafka and keep the projections.

    Tables live in RocksDB under --data-dir with Kafka changelogs, so a restarted worker
    picks up where it stopped. Ticket metrics are published to the compacted metrics
    topic when they change (once per batch of events, DESKSTREAM_BATCH_SIZE); bad
    events go to the dead-letter topic. Ask for exports with `deskstream snapshot` or
    POST /exports/{type} on the HTTP endpoint, which needs DESKSTREAM_WEB_TOKEN to listen
    beyond loopback. Each request is answered and recorded on the audit topic.

    The live dashboard is the page at / on the same endpoint (with a token: open
    /?token=TOKEN once); it follows the downstream topics, so any worker serves it whole.
    A snapshot covers every input partition whichever worker holds it.
    """
    import faust

    from streams.faust_config import use_event_loop
    from streams.web import require_web_token
    from streams.worker import Worker

    settings = load_settings(**flags)
    use_event_loop(settings)
    try:
        require_web_token(settings)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    on_kafka(settings, ensure_topics(settings))
    app = Worker(settings).runtime.app
    try:
        runner = faust.Worker(app, loglevel=loglevel, redirect_stdouts=False)
        # Faust's terminal spinner sets the root logger to DEBUG so that it can spin on
        # every record: aiokafka and Faust then format a debug record per message sent.
        runner.spinner = None
        runner.execute_from_commandline()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    # Faust has stopped its services and closed its loop by now, but under exactly_once it
    # can leave a non-daemon thread behind that would keep the process alive: leave now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
