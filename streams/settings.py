"""The one settings object, read from DESKSTREAM_* environment variables and CLI flags."""
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

ENV_PREFIX = "DESKSTREAM_"


class SettingsError(Exception):
    """A setting has a value deskstream can't use; the message names the variable.

    Not a ValueError on purpose: msgspec would wrap one raised in __post_init__.
    """


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    broker_url: str = "kafka://127.0.0.1:9092"
    data_dir: Path = Path("deskstream-data")
    export_dir: Path = Path("exports")
    time_zone: str = "UTC"
    ticket_topic: str = "deskstream.tickets"
    conversation_topic: str = "deskstream.conversations"
    command_topic: str = "deskstream.commands"
    dead_letter_topic: str = "deskstream.dead-letters"
    partitions: int = 4
    web_port: int = 6066

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"{ENV_PREFIX}TIME_ZONE: expected an IANA time zone such as 'Europe/Paris', "
                f"got {self.time_zone!r}"
            ) from None
        if self.partitions < 1:
            raise SettingsError(f"{ENV_PREFIX}PARTITIONS: expected at least 1, got {self.partitions}")

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
            return msgspec.convert(values, cls, strict=False)
        except msgspec.ValidationError as exc:
            field = str(exc).rsplit("$.", 1)[-1].rstrip("`")
            raise SettingsError(f"{ENV_PREFIX}{field.upper()}: {exc}") from None
