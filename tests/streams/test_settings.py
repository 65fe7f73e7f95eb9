from pathlib import Path

import pytest

from streams.settings import Settings, SettingsError


def test_settings_come_from_deskstream_variables_then_flags():
    # given
    env = {"DESKSTREAM_BROKER_URL": "kafka://kafka:9092", "DESKSTREAM_PARTITIONS": "8", "DESKSTREAM_DATA_DIR": "/data"}
    # when
    settings = Settings.from_env(env, partitions=2)
    # then
    assert (settings.broker_url, settings.partitions, settings.data_dir) == ("kafka://kafka:9092", 2, Path("/data"))


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DESKSTREAM_PARTITIONS": "many"}, "DESKSTREAM_PARTITIONS: Expected `int`, got `str`"),
        ({"DESKSTREAM_PARTITIONS": "0"}, "DESKSTREAM_PARTITIONS: expected at least 1, got 0"),
        ({"DESKSTREAM_TIME_ZONE": "Mars/Olympus"}, "DESKSTREAM_TIME_ZONE: expected an IANA time zone"),
        ({"DESKSTREAM_STORE": "redis://"}, "DESKSTREAM_STORE: expected one of rocksdb://, memory://, got 'redis://'"),
        ({"DESKSTREAM_PROCESSING_GUARANTEE": "maybe"}, "DESKSTREAM_PROCESSING_GUARANTEE: expected one of"),
        ({"DESKSTREAM_BATCH_SIZE": "0"}, "DESKSTREAM_BATCH_SIZE: expected at least 1, got 0"),
        ({"DESKSTREAM_STANDBY_REPLICAS": "-1"}, "DESKSTREAM_STANDBY_REPLICAS: expected 0 or more, got -1"),
        ({"DESKSTREAM_BATCH_WAIT": "0"}, "DESKSTREAM_BATCH_WAIT: expected seconds above 0, got 0.0"),
        ({"DESKSTREAM_PRODUCER_LINGER": "-1"}, "DESKSTREAM_PRODUCER_LINGER: expected seconds, 0 or more, got -1.0"),
        ({"DESKSTREAM_EVENT_LOOP": "trio"}, "DESKSTREAM_EVENT_LOOP: expected one of uvloop, asyncio, got 'trio'"),
    ],
)
def test_bad_setting_names_its_variable(env, message):
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        Settings.from_env(env)
