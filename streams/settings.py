"""The one settings object, read from DESKSTREAM_* environment variables and CLI flags."""
import os
import re
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from events.base import DEFAULT_TIME_WINDOW, TimeWindow
from sinks.access import AccessPolicy

ENV_PREFIX = "DESKSTREAM_"
PROCESSING_GUARANTEES = ("at_least_once", "exactly_once")
STORES = ("rocksdb://", "memory://")
EVENT_LOOPS = ("uvloop", "asyncio")
# One broker of DESKSTREAM_BROKER_URL: kafka://HOST[:PORT], HOST a name, an IPv4 or an [IPv6].
BROKER = re.compile(r"(?:[a-z]+://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?")


class SettingsError(Exception):
    """A setting has a value deskstream can't use; the message names the variable.

    Not a ValueError on purpose: msgspec would wrap one raised in __post_init__.
    """


def _to_path(kind: type, value: object) -> Path:
    if kind is Path and isinstance(value, (str, Path)):
        return Path(value)
    raise NotImplementedError(kind)


@lru_cache(maxsize=8)  # read for every message the worker decodes
def _time_window(text: str) -> TimeWindow:
    try:
        start, end = (date.fromisoformat(day) for day in text.split("/"))
    except ValueError:
        start = end = None
    # Years 1900 to 9998 leave business-hours arithmetic room around both ends.
    if start is None or not date(1900, 1, 1) <= start < end <= date(9999, 1, 1):
        raise SettingsError(
            f"{ENV_PREFIX}EVENT_TIME_WINDOW: expected two days as start/end, start first, between "
            f"1900-01-01 and 9999-01-01, such as '{DEFAULT_TIME_WINDOW}', got {text!r}"
        )
    return TimeWindow(*(datetime.combine(day, datetime.min.time(), UTC) for day in (start, end)))


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # The consumer group, and the prefix of the tables' changelog topics.
    app_id: str = "deskstream"
    broker_url: str = "kafka://127.0.0.1:9092"
    data_dir: Path = Path("deskstream-data")
    export_dir: Path = Path("exports")
    time_zone: str = "UTC"
    ticket_topic: str = "deskstream.tickets"
    conversation_topic: str = "deskstream.conversations"
    command_topic: str = "deskstream.commands"
    export_ready_topic: str = "deskstream.exports"
    dead_letter_topic: str = "deskstream.dead-letters"
    export_audit_topic: str = "deskstream.export-audit"
    ticket_metrics_topic: str = "deskstream.ticket-metrics"
    conversation_metrics_topic: str = "deskstream.conversation-metrics"
    agent_rollups_topic: str = "deskstream.agent-rollups"
    team_rollups_topic: str = "deskstream.team-rollups"
    agent_figures_topic: str = "deskstream.hootdesk-agent-figures"
    team_figures_topic: str = "deskstream.hootdesk-team-figures"
    partitions: int = 4
    # "rocksdb://" keeps tables on disk under data_dir; "memory://" rebuilds them from
    # their changelogs at every start.
    store: str = "rocksdb://"
    processing_guarantee: str = "at_least_once"
    # Other workers that keep a copy of each table partition up to date from its changelog,
    # so one that takes the partition over after a crash needn't replay the whole changelog.
    standby_replicas: int = 1
    # Seconds before the group gives up on a worker that stopped answering; a restarted
    # worker waits this long for its dead predecessor's partitions.
    session_timeout: float = 60.0
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    # Bearer token the HTTP endpoint asks for; required when web_host is not loopback.
    # "" (not None) for none, so the setting survives a round trip through the environment.
    web_token: str = ""
    # Who may take the Zendesk account exports (sinks/access.py).
    exports_enabled: bool = True
    export_admin_domains: str = ""  # comma-separated; empty: administrators of any domain
    replay_checks_access: bool = False  # replay then needs --as, as the worker always does
    # The input agents fold up to batch_size events at a time, waiting at most batch_wait
    # seconds to fill a batch: a ticket's changes within one batch are stored and
    # published once, and Faust's cost per message sent dominates the worker's time.
    # A worker behind its log filled 500 before batch_wait was out: 2000 measured x1.3-1.4
    # less CPU per event (docs/benchmarks.md, 2d). A steady stream fills no batch, so the
    # size does not move latency.
    batch_size: int = 2000
    batch_wait: float = 0.1
    # Seconds the producer holds messages to send them together (Kafka's linger.ms):
    # one produce request per batch instead of one per message. An agent sends a batch's
    # records at once and then waits for them (streams/folded.py), twice a batch, while
    # Faust delivers it nothing: 0.005 measured x1.1-1.3 less CPU per event than 0.02.
    producer_linger: float = 0.005
    # Faust's Monitor sensor, which counts and times every message in Python for Faust's
    # /stats page; off, a lean sensor keeps only what Faust's stall warnings read.
    sensors: bool = False
    # The asyncio event loop the worker runs on: uvloop's, or Python's own.
    event_loop: str = "uvloop"
    # Events dated outside these days (ISO 8601 `start/end`, end excluded) are bad records.
    event_time_window: str = str(DEFAULT_TIME_WINDOW)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"{ENV_PREFIX}TIME_ZONE: expected an IANA time zone such as 'Europe/Paris', "
                f"got {self.time_zone!r}"
            ) from None
        if self.processing_guarantee not in PROCESSING_GUARANTEES:
            raise SettingsError(
                f"{ENV_PREFIX}PROCESSING_GUARANTEE: expected one of {', '.join(PROCESSING_GUARANTEES)}, "
                f"got {self.processing_guarantee!r}"
            )
        if self.store not in STORES:
            raise SettingsError(f"{ENV_PREFIX}STORE: expected one of {', '.join(STORES)}, got {self.store!r}")
        if not all(BROKER.fullmatch(url) for url in self.broker_url.split(";")):
            raise SettingsError(
                f"{ENV_PREFIX}BROKER_URL: expected kafka://HOST:PORT, several separated by ';', got {self.broker_url!r}"
            )
        if self.event_loop not in EVENT_LOOPS:
            raise SettingsError(
                f"{ENV_PREFIX}EVENT_LOOP: expected one of {', '.join(EVENT_LOOPS)}, got {self.event_loop!r}")
        if self.partitions < 1:
            raise SettingsError(f"{ENV_PREFIX}PARTITIONS: expected at least 1, got {self.partitions}")
        if self.standby_replicas < 0:
            raise SettingsError(f"{ENV_PREFIX}STANDBY_REPLICAS: expected 0 or more, got {self.standby_replicas}")
        if self.batch_size < 1:
            raise SettingsError(f"{ENV_PREFIX}BATCH_SIZE: expected at least 1, got {self.batch_size}")
        if not self.batch_wait > 0:
            raise SettingsError(f"{ENV_PREFIX}BATCH_WAIT: expected seconds above 0, got {self.batch_wait}")
        if self.producer_linger < 0:
            raise SettingsError(f"{ENV_PREFIX}PRODUCER_LINGER: expected seconds, 0 or more, got {self.producer_linger}")
        _time_window(self.event_time_window)
        if any("@" in domain or " " in domain for domain in self._admin_domains()):
            raise SettingsError(
                f"{ENV_PREFIX}EXPORT_ADMIN_DOMAINS: expected e-mail domains separated by commas such as "
                f"'example.com,example.org', got {self.export_admin_domains!r}"
            )

    def _admin_domains(self) -> frozenset[str]:
        return frozenset(d.strip().lower() for d in self.export_admin_domains.split(",") if d.strip())

    @property
    def time_window(self) -> TimeWindow:
        """`event_time_window` as the times the codec accepts."""
        return _time_window(self.event_time_window)

    @property
    def access_policy(self) -> AccessPolicy:
        return AccessPolicy(exports_enabled=self.exports_enabled, admin_domains=self._admin_domains())

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Settings from DESKSTREAM_* variables, then `overrides` (CLI flags) on top."""
        environ = os.environ if environ is None else environ
        values: dict = {}
        for name in cls.__struct_fields__:
            variable = ENV_PREFIX + name.upper()
            if variable in environ:
                values[name] = environ[variable]
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return msgspec.convert(values, cls, strict=False, dec_hook=_to_path)
        except msgspec.ValidationError as exc:
            field = str(exc).rsplit("$.", 1)[-1].rstrip("`")
            raise SettingsError(f"{ENV_PREFIX}{field.upper()}: {exc}") from None
