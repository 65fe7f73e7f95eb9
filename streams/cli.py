"""The `deskstream` command line: one click group, one module per command."""
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


for command in (replay, worker, produce, snapshot, exports):
    main.add_command(command)
