"""The `deskstream` command line: one click group, one module per command."""
import signal

import click

from streams.commands.exports import exports
from streams.commands.produce import produce
from streams.commands.replay import replay
from streams.commands.snapshot import snapshot
from streams.commands.worker import worker


@click.group(context_settings={"auto_envvar_prefix": "DESKSTREAM", "help_option_names": ["-h", "--help"]})
@click.version_option(package_name="deskstream")
def main():
    """deskstream: help-desk analytics from ticket and conversation events.

    Replay event logs into exports with no broker (`replay`), or run on Kafka: send
    events (`produce`), keep the projections (`worker`), ask for exports (`snapshot`).
    `exports` lists the exports there are.
    Settings come from DESKSTREAM_* variables (see README) and the commands' flags.
    """
    stop_on_sigterm()


def stop_on_sigterm() -> None:
    """Make SIGTERM unwind the command as Ctrl-C does, so that the temp file of an export
    being written is removed on the way out; Python's default would end the process on
    the spot. Exit status 143 (128 + SIGTERM), as a shell reports. The worker's Faust
    runtime installs its own handler, which stops it cleanly."""
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum, frame):
    raise SystemExit(128 + signum)


for command in (replay, worker, produce, snapshot, exports):
    main.add_command(command)
