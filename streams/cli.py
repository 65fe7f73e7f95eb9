"""The `deskstream` command line: one click group, one module per command."""
import click

from streams.commands.replay import replay


@click.group(context_settings={"auto_envvar_prefix": "DESKSTREAM", "help_option_names": ["-h", "--help"]})
@click.version_option(package_name="deskstream")
def main():
    """deskstream: help-desk analytics from ticket and conversation events.

    Replay event logs into exports with no broker (`replay`), or run on Kafka.
    Every option can also be set with a DESKSTREAM_<COMMAND>_<OPTION> variable.
    """


main.add_command(replay)
