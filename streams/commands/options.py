"""Options every Kafka-facing command shares, mapped onto the Settings object."""
from pathlib import Path

import click

from streams.settings import Settings, SettingsError


def settings_options(command):
    """Add --broker/--partitions/... ; each falls back to its DESKSTREAM_* variable."""
    options = [
        click.option("--broker", "broker_url", metavar="URL",
                     help="Kafka broker URL, e.g. kafka://127.0.0.1:9092. [env: DESKSTREAM_BROKER_URL]"),
        click.option("--partitions", type=int,
                     help="Partitions of the input topics and tables. [env: DESKSTREAM_PARTITIONS]"),
        click.option("--data-dir", "data_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Where the worker keeps its RocksDB tables. [env: DESKSTREAM_DATA_DIR]"),
        click.option("--export-dir", "export_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Where the worker writes exports. [env: DESKSTREAM_EXPORT_DIR]"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def load_settings(**flags) -> Settings:
    """Settings from the environment with the command's flags on top; a bad value is a usage error."""
    try:
        return Settings.from_env(**flags)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
