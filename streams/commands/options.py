"""Options every Kafka-facing command shares, mapped onto the Settings object, and how
such a command meets the broker."""
import asyncio
import logging
from collections.abc import Coroutine
from pathlib import Path

import click

from streams.settings import Settings, SettingsError
from streams.topics import bootstrap

# What `--help` of a Kafka-facing command says about how it ends.
KAFKA_EXIT_CODES = ("Exit status: 0 done; 1 failed (no broker reachable, or the work could not be done: "
                    "the message says why); 2 usage error (a wrong option or setting).")


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


def on_kafka(settings: Settings, work: Coroutine):
    """Run `work` against the broker; a broker that can't be reached, or any other Kafka
    error, ends the command with one line (exit 1) instead of aiokafka's traceback."""
    from aiokafka.errors import KafkaConnectionError, KafkaError

    servers = bootstrap(settings)
    # aiokafka logs each failed connection on its own besides raising: the exception is enough.
    quiet = logging.getLogger("aiokafka")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        return asyncio.run(work)
    except KafkaConnectionError:
        raise click.ClickException(
            f"no Kafka broker reachable at {servers}: start one, or give its address with --broker "
            "or DESKSTREAM_BROKER_URL"
        ) from None
    except KafkaError as exc:
        raise click.ClickException(f"Kafka at {servers}: {exc}") from None
    finally:
        quiet.setLevel(level)
